"""``seed_demo`` runs with DEBUG on, or when forced; no process imports the demo before it runs."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from label.models import Edition

from .seeding import seed

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent.parent
READY = "Demo data ready. Password of every demo account: LabelDemo2020!"


def test_with_debug_off_it_refuses_and_creates_nothing():
    with pytest.raises(CommandError) as refusal:
        call_command("seed_demo", no_color=True, stdout=StringIO())

    assert str(refusal.value) == (
        "DEBUG is off: seed_demo creates accounts whose password is published (in the README and in this "
        "command's output), so it does not run on what may be a production server. Run it with DEBUG=true, or "
        "add --force on a server that is not a production one."
    )
    assert list(User.objects.filter(email__endswith="@label-demo.example")) == []
    assert list(Edition.objects.all()) == []


def test_with_debug_off_and_force_it_seeds_and_says_so():
    lines = seed().splitlines()

    assert (lines[0], lines[1], lines[-1]) == (
        "DEBUG is off, seeding anyway (--force): the demo accounts below get a published password.",
        "Demo accounts:",
        READY,
    )
    assert Edition.objects.count() == 4


def test_with_debug_on_it_seeds_without_a_warning(settings):
    settings.DEBUG = True
    output = StringIO()

    call_command("seed_demo", no_color=True, stdout=output)

    lines = output.getvalue().splitlines()
    assert (lines[0], lines[-1]) == ("Demo accounts:", READY)
    assert Edition.objects.count() == 4


def test_no_web_or_worker_process_imports_the_demo():
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "from django.urls import get_resolver\n"
        "get_resolver().url_patterns\n"
        "from config.celery import app\n"
        "app.loader.import_default_modules()\n"
        "print(sorted(name for name in sys.modules if name == 'demo' or name.startswith('demo.')))\n"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}

    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=120
    )

    assert (result.returncode, result.stdout.splitlines()[-1:]) == (0, ["[]"])
