"""iCalendar files, built one way for the events and the auditions."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as CalendarEvent

UID_DOMAIN = "label-territoire-innovant"


def uid(name):
    """A calendar UID of ours: ``name`` made unique to the platform."""
    return f"{name}@{UID_DOMAIN}"


@dataclass(frozen=True)
class Entry:
    """One VEVENT; empty optional fields are left out of the file."""

    uid: str
    summary: str
    starts_at: datetime
    ends_at: datetime
    sequence: int | None = None
    status: str = ""
    location: str = ""
    url: str = ""
    description: str = ""
    organizer: str = ""
    attendee: str = ""


def _event(entry, in_utc):
    event = CalendarEvent()
    event.add("uid", entry.uid)
    if entry.sequence is not None:
        event.add("sequence", entry.sequence)
    if entry.status:
        event.add("status", entry.status)
    event.add("summary", entry.summary)
    event.add("dtstamp", timezone.now())
    # UTC where a wall-clock time could fall in the hour repeated when the clocks go back; Paris time otherwise.
    convert = (lambda moment: moment.astimezone(UTC)) if in_utc else timezone.localtime
    event.add("dtstart", convert(entry.starts_at))
    event.add("dtend", convert(entry.ends_at))
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    if entry.description:
        event.add("description", entry.description)
    if entry.organizer:
        event.add("organizer", f"mailto:{entry.organizer}")
    if entry.attendee:
        event.add("attendee", f"mailto:{entry.attendee}", parameters={"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"})
    return event


def ics(entries, *, product, method="PUBLISH", name="", in_utc=False):
    """The iCalendar file (bytes) of ``entries``; ``product`` names the part of the platform that made it."""
    calendar = Calendar()
    calendar.add("prodid", f"-//Label Territoire Innovant//{product}//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        calendar.add_component(_event(entry, in_utc))
    if not in_utc:
        calendar.add_missing_timezones()
    return calendar.to_ical()
