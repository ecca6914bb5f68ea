"""Availability requests, convocations with calendar invitations, running orders, and their reminders."""

from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from label.models import Candidature
from notifications.services import Attachment, notify

from .models import AuditionSession, Availability, JuryMember, Slot

UID_DOMAIN = "label-territoire-innovant"


def _now(now):
    return now or timezone.now()


# --- availability ----------------------------------------------------------------------------


def open_sessions_for(candidature, now=None):
    """Sessions of the candidature's edition open to its region whose answer deadline has not passed."""
    now = _now(now)
    sessions = AuditionSession.objects.filter(edition_id=candidature.edition_id, ends_at__gt=now)
    sessions = sessions.exclude(availability_deadline__lte=now)
    if candidature.region_id:
        sessions = sessions.filter(regions__isnull=True) | sessions.filter(regions=candidature.region_id)
    return sessions.distinct().order_by("starts_at")


def time_ranges(session):
    """The hour-long ranges a candidate may tick inside a session (the last one may be shorter)."""
    ranges, start = [], session.starts_at
    while start < session.ends_at:
        end = min(start + timedelta(hours=1), session.ends_at)
        ranges.append((start, end))
        start = end
    return ranges


def save_availability(candidature, answers, user, now=None):
    """``answers`` = {session: (available, [(start, end), …])}; only the owner, before each deadline."""
    now = _now(now)
    if candidature.owner_id != user.pk or candidature.status != "shortlisted":
        raise PermissionError
    open_ids = set(open_sessions_for(candidature, now).values_list("pk", flat=True))
    with transaction.atomic():
        for session, (available, ranges) in answers.items():
            if session.pk not in open_ids:
                continue
            Availability.objects.update_or_create(
                candidature=candidature,
                session=session,
                defaults={
                    "available": available,
                    "ranges": [[start.isoformat(), end.isoformat()] for start, end in ranges] if available else [],
                    "answered_at": now,
                },
            )


def availability_url(candidature):
    return settings.SITE_URL + reverse("auditions:availability", kwargs={"edition": candidature.edition.slug})


def request_availability(candidature):
    """ "Action requise : indiquez vos disponibilités", once per candidature."""
    sessions = list(open_sessions_for(candidature))
    if not sessions:
        return None
    deadlines = [session.availability_deadline for session in sessions if session.availability_deadline]
    return notify(
        "availability_request",
        to=candidature.owner,
        context={
            "candidature": candidature,
            "edition": candidature.edition,
            "sessions": sessions,
            "deadline": min(deadlines) if deadlines else None,
            "url": availability_url(candidature),
        },
        key=f"availability_request:{candidature.pk}:{'-'.join(str(session.pk) for session in sessions)}",
        related=candidature,
    )


def remind_availability(now=None):
    """Two days before a session's answer deadline, once, to shortlisted owners who have not answered."""
    now = _now(now)
    sessions = AuditionSession.objects.filter(
        availability_deadline__gt=now, availability_deadline__lte=now + timedelta(days=2)
    ).select_related("edition")
    sent = 0
    for session in sessions:
        answered = Availability.objects.filter(session=session).values("candidature_id")
        for candidature in session.candidatures().exclude(pk__in=answered).select_related("owner", "edition"):
            with transaction.atomic():
                notify(
                    "availability_reminder",
                    to=candidature.owner,
                    context={
                        "candidature": candidature,
                        "session": session,
                        "edition": session.edition,
                        "url": availability_url(candidature),
                    },
                    key=f"availability_reminder:{session.pk}:{candidature.pk}",
                    related=candidature,
                )
            sent += 1
    return sent


# --- calendar files ---------------------------------------------------------------------------


def _calendar(method):
    calendar = Calendar()
    calendar.add("prodid", "-//Label Territoire Innovant//Auditions//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _slot_event(slot, sequence, status="CONFIRMED", attendee=None):
    session = slot.session
    entry = CalendarEvent()
    entry.add("uid", f"slot-{slot.pk}@{UID_DOMAIN}")
    entry.add("sequence", sequence)
    entry.add("status", status)
    entry.add("dtstamp", timezone.now())
    # In UTC: a Paris wall-clock time is ambiguous in the hour repeated when the clocks go back.
    entry.add("dtstart", slot.starts_at.astimezone(UTC))
    entry.add("dtend", slot.ends_at.astimezone(UTC))
    entry.add("summary", _("Audition — %(session)s") % {"session": session.title})
    if slot.effective_video_url:
        entry.add("location", slot.effective_video_url)
        entry.add("url", slot.effective_video_url)
    lines = [
        _("Pitch de %(pitch)d minutes puis %(questions)d minutes de questions du jury.")
        % {"pitch": session.pitch_minutes, "questions": session.questions_minutes},
    ]
    if slot.effective_video_url:
        lines.append(_("Visioconférence : %(url)s") % {"url": slot.effective_video_url})
    entry.add("description", "\n".join(lines))
    entry.add("organizer", f"mailto:{session.edition.contact_email}")
    if attendee:
        entry.add("attendee", f"mailto:{attendee}", parameters={"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"})
    return entry


def slot_ics(slot, sequence=None, method="REQUEST", attendee=None):
    calendar = _calendar(method)
    status = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
    calendar.add_component(_slot_event(slot, slot.sequence if sequence is None else sequence, status, attendee))
    return calendar.to_ical()


def session_ics(session, slots=None):
    """The whole running order: one event per filled slot (a public feed: no contact details)."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", session.title)
    for slot in slots if slots is not None else session.slots.filter(candidature__isnull=False):
        entry = CalendarEvent()
        entry.add("uid", f"programme-slot-{slot.pk}@{UID_DOMAIN}")
        entry.add("sequence", session.version)
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", slot.starts_at.astimezone(UTC))
        entry.add("dtend", slot.ends_at.astimezone(UTC))
        entry.add("summary", f"{slot.candidature.territory_name} — {slot.candidature.project_title}")
        calendar.add_component(entry)
    return calendar.to_ical()


# --- publishing -------------------------------------------------------------------------------


def _context(slot, candidature):
    session = slot.session
    return {
        "slot": slot,
        "session": session,
        "edition": session.edition,
        "candidature": candidature,
        "event": session.broadcast_event,
        "my_url": settings.SITE_URL + reverse("label:my_candidatures"),
    }


def _send(kind, slot, candidature, sequence, method):
    with translation.override(candidature.owner.language):
        ics = slot_ics(slot, sequence, method, attendee=candidature.owner.email).decode()
        attachment = Attachment(f"audition-{slot.pk}.ics", ics, "text/calendar")
    notify(
        kind,
        to=candidature.owner,
        context=_context(slot, candidature),
        key=f"{kind}:{slot.pk}:{candidature.pk}:{sequence}",
        attachments=[attachment],
        related=candidature,
    )


def _changed(slot):
    if slot.candidature_id is None and slot.notified_candidature_id is None:
        return False  # an empty slot nobody was told about
    return (
        slot.notified_candidature_id != slot.candidature_id
        or slot.notified_starts_at != slot.starts_at
        or slot.notified_video_url != slot.effective_video_url
    )


def publish(session, now=None):
    """Publish (or re-publish) a session: convocations, updates and cancellations, then the jurors' running order.

    Each slot remembers what its last convocation said; publishing again sends
    only what changed (an update keeps the calendar UID with a higher SEQUENCE,
    a removal is a METHOD:CANCEL), so publishing twice sends nothing more.
    """
    now = _now(now)
    with transaction.atomic():
        session = AuditionSession.objects.select_for_update().select_related("edition").get(pk=session.pk)
        slots = list(session.slots.select_related("candidature__owner", "notified_candidature__owner"))
        changed = False
        for slot in slots:
            if not _changed(slot):
                continue
            changed = True
            # Any earlier message for this UID (convocation or cancellation) needs a higher SEQUENCE.
            sequence = slot.sequence + 1 if slot.notified_candidature_id or slot.sequence else 0
            previous = slot.notified_candidature
            if previous is not None and previous.pk != slot.candidature_id:
                _send("convocation_cancelled", slot, previous, sequence, "CANCEL")
            if slot.candidature is not None:
                kind = (
                    "convocation_updated"
                    if previous is not None and previous.pk == slot.candidature_id
                    else "convocation"
                )
                _send(kind, slot, slot.candidature, sequence, "REQUEST")
            Slot.objects.filter(pk=slot.pk).update(
                sequence=sequence,
                notified_candidature=slot.candidature,
                notified_starts_at=slot.starts_at,
                notified_video_url=slot.effective_video_url,
            )
        if changed or not session.published:
            session.version += 1
            session.published = True
            session.published_at = now
            session.save(update_fields=["version", "published", "published_at"])
            _send_running_order(session)
    return session


def cancel_slot(slot):
    """A published slot removed: its candidate gets a METHOD:CANCEL with the same UID."""
    if slot.notified_candidature_id:
        _send("convocation_cancelled", slot, slot.notified_candidature, slot.sequence + 1, "CANCEL")


def session_jurors(session):
    return [
        member.user
        for member in JuryMember.objects.filter(jury__edition_id=session.edition_id)
        .exclude(state=JuryMember.State.DECLINED)
        .select_related("user")
        .order_by("user_id")
        .distinct()
    ]


def _send_running_order(session):
    slots = list(session.slots.filter(candidature__isnull=False).select_related("candidature__region"))
    for juror in session_jurors(session):
        with translation.override(juror.language):
            attachment = Attachment(
                f"auditions-{session.pk}.ics", session_ics(session, slots).decode(), "text/calendar"
            )
        notify(
            "running_order",
            to=juror,
            context={
                "session": session,
                "edition": session.edition,
                "slots": slots,
                "jury_url": settings.SITE_URL + reverse("jury:home"),
            },
            key=f"running_order:{session.pk}:{juror.pk}:{session.version}",
            attachments=[attachment],
            related=session,
        )


def remind_auditions(now=None):
    """The day before a published session (Paris calendar): candidates and jurors, once each."""
    now = _now(now)
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    sent = 0
    for session in AuditionSession.objects.filter(published=True, starts_at__date=tomorrow).select_related("edition"):
        slots = list(session.slots.filter(candidature__isnull=False).select_related("candidature__owner"))
        for slot in slots:
            with transaction.atomic():
                notify(
                    "audition_reminder",
                    to=slot.candidature.owner,
                    context=_context(slot, slot.candidature),
                    key=f"audition_reminder:{session.pk}:{slot.candidature_id}",
                    related=slot.candidature,
                )
            sent += 1
        for juror in session_jurors(session):
            with transaction.atomic():
                notify(
                    "audition_reminder_jury",
                    to=juror,
                    context={"session": session, "edition": session.edition, "slots": slots},
                    key=f"audition_reminder_jury:{session.pk}:{juror.pk}",
                    related=session,
                )
            sent += 1
    return sent


def mark_auditioned(session, user):
    """After the session: every candidature that had a slot moves to "auditioned". Returns (done, refused)."""
    from label import services as label_services

    done, refused = 0, []
    for candidature in Candidature.objects.filter(slots__session=session, status="shortlisted").distinct():
        try:
            label_services.fire(candidature, "mark_auditioned", user)
            done += 1
        except label_services.ActionRefused as error:
            refused.append((candidature, error.message))
    return done, refused
