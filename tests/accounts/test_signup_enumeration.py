"""Sign-up and password reset tell nobody which addresses have an account, and hold scripts back."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.models import Notification
from tests.conftest import messages_of, text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2030, 3, 1, 10, 0, tzinfo=PARIS)
NEW_PASSWORD = "Un-autre-mot-de-passe-99"
SIGNUP = reverse("accounts:signup")
RESET = reverse("accounts:password_reset")
RESET_DONE = reverse("accounts:password_reset_done")
SENT = reverse("accounts:verification_sent")


class CountingHasher(MD5PasswordHasher):
    """Keeps a mark per password it hashes: a taken address must cost the work a new one does."""

    hashed = []

    def encode(self, password, salt):
        CountingHasher.hashed.append(1)
        return super().encode(password, salt)


@pytest.fixture(autouse=True)
def fresh_limits():
    """The limits count in the shared cache for an hour: each test starts and ends at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hashed(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signup_enumeration.CountingHasher"]
    CountingHasher.hashed.clear()
    return CountingHasher.hashed


def signup_data(email, **overrides):
    return {
        "full_name": "Sophie Leroy",
        "email": email,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def as_read(page, email):
    """The page as a person reads it, the address they typed and the form's one-time token set aside."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', page)
    return re.sub(re.escape(email), "ADDRESS", page, flags=re.IGNORECASE)


def owner_row(user):
    return User.objects.filter(pk=user.pk).values_list(
        "email", "full_name", "password", "language", "email_verified_at", "is_active", "last_login"
    )[0]


def test_a_taken_address_gets_the_answer_a_new_one_gets_and_its_owner_an_e_mail(hashed):
    owner = UserFactory(email="deja@ville.example", full_name="Claire Martin", language="en")
    before = owner_row(owner)
    answers = {}
    for email in ("nouvelle@ville.example", "Deja@Ville.example"):
        visitor = Client()
        hashed.clear()
        response = visitor.post(SIGNUP, signup_data(email))
        page = visitor.get(response.url)
        answers[email] = (
            response.status_code,
            response.url,
            len(hashed),
            page.status_code,
            as_read(text(page), email),
            "_auth_user_id" in visitor.session,
        )

    new, taken = answers.values()
    assert taken == new
    assert new[:4] == (302, SENT, 1, 200)
    assert "Vérifiez votre boîte de réception" in new[4]
    assert new[5] is False
    assert User.objects.count() == 2
    assert owner_row(owner) == before
    rows = Notification.objects.order_by("pk")
    assert [(row.kind, row.recipient, row.language) for row in rows] == [
        ("email_confirmation", "nouvelle@ville.example", "fr"),
        ("account_exists", "deja@ville.example", "en"),
    ]
    told = rows[1].body_text
    assert f"{settings.SITE_URL}/compte/connexion/" in told
    assert f"{settings.SITE_URL}/compte/mot-de-passe/oublie/" in told
    assert "confirmer" not in told


def test_the_owner_of_a_taken_address_is_told_once_an_hour():
    UserFactory(email="deja@ville.example")

    answers = [Client().post(SIGNUP, signup_data("deja@ville.example")) for _attempt in range(3)]

    assert [(answer.status_code, answer.url) for answer in answers] == [(302, SENT)] * 3
    assert list(Notification.objects.values_list("kind", "recipient")) == [("account_exists", "deja@ville.example")]
    assert User.objects.count() == 1


def test_asking_for_the_link_again_after_a_taken_address_reads_as_for_a_new_one(clock):
    UserFactory(email="deja@ville.example")
    clock.set(START)
    messages = {}
    for email in ("nouvelle@ville.example", "deja@ville.example"):
        visitor = Client()
        visitor.post(SIGNUP, signup_data(email))
        clock.set(START + timedelta(seconds=5))
        response = visitor.post(reverse("accounts:verification_resend"), {"next": SENT}, follow=True)
        messages[email] = [message.replace(email, "ADDRESS") for message in messages_of(response)]

    assert messages["deja@ville.example"] == messages["nouvelle@ville.example"]
    assert messages["deja@ville.example"] == [
        "Un nouveau lien vient d'être envoyé à ADDRESS. Pensez à regarder dans les courriers indésirables."
    ]
    # The new account has its link twice; the owner was told already this hour, and is not told again.
    assert list(Notification.objects.order_by("pk").values_list("kind", "recipient")) == [
        ("email_confirmation", "nouvelle@ville.example"),
        ("email_confirmation", "nouvelle@ville.example"),
        ("account_exists", "deja@ville.example"),
    ]


def test_sign_up_is_limited_to_ten_accounts_an_hour_per_client_address(client, clock):
    clock.set(START)
    for index in range(10):
        assert Client().post(SIGNUP, signup_data(f"agent{index}@ville.example")).status_code == 302

    response = client.post(SIGNUP, signup_data("onzieme@ville.example"))

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [
        "Trop de comptes ont été créés depuis votre connexion en une heure. Réessayez à partir de 11:00."
    ]
    html = response.content.decode()
    assert 'value="Sophie Leroy"' in html
    assert 'value="onzieme@ville.example"' in html
    assert NEW_PASSWORD not in html
    assert 'id="error-summary"' in html
    assert User.objects.count() == 10
    elsewhere = Client(REMOTE_ADDR="203.0.113.9").post(SIGNUP, signup_data("onzieme@ville.example"))
    assert (elsewhere.status_code, User.objects.count()) == (302, 11)


def test_password_reset_is_limited_per_target_address_without_saying_so(client, clock):
    UserFactory(email="agent@ville.example")
    answers = []
    for second, email in enumerate(["agent@ville.example"] * 4 + ["inconnu@ville.example"] * 4):
        clock.set(START + timedelta(seconds=second))
        answers.append(client.post(RESET, {"email": email}))

    assert [(answer.status_code, answer.url) for answer in answers] == [(302, RESET_DONE)] * 8
    assert (
        list(Notification.objects.values_list("kind", "recipient")) == [("password_reset", "agent@ville.example")] * 3
    )


def test_password_reset_is_limited_to_ten_requests_an_hour_per_client_address(client, clock):
    clock.set(START)
    UserFactory(email="agent@ville.example")
    for index in range(10):
        assert client.post(RESET, {"email": f"personne{index}@ville.example"}).status_code == 302

    response = client.post(RESET, {"email": "agent@ville.example"})

    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [
        "Trop de demandes de nouveau mot de passe depuis votre connexion en une heure. Réessayez à partir de 11:00."
    ]
    assert 'value="agent@ville.example"' in response.content.decode()
    assert Notification.objects.count() == 0
    elsewhere = client.post(RESET, {"email": "agent@ville.example"}, REMOTE_ADDR="203.0.113.9")
    assert (elsewhere.status_code, Notification.objects.count()) == (302, 1)
