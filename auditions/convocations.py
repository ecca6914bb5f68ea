"""Availability requests, convocations with calendar invitations, running orders, and their reminders."""

from collections import Counter
from datetime import UTC, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from label.models import Candidature
from notifications.services import Attachment, notify

from .models import AuditionSession, Availability, Convocation, JuryMember, Slot

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
                    bulk=True,
                )
            sent += 1
    return sent


# --- calendar files ---------------------------------------------------------------------------


def convocation_uid(session, candidature):
    """One UID per candidature and session, kept through moves, updates, a cancellation and a new placement."""
    return f"convocation-{session.pk}-{candidature.pk}@{UID_DOMAIN}"


def _calendar(method):
    calendar = Calendar()
    calendar.add("prodid", "-//Label Territoire Innovant//Auditions//FR")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _convocation_event(convocation, attendee=None):
    session = convocation.session
    entry = CalendarEvent()
    entry.add("uid", convocation.uid)
    entry.add("sequence", convocation.sequence)
    entry.add("status", "CANCELLED" if convocation.cancelled else "CONFIRMED")
    entry.add("dtstamp", timezone.now())
    # In UTC: a Paris wall-clock time is ambiguous in the hour repeated when the clocks go back.
    entry.add("dtstart", convocation.starts_at.astimezone(UTC))
    entry.add("dtend", convocation.ends_at.astimezone(UTC))
    entry.add("summary", _("Audition — %(session)s") % {"session": session.title})
    if convocation.video_url:
        entry.add("location", convocation.video_url)
        entry.add("url", convocation.video_url)
    lines = [
        _("Pitch de %(pitch)d minutes puis %(questions)d minutes de questions du jury.")
        % {"pitch": session.pitch_minutes, "questions": session.questions_minutes},
    ]
    if convocation.video_url:
        lines.append(_("Visioconférence : %(url)s") % {"url": convocation.video_url})
    entry.add("description", "\n".join(lines))
    entry.add("organizer", f"mailto:{session.edition.contact_email}")
    if attendee:
        entry.add("attendee", f"mailto:{attendee}", parameters={"ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"})
    return entry


def convocation_calendar(convocation, attendee=None):
    """The convocation as last published: a METHOD:REQUEST, or a METHOD:CANCEL once cancelled."""
    calendar = _calendar("CANCEL" if convocation.cancelled else "REQUEST")
    calendar.add_component(_convocation_event(convocation, attendee))
    return calendar.to_ical()


def running_order(session):
    """The session's running order as last published: its convocations not cancelled, in time order."""
    return session.convocations.filter(cancelled=False).select_related("candidature").order_by("starts_at", "pk")


def session_ics(session, told):
    """The published running order, one event per convocation (a public feed: no contact details)."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", session.title)
    for convocation in told:
        entry = CalendarEvent()
        entry.add("uid", f"programme-convocation-{convocation.pk}@{UID_DOMAIN}")
        entry.add("sequence", session.version)
        entry.add("dtstamp", timezone.now())
        entry.add("dtstart", convocation.starts_at.astimezone(UTC))
        entry.add("dtend", convocation.ends_at.astimezone(UTC))
        entry.add("summary", f"{convocation.candidature.territory_name} — {convocation.candidature.project_title}")
        calendar.add_component(entry)
    return calendar.to_ical()


# --- publishing -------------------------------------------------------------------------------


def message_due(terms, told_terms, cancelled):
    """The e-mail a placed candidature gets at the next publication: a convocation, an update, or None.

    ``terms`` are its slot's (start, end, link), ``told_terms`` its convocation's (None when it has none).
    """
    if told_terms is None or cancelled:
        return "convocation"
    return "convocation_updated" if told_terms != terms else None


def _placed_and_told(session):
    """{candidature id: its slot} and {candidature id: its convocation} of the session."""
    placed = {
        slot.candidature_id: slot
        for slot in session.slots.filter(candidature__isnull=False).select_related("candidature__owner")
    }
    told = {
        convocation.candidature_id: convocation
        for convocation in session.convocations.select_related("candidature__owner")
    }
    return placed, told


def _changes(placed, told):
    """(e-mail due or None, slot or None, convocation or None) for each candidature placed or told."""
    for candidature_id, slot in placed.items():
        convocation = told.get(candidature_id)
        if convocation is None:
            yield message_due(slot.terms, None, False), slot, None
        else:
            yield message_due(slot.terms, convocation.terms, convocation.cancelled), slot, convocation
    for candidature_id, convocation in told.items():
        if candidature_id not in placed and not convocation.cancelled:
            yield "convocation_cancelled", None, convocation


def pending(session):
    """{e-mail kind: count} that publishing ``session`` now would send to candidates."""
    return Counter(kind for kind, _slot, _convocation in _changes(*_placed_and_told(session)) if kind)


def with_convocation_state(slots):
    """Annotate ``slots``, in SQL, with what their candidature was last told in the session.

    ``told_*`` are its convocation's terms (NULL without one); ``cancellation_due`` says that a candidature
    convoked to the slot has since left the session.
    """
    told = Convocation.objects.filter(session_id=OuterRef("session_id"), candidature_id=OuterRef("candidature_id"))
    still_placed = Slot.objects.filter(session_id=OuterRef("session_id"), candidature_id=OuterRef("candidature_id"))
    left = Convocation.objects.filter(slot_id=OuterRef("pk"), cancelled=False).filter(~Exists(still_placed))
    return slots.annotate(
        told_starts_at=Subquery(told.values("starts_at")),
        told_ends_at=Subquery(told.values("ends_at")),
        told_video_url=Subquery(told.values("video_url")),
        told_cancelled=Subquery(told.values("cancelled")),
        cancellation_due=Exists(left),
    )


def _as_slot(convocation):
    """The pitch as ``convocation`` states it, under the names the e-mail templates read."""
    return {
        "starts_at": convocation.starts_at,
        "ends_at": convocation.ends_at,
        "candidature": convocation.candidature,
        "effective_video_url": convocation.video_url,
        # The running order names a pitch's link only when it is not the session's.
        "video_url": "" if convocation.video_url == convocation.session.video_url else convocation.video_url,
    }


def convocation_context(convocation):
    """The context of every e-mail to a candidate about ``convocation``, as last published."""
    session = convocation.session
    return {
        "slot": _as_slot(convocation),
        "session": session,
        "edition": session.edition,
        "candidature": convocation.candidature,
        "event": session.broadcast_event,
        "my_url": settings.SITE_URL + reverse("label:my_candidatures"),
    }


def _send(kind, convocation):
    owner = convocation.candidature.owner
    with translation.override(owner.language):
        ics = convocation_calendar(convocation, attendee=owner.email).decode()
        attachment = Attachment(f"audition-{convocation.pk}.ics", ics, "text/calendar")
    notify(
        kind,
        to=owner,
        context=convocation_context(convocation),
        key=f"{kind}:convocation-{convocation.pk}:{convocation.sequence}",
        attachments=[attachment],
        related=convocation.candidature,
    )


def _convoke(kind, slot, convocation, now):
    """Tell the candidature placed in ``slot`` its new terms: a first convocation or an update of the same UID."""
    if convocation is None:
        convocation = Convocation(
            session=slot.session,
            candidature=slot.candidature,
            uid=convocation_uid(slot.session, slot.candidature),
            sent_at=now,
        )
    else:
        # Any earlier message for this UID (convocation or cancellation) needs a higher SEQUENCE.
        convocation.sequence += 1
    convocation.slot = slot
    convocation.starts_at, convocation.ends_at, convocation.video_url = slot.terms
    convocation.cancelled = False
    convocation.updated_at = now
    convocation.save()
    _send(kind, convocation)


def _cancel(convocation, now):
    convocation.sequence += 1
    convocation.cancelled = True
    convocation.updated_at = now
    convocation.save(update_fields=["sequence", "cancelled", "updated_at"])
    _send("convocation_cancelled", convocation)


def publish(session, now=None):
    """Publish (or re-publish) a session: convocations, updates and cancellations, then the jurors' running order.

    Until then, edits to the slots stay with the organisers. Each convocation remembers what it last said;
    publishing again sends only what changed (an update keeps the calendar UID with a higher SEQUENCE, a
    removal from the session is a METHOD:CANCEL), so publishing twice sends nothing more.
    """
    now = _now(now)
    with transaction.atomic():
        session = AuditionSession.objects.select_for_update().select_related("edition").get(pk=session.pk)
        changed = False
        for kind, slot, convocation in _changes(*_placed_and_told(session)):
            if kind == "convocation_cancelled":
                _cancel(convocation, now)
            elif kind:
                _convoke(kind, slot, convocation, now)
            elif convocation.slot_id != slot.pk:
                # Same terms in another slot: nothing to tell, but the row it belongs to has changed.
                Convocation.objects.filter(pk=convocation.pk).update(slot=slot)
            changed = changed or kind is not None
        if changed or not session.published:
            session.version += 1
            session.published = True
            session.published_at = now
            session.save(update_fields=["version", "published", "published_at"])
            _send_running_order(session)
    return session


def cancel_session(session, now=None):
    """A session deleted: every candidate it convoked gets a METHOD:CANCEL with their UID, as nothing follows."""
    now = _now(now)
    for convocation in session.convocations.filter(cancelled=False).select_related("candidature__owner"):
        _cancel(convocation, now)


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
    told = list(running_order(session))
    slots = [_as_slot(convocation) for convocation in told]
    for juror in session_jurors(session):
        with translation.override(juror.language):
            attachment = Attachment(f"auditions-{session.pk}.ics", session_ics(session, told).decode(), "text/calendar")
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
    """The day before a published session (Paris calendar): its convoked candidates and jurors, once each."""
    now = _now(now)
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    sent = 0
    sessions = AuditionSession.objects.filter(published=True, starts_at__date=tomorrow)
    for session in sessions.select_related("edition", "broadcast_event"):
        told = list(running_order(session).select_related("candidature__owner"))
        for convocation in told:
            with transaction.atomic():
                notify(
                    "audition_reminder",
                    to=convocation.candidature.owner,
                    context=convocation_context(convocation),
                    key=f"audition_reminder:{session.pk}:{convocation.candidature_id}",
                    related=convocation.candidature,
                    bulk=True,
                )
            sent += 1
        slots = [_as_slot(convocation) for convocation in told]
        for juror in session_jurors(session):
            with transaction.atomic():
                notify(
                    "audition_reminder_jury",
                    to=juror,
                    context={"session": session, "edition": session.edition, "slots": slots},
                    key=f"audition_reminder_jury:{session.pk}:{juror.pk}",
                    related=session,
                    bulk=True,
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
