"""Brute force held back on both login pages: per account and address, per address, and unlocked by organisers."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SecurityEvent
from tests.conftest import text
from tests.factories import PASSWORD, OrganiserFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def attempt(client, url, email, password, **extra):
    return client.post(url, {"username": email, "password": password}, **extra)


def logged_in(client):
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_five_wrong_passwords_lock_the_account_from_that_address_even_for_the_right_one(client, url):
    organiser = OrganiserFactory()
    for _attempt in range(4):
        assert attempt(client, url, organiser.email, "pas-le-bon-123").status_code == 200
    assert attempt(client, url, organiser.email, "pas-le-bon-123").status_code == 429
    locked = attempt(client, url, organiser.email, PASSWORD)
    assert locked.status_code == 429
    assert not logged_in(client)
    assert "Trop d'essais de mot de passe pour ce compte" in text(locked)
    assert "Réessayez à partir de" in text(locked)
    assert f'value="{organiser.email}"' in text(locked)


def test_the_lock_cannot_keep_the_owner_out_from_their_own_address():
    organiser = OrganiserFactory()
    stranger = Client(REMOTE_ADDR="198.51.100.66")
    for _attempt in range(8):
        attempt(stranger, LOGIN, organiser.email, "pas-le-bon-123")
    owner = Client(REMOTE_ADDR="203.0.113.10")
    assert attempt(owner, LOGIN, organiser.email, PASSWORD).status_code == 302
    assert logged_in(owner)


def test_the_lock_ends_after_the_cool_off(client, clock):
    user = UserFactory()
    for _attempt in range(5):
        attempt(client, LOGIN, user.email, "pas-le-bon-123")
    assert attempt(client, LOGIN, user.email, PASSWORD).status_code == 429
    clock.set(timezone.now() + timedelta(minutes=16))
    assert attempt(client, LOGIN, user.email, PASSWORD).status_code == 302


def test_behind_the_proxy_the_lock_follows_the_visitor_not_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _attempt in range(5):
        attempt(attacker, LOGIN, user.email, "pas-le-bon-123")
    # A forged left-most hop changes nothing for the attacker…
    forged = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.66")
    assert attempt(forged, LOGIN, user.email, PASSWORD).status_code == 429
    # …while the owner, through the same proxy, is let in.
    owner = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.10")
    assert attempt(owner, LOGIN, user.email, PASSWORD).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.66"}


def test_an_address_trying_many_accounts_is_held(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 6
    people = UserFactory.create_batch(3)
    for person in people:
        for _attempt in range(2):
            attempt(client, LOGIN, person.email, "pas-le-bon-123")
    held = attempt(client, LOGIN, people[0].email, PASSWORD)
    assert held.status_code == 429
    assert "Trop d'essais de connexion depuis votre adresse" in text(held)
    assert not logged_in(client)
    # The admin's login form is held too, by the backend before any password is checked.
    attempt(client, ADMIN_LOGIN, people[1].email, PASSWORD)
    assert not logged_in(client)
    assert attempt(Client(REMOTE_ADDR="203.0.113.10"), LOGIN, people[2].email, PASSWORD).status_code == 302


def test_an_organiser_unlocks_an_account_and_it_is_recorded(client):
    locked_user = UserFactory()
    stranger = Client()
    for _attempt in range(5):
        attempt(stranger, LOGIN, locked_user.email, "pas-le-bon-123")
    assert attempt(stranger, LOGIN, locked_user.email, PASSWORD).status_code == 429

    organiser = OrganiserFactory()
    client.force_login(organiser)
    response = client.post(
        reverse("admin:accounts_user_changelist"), {"action": "clear_lockouts", "_selected_action": [locked_user.pk]}
    )
    assert response.status_code == 302
    assert attempt(Client(), LOGIN, locked_user.email, PASSWORD).status_code == 302
    event = locked_user.security_events.get(kind=SecurityEvent.Kind.LOCKOUT_CLEARED)
    assert event.actor == organiser


def test_organisers_see_the_lockouts_in_the_admin(client):
    user = UserFactory()
    for _attempt in range(5):
        attempt(Client(), LOGIN, user.email, "pas-le-bon-123")
    client.force_login(OrganiserFactory())
    page = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert page.status_code == 200
    assert user.email in text(page)
