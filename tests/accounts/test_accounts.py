import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from accounts.roles import ORGANISER_GROUP, is_organiser
from notifications.models import Notification
from tests.factories import PASSWORD, OrganiserFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un-autre-mot-de-passe-99"


@pytest.fixture(autouse=True)
def fresh_limits():
    """Sign-ups and reset requests are counted per hour in the shared cache: each test starts and ends at zero."""
    cache.clear()
    yield
    cache.clear()


def signup_data(**overrides):
    return {
        "full_name": "Sophie Leroy",
        "email": "sophie.leroy@ville-dunkerque.example",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def test_sign_up_creates_the_account_unconfirmed_without_logging_in(client):
    response = client.post(reverse("accounts:signup"), signup_data())
    assert (response.status_code, response.url) == (302, reverse("accounts:verification_sent"))
    user = User.objects.get()
    assert (user.email, user.full_name, user.language, user.is_staff, user.email_verified) == (
        "sophie.leroy@ville-dunkerque.example",
        "Sophie Leroy",
        "fr",
        False,
        False,
    )
    assert user.check_password(NEW_PASSWORD)
    assert not client.get(reverse("home")).context["user"].is_authenticated


def test_an_invalid_sign_up_keeps_what_was_typed_but_the_passwords(client):
    response = client.post(reverse("accounts:signup"), signup_data(password2="Un-autre-encore-77"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["password2"]
    html = response.content.decode()
    assert 'value="Sophie Leroy"' in html
    assert 'value="sophie.leroy@ville-dunkerque.example"' in html
    assert NEW_PASSWORD not in html
    assert 'id="error-summary"' in html
    assert User.objects.count() == 0


def test_a_weak_password_is_refused_in_french(client):
    response = client.post(reverse("accounts:signup"), signup_data(password1="12345678", password2="12345678"))
    assert response.status_code == 200
    errors = response.context["form"].errors["password2"]
    assert "Ce mot de passe est trop courant." in errors
    assert "Ce mot de passe est entièrement numérique." in errors


def test_log_in_with_the_email_in_any_case_and_log_out(client):
    user = UserFactory(email="agent@ville.example")
    response = client.post(reverse("accounts:login"), {"username": "AGENT@ville.example", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    client.post(reverse("accounts:logout"))
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_so_in_french(client):
    UserFactory(email="agent@ville.example")
    response = client.post(reverse("accounts:login"), {"username": "agent@ville.example", "password": "faux"})
    assert response.context["form"].non_field_errors() == [
        "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie et réessayez."
    ]


def test_password_reset_goes_through_the_outbox_and_its_link_works(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="agent@ville.example")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": "agent@ville.example"})
    assert response.status_code == 302
    notification = Notification.objects.get()
    assert (notification.kind, notification.recipient, notification.status, notification.sensitive) == (
        "password_reset",
        "agent@ville.example",
        Notification.Status.SENT,
        True,
    )
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/compte/mot-de-passe/nouveau/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    response = client.get(f"/{path}", follow=True)
    assert response.context["validlink"] is True
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    response = client.get(f"/{path}", follow=True)
    assert response.context["validlink"] is False


def test_password_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@ville.example"})
    assert response.status_code == 302
    assert Notification.objects.count() == 0


def test_password_change(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_needs_a_login(client):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_organisers_group_exists_with_admin_permissions():
    group = Group.objects.get(name=ORGANISER_GROUP)
    codenames = set(group.permissions.values_list("content_type__app_label", "codename"))
    assert ("notifications", "view_notification") in codenames
    assert ("notifications", "change_notification") in codenames
    assert ("accounts", "view_user") in codenames
    assert ("accounts", "change_user") not in codenames
    organiser = OrganiserFactory()
    assert is_organiser(organiser)
    assert organiser.has_perm("notifications.view_notification")
    assert not is_organiser(UserFactory())
