"""The systemd units: they run the project's own commands, as the label user in the checkout, hardened, and
they give the work in hand time to finish when stopped."""

import configparser
import re
import shlex
import shutil
import subprocess

import pytest
from django.conf import settings

from tests.conftest import IN_CI

from .servers import PRODUCTION_ROOT, SYSTEMD, gunicorn_config

SERVICES = ("label-web.service", "label-worker@.service", "label-beat.service", "label-backup.service")
VENV = f"{PRODUCTION_ROOT}/.venv/bin"


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((SYSTEMD / name).read_text())
    return parser


def seconds(timespan):
    """A systemd time span such as "45", "90s" or "10min", in seconds."""
    number, unit_name = re.fullmatch(r"(\d+)\s*(s|min|)", timespan).groups()
    return int(number) * (60 if unit_name == "min" else 1)


def test_each_service_runs_a_command_of_the_project():
    commands = {name: shlex.split(unit(name)["Service"]["ExecStart"]) for name in SERVICES}

    assert commands == {
        "label-web.service": [f"{VENV}/gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
        "label-worker@.service": [
            f"{VENV}/celery",
            *("-A", "config", "worker", "--loglevel", "INFO"),
            *("--concurrency", "${WORKER_CONCURRENCY}", "--hostname", "worker%i@%H"),
        ],
        "label-beat.service": [f"{VENV}/celery", "-A", "config", "beat", "--loglevel", "INFO"],
        "label-backup.service": [f"{VENV}/python", "manage.py", "backup"],
    }
    # What those commands name exists in the checkout: the gunicorn config, the WSGI and Celery apps, manage.py.
    for path in ("config/gunicorn.conf.py", "config/wsgi.py", "config/celery.py", "manage.py"):
        assert (settings.BASE_DIR / path).is_file(), path


def test_each_service_runs_as_label_in_the_checkout_and_writes_only_var():
    expected = {
        "User": "label",
        "WorkingDirectory": PRODUCTION_ROOT,
        "EnvironmentFile": "/etc/label-territoire-innovant/env",
        "NoNewPrivileges": "true",
        "PrivateTmp": "true",
        "ProtectSystem": "strict",
        "ReadWritePaths": f"{PRODUCTION_ROOT}/var",
        "ProtectHome": "true",
        "CapabilityBoundingSet": "",
    }

    found = {name: {key: unit(name)["Service"].get(key) for key in expected} for name in SERVICES}

    assert found == dict.fromkeys(SERVICES, expected)


def test_stopping_lets_requests_and_tasks_in_hand_finish():
    web, worker = unit("label-web.service")["Service"], unit("label-worker@.service")["Service"]
    graceful = int(gunicorn_config()["graceful_timeout"])

    # SIGTERM to the main process only (gunicorn's master, Celery's parent), which stops its children cleanly.
    assert (web["KillMode"], worker["KillMode"]) == ("mixed", "mixed")
    assert seconds(web["TimeoutStopSec"]) > graceful
    assert seconds(worker["TimeoutStopSec"]) > settings.NOTIFICATIONS_SEND_TIME_LIMIT


def test_the_services_belong_to_the_target_and_beat_is_a_single_unit():
    wanted = {name: unit(name)["Install"]["WantedBy"] for name in SERVICES if name != "label-backup.service"}

    assert wanted == dict.fromkeys(wanted, "label.target")
    assert unit("label.target")["Install"]["WantedBy"] == "multi-user.target"
    assert unit("label-backup.timer")["Install"]["WantedBy"] == "timers.target"
    # Beat is not a template: there is no way to start two from the shipped units.
    assert sorted(path.name for path in SYSTEMD.glob("label-beat*")) == ["label-beat.service"]
    assert "EXACTLY ONE beat" in (SYSTEMD / "label-beat.service").read_text()


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        if IN_CI:
            pytest.fail("CI=true but systemd-analyze is not installed (apt-get install systemd)")
        pytest.skip("systemd-analyze is not installed: the units' syntax is not checked by systemd")
    environment_file = tmp_path / "env"
    environment_file.write_text("WORKER_CONCURRENCY=2\n")
    for path in SYSTEMD.iterdir():
        text = path.read_text().replace(PRODUCTION_ROOT, str(settings.BASE_DIR))
        text = text.replace("/etc/label-territoire-innovant/env", str(environment_file))
        (tmp_path / path.name).write_text(text)
    # The template is checked through an instance of it; the commands must exist in this checkout.
    names = [f"./{path.name}".replace("@.service", "@1.service") for path in sorted(SYSTEMD.iterdir())]

    result = subprocess.run(
        [analyze, "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    # systemd only warns about an unknown key or a wrong value: any message fails the test.
    assert (result.returncode, result.stderr, result.stdout) == (0, "", "")
