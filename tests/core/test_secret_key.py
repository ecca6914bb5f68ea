"""With DEBUG off the site refuses to serve without SECRET_KEY (commands still run); with DEBUG on, var/'s key does."""

import subprocess
import sys

from django.conf import settings

REFUSAL = (
    "django.core.exceptions.ImproperlyConfigured: SECRET_KEY manquante : avec DEBUG désactivé, définissez la "
    "variable d'environnement SECRET_KEY (ou une ligne SECRET_KEY=… dans .env) à une valeur longue et aléatoire, "
    "la même sur chaque serveur, "
)
REFUSAL_EN = "SECRET_KEY is missing: with DEBUG off, set the SECRET_KEY environment variable"
KEY = "k" * 20 + "-production-like-secret-key-0123456789"


SERVE = ["-c", "import config.wsgi, config.asgi"]
MAKEMIGRATIONS = ["manage.py", "makemigrations", "--check", "--dry-run"]


def started(tmp_path, command=SERVE, **variables):
    """Whether ``command`` succeeds in a fresh process (by default: loading the site as gunicorn does), else
    the last line it printed.

    SECRET_KEY is empty unless given (an empty variable wins over a .env file); None leaves a variable out.
    """
    environment = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "",
        **variables,
    }
    result = subprocess.run(
        [sys.executable, *command],
        cwd=settings.BASE_DIR,
        env={name: value for name, value in environment.items() if value is not None},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode == 0:
        return True
    last_line = result.stderr.strip().splitlines()[-1]
    return "refused" if last_line.startswith(REFUSAL) and REFUSAL_EN in last_line else last_line


def test_only_a_missing_key_with_debug_off_stops_the_start(tmp_path):
    cases = {
        "DEBUG off, no key": {"DEBUG": "false"},
        "DEBUG unset, no key": {"DEBUG": None},
        "DEBUG off, a key": {"DEBUG": "false", "SECRET_KEY": KEY},
        "DEBUG on, the key under var/": {"DEBUG": "true"},
        "test settings": {"DJANGO_SETTINGS_MODULE": "config.settings_test", "DEBUG": "false", "SECRET_KEY": None},
        "bench settings": {"DJANGO_SETTINGS_MODULE": "config.settings_bench", "DEBUG": "false", "SECRET_KEY": None},
    }

    outcomes = {case: started(tmp_path, **variables) for case, variables in cases.items()}

    assert outcomes == {
        "DEBUG off, no key": "refused",
        "DEBUG unset, no key": "refused",
        "DEBUG off, a key": True,
        "DEBUG on, the key under var/": True,
        "test settings": True,
        "bench settings": True,
    }


def test_commands_run_without_a_key_so_a_fresh_clone_can_check_its_migrations(tmp_path):
    assert started(tmp_path, MAKEMIGRATIONS, DEBUG="false") is True
    assert started(tmp_path, ["manage.py", "check"], DEBUG=None) is True
