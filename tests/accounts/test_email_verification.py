"""Confirming the address of a new account: the link and its page, sending it again, and the submission it unlocks."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import SecurityEvent, User
from label.models import Status
from notifications.models import Notification
from tests.conftest import messages_of, text
from tests.factories import UserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory, answer_all

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
START = datetime(2030, 3, 1, 10, 0, tzinfo=PARIS)
NEW_PASSWORD = "Un-autre-mot-de-passe-99"
LINK = re.compile(r"https?://[^/\s]+(/compte/adresse/confirmer/[^/\s]+/)")
RESEND = reverse("accounts:verification_resend")

INVALID = (
    "Ce lien de confirmation n'est pas valide. Vérifiez qu'il est complet (un lien long est parfois "
    "coupé en deux dans les courriels) ou demandez-en un nouveau."
)
SENT_AGAIN = "Un nouveau lien vient d'être envoyé à {}. Pensez à regarder dans les courriers indésirables."
TOO_MANY = "Plusieurs liens ont déjà été envoyés à cette adresse en peu de temps. Réessayez à partir de 11:00."


@pytest.fixture(autouse=True)
def fresh_limits():
    """The limits count in the shared cache for an hour: each test starts and ends at zero."""
    cache.clear()
    yield
    cache.clear()


def sign_up(client, email="sophie@saint-omer.example", **extra):
    data = {"full_name": "Sophie Leroy", "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(reverse("accounts:signup"), {**data, **extra})


def links(email):
    """The confirmation links sent to ``email``, oldest first, as paths."""
    rows = Notification.objects.filter(kind="email_confirmation", recipient=email).order_by("pk")
    return [LINK.search(row.body_text).group(1) for row in rows]


def unconfirmed(email):
    return UserFactory(email=email, email_verified_at=None)


def test_sign_up_sends_one_confirmation_link_through_the_outbox_and_says_so(client):
    response = sign_up(client)

    assert (response.status_code, response.url) == (302, reverse("accounts:verification_sent"))
    notification = Notification.objects.get()
    assert (
        notification.kind,
        notification.recipient,
        notification.language,
        notification.sensitive,
        notification.subject,
    ) == (
        "email_confirmation",
        "sophie@saint-omer.example",
        "fr",
        True,
        "Action requise : confirmez votre adresse e-mail",
    )
    assert "(valable 3 jours)" in notification.body_text
    assert len(links("sophie@saint-omer.example")) == 1
    page = text(client.get(response.url))
    assert "Vérifiez votre boîte de réception" in page
    assert (
        "Un courriel vient d'être envoyé à sophie@saint-omer.example. Ouvrez le lien qu'il contient pour "
        "confirmer votre adresse : il est valable 3 jours." in page
    )
    assert "Renvoyer le lien" in page


def test_opening_the_link_confirms_nothing_its_button_does(client):
    sign_up(client)
    (link,) = links("sophie@saint-omer.example")
    user = User.objects.get()

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirmez que l'adresse sophie@saint-omer.example est bien la vôtre" in text(page)
    assert 'method="post"' in text(page)
    user.refresh_from_db()
    assert user.email_verified_at is None

    response = client.post(link, follow=True)
    assert response.redirect_chain == [(f"{reverse('accounts:login')}?next=%2F", 302)]
    assert messages_of(response) == ["Adresse e-mail confirmée."]
    user.refresh_from_db()
    assert user.email_verified
    assert list(SecurityEvent.objects.values_list("user", "kind")) == [(user.pk, SecurityEvent.Kind.EMAIL_VERIFIED)]


def test_confirmed_while_signed_in_the_candidate_goes_back_where_the_sign_up_started(client):
    sign_up(client, next="/label/2030/candidater/")
    client.force_login(User.objects.get())
    (link,) = links("sophie@saint-omer.example")

    response = client.post(link)

    assert (response.status_code, response.url) == (302, "/label/2030/candidater/")
    assert User.objects.get().email_verified


def test_submission_waits_for_the_confirmed_address_and_the_recap_sends_the_link_again(client):
    edition = EditionFactory(slug="2030", year=2030)
    CriterionFactory(edition=edition, name="Innovation")
    owner = unconfirmed("agent@arras.example")
    candidature = answer_all(CandidatureFactory(edition=edition, owner=owner))
    client.force_login(owner)
    recap = reverse("label:recap", kwargs={"edition": edition.slug})

    response = client.post(recap, follow=True)

    refusal = "Confirmez d'abord votre adresse e-mail : nous vous avons envoyé un lien à agent@arras.example."
    assert messages_of(response) == [refusal]
    page = text(response)
    assert page.count(refusal) == 2  # the message, and the notice where the submit button stands otherwise
    assert "Renvoyer le lien" in page
    assert "Déposer ma candidature" not in page
    candidature.refresh_from_db()
    assert candidature.status == Status.DRAFT

    response = client.post(RESEND, {"next": recap})
    assert (response.status_code, response.url) == (302, recap)
    (link,) = links("agent@arras.example")
    response = client.post(link)
    assert (response.status_code, response.url) == (302, recap)
    assert "Déposer ma candidature" in text(client.get(recap))
    client.post(recap)
    candidature.refresh_from_db()
    assert candidature.status == Status.SUBMITTED


def test_a_used_link_is_refused_with_a_french_page(client):
    sign_up(client)
    (link,) = links("sophie@saint-omer.example")
    client.post(link)

    for answer in (client.get(link), client.post(link)):
        assert answer.status_code == 400
        assert "Ce lien a déjà servi : l'adresse e-mail de ce compte est confirmée." in text(answer)
    assert SecurityEvent.objects.count() == 1


def test_a_tampered_link_is_refused_with_a_french_page(client):
    sign_up(client)
    (link,) = links("sophie@saint-omer.example")
    token = link.split("/")[-2]
    tampered = link.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))

    for answer in (client.get(tampered), client.post(tampered)):
        assert answer.status_code == 400
        assert INVALID in text(answer)
    assert User.objects.get().email_verified_at is None


def test_a_link_expires_after_three_days(client, clock):
    clock.set(START)
    sign_up(client)
    (link,) = links("sophie@saint-omer.example")

    clock.set(START + timedelta(days=3, seconds=1))
    response = client.post(link)
    assert response.status_code == 400
    page = text(response)
    assert "Ce lien de confirmation a expiré : il n'est valable que 3 jours. Demandez-en un nouveau." in page
    assert "Renvoyer le lien" in page
    assert User.objects.get().email_verified_at is None

    clock.set(START + timedelta(days=3) - timedelta(minutes=1))
    assert client.post(link).status_code == 302
    assert User.objects.get().email_verified


def test_a_link_confirms_its_own_account_only(client):
    mine = unconfirmed("moi@ville.example")
    theirs = unconfirmed("autre@ville.example")
    client.force_login(mine)
    client.post(RESEND)
    (link,) = links("moi@ville.example")

    # My link, rewritten to name their account: the signature no longer holds.
    token = link.split("/")[-2]
    payload = token.split(":")[0]
    data = json.loads(signing.b64_decode(payload.encode()))
    forged_payload = signing.b64_encode(json.dumps({**data, "u": theirs.pk}, separators=(",", ":")).encode())
    forged = link.replace(payload, forged_payload.decode())
    response = client.post(forged)
    assert (response.status_code, INVALID in text(response)) == (400, True)

    # My link, opened while they are signed in: neither account is confirmed.
    client.force_login(theirs)
    response = client.post(link)
    assert response.status_code == 400
    assert (
        "Ce lien confirme l'adresse d'un autre compte que celui avec lequel vous êtes connecté. "
        "Déconnectez-vous, puis ouvrez-le à nouveau." in text(response)
    )
    assert list(User.objects.order_by("email").values_list("email", "email_verified_at")) == [
        ("autre@ville.example", None),
        ("moi@ville.example", None),
    ]
    assert SecurityEvent.objects.count() == 0


def test_a_link_stops_working_once_the_address_changed(client):
    user = unconfirmed("ancienne@ville.example")
    client.force_login(user)
    client.post(RESEND)
    (link,) = links("ancienne@ville.example")
    User.objects.filter(pk=user.pk).update(email="nouvelle@ville.example")

    response = client.post(link)

    assert response.status_code == 400
    assert "Ce lien de confirmation ne correspond plus à l'adresse du compte. Demandez-en un nouveau." in text(response)
    assert User.objects.get().email_verified_at is None


def test_the_pending_page_sends_the_link_again_after_sign_up(client, clock):
    clock.set(START)
    sign_up(client)
    clock.set(START + timedelta(seconds=5))

    response = client.post(RESEND, {"next": reverse("accounts:verification_sent")}, follow=True)

    assert response.redirect_chain == [(reverse("accounts:verification_sent"), 302)]
    assert messages_of(response) == [SENT_AGAIN.format("sophie@saint-omer.example")]
    first, second = links("sophie@saint-omer.example")
    assert first != second
    client.post(second)
    assert User.objects.get().email_verified


def test_sending_the_link_again_is_limited_to_three_times_an_hour_per_account(client, clock):
    clock.set(START)
    client.force_login(unconfirmed("agent@ville.example"))
    for second in range(3):
        clock.set(START + timedelta(seconds=second))
        response = client.post(RESEND, follow=True)
        assert messages_of(response) == [SENT_AGAIN.format("agent@ville.example")]

    clock.set(START + timedelta(seconds=3))
    response = client.post(RESEND, follow=True)

    assert messages_of(response) == [TOO_MANY]
    assert len(links("agent@ville.example")) == 3


def test_sending_the_link_again_is_limited_to_ten_times_an_hour_per_client_address(client, clock):
    clock.set(START)
    for index in range(10):
        client.force_login(unconfirmed(f"agent{index}@ville.example"))
        assert messages_of(client.post(RESEND, follow=True)) == [SENT_AGAIN.format(f"agent{index}@ville.example")]

    client.force_login(unconfirmed("onzieme@ville.example"))
    assert messages_of(client.post(RESEND, follow=True)) == [TOO_MANY]
    assert links("onzieme@ville.example") == []

    elsewhere = client.post(RESEND, follow=True, REMOTE_ADDR="203.0.113.9")
    assert messages_of(elsewhere) == [SENT_AGAIN.format("onzieme@ville.example")]


def test_a_confirmed_account_is_told_so_and_sent_nothing(client):
    client.force_login(UserFactory(email="agent@ville.example"))

    response = client.post(RESEND, follow=True)

    assert messages_of(response) == ["Votre adresse e-mail est déjà confirmée."]
    assert "Adresse e-mail confirmée" in text(response)
    assert Notification.objects.count() == 0


def test_a_password_reset_link_confirms_the_address(client):
    user = unconfirmed("agent@ville.example")
    client.post(reverse("accounts:password_reset"), {"email": "agent@ville.example"})
    body = Notification.objects.get(kind="password_reset").body_text
    path = re.search(r"https?://[^/\s]+(/compte/mot-de-passe/nouveau/\S+/)", body).group(1)
    form_url = client.get(path, follow=True).redirect_chain[-1][0]

    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified
    assert list(SecurityEvent.objects.values_list("user", "kind")) == [(user.pk, SecurityEvent.Kind.EMAIL_VERIFIED)]


def test_the_sign_up_form_focuses_the_first_field_and_says_what_each_field_is(client):
    html = client.get(reverse("accounts:signup")).content.decode()
    inputs = {
        name: re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        for name in ("full_name", "email", "password1", "password2")
    }

    assert ["autofocus" in tag for tag in inputs.values()] == [True, False, False, False]
    assert [re.search(r'autocomplete="([^"]+)"', tag).group(1) for tag in inputs.values()] == [
        "name",
        "email",
        "new-password",
        "new-password",
    ]
    assert all(f'for="id_{name}"' in html for name in inputs)


def test_the_pending_and_confirmation_pages_cost_the_same_with_1_and_30_accounts(client, django_assert_num_queries):
    sign_up(client)
    (link,) = links("sophie@saint-omer.example")
    pages = [reverse("accounts:verification_sent"), link]
    costs = []
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        costs.append(len(captured.captured_queries))
    UserFactory.create_batch(30, email_verified_at=None)
    for page, cost in zip(pages, costs, strict=True):
        with django_assert_num_queries(cost):
            client.get(page)
