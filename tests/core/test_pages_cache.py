"""The public pages' shared cache: who is served from it, with which headers, and who never is."""

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils.http import http_date

from core import pages
from tests.conftest import free_port, text
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.label.factories import EditionFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
HOME = reverse("home")
ACCESSIBILITY = reverse("accessibility")


def etag_of(response):
    return f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'


def rendered(response):
    """Whether the page was rendered for this request (templates used) rather than read from the cache."""
    return bool(response.templates)


@pytest.fixture
def frozen(clock):
    clock.set(NOW)
    return clock


def test_the_second_anonymous_request_is_served_from_the_cache_without_a_query(
    client, frozen, django_assert_num_queries
):
    EditionFactory(name="Label 2026", slug="label-2026")
    first = client.get(HOME)
    with django_assert_num_queries(0):
        second = Client().get(HOME)

    assert (rendered(first), first.has_header("Age")) == (True, False)
    assert (rendered(second), second["Age"]) == (False, "0")
    assert second.content == first.content
    assert "Label 2026" in text(second)


def test_a_public_page_says_how_long_and_how_to_reuse_it(client, frozen):
    first = client.get(ACCESSIBILITY)
    frozen.set(NOW.replace(second=20))
    second = client.get(ACCESSIBILITY)

    for response in (first, second):
        assert (response.status_code, response["Cache-Control"], response["Vary"]) == (
            200,
            "public, max-age=60",
            "Cookie",
        )
        assert (response["ETag"], response["Last-Modified"]) == (etag_of(first), http_date(NOW.timestamp()))
    assert (first.has_header("Age"), second["Age"]) == (False, "20")
    assert (second["Content-Type"], second["X-Frame-Options"]) == ("text/html; charset=utf-8", "DENY")
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_a_browser_holding_the_same_page_gets_a_304(client, frozen):
    etag = client.get(ACCESSIBILITY)["ETag"]

    same = client.get(ACCESSIBILITY, headers={"if-none-match": etag})
    unmodified = client.get(ACCESSIBILITY, headers={"if-modified-since": http_date(NOW.timestamp())})
    other = client.get(ACCESSIBILITY, headers={"if-none-match": '"an-older-page"'})

    assert (same.status_code, same.content, same["ETag"], same["Cache-Control"]) == (
        304,
        b"",
        etag,
        "public, max-age=60",
    )
    assert unmodified.status_code == 304
    assert (other.status_code, other["ETag"]) == (200, etag)


def test_the_page_expires_after_its_max_age(client, frozen):
    client.get(ACCESSIBILITY)
    frozen.set(NOW.replace(minute=1))

    again = client.get(ACCESSIBILITY)

    assert (rendered(again), again.has_header("Age"), again["Last-Modified"]) == (
        True,
        False,
        http_date(NOW.replace(minute=1).timestamp()),
    )


def test_a_change_made_in_another_process_shows_once_this_one_reads_the_version_again(client, monkeypatch):
    client.get(ACCESSIBILITY)
    caches["default"].set(pages.VERSION_KEY, "moved-by-another-process")

    monkeypatch.setattr(pages, "VERSION_CHECK_SECONDS", 60)
    within_the_delay = client.get(ACCESSIBILITY)
    monkeypatch.setattr(pages, "VERSION_CHECK_SECONDS", 0)
    after_it = client.get(ACCESSIBILITY)

    assert (rendered(within_the_delay), rendered(after_it)) == (False, True)


def test_french_and_english_are_cached_apart(client):
    french = client.get(HOME)
    english_client = Client()
    english_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = english_client.get(HOME)
    french_again = Client().get(HOME)
    english_again = english_client.get(HOME)

    assert [rendered(response) for response in (french, english, french_again, english_again)] == [
        True,
        True,
        False,
        False,
    ]
    assert '<html lang="fr">' in text(french_again) and "Le label des collectivités qui innovent" in text(french_again)
    assert '<html lang="en">' in text(english_again)
    assert "The label for innovative local authorities" in text(english_again)
    assert english_again["Content-Language"] == "en"


def test_a_logged_in_person_never_gets_the_anonymous_page(client):
    Client().get(HOME)
    client.force_login(UserFactory(full_name="Sophie Leroy"))

    response = client.get(HOME)

    assert (rendered(response), response["Cache-Control"], response.has_header("ETag")) == (True, "private", False)
    assert '<span class="account-name">Sophie</span>' in text(response) and "Se déconnecter" in text(response)


def test_a_logged_in_person_s_page_is_never_served_to_anyone_else(client):
    client.force_login(UserFactory())
    client.get(HOME)

    anonymous = Client().get(HOME)

    assert (rendered(anonymous), anonymous["Cache-Control"]) == (True, "public, max-age=60")
    assert "Se déconnecter" not in text(anonymous) and "Se connecter" in text(anonymous)


def test_a_page_showing_a_pending_message_is_not_cached(client):
    event = EventFactory()
    client.post(
        reverse("events:detail", kwargs={"slug": event.slug}),
        {
            "full_name": "Sophie Leroy",
            "email": "sophie@ville.example",
            "organisation": "Ville de Saint-Omer",
            "attendance": "on_site",
            "website": "",
        },
    )
    message = "Votre inscription est confirmée. Un courriel de confirmation vous a été envoyé à sophie@ville.example."

    with_message = client.get(ACCESSIBILITY)
    after = client.get(ACCESSIBILITY)
    someone_else = Client().get(ACCESSIBILITY)

    assert (rendered(with_message), with_message["Cache-Control"]) == (True, "private")
    assert message in text(with_message)
    assert (rendered(after), after["Cache-Control"]) == (True, "public, max-age=60")
    assert (rendered(someone_else), message in text(someone_else)) == (False, False)


def test_a_page_embedding_a_form_s_csrf_token_is_not_stored(client):
    event = EventFactory()
    url = reverse("events:detail", kwargs={"slug": event.slug})

    first, second = client.get(url), Client().get(url)

    for response in (first, second):
        assert (rendered(response), response["Cache-Control"]) == (True, "private")
        assert list(response.cookies) == [django_settings.CSRF_COOKIE_NAME]
        assert 'name="csrfmiddlewaretoken"' in text(response)


def test_the_anonymous_pages_embed_no_csrf_token_and_set_no_cookie(client):
    response = client.get(HOME)

    assert (list(response.cookies), "csrfmiddlewaretoken" in text(response)) == ([], False)


def test_the_language_switch_needs_no_token_but_refuses_another_site():
    client = Client(enforce_csrf_checks=True)
    url = reverse("set_language")

    switched = client.post(url, {"language": "en", "next": ACCESSIBILITY}, headers={"sec-fetch-site": "same-origin"})
    forged = Client(enforce_csrf_checks=True).post(
        url, {"language": "en", "next": ACCESSIBILITY}, headers={"sec-fetch-site": "cross-site"}
    )

    assert (switched.status_code, switched.url, switched.cookies[django_settings.LANGUAGE_COOKIE_NAME].value) == (
        302,
        ACCESSIBILITY,
        "en",
    )
    assert (forged.status_code, list(forged.cookies)) == (403, [])


def test_without_its_cache_the_site_answers_and_says_so_once(client, settings, caplog):
    port = free_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }

    responses = [client.get(HOME), client.get(HOME)]

    assert [(response.status_code, response["Cache-Control"], rendered(response)) for response in responses] == [
        (200, "private", True),
        (200, "private", True),
    ]
    assert [record.getMessage() for record in caplog.records if record.name == "core.pages"] == [
        "Public pages cache unreachable: pages rendered without it."
    ]
