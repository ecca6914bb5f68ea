"""Invitation links: declined, expired or replaced ones say so; another account's session is never switched;
guessing is held back per client address."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user, get_user_model
from django.urls import reverse
from django.utils import timezone

from auditions.jury import services
from auditions.jury.models import JuryMember
from auditions.jury.views import INVITATION_GUESS_SCOPE, INVITATION_GUESSES_PER_HOUR
from core import throttle
from notifications.models import Notification
from tests.conftest import text
from tests.factories import PASSWORD, OrganiserFactory, UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory
from tests.label.factories import EditionFactory

pytestmark = pytest.mark.django_db

TEST_CLIENT = "127.0.0.1"
GUESSER = "203.0.113.20"
NEIGHBOUR = "203.0.113.21"

DECLINED = (
    "Vous avez décliné l'invitation au jury « Jury Hauts-de-France ». Pour le rejoindre, demandez à l'équipe du "
    "label de vous inviter à nouveau : vous recevrez un nouveau lien."
)
REPLACED = (
    "Une invitation plus récente vous a été envoyée : ce lien ne sert plus. "
    "Ouvrez le lien du dernier e-mail d'invitation reçu."
)
EXPIRED = "Cette invitation a expiré : demandez-en une nouvelle à l'équipe du label."
INVALID = "Ce lien d'invitation n'est pas valide."


@pytest.fixture(autouse=True)
def no_guesses_counted():
    """The counts live in the shared cache: none left by an earlier test or run, none left for the next."""
    addresses = (TEST_CLIENT, GUESSER, NEIGHBOUR)
    for address in addresses:
        throttle.forget(INVITATION_GUESS_SCOPE, address)
    yield
    for address in addresses:
        throttle.forget(INVITATION_GUESS_SCOPE, address)


@pytest.fixture
def jury():
    edition = EditionFactory(contact_email="label@association.example")
    return JuryFactory(edition=edition, name="Jury Hauts-de-France")


@pytest.fixture
def organiser():
    return OrganiserFactory()


def newcomer(email="claire@jury.example"):
    """Someone the invitation creates an account for: no password yet."""
    return get_user_model().objects.create_user(email=email, full_name="Claire Dubois")


def link(member):
    return reverse("jury:invitation", kwargs={"token": services.invitation_token(member)})


def mailed_links():
    """The invitation links of the mails queued so far, oldest first."""
    bodies = Notification.objects.filter(kind="jury_invitation").order_by("pk").values_list("body_text", flat=True)
    return ["/jury/invitation/" + body.split("/jury/invitation/")[1].split("/")[0] + "/" for body in bodies]


def accept_with_password(client, url, **extra):
    return client.post(url, {"answer": "accept", "new_password1": PASSWORD, "new_password2": PASSWORD}, **extra)


def state_of(member):
    member.refresh_from_db()
    member.user.refresh_from_db()
    return member.state, member.user.has_usable_password()


# --- declined, expired, replaced ---------------------------------------------------------------


def test_a_declined_link_says_so_and_can_no_longer_be_accepted(client, jury):
    membership = JuryMemberFactory(jury=jury, user=newcomer(), state=JuryMember.State.INVITED)
    url = link(membership)
    assert client.post(url, {"answer": "decline"}).status_code == 302

    page = client.get(url)
    accepted = accept_with_password(client, url)

    assert (page.status_code, accepted.status_code) == (410, 410)
    assert DECLINED in text(page) and "label@association.example" in text(page)
    assert "new_password1" not in text(page)
    assert state_of(membership) == (JuryMember.State.DECLINED, False)
    assert not get_user(client).is_authenticated


def test_a_member_with_a_password_cannot_accept_a_declined_link_either(client, jury):
    membership = JuryMemberFactory(jury=jury, state=JuryMember.State.INVITED)
    url = link(membership)
    client.force_login(membership.user)
    assert client.post(url, {"answer": "decline"}).status_code == 302

    page = client.get(url)
    accepted = client.post(url, {"answer": "accept"})

    assert (page.status_code, accepted.status_code) == (410, 410)
    assert DECLINED in text(accepted)
    assert state_of(membership) == (JuryMember.State.DECLINED, True)


def test_inviting_again_sends_a_new_link_that_works_and_voids_the_earlier_ones(client, jury, organiser):
    first_at = timezone.now() - timedelta(days=3)
    services.invite(jury, "claire@jury.example", "Claire Dubois", "member", organiser, now=first_at)
    [first] = mailed_links()
    assert client.post(first, {"answer": "decline"}).status_code == 302

    membership = services.invite(jury, "claire@jury.example", "Claire Dubois", "member", organiser)
    [_first, second] = mailed_links()

    assert membership.invited_at > first_at
    assert membership.state == JuryMember.State.INVITED
    replaced = client.get(first)
    assert (replaced.status_code, REPLACED in text(replaced)) == (410, True)
    assert accept_with_password(client, first).status_code == 410
    assert state_of(membership) == (JuryMember.State.INVITED, False)

    accepted = accept_with_password(client, second)

    assert (accepted.status_code, accepted.url) == (302, reverse("jury:home"))
    assert state_of(membership) == (JuryMember.State.ACCEPTED, True)


def test_a_reminder_of_a_pending_invitation_replaces_its_link(client, jury, organiser):
    services.invite(jury, "claire@jury.example", "Claire Dubois", "member", organiser, now=timezone.now())
    services.invite(jury, "claire@jury.example", "Claire Dubois", "member", organiser, now=timezone.now())
    first, second = mailed_links()

    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_an_expired_link_says_so_and_can_no_longer_be_accepted(client, jury, clock):
    membership = JuryMemberFactory(jury=jury, user=newcomer(), state=JuryMember.State.INVITED)
    url = link(membership)

    clock.set(timezone.now() + timedelta(seconds=services.INVITATION_MAX_AGE + 1))
    page = client.get(url)
    accepted = accept_with_password(client, url)

    assert (page.status_code, accepted.status_code) == (410, 410)
    assert EXPIRED in text(page) and "label@association.example" in text(page)
    assert state_of(membership) == (JuryMember.State.INVITED, False)
    assert not get_user(client).is_authenticated


# --- someone else's session ---------------------------------------------------------------------


def test_a_link_opened_in_another_session_asks_to_log_out_and_never_switches_it(client, jury):
    invited = newcomer()
    membership = JuryMemberFactory(jury=jury, user=invited, state=JuryMember.State.INVITED)
    other = UserFactory(email="bernard@ville.example")
    url = link(membership)
    client.force_login(other)

    page = client.get(url)
    accepted = accept_with_password(client, url)
    declined = client.post(url, {"answer": "decline"})

    assert (page.status_code, accepted.status_code, declined.status_code) == (403, 403, 403)
    assert (
        "Vous êtes connecté·e en tant que bernard@ville.example ; cette invitation est adressée à "
        "claire@jury.example. Déconnectez-vous pour continuer." in " ".join(text(page).split())
    )
    assert f'action="{reverse("accounts:logout")}"' in text(page)
    assert f'name="next" value="{url}"' in text(page)
    assert get_user(client) == other
    assert state_of(membership) == (JuryMember.State.INVITED, False)

    logged_out = client.post(reverse("accounts:logout"), {"next": url})
    assert (logged_out.status_code, logged_out.url) == (302, url)
    assert not get_user(client).is_authenticated
    assert accept_with_password(client, url).status_code == 302
    assert get_user(client) == invited
    assert state_of(membership) == (JuryMember.State.ACCEPTED, True)


def test_an_invitee_with_a_password_is_asked_to_log_out_another_account_too(client, jury):
    membership = JuryMemberFactory(jury=jury, state=JuryMember.State.INVITED)
    other = UserFactory()
    client.force_login(other)

    response = client.post(link(membership), {"answer": "accept"})

    assert response.status_code == 403
    assert membership.user.email in text(response) and other.email in text(response)
    assert get_user(client) == other
    assert state_of(membership) == (JuryMember.State.INVITED, True)


# --- guessing -------------------------------------------------------------------------------------


def test_guessing_links_is_stopped_per_address(client, jury):
    membership = JuryMemberFactory(jury=jury, user=newcomer(), state=JuryMember.State.INVITED)
    genuine = link(membership)
    guesses = [
        reverse("jury:invitation", kwargs={"token": f"eyJtIjoxfQ:1abcde:{n:043d}"})
        for n in range(INVITATION_GUESSES_PER_HOUR + 1)
    ]

    answers = [client.get(url, REMOTE_ADDR=GUESSER) for url in guesses]
    held = client.get(genuine, REMOTE_ADDR=GUESSER)

    assert [answer.status_code for answer in answers] == [400] * INVITATION_GUESSES_PER_HOUR + [429]
    assert INVALID in text(answers[0]) and "Trop de tentatives" in text(answers[-1])
    assert held.status_code == 429 and held["Retry-After"] == "3600"
    assert "Trop de tentatives" in text(held)
    assert accept_with_password(client, genuine, REMOTE_ADDR=GUESSER).status_code == 429
    assert state_of(membership) == (JuryMember.State.INVITED, False)
    assert client.get(genuine, REMOTE_ADDR=NEIGHBOUR).status_code == 200


def test_genuine_links_opened_again_and_again_are_never_held(client, jury):
    membership = JuryMemberFactory(jury=jury, user=newcomer(), state=JuryMember.State.INVITED)
    url = link(membership)
    client.post(url, {"answer": "decline"}, REMOTE_ADDR=GUESSER)

    answers = {client.get(url, REMOTE_ADDR=GUESSER).status_code for _ in range(INVITATION_GUESSES_PER_HOUR + 5)}

    assert answers == {410}
