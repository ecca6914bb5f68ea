"""What a session owes follows what the account has now, not what the session remembers from its login: a session
opened before the owner set up a second factor cannot replace it, and one whose second factor was reset meanwhile
is led to the set-up without going round in circles."""

import base64
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import second_factor
from tests.accounts.test_second_factor import code_for, enrol, log_in, reaches
from tests.conftest import text
from tests.factories import OrganiserFactory, UserFactory

pytestmark = pytest.mark.django_db

VERIFY = reverse("accounts:second_factor_verify")
ENROL = reverse("accounts:second_factor_enrol")


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def shown_secret(client):
    return re.search(r'id="secret">([A-Z2-7 ]+)<', text(client.get(ENROL))).group(1)


def confirmed_keys(user):
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).values_list("key", flat=True))


def key_of(secret):
    return base64.b32decode(secret.replace(" ", "")).hex()


# --- a session older than the second factor ----------------------------------------------------------


def test_a_session_opened_before_the_owner_set_up_the_second_factor_cannot_replace_it():
    organiser = OrganiserFactory()
    intruder = Client()
    log_in(intruder, organiser)
    intruder_secret = shown_secret(intruder)

    owner = Client()
    log_in(owner, organiser)
    owner_secret, _recovery = enrol(owner)

    for url in ("/admin/", ENROL, reverse("accounts:security")):
        response = intruder.get(url)
        assert (response.status_code, response.url.split("?")[0]) == (302, VERIFY), url
    confirming = intruder.post(ENROL, {"code": code_for(intruder_secret)})
    assert (confirming.status_code, confirming.url.split("?")[0]) == (302, VERIFY)
    assert confirmed_keys(organiser) == [key_of(owner_secret)]
    assert not reaches(intruder, "/admin/")
    assert owner.get("/admin/").status_code == 200


def test_a_candidate_s_older_session_is_held_at_the_code_once_the_second_factor_is_on(clock):
    start = timezone.now()
    clock.set(start)
    candidate = UserFactory()
    earlier = Client()
    log_in(earlier, candidate)
    assert earlier.get(reverse("label:my_candidatures")).status_code == 200

    owner = Client()
    log_in(owner, candidate)
    enrol(owner)
    clock.set(start + timedelta(seconds=second_factor.NO_DEVICE_RECHECK_SECONDS + 1))

    assert earlier.get(reverse("label:my_candidatures")).url.startswith(VERIFY)


def test_a_candidate_without_second_factor_is_not_asked_about_it_on_every_page():
    candidate = UserFactory()
    client = Client()
    log_in(client, candidate)
    client.get(reverse("label:my_candidatures"))

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("label:my_candidatures")).status_code == 200

    assert not [query for query in captured.captured_queries if "otp_totp_totpdevice" in query["sql"]]


def test_confirming_a_new_app_is_refused_when_one_was_set_up_meanwhile():
    organiser = OrganiserFactory()
    existing = TOTPDevice.objects.create(user=organiser, name="application", confirmed=True)
    pending = TOTPDevice.objects.create(user=organiser, name="application", confirmed=False)
    organiser.is_verified = lambda: False
    assert second_factor._confirm(organiser, pending) is False
    assert confirmed_keys(organiser) == [existing.key]


# --- a second factor reset while the session waits on the code ----------------------------------------


def test_a_reset_while_waiting_on_the_code_page_leads_to_the_set_up_in_a_few_redirects():
    lost, colleague = OrganiserFactory(), OrganiserFactory()
    setup = Client()
    log_in(setup, lost)
    enrol(setup)

    waiting = Client()
    assert log_in(waiting, lost).url.startswith(VERIFY)
    assert waiting.get(VERIFY).status_code == 200
    second_factor.reset_for(lost, actor=colleague)

    for url in ("/admin/label/candidature/", VERIFY):
        response = waiting.get(url, follow=True)
        assert (response.status_code, response.request["PATH_INFO"]) == (200, ENROL), url
        assert len(response.redirect_chain) <= 2, response.redirect_chain
    assert second_factor.PENDING not in waiting.session


def test_a_candidate_whose_second_factor_was_reset_is_asked_for_no_code():
    candidate = UserFactory()
    setup = Client()
    log_in(setup, candidate)
    enrol(setup)

    waiting = Client()
    assert log_in(waiting, candidate).url.startswith(VERIFY)
    second_factor.reset_for(candidate, actor=OrganiserFactory())
    assert waiting.get(reverse("label:my_candidatures")).status_code == 200
