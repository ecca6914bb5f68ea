"""``seed_demo`` builds the audition sessions once: 23 June 2020 as it ran, and the current edition's coming one."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.html import escape

from auditions.sessions import convocations, scheduling
from auditions.sessions.models import AuditionSession, Availability, Convocation, SessionBreak, Slot
from label.models import Edition, Status
from notifications.models import Notification

from .seeding import count_rows, seed

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
RUNNING_ORDER = [
    ("14:00", "Métropole européenne de Lille"),
    ("14:25", "Ville de Roubaix"),
    ("14:50", "Communauté urbaine de Dunkerque"),
    ("15:15", "Département du Nord"),
    ("15:40", None),
    ("16:05", None),
    ("16:30", None),
]


def counts():
    return count_rows(AuditionSession, SessionBreak, Slot, Convocation, Availability, Notification)


def session_2020():
    return AuditionSession.objects.get(edition__slug="2020", title="Auditions régionales Hauts-de-France")


def upcoming():
    return AuditionSession.objects.exclude(edition__slug="2020").get()


def clock(value):
    return timezone.localtime(value, PARIS).strftime("%H:%M")


def test_seeding_twice_changes_nothing_more_and_sends_nothing():
    seed()
    first = counts()
    slots = sorted(Slot.objects.values_list("pk", "starts_at", "candidature_id"))
    told = sorted(Convocation.objects.values_list("pk", "slot_id", "starts_at", "sequence"))
    seed()

    assert counts() == first
    assert first == {
        "AuditionSession": 2,
        "SessionBreak": 0,
        "Slot": 14,
        "Convocation": 4,
        "Availability": 4,
        "Notification": 0,
    }
    assert sorted(Slot.objects.values_list("pk", "starts_at", "candidature_id")) == slots
    assert sorted(Convocation.objects.values_list("pk", "slot_id", "starts_at", "sequence")) == told
    assert mail.outbox == []


def test_the_2020_session_runs_on_23_june_from_14_00_with_the_four_auditioned_territories():
    seed()
    session = session_2020()

    assert (session.starts_at, session.ends_at) == (
        datetime(2020, 6, 23, 14, 0, tzinfo=PARIS),
        datetime(2020, 6, 23, 17, 0, tzinfo=PARIS),
    )
    assert (session.pitch_minutes, session.questions_minutes, session.buffer_minutes) == (10, 10, 5)
    assert (session.video_url, session.broadcast_event.slug) == (
        "https://visio.label-demo.example/hdf-2020",
        "dunkerque-2020",
    )
    assert [region.name for region in session.regions.all()] == ["Hauts-de-France"]
    assert (session.published, session.published_at, session.availability_deadline) == (
        True,
        datetime(2020, 6, 20, 10, 0, tzinfo=PARIS),
        datetime(2020, 6, 21, 12, 0, tzinfo=PARIS),
    )
    slots = list(session.slots.select_related("candidature"))
    assert [
        (clock(slot.starts_at), slot.candidature.territory_name if slot.candidature else None) for slot in slots
    ] == RUNNING_ORDER
    assert [(slot.starts_at, slot.ends_at) for slot in slots] == scheduling.slot_times(session)
    first_filled = next(slot for slot in slots if slot.candidature)
    assert first_filled.starts_at == datetime(2020, 6, 23, 14, 0, tzinfo=PARIS)
    assert {slot.candidature.status for slot in slots if slot.candidature} == {Status.LAUREATE, Status.NOT_RETAINED}


def test_the_2020_convocations_read_as_sent_and_each_pitch_fits_its_candidate_s_answer():
    seed()
    session = session_2020()

    told = [
        (convocation.slot_id, convocation.candidature_id, convocation.terms, convocation.sequence, convocation.uid)
        for convocation in session.convocations.order_by("starts_at")
    ]
    filled = session.slots.filter(candidature__isnull=False).select_related("session")
    assert told == [
        (
            slot.pk,
            slot.candidature_id,
            (slot.starts_at, slot.ends_at, session.video_url),
            0,
            f"convocation-{session.pk}-{slot.candidature_id}@label-territoire-innovant",
        )
        for slot in filled
    ]
    assert {convocation.sent_at for convocation in session.convocations.all()} == {session.published_at}
    for slot in filled:
        assert scheduling.warnings_for(slot, slot.candidature) == []
    assert all(answer.answered_at < session.availability_deadline for answer in session.availabilities.all())

    convocations.publish(session)

    assert Notification.objects.count() == 0
    session.refresh_from_db()
    assert session.version == 1


def test_the_current_edition_s_session_comes_three_weeks_after_the_call_unpublished():
    seed()
    edition = Edition.objects.latest("closes_at")
    session = upcoming()
    day = timezone.localdate(edition.closes_at) + timedelta(days=21)

    assert session.edition == edition
    assert (session.starts_at, session.ends_at) == (
        datetime(day.year, day.month, day.day, 14, 0, tzinfo=PARIS),
        datetime(day.year, day.month, day.day, 17, 0, tzinfo=PARIS),
    )
    week_before = day - timedelta(days=7)
    assert session.availability_deadline == datetime(
        week_before.year, week_before.month, week_before.day, 12, 0, tzinfo=PARIS
    )
    assert (session.published, session.published_at) == (False, None)
    assert [(slot.starts_at, slot.ends_at) for slot in session.slots.all()] == scheduling.slot_times(session)
    assert not session.slots.filter(candidature__isnull=False).exists()
    assert not session.convocations.exists()
    milestone = edition.milestones.get(title="Auditions des candidats présélectionnés")
    assert (milestone.starts_at, milestone.ends_at) == (session.starts_at, session.ends_at)


def test_the_public_programme_of_2020_lists_the_four_territories(client):
    seed()

    response = client.get("/auditions/2020/")

    assert response.status_code == 200
    page = response.content.decode()
    for _clock, territory in RUNNING_ORDER[:4]:
        assert escape(territory) in page
