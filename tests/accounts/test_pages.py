import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["home", "accessibility", "privacy", "accounts:login", "accounts:signup", "accounts:password_reset"]


@pytest.mark.parametrize("name", PAGES)
def test_public_pages_are_french_with_skip_link_and_footer(client, name):
    response = client.get(reverse(name))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html
    assert 'href="/accessibilite/"' in html and 'href="/donnees-personnelles/"' in html
    assert "cdn" not in html.lower()


def test_french_is_the_default_whatever_the_browser_asks(client):
    response = client.get(reverse("home"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="fr">' in response.content.decode()


def test_the_language_switch_turns_the_site_to_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "The label for innovative local authorities" in html


@pytest.mark.parametrize("name", PAGES)
def test_page_query_count_does_not_depend_on_the_number_of_accounts(client, django_assert_num_queries, name):
    viewer = UserFactory()
    client.force_login(viewer)
    client.get(reverse(name))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse(name))
    UserFactory.create_batch(30)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse(name))


def test_responses_carry_a_strict_content_security_policy(client):
    policy = client.get(reverse("home")).headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_the_english_catalogue_is_complete():
    catalogue = polib.pofile(str(settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def source_parts():
    """What makemessages reads: the project files and every app of ours."""
    ours = [
        Path(config.path).relative_to(settings.BASE_DIR).parts[0]
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
    ]
    return ["manage.py", "config", "templates", "locale", *sorted(set(ours))]


@pytest.mark.gettext
def test_every_translatable_string_is_in_the_english_catalogue(tmp_path):
    """Extract the strings from a copy of the sources: none may be missing or guessed in English."""
    for part in source_parts():
        source = settings.BASE_DIR / part
        if source.is_dir():
            shutil.copytree(source, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, tmp_path / part)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}"}
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "en", "--no-obsolete", "--ignore", "tests/*"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    catalogue = polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "k" * 20 + "-production-like-secret-key-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "label.example",
        "SITE_URL": "https://label.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."


def test_the_migrations_match_the_models():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
