"""``seed_demo`` builds the events once, sends nothing, links them to the label and keeps the next ones ahead."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from demo import events as demo_events
from events import services
from events.models import Event, EventPartner, Partner, ProgrammeItem, Registration
from label.models import Edition
from notifications.models import Notification

from .seeding import count_rows, seed

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NEXT_MEETING_SLUG = "rencontre-regionale-lyon"
NEXT_FORUM_SLUG = "prochain-forum-national"


def counts():
    return count_rows(Event, Partner, EventPartner, ProgrammeItem, Registration, Notification)


def test_seeding_twice_changes_nothing_more_and_sends_nothing():
    seed()
    first = counts()
    seed()

    assert counts() == first
    assert (first["Event"], first["Partner"], first["Notification"]) == (4, 3, 0)
    assert mail.outbox == []


def test_the_dunkerque_meeting_is_on_30_june_2020_with_its_programme_and_partners():
    seed()
    event = Event.objects.get(slug="dunkerque-2020")

    assert (event.title, event.kind, event.region.code, event.city, event.mode, event.capacity) == (
        "Comment opérer une ville durable et intelligente ?",
        Event.Kind.REGIONAL_MEETING,
        "32",
        "Dunkerque",
        Event.Mode.HYBRID,
        120,
    )
    assert (event.starts_at, event.ends_at) == (
        datetime(2020, 6, 30, 9, 30, tzinfo=PARIS),
        datetime(2020, 6, 30, 17, 0, tzinfo=PARIS),
    )
    assert event.published
    assert event.webtv_url == "https://webtv.label-demo.example/dunkerque-2020"
    assert [(p.partner.name, p.role) for p in event.partnerships.select_related("partner")] == [
        ("Communauté urbaine de Dunkerque", EventPartner.Role.ORGANISER),
        ("France Ville Durable", EventPartner.Role.PARTNER),
        ("Web TV des territoires", EventPartner.Role.MEDIA),
    ]
    programme = [
        (timezone.localtime(item.starts_at).strftime("%H:%M"), item.kind, item.title) for item in event.programme.all()
    ]
    assert programme == [
        ("09:30", "other", "Accueil des participants"),
        ("10:00", "talk", "Ouverture de la rencontre"),
        ("10:20", "talk", "Conférence introductive : opérer la ville durable et intelligente"),
        ("11:00", "roundtable", "Table ronde : la ville durable, des engagements aux services du quotidien"),
        ("12:15", "break", "Déjeuner"),
        ("13:45", "roundtable", "Table ronde : la ville intelligente, données et sobriété numérique"),
        ("15:00", "broadcast", "Diffusion des auditions régionales du 23 juin"),
        ("16:30", "talk", "Clôture : les prochaines étapes du label"),
    ]
    assert all(item.ends_at <= event.ends_at for item in event.programme.all())


def test_the_2021_forum_is_online_and_presents_the_labels():
    seed()
    forum = Event.objects.get(slug="forum-national-2021")

    assert (forum.kind, forum.mode, forum.starts_at, forum.ends_at) == (
        Event.Kind.NATIONAL_FORUM,
        Event.Mode.ONLINE,
        datetime(2021, 2, 10, 9, 30, tzinfo=PARIS),
        datetime(2021, 2, 10, 17, 30, tzinfo=PARIS),
    )
    assert forum.webtv_url
    assert forum.programme.filter(kind=ProgrammeItem.Kind.CEREMONY, title="Remise des labels").exists()


def test_the_editions_are_linked_to_their_meetings_and_forums():
    seed()
    closed = Edition.objects.get(slug="2020")
    current = Edition.objects.latest("closes_at")

    assert closed.forum.slug == "forum-national-2021"
    assert [event.slug for event in closed.regional_meetings.all()] == ["dunkerque-2020"]
    assert current.forum.slug == NEXT_FORUM_SLUG
    assert [event.slug for event in current.regional_meetings.all()] == [NEXT_MEETING_SLUG]


def test_the_next_events_lie_ahead_on_the_days_of_the_current_edition_milestones():
    seed()
    today = timezone.localdate()
    current = Edition.objects.latest("closes_at")
    meeting = Event.objects.get(slug=NEXT_MEETING_SLUG)
    forum = Event.objects.get(slug=NEXT_FORUM_SLUG)

    assert meeting.starts_at == datetime.combine(today + timedelta(days=58), time(9, 30), tzinfo=PARIS)
    assert (meeting.capacity, meeting.mode, meeting.region.code, meeting.registration_state()) == (
        3,
        Event.Mode.HYBRID,
        "84",
        "open",
    )
    assert forum.registration_state() == "not_yet"
    milestones = {m.title: m.starts_at for m in current.milestones.all()}
    assert milestones["Rencontre régionale"] == meeting.starts_at
    assert milestones["Forum national et remise des labels"] == forum.starts_at


def test_the_last_seat_of_the_next_meeting_then_the_waiting_list_can_be_tried():
    seed()
    meeting = Event.objects.get(slug=NEXT_MEETING_SLUG)

    last_seat = services.register(meeting, "Léa Vasseur", "lea@lyon.example", "Ville de Lyon", "on_site")
    waiting = services.register(meeting, "Marc Petit", "marc@lyon.example", "Ville de Vienne", "on_site")

    assert (last_seat.status, waiting.status) == (Registration.Status.CONFIRMED, Registration.Status.WAITLISTED)


def test_a_later_run_moves_the_next_events_with_the_day():
    partners = demo_events.seed_partners()
    for spec in demo_events.upcoming():
        demo_events.seed_event(spec, partners, date(2031, 3, 1))
    meeting, forum = (demo_events.seed_event(spec, partners, date(2031, 3, 11)) for spec in demo_events.upcoming())

    assert Event.objects.count() == 2
    assert (meeting.starts_at, meeting.ends_at) == (
        datetime(2031, 5, 8, 9, 30, tzinfo=PARIS),
        datetime(2031, 5, 8, 17, 0, tzinfo=PARIS),
    )
    assert forum.starts_at == datetime(2031, 12, 6, 9, 30, tzinfo=PARIS)
    assert forum.title == "Forum national 2031 du Label Territoire Innovant"
    lunch = meeting.programme.get(title="Déjeuner")
    assert lunch.starts_at == datetime(2031, 5, 8, 12, 0, tzinfo=PARIS)
    assert meeting.programme.count() == len(demo_events.upcoming()[0]["programme"])
