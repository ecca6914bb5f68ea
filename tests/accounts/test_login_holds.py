"""Login holds that cannot be got round: the address's letter case, the admin's login page, many addresses on one
account; and the ways out of a hold that keep an organiser from being locked out for long."""

import time

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import text
from tests.factories import PASSWORD, OrganiserFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
ADMIN_LOGIN = "/admin/login/"
WRONG = "pas-le-bon-123"
ACCOUNT_HELD = "Trop d'essais de mot de passe sur ce compte depuis plusieurs connexions"


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def attempt(client, url, email, password):
    return client.post(url, {"username": email, "password": password})


def logged_in(client):
    return "_auth_user_id" in client.session


def from_address(address):
    return Client(REMOTE_ADDR=address)


def fail_from(addresses, email, times):
    for address in addresses:
        client = from_address(address)
        for _attempt in range(times):
            attempt(client, LOGIN, email, WRONG)


def unlocked_by_organiser(person):
    organiser_client = Client()
    organiser_client.force_login(OrganiserFactory())
    response = organiser_client.post(
        reverse("admin:accounts_user_changelist"), {"action": "clear_lockouts", "_selected_action": [person.pk]}
    )
    assert response.status_code == 302


# --- the address's letter case --------------------------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_changing_the_letter_case_of_the_address_does_not_get_round_the_lock(client, url):
    organiser = OrganiserFactory()
    spellings = [organiser.email, organiser.email.upper(), organiser.email.capitalize(), f" {organiser.email.title()} "]
    for index in range(5):
        attempt(client, url, spellings[index % len(spellings)], WRONG)
    answers = [attempt(client, url, spelling, PASSWORD) for spelling in spellings]
    assert [answer.status_code for answer in answers] == [429] * len(spellings)
    assert not logged_in(client)
    assert "Trop d'essais de mot de passe pour ce compte" in text(answers[1])


def test_the_organisers_unlock_clears_the_lock_whatever_the_spelling_of_the_address():
    person = UserFactory(email="Agent.Dupont@Ville-Exemple.fr")
    stranger = from_address("198.51.100.66")
    for spelling in ("agent.dupont@ville-exemple.fr", "AGENT.DUPONT@VILLE-EXEMPLE.FR", "Agent.Dupont@Ville-Exemple.fr"):
        attempt(stranger, LOGIN, spelling, WRONG)
        attempt(stranger, LOGIN, spelling, WRONG)
    assert attempt(stranger, LOGIN, person.email, PASSWORD).status_code == 429

    unlocked_by_organiser(person)
    assert attempt(stranger, LOGIN, "AGENT.dupont@ville-exemple.FR", PASSWORD).status_code == 302
    assert logged_in(stranger)


# --- the admin's login page answers like the site's ------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_an_address_held_after_failing_on_many_accounts_gets_the_429_page_and_when_to_retry(client, settings, url):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    people = UserFactory.create_batch(2)
    for person in people:
        for _attempt in range(2):
            attempt(client, LOGIN, person.email, WRONG)
    held = attempt(client, url, people[0].email, PASSWORD)
    assert held.status_code == 429
    assert "Trop d'essais de connexion depuis votre adresse en une heure" in text(held)
    assert "Réessayez à partir de" in text(held)
    assert not logged_in(client)


# --- one account tried from many addresses -----------------------------------------------------------


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_failures_from_several_addresses_hold_the_account_everywhere_briefly(settings, url):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 8
    organiser = OrganiserFactory()
    fail_from(["198.51.100.1"], organiser.email, 5)
    fail_from(["198.51.100.2"], organiser.email, 3)
    owner = from_address("203.0.113.10")
    held = attempt(owner, url, organiser.email.upper(), PASSWORD)
    assert held.status_code == 429
    assert ACCOUNT_HELD in text(held)
    assert "suspendues 5 minutes" in text(held)
    assert "Réessayez à partir de" in text(held)
    assert not logged_in(owner)


def test_one_address_alone_never_holds_the_account(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 8
    organiser = OrganiserFactory()
    fail_from(["198.51.100.1"], organiser.email, 20)
    owner = from_address("203.0.113.10")
    assert attempt(owner, LOGIN, organiser.email, PASSWORD).status_code == 302


def test_the_hold_ends_after_its_cool_off_and_attempts_during_it_do_not_prolong_it(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 4
    settings.LOGIN_ACCOUNT_COOLOFF_MINUTES = 0.1  # six seconds: room for the attempts below on a busy machine
    organiser = OrganiserFactory()
    fail_from(["198.51.100.1", "198.51.100.2"], organiser.email, 2)
    held_at = time.monotonic()
    owner = from_address("203.0.113.10")
    assert attempt(owner, LOGIN, organiser.email, PASSWORD).status_code == 429
    # Late in the hold, refused before any password is checked: these neither count nor start a new hold.
    time.sleep(1)
    fail_from(["198.51.100.3", "198.51.100.4", "198.51.100.5"], organiser.email, 2)
    assert attempt(owner, ADMIN_LOGIN, organiser.email, PASSWORD).status_code == 429
    assert time.monotonic() - held_at < 5, "the attempts above took too long to fall within the hold"
    time.sleep(max(0.0, held_at + 6.3 - time.monotonic()))
    assert attempt(owner, LOGIN, organiser.email, PASSWORD).status_code == 302


def held_organiser(settings):
    """An organiser held after four failures from two addresses, and its owner's client, refused with 429."""
    settings.LOGIN_FAILURES_PER_ACCOUNT = 4
    organiser = OrganiserFactory()
    fail_from(["198.51.100.1", "198.51.100.2"], organiser.email, 2)
    owner = from_address("203.0.113.10")
    assert attempt(owner, LOGIN, organiser.email, PASSWORD).status_code == 429
    return organiser, owner


def test_the_owner_lifts_the_hold_by_choosing_a_new_password(settings):
    organiser, owner = held_organiser(settings)

    uid = urlsafe_base64_encode(force_bytes(organiser.pk))
    token = default_token_generator.make_token(organiser)
    link = owner.get(reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
    new_password = "Un-tout-nouveau-secret-77"
    done = owner.post(link.url, {"new_password1": new_password, "new_password2": new_password})
    assert done.url == reverse("accounts:password_reset_complete")
    assert attempt(owner, LOGIN, organiser.email, new_password).status_code == 302


def test_an_organiser_lifts_the_hold_from_the_admin(settings):
    organiser, owner = held_organiser(settings)
    unlocked_by_organiser(organiser)
    assert attempt(owner, LOGIN, organiser.email, PASSWORD).status_code == 302
