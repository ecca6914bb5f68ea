"""The dashboard's data: an edition with candidatures in every status, a jury at work, an audition session."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from auditions.sessions.models import AuditionSession, Availability, Slot
from events.models import Region
from label.models import Level, Status
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory, answer_all

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


def region(code):
    return Region.objects.get(code=code)


def edition_2020(**fields):
    """A call "avant le 19 juin 2020 à minuit", with two criteria."""
    values = {
        "name": "Hauts-de-France 2020",
        "slug": "hdf-2020",
        "year": 2020,
        "opens_at": paris(2020, 6, 1),
        "closes_at": paris(2020, 6, 20),
        **fields,
    }
    edition = EditionFactory(**values)
    CriterionFactory(edition=edition, code="innovation", name="Innovation", order=1)
    CriterionFactory(edition=edition, code="usagers", name="Prise en compte des usagers", order=2)
    return edition


def candidature(edition, status, submitted_at=None, level="", answered=True, **fields):
    """A candidature in ``status``: submitted at ``submitted_at`` (18 June 2020 by default) unless a draft."""
    if status != Status.DRAFT and submitted_at is None:
        submitted_at = paris(2020, 6, 18, 10)
    made = CandidatureFactory(edition=edition, status=status, submitted_at=submitted_at, outcome_level=level, **fields)
    return answer_all(made) if answered else made


def laureate(edition, level=Level.GOLD, **fields):
    return candidature(edition, Status.LAUREATE, level=level, **fields)


def future_session(edition, days=20, title="Auditions Hauts-de-France", slots=3):
    """A session 14:00–17:00 (Paris) ``days`` from now, with ``slots`` empty slots of 20 minutes from 14:00."""
    day = timezone.localdate() + timedelta(days=days)
    starts_at = paris(day.year, day.month, day.day, 14)
    session = AuditionSession.objects.create(
        edition=edition, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3)
    )
    for index in range(slots):
        start = starts_at + timedelta(minutes=25 * index)
        Slot.objects.create(session=session, starts_at=start, ends_at=start + timedelta(minutes=20))
    return session


def available(candidature, session):
    return Availability.objects.create(candidature=candidature, session=session, available=True)
