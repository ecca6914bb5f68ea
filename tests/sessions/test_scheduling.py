"""The scheduler on generated cases: no double booking, availability respected, a maximum matching, reasons."""

import itertools
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from auditions.sessions.models import AuditionSession, Availability, SessionBreak, Slot
from auditions.sessions.scheduling import fits, generate_slots, maximum_compact_matching, plan, schedule, slot_times
from tests.jury.factories import shortlisted
from tests.label.factories import EditionFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def make_session(edition=None, **fields):
    values = {
        "title": "Auditions Hauts-de-France",
        "starts_at": datetime(2020, 6, 23, 14, 0, tzinfo=PARIS),
        "ends_at": datetime(2020, 6, 23, 17, 0, tzinfo=PARIS),
        "pitch_minutes": 10,
        "questions_minutes": 10,
        "buffer_minutes": 5,
        **fields,
    }
    return AuditionSession.objects.create(edition=edition or EditionFactory(), **values)


def brute_force_maximum(allowed, slot_count):
    """The size of a maximum matching by trying every injective assignment (small cases only)."""
    best = 0
    candidates = range(len(allowed))
    for size in range(min(len(allowed), slot_count), 0, -1):
        for chosen in itertools.combinations(candidates, size):
            for slots in itertools.permutations(range(slot_count), size):
                if all(slot in allowed[c] for c, slot in zip(chosen, slots, strict=True)):
                    return size
    return best


def test_slots_follow_the_window_lengths_buffer_and_breaks():
    session = make_session()
    times = [
        (start.astimezone(PARIS).strftime("%H:%M"), end.astimezone(PARIS).strftime("%H:%M"))
        for start, end in slot_times(session, breaks=[])
    ]
    assert times == [
        ("14:00", "14:20"),
        ("14:25", "14:45"),
        ("14:50", "15:10"),
        ("15:15", "15:35"),
        ("15:40", "16:00"),
        ("16:05", "16:25"),
        ("16:30", "16:50"),
    ]
    SessionBreak.objects.create(
        session=session,
        starts_at=datetime(2020, 6, 23, 15, 20, tzinfo=PARIS),
        ends_at=datetime(2020, 6, 23, 15, 40, tzinfo=PARIS),
    )
    generate_slots(session)
    starts = [slot.starts_at.astimezone(PARIS).strftime("%H:%M") for slot in session.slots.all()]
    assert starts == ["14:00", "14:25", "14:50", "15:40", "16:05", "16:30"]


def test_slots_across_the_october_clock_change_keep_their_length():
    session = make_session(
        starts_at=datetime(2026, 10, 25, 1, 30, tzinfo=PARIS), ends_at=datetime(2026, 10, 25, 4, 0, tzinfo=PARIS)
    )
    times = slot_times(session, breaks=[])
    assert all(end - start == timedelta(minutes=20) for start, end in times)
    assert len(times) == 8  # 3 h 30 of real time between 01:30 CEST and 04:00 CET: 8 steps of 25 minutes
    assert times[0][0].astimezone(ZoneInfo("UTC")).strftime("%H:%M") == "23:30"


@pytest.mark.parametrize("seed", range(25))
def test_matching_is_maximum_and_compact_on_random_cases(seed):
    rng = random.Random(seed)
    slot_count = rng.randint(1, 5)
    allowed = [set(rng.sample(range(slot_count), rng.randint(0, slot_count))) for _ in range(rng.randint(1, 6))]
    matching = maximum_compact_matching(allowed, slot_count)
    assert len(set(matching.values())) == len(matching)  # never two in a slot
    assert all(slot in allowed[candidate] for candidate, slot in matching.items())  # availability respected
    assert len(matching) == brute_force_maximum(allowed, slot_count)


def test_compactness_prefers_the_earliest_slots():
    assert maximum_compact_matching([{0, 1, 2, 3}, {0, 1, 2, 3}], 4) == {0: 0, 1: 1}
    # A greedy first-come order would give candidate 0 slot 0 and leave candidate 1 out.
    assert maximum_compact_matching([{0, 1}, {0}], 2) == {0: 1, 1: 0}


def test_schedule_respects_availability_and_explains_the_unplaced():
    session = make_session()
    generate_slots(session)
    slots = list(session.slots.all())
    first, second = slots[0], slots[1]
    flexible = shortlisted(session.edition, territory_name="Souple")
    early = shortlisted(session.edition, territory_name="Tôt")
    also_early = shortlisted(session.edition, territory_name="Tôt aussi")
    absent = shortlisted(session.edition, territory_name="Absente")
    shortlisted(session.edition, territory_name="Muette")
    outside = shortlisted(session.edition, territory_name="Hors plage")
    first_range = [[first.starts_at.isoformat(), first.ends_at.isoformat()]]
    Availability.objects.create(candidature=flexible, session=session, available=True)
    Availability.objects.create(candidature=early, session=session, available=True, ranges=first_range)
    Availability.objects.create(candidature=also_early, session=session, available=True, ranges=first_range)
    Availability.objects.create(candidature=absent, session=session, available=False)
    late = datetime(2020, 6, 23, 18, 0, tzinfo=PARIS)
    Availability.objects.create(
        candidature=outside,
        session=session,
        available=True,
        ranges=[[late.isoformat(), (late + timedelta(hours=1)).isoformat()]],
    )

    result = schedule(session)

    placed = {candidature.territory_name: slot for slot, candidature in result.placed}
    assert set(placed) == {"Souple", "Tôt"} or set(placed) == {"Souple", "Tôt aussi"}
    assert placed["Souple"] == second  # the only free slot left compact after the first one
    reasons = {candidature.territory_name: str(reason) for candidature, reason in result.unplaced}
    assert reasons["Absente"] == "a indiqué ne pas être disponible pour cette session"
    assert reasons["Muette"] == "n'a pas indiqué ses disponibilités pour cette session"
    assert reasons["Hors plage"] == "aucun créneau ne tombe dans ses plages horaires"
    assert set(reasons) & {"Tôt", "Tôt aussi"}  # one of the two who both want 14:00 only
    assert list(
        Slot.objects.filter(candidature__isnull=False)
        .order_by("starts_at")
        .values_list("candidature__territory_name", flat=True)
    ) in (["Tôt", "Souple"], ["Tôt aussi", "Souple"])
    for slot in Slot.objects.filter(candidature__isnull=False):
        assert fits(slot, Availability.objects.get(session=session, candidature=slot.candidature))


def test_a_candidature_already_placed_in_another_session_is_not_placed_twice():
    edition = EditionFactory()
    morning = make_session(edition, title="Matin")
    afternoon = make_session(
        edition,
        title="Après-midi",
        starts_at=datetime(2020, 6, 24, 14, 0, tzinfo=PARIS),
        ends_at=datetime(2020, 6, 24, 17, 0, tzinfo=PARIS),
    )
    generate_slots(morning)
    generate_slots(afternoon)
    candidature = shortlisted(edition)
    for session in (morning, afternoon):
        Availability.objects.create(candidature=candidature, session=session, available=True)
    schedule(morning)
    result = plan(afternoon)
    assert result.placed == []
    assert [str(reason) for _candidature, reason in result.unplaced] == [
        "déjà placée dans une autre session de l'édition"
    ]


def test_adjacent_ranges_are_merged():
    session = make_session()
    slot = Slot(
        session=session,
        starts_at=datetime(2020, 6, 23, 14, 50, tzinfo=PARIS),
        ends_at=datetime(2020, 6, 23, 15, 10, tzinfo=PARIS),
    )
    hours = [datetime(2020, 6, 23, hour, 0, tzinfo=PARIS).isoformat() for hour in (14, 15, 16)]
    both = Availability(session=session, available=True, ranges=[[hours[1], hours[2]], [hours[0], hours[1]]])
    first_only = Availability(session=session, available=True, ranges=[[hours[0], hours[1]]])
    assert fits(slot, both) and not fits(slot, first_only)
