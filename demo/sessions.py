"""The audition sessions (``data/sessions.toml``).

A session is configuration, written as an organiser does in the admin, and cut into slots by
``auditions.sessions.scheduling``; candidates give their availability through ``auditions.sessions.services``
and the running order goes out through ``auditions.sessions.convocations.publish``, each on its date.
"""

from auditions.sessions import convocations, scheduling
from auditions.sessions import services as session_services
from auditions.sessions.models import AuditionSession
from events.models import Region

from . import data

SESSIONS = {spec["edition"]: spec for spec in data.load("sessions")["session"]}
# Only a shortlisted candidature gives its availability: the 2020 screening comes before this instant.
FIRST_ANSWER_AT = min(data.instant(pitch["answered"]) for pitch in SESSIONS["2020"]["pitch"])


def seed(spec, edition, events, today):
    session, _created = AuditionSession.objects.update_or_create(
        edition=edition,
        title=spec["title"],
        defaults={
            "starts_at": data.instant(spec["starts"], today),
            "ends_at": data.instant(spec["ends"], today),
            "pitch_minutes": spec["pitch_minutes"],
            "questions_minutes": spec["questions_minutes"],
            "buffer_minutes": spec["buffer_minutes"],
            "video_url": spec["video_url"],
            "broadcast_event": events[spec["broadcast_event"]],
            "availability_deadline": data.instant(spec["availability_deadline"], today),
        },
    )
    session.regions.set(Region.objects.filter(code__in=spec.get("regions", [])))
    _cut(session)
    if "published" in spec and not session.published:
        return _answer_place_and_publish(session, spec)
    return session


def _cut(session):
    """Cut the window into slots when its empty slots do not follow it: a new session, or one moved with the day."""
    filled = list(session.slots.filter(candidature__isnull=False).values_list("starts_at", "ends_at"))
    empty = list(session.slots.filter(candidature__isnull=True).values_list("starts_at", "ends_at"))
    expected = [
        (start, end)
        for start, end in scheduling.slot_times(session)
        if not any(start < other_end and other_start < end for other_start, other_end in filled)
    ]
    if empty != expected:
        scheduling.generate_slots(session)


def _answer_place_and_publish(session, spec):
    day = data.instant(spec["starts"]).date()
    for pitch, slot in zip(spec["pitch"], session.slots.order_by("starts_at"), strict=False):
        candidature = session.edition.candidatures.select_related("owner").get(territory_name=pitch["territory"])
        ranges = [(data.on(day, start), data.on(day, end)) for start, end in pitch.get("hours", [])]
        session_services.save_availability(
            candidature, {session: (True, ranges)}, candidature.owner, now=data.instant(pitch["answered"])
        )
        # Placed by hand, as in the admin's slot list: the scheduler, by reference, would put Roubaix first.
        slot.candidature = candidature
        slot.save(update_fields=["candidature"])
    return convocations.publish(session, now=data.instant(spec["published"]))
