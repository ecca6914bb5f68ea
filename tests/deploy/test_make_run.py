"""`make run PORT=…`: the site the README's first command starts answers on the port chosen, not on 8000."""

import http.client
import os
import signal
import subprocess
import time

from django.conf import settings

from tests.conftest import free_port


def _run_command(port):
    """The command `make run PORT=<port>` ends with, as make would hand it to the shell (its set-up steps left out)."""
    # Run from `make test`, this make must not take the outer one's flags (nor print its directory).
    environment = {key: value for key, value in os.environ.items() if key not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "run", f"PORT={port}"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = [line for line in printed.splitlines() if "honcho start -f Procfile" in line]
    assert len(commands) == 1, printed
    return commands[0]


def _get(port, path):
    """``(status, body)`` of ``path`` on the port, or None while nothing answers there."""
    probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        probe.request("GET", path)
        response = probe.getresponse()
        return response.status, response.read().decode()
    except OSError:
        return None
    finally:
        probe.close()


def test_make_run_serves_the_site_on_the_port_given(tmp_path):
    port = free_port()
    environment = {
        key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "CI")
    }
    # make passes its command-line variables to the recipe's shell; here the test is that shell.
    environment.update(PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PYTHONUNBUFFERED="1")
    log = tmp_path / "run.log"
    with open(log, "w") as output:
        # The web process only: the worker and beat would take the development broker's messages.
        process = subprocess.Popen(
            ["bash", "-c", f"{_run_command(port)} web"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        answer = None
        while answer is None and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
            answer = _get(port, "/healthz")
        assert answer is not None and answer[0] == 200, log.read_text()
        assert f"Starting development server at http://127.0.0.1:{port}/" in log.read_text()
        # SITE_URL follows the port: the addresses the site gives out (shared links, e-mails) point at it.
        status, page = _get(port, "/accessibilite/")
        assert status == 200, page
        assert f'<meta property="og:url" content="http://127.0.0.1:{port}/accessibilite/">' in page
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
