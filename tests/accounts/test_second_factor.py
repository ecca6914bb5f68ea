"""The second factor, black-box: real logins through the pages, codes computed from the secret the page shows."""

import base64
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent
from tests.conftest import text
from tests.factories import PASSWORD, OrganiserFactory, UserFactory
from tests.jury.factories import JuryMemberFactory

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:second_factor_verify")
ENROL = reverse("accounts:second_factor_enrol")
CODES = reverse("accounts:second_factor_codes")
ADMIN_PAGES = ["/admin/", "/admin/label/candidature/", "/admin/accounts/user/", "/admin/label/candidature/export.csv"]
JURY_PAGES = ["/jury/", "/jury/classement/", "/jury/conflits/", "/jury/dossiers/1/"]


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def log_in(client, user, next_url=""):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def code_for(secret):
    """The code an authenticator app shows now for ``secret`` (the base32 text the enrolment page gives)."""
    return f"{TOTP(base64.b32decode(secret.replace(' ', ''))).token():06d}"


def enrol(client):
    """Set up the app through the page: read the secret it shows, answer with the current code."""
    page = text(client.get(ENROL))
    secret = re.search(r'id="secret">([A-Z2-7 ]+)<', page).group(1)
    response = client.post(ENROL, {"code": code_for(secret)})
    assert response.status_code == 302, text(response)
    codes_page = text(client.get(response.url))
    recovery = re.findall(r"<li>([a-z2-7]{4} [a-z2-7]{4})</li>", codes_page)
    return secret, recovery


def reaches(client, url):
    response = client.get(url)
    return response.status_code not in (301, 302) or not response.url.startswith(("/compte/", "/admin/login/"))


# --- who must use it -------------------------------------------------------------------------------


def test_an_organiser_with_the_right_password_but_no_second_factor_reaches_no_admin_page(client):
    organiser = OrganiserFactory()
    assert log_in(client, organiser).status_code == 302
    for url in ADMIN_PAGES + ["/jury/classement/", "/"]:
        response = client.get(url)
        assert (response.status_code, response.url.split("?")[0]) == (302, ENROL), url


def test_the_admin_login_page_leads_to_the_second_factor_too(client):
    organiser = OrganiserFactory()
    response = client.post("/admin/login/?next=/admin/", {"username": organiser.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").url.startswith(ENROL)


def test_a_juror_with_the_right_password_but_no_second_factor_reaches_no_jury_page(client):
    member = JuryMemberFactory()
    log_in(client, member.user)
    for url in JURY_PAGES:
        response = client.get(url)
        assert (response.status_code, response.url.split("?")[0]) == (302, ENROL), url
    # A juror is held at every page, not only the jury's: dossiers' documents are served elsewhere.
    assert client.get(reverse("label:my_candidatures")).url.startswith(ENROL)


def test_a_candidate_is_not_asked_for_one(client):
    candidate = UserFactory()
    log_in(client, candidate)
    assert client.get(reverse("label:my_candidatures")).status_code == 200


def test_once_enrolled_the_organiser_reaches_the_admin_and_the_enrolment_is_recorded(client):
    organiser = OrganiserFactory()
    log_in(client, organiser)
    _secret, recovery = enrol(client)
    assert len(recovery) == 10
    for url in ADMIN_PAGES:
        assert client.get(url).status_code == 200, url
    assert list(organiser.security_events.values_list("kind", flat=True)) == [Kind.SECOND_FACTOR_ENROLLED]


def test_a_wrong_code_at_enrolment_keeps_the_secret_and_says_so(client):
    organiser = OrganiserFactory()
    log_in(client, organiser)
    secret = re.search(r'id="secret">([A-Z2-7 ]+)<', text(client.get(ENROL))).group(1)
    response = client.post(ENROL, {"code": "000000" if code_for(secret) != "000000" else "111111"})
    assert response.status_code == 200
    assert "Ce code ne correspond pas" in text(response)
    assert re.search(r'id="secret">([A-Z2-7 ]+)<', text(response)).group(1) == secret
    assert not TOTPDevice.objects.filter(user=organiser, confirmed=True).exists()


# --- logging in with it ----------------------------------------------------------------------------


def test_with_a_second_factor_the_password_alone_reaches_nothing_until_the_code(clock):
    organiser = OrganiserFactory()
    setup = Client()
    log_in(setup, organiser)
    secret, _recovery = enrol(setup)

    clock.set(timezone.now() + timedelta(minutes=1))
    client = Client()
    response = log_in(client, organiser, next_url="/admin/label/candidature/")
    assert response.url.startswith(VERIFY)
    for url in ADMIN_PAGES + ["/"]:
        assert client.get(url).url.startswith(VERIFY), url

    wrong = client.post(response.url, {"code": "123456" if code_for(secret) != "123456" else "654321"})
    assert "Ce code n'est pas valide" in text(wrong)
    assert not reaches(client, "/admin/")

    clock.set(timezone.now() + timedelta(seconds=5))  # past django-otp's pause after a wrong code
    right = client.post(response.url, {"code": code_for(secret)})
    assert (right.status_code, right.url) == (302, "/admin/label/candidature/")
    assert client.get("/admin/label/candidature/").status_code == 200
    kinds = list(organiser.security_events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [Kind.SECOND_FACTOR_ENROLLED, Kind.SECOND_FACTOR_FAILED, Kind.SECOND_FACTOR_VERIFIED]


def test_a_code_is_accepted_once(clock):
    organiser = OrganiserFactory()
    setup = Client()
    log_in(setup, organiser)
    secret, _recovery = enrol(setup)
    clock.set(timezone.now() + timedelta(seconds=31))
    code = code_for(secret)

    first = Client()
    log_in(first, organiser)
    assert first.post(VERIFY, {"code": code}).status_code == 302

    replay = Client()
    log_in(replay, organiser)
    assert "Ce code n'est pas valide ou a déjà servi" in text(replay.post(VERIFY, {"code": code}))
    assert not reaches(replay, "/admin/")


def test_a_recovery_code_works_once_then_never_again(clock):
    organiser = OrganiserFactory()
    setup = Client()
    log_in(setup, organiser)
    _secret, recovery = enrol(setup)

    client = Client()
    log_in(client, organiser)
    used = client.post(VERIFY, {"code": recovery[0]})
    assert used.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.filter(device__user=organiser).count() == 9

    clock.set(timezone.now() + timedelta(minutes=1))
    again = Client()
    log_in(again, organiser)
    refused = again.post(VERIFY, {"code": recovery[0].upper().replace(" ", "-")})
    assert "Chaque code de secours ne sert qu'une fois" in text(refused)
    assert not reaches(again, "/admin/")
    assert organiser.security_events.filter(kind=Kind.RECOVERY_CODE_USED).count() == 1


def test_new_recovery_codes_replace_the_old_ones(clock):
    organiser = OrganiserFactory()
    client = Client()
    log_in(client, organiser)
    _secret, recovery = enrol(client)
    renewed = text(client.get(client.post(CODES).url))
    fresh = re.findall(r"<li>([a-z2-7]{4} [a-z2-7]{4})</li>", renewed)
    assert len(fresh) == 10 and not set(fresh) & set(recovery)

    other = Client()
    log_in(other, organiser)
    assert "Ce code n'est pas valide" in text(other.post(VERIFY, {"code": recovery[1]}))
    clock.set(timezone.now() + timedelta(seconds=5))
    assert other.post(VERIFY, {"code": fresh[1]}).status_code == 302


def test_one_person_s_codes_do_not_open_another_s_account(clock):
    first, second = OrganiserFactory(), OrganiserFactory()
    one, two = Client(), Client()
    log_in(one, first)
    secret, recovery = enrol(one)
    log_in(two, second)
    enrol(two)
    clock.set(timezone.now() + timedelta(seconds=31))

    intruder = Client()
    log_in(intruder, second)
    assert "Ce code n'est pas valide" in text(intruder.post(VERIFY, {"code": code_for(secret)}))
    clock.set(timezone.now() + timedelta(seconds=5))
    assert "Ce code n'est pas valide" in text(intruder.post(VERIFY, {"code": recovery[0]}))
    assert not reaches(intruder, "/admin/")


# --- reset by another organiser, candidates' choice -------------------------------------------------


def test_another_organiser_resets_a_lost_second_factor_and_it_is_recorded(client):
    lost, colleague = OrganiserFactory(), OrganiserFactory()
    own = Client()
    log_in(own, lost)
    enrol(own)

    client.force_login(colleague)
    response = client.post(
        "/admin/accounts/user/", {"action": "reset_second_factor", "_selected_action": [lost.pk, colleague.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=lost).exists()
    assert TOTPDevice.objects.filter(user=colleague).exists()  # one's own is never reset from the list
    event = lost.security_events.get(kind=Kind.SECOND_FACTOR_RESET)
    assert event.actor == colleague

    again = Client()
    log_in(again, lost)
    assert again.get("/admin/").url.startswith(ENROL)


def test_a_candidate_may_turn_it_on_and_off(client, clock):
    candidate = UserFactory()
    log_in(client, candidate)
    secret, _recovery = enrol(client)
    clock.set(timezone.now() + timedelta(seconds=31))

    later = Client()
    log_in(later, candidate)
    assert later.get(reverse("label:my_candidatures")).url.startswith(VERIFY)
    later.post(VERIFY, {"code": code_for(secret)})
    assert later.get(reverse("label:my_candidatures")).status_code == 200
    later.post(reverse("accounts:second_factor_disable"))
    assert not TOTPDevice.objects.filter(user=candidate).exists()
    assert candidate.security_events.filter(kind=Kind.SECOND_FACTOR_REMOVED).exists()


def test_an_organiser_cannot_turn_it_off(client):
    organiser = OrganiserFactory()
    log_in(client, organiser)
    enrol(client)
    assert client.post(reverse("accounts:second_factor_disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=organiser, confirmed=True).exists()


def test_the_security_page_lists_the_account_s_events(client):
    candidate = UserFactory()
    log_in(client, candidate)
    enrol(client)
    page = text(client.get(reverse("accounts:security")))
    assert "Activée" in page and "Double authentification activée" in page


# --- the demo -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("debug", [True, False])
def test_the_demo_code_is_shown_only_with_debug_on(client, settings, debug):
    from accounts.second_factor import DEMO_DEVICE_NAME

    settings.DEBUG = debug
    organiser = OrganiserFactory()
    secret = "LTIDEMO2LTIDEMO2LTIDEMO2LTIDEMO2"
    TOTPDevice.objects.create(user=organiser, name=DEMO_DEVICE_NAME, key=base64.b32decode(secret).hex(), confirmed=True)
    log_in(client, organiser)
    page = text(client.get(VERIFY))
    assert ("Compte de démonstration" in page) is debug
    assert (code_for(secret) in page) is debug
