"""Migrating the convocations out of the slots keeps what candidates were told, and the UIDs in their calendars."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from icalendar import Calendar

from auditions.sessions import convocations
from auditions.sessions.models import AuditionSession, Convocation
from notifications.models import Notification
from tests.jury.factories import shortlisted
from tests.label.factories import EditionFactory

pytestmark = pytest.mark.django_db(transaction=True)

PARIS = ZoneInfo("Europe/Paris")
BEFORE = ("auditions", "0002_audition_sessions")
VISIO = "https://visio.label.example/hdf"


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def latest():
    """The app's last migration: the models the test then uses are those of today's code."""
    (leaf,) = MigrationExecutor(connection).loader.graph.leaf_nodes("auditions")
    return leaf


def paris(hour, minute=0):
    return datetime(2030, 6, 23, hour, minute, tzinfo=PARIS)


def sent_ics(kind, candidature):
    (notification,) = Notification.objects.filter(kind=kind, recipient=candidature.owner.email)
    calendar = Calendar.from_ical(notification.attachments[0]["content"])
    (event,) = calendar.walk("VEVENT")
    return str(calendar["method"]), str(event["uid"]), int(event["sequence"]), event.decoded("dtstart")


def test_what_each_slot_last_told_becomes_a_convocation_with_the_slot_s_uid():
    edition = EditionFactory(contact_email="contact@label.example")
    told, waiting, replaced, moved = (shortlisted(edition) for _ in range(4))
    try:
        old = migrate(BEFORE)
        session = old.get_model("auditions", "AuditionSession").objects.create(
            edition_id=edition.pk,
            title="Auditions",
            starts_at=paris(14),
            ends_at=paris(17),
            video_url=VISIO,
            published=True,
            published_at=paris(9),
            version=2,
        )
        slots = old.get_model("auditions", "Slot").objects

        def slot(hour, minute, candidature, notified, notified_at, sequence):
            return slots.create(
                session=session,
                starts_at=paris(hour, minute),
                ends_at=paris(hour, minute) + timedelta(minutes=20),
                candidature_id=candidature and candidature.pk,
                notified_candidature_id=notified and notified.pk,
                notified_starts_at=notified_at,
                notified_video_url=VISIO if notified else "",
                sequence=sequence,
            )

        # Told and unchanged; replaced (unpublished) by another candidature; cancelled and told nothing since;
        # told 15:00, since moved (unpublished) to 15:15.
        first = slot(14, 0, told, told, paris(14), 0)
        second = slot(14, 25, waiting, replaced, paris(14, 25), 2)
        slot(14, 50, None, None, None, 1)
        fourth = slot(15, 15, moved, moved, paris(15), 0)
    finally:
        migrate(latest())

    assert sorted(
        (c.candidature_id, c.slot_id, c.uid, c.starts_at, c.ends_at, c.video_url, c.sequence, c.cancelled, c.sent_at)
        for c in Convocation.objects.all()
    ) == sorted(
        [
            (
                told.pk,
                first.pk,
                f"slot-{first.pk}@label-territoire-innovant",
                paris(14),
                paris(14, 20),
                VISIO,
                0,
                False,
                paris(9),
            ),
            (
                replaced.pk,
                second.pk,
                f"slot-{second.pk}@label-territoire-innovant",
                paris(14, 25),
                paris(14, 45),
                VISIO,
                2,
                False,
                paris(9),
            ),
            (
                moved.pk,
                fourth.pk,
                f"slot-{fourth.pk}@label-territoire-innovant",
                paris(15),
                paris(15, 20),
                VISIO,
                0,
                False,
                paris(9),
            ),
        ]
    )

    convocations.publish(AuditionSession.objects.get(pk=session.pk))

    assert Counter(Notification.objects.values_list("kind", "recipient")) == {
        ("convocation", waiting.owner.email): 1,
        ("convocation_cancelled", replaced.owner.email): 1,
        ("convocation_updated", moved.owner.email): 1,
    }
    assert [
        sent_ics("convocation", waiting),
        sent_ics("convocation_cancelled", replaced),
        sent_ics("convocation_updated", moved),
    ] == [
        ("REQUEST", f"convocation-{session.pk}-{waiting.pk}@label-territoire-innovant", 0, paris(14, 25)),
        ("CANCEL", f"slot-{second.pk}@label-territoire-innovant", 3, paris(14, 25)),
        ("REQUEST", f"slot-{fourth.pk}@label-territoire-innovant", 1, paris(15, 15)),
    ]
