"""The juries' progress per juror on a known data set, and the reminder: exactly the late jurors, once per
milestone, whoever sends it first (the button or the hourly task)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from auditions.jury.models import JuryMember
from auditions.jury.services import remind_jurors
from core.templatetags.paris_time import deadline_phrase
from label.models import Status
from notifications.models import Notification
from tests.conftest import messages_of
from tests.factories import UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign, scored

from .factories import candidature, edition_2020

pytestmark = pytest.mark.django_db


def member(jury, name, role=JuryMember.Role.MEMBER, state=JuryMember.State.ACCEPTED):
    login = name.split()[0].lower().replace("é", "e")
    user = UserFactory(full_name=name, email=f"{login}@jury.example")
    JuryMemberFactory(jury=jury, user=user, role=role, state=state)
    return user


@pytest.fixture
def edition():
    return edition_2020()


@pytest.fixture
def juries(edition):
    """Jury A ends its scoring in two days (reminder days), jury B in ten."""
    now = timezone.now()
    closing = JuryFactory(
        edition=edition,
        name="Jury A",
        scoring_opens_at=now - timedelta(days=5),
        scoring_closes_at=now + timedelta(days=2),
    )
    open_ = JuryFactory(
        edition=edition,
        name="Jury B",
        scoring_opens_at=now - timedelta(days=5),
        scoring_closes_at=now + timedelta(days=10),
    )
    first, second, third = (candidature(edition, Status.SHORTLISTED) for _ in range(3))
    alice = member(closing, "Alice Martin", role=JuryMember.Role.PRESIDENT)
    bob = member(closing, "Bob Durand")
    chloe = member(closing, "Chloé Petit")
    member(closing, "David Roux", state=JuryMember.State.DECLINED)
    scored(closing, alice, first, [4, 3])
    scored(closing, alice, second, [2, None], submit=False)
    scored(closing, bob, first, [3, 3])
    scored(closing, bob, second, [5, 4])
    assign(closing, chloe, third)
    emma = member(open_, "Emma Leroy")
    assign(open_, emma, first)
    return closing, open_, {"alice": alice, "bob": bob, "chloe": chloe, "emma": emma}


def url(edition):
    return reverse("dashboard:edition", kwargs={"edition": edition.slug})


def remind_url(jury):
    return reverse("dashboard:remind", kwargs={"edition": jury.edition.slug, "jury": jury.pk})


def rows(client, edition):
    return [
        (
            progress.jury.name,
            progress.phase,
            [
                (juror.user.full_name, juror.assigned, juror.submitted, juror.late, juror.may_remind)
                for juror in progress.jurors
            ],
        )
        for progress in client.get(url(edition)).context["juries"]
    ]


def reminders():
    return sorted(Notification.objects.filter(kind="jury_reminder").values_list("recipient", "idempotency_key"))


def test_each_juror_s_assigned_submitted_and_late_evaluations(organiser_client, edition, juries):
    assert rows(organiser_client, edition) == [
        (
            "Jury A",
            "closing",
            [
                ("Alice Martin", 2, 1, 1, True),
                ("Bob Durand", 2, 2, 0, False),
                ("Chloé Petit", 1, 0, 1, True),
                ("David Roux", 0, 0, 0, False),
            ],
        ),
        # Ten days left: nobody is late yet.
        ("Jury B", "open", [("Emma Leroy", 1, 0, 0, False)]),
    ]
    jury = organiser_client.get(url(edition)).context["juries"][0]
    assert (jury.assigned, jury.submitted, jury.late, jury.to_remind) == (5, 3, 2, 2)


def test_the_jury_s_button_queues_one_reminder_per_late_juror_and_a_second_click_none(
    organiser_client, edition, juries
):
    closing, _open, people = juries
    response = organiser_client.post(remind_url(closing), follow=True)
    assert messages_of(response) == ["2 relances mises en file d'envoi."]
    expected = [
        ("alice@jury.example", f"jury_reminder:{closing.pk}:{people['alice'].pk}:j3"),
        ("chloe@jury.example", f"jury_reminder:{closing.pk}:{people['chloe'].pk}:j3"),
    ]
    assert reminders() == expected
    subjects = list(Notification.objects.filter(kind="jury_reminder").values_list("subject", flat=True))
    when = deadline_phrase(closing.scoring_closes_at)
    assert subjects == [f"Action requise : 1 évaluation à terminer avant le {when}"] * 2

    again = organiser_client.post(remind_url(closing), follow=True)
    assert messages_of(again) == [
        "Aucune relance à envoyer : chaque juré en retard a déjà reçu celle de cette échéance."
    ]
    assert reminders() == expected
    # The hourly task finds the same keys: nothing more either.
    assert remind_jurors() == 0
    assert reminders() == expected
    assert rows(organiser_client, edition)[0][2] == [
        ("Alice Martin", 2, 1, 1, False),
        ("Bob Durand", 2, 2, 0, False),
        ("Chloé Petit", 1, 0, 1, False),
        ("David Roux", 0, 0, 0, False),
    ]
    assert "Relancé le" in again.content.decode()


def test_a_juror_s_button_reminds_that_juror_only(organiser_client, edition, juries):
    closing, _open, people = juries
    response = organiser_client.post(remind_url(closing), {"juror": people["chloe"].pk}, follow=True)
    assert messages_of(response) == ["1 relance mise en file d'envoi."]
    assert reminders() == [("chloe@jury.example", f"jury_reminder:{closing.pk}:{people['chloe'].pk}:j3")]
    assert organiser_client.post(remind_url(closing), {"juror": people["chloe"].pk}).status_code == 302
    assert len(reminders()) == 1
    organiser_client.post(remind_url(closing))
    assert [recipient for recipient, _key in reminders()] == ["alice@jury.example", "chloe@jury.example"]


def test_a_reminder_already_sent_by_the_hourly_task_is_not_sent_again(organiser_client, edition, juries):
    closing, _open, _people = juries
    assert remind_jurors() == 2
    response = organiser_client.post(remind_url(closing), follow=True)
    assert messages_of(response) == [
        "Aucune relance à envoyer : chaque juré en retard a déjà reçu celle de cette échéance."
    ]
    assert len(reminders()) == 2


def test_the_last_day_opens_a_new_reminder(organiser_client, edition, juries, clock):
    closing, _open, people = juries
    organiser_client.post(remind_url(closing))
    clock.set(closing.scoring_closes_at - timedelta(hours=12))
    assert [juror[4] for juror in rows(organiser_client, edition)[0][2]] == [True, False, True, False]
    organiser_client.post(remind_url(closing))
    assert [key.rsplit(":", 1)[1] for _recipient, key in reminders()] == ["j1", "j3", "j1", "j3"]


def test_no_reminder_while_scoring_is_far_from_its_end_or_over(organiser_client, edition, juries, clock):
    closing, open_, people = juries
    response = organiser_client.post(remind_url(open_), follow=True)
    assert messages_of(response) == [
        "Les relances ne partent que pendant les trois derniers jours de la notation, tant qu'elle est ouverte."
    ]
    clock.set(closing.scoring_closes_at + timedelta(hours=1))
    organiser_client.post(remind_url(closing))
    assert reminders() == []
    # Scoring over, the late evaluations stay late, with no button: the period must be extended first.
    assert rows(organiser_client, edition)[0][1:] == (
        "closed",
        [
            ("Alice Martin", 2, 1, 1, False),
            ("Bob Durand", 2, 2, 0, False),
            ("Chloé Petit", 1, 0, 1, False),
            ("David Roux", 0, 0, 0, False),
        ],
    )


def test_a_juror_of_another_jury_cannot_be_reminded_through_this_one(organiser_client, edition, juries):
    closing, _open, people = juries
    response = organiser_client.post(remind_url(closing), {"juror": people["emma"].pk})
    assert response.status_code == 404
    assert organiser_client.post(remind_url(closing), {"juror": "x"}).status_code == 404
    assert reminders() == []
