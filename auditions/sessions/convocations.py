"""Convocations with calendar invitations, running orders, publication, and the reminders of the auditions."""

from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from auditions.jury.models import JuryMember
from core import calendar, clock
from core.errors import Refused
from notifications.services import Attachment, Mail, notify, notify_many

from .models import AuditionSession, Convocation, Slot

# --- calendar files ---------------------------------------------------------------------------


def convocation_uid(session, candidature):
    """One UID per candidature and session, kept through moves, updates, a cancellation and a new placement."""
    return calendar.uid(f"convocation-{session.pk}-{candidature.pk}")


def _convocation_entry(convocation, attendee=""):
    session = convocation.session
    lines = [
        _("Pitch de %(pitch)d minutes puis %(questions)d minutes de questions du jury.")
        % {"pitch": session.pitch_minutes, "questions": session.questions_minutes},
    ]
    if convocation.video_url:
        lines.append(_("Visioconférence : %(url)s") % {"url": convocation.video_url})
    return calendar.Entry(
        uid=convocation.uid,
        sequence=convocation.sequence,
        status="CANCELLED" if convocation.cancelled else "CONFIRMED",
        summary=_("Audition — %(session)s") % {"session": session.title},
        starts_at=convocation.starts_at,
        ends_at=convocation.ends_at,
        location=convocation.video_url,
        url=convocation.video_url,
        description="\n".join(lines),
        organizer=session.edition.contact_email,
        attendee=attendee,
    )


def convocation_calendar(convocation, attendee=""):
    """The convocation as last published: a METHOD:REQUEST, or a METHOD:CANCEL once cancelled."""
    return calendar.ics(
        [_convocation_entry(convocation, attendee)],
        product="Auditions",
        method="CANCEL" if convocation.cancelled else "REQUEST",
        # A Paris wall-clock time is ambiguous in the hour repeated when the clocks go back.
        in_utc=True,
    )


def running_order(session):
    """The session's running order as last published: its convocations not cancelled, in time order."""
    return session.convocations.filter(cancelled=False).select_related("candidature").order_by("starts_at", "pk")


def session_ics(session, told):
    """The published running order, one event per convocation (a public feed: no contact details)."""
    entries = [
        calendar.Entry(
            uid=calendar.uid(f"programme-convocation-{convocation.pk}"),
            sequence=session.version,
            summary=f"{convocation.candidature.territory_name} — {convocation.candidature.project_title}",
            starts_at=convocation.starts_at,
            ends_at=convocation.ends_at,
        )
        for convocation in told
    ]
    return calendar.ics(entries, product="Auditions", name=session.title, in_utc=True)


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
    # The candidate confirmed the terms they were told; these are new and wait for their own confirmation.
    convocation.acknowledged_at = None
    convocation.save()
    _send(kind, convocation)


def _cancel(convocation, now):
    convocation.sequence += 1
    convocation.cancelled = True
    convocation.updated_at = now
    convocation.acknowledged_at = None
    convocation.save(update_fields=["sequence", "cancelled", "updated_at", "acknowledged_at"])
    _send("convocation_cancelled", convocation)


def publish(session, now=None):
    """Publish (or re-publish) a session: convocations, updates and cancellations, then the jurors' running order.

    Until then, edits to the slots stay with the organisers. Each convocation remembers what it last said;
    publishing again sends only what changed (an update keeps the calendar UID with a higher SEQUENCE, a
    removal from the session is a METHOD:CANCEL), so publishing twice sends nothing more.
    """
    now = clock.now(now)
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


def acknowledge(convocation, user, sequence, now=None):
    """The candidate confirms receiving the convocation as shown to them (its ``sequence``); a second time changes
    nothing and keeps the first confirmation's time.

    Refused to anyone but the candidature's owner, for a convocation cancelled or not yet published, and when an
    update was published since the page was shown: the candidate confirms a time they have read.
    """
    if convocation.candidature.owner_id != user.pk:
        raise Refused(_("Seul le compte de la candidature peut confirmer la réception de sa convocation."))
    with transaction.atomic():
        # The convocation only, as publish() locks its session first: never the two in the other order.
        current = Convocation.objects.select_for_update(of=("self",)).select_related("session").get(pk=convocation.pk)
        if current.cancelled or not current.session.published:
            raise Refused(_("Cette convocation n'est plus en vigueur."))
        if current.sequence != sequence:
            raise Refused(
                _(
                    "Votre convocation a été modifiée depuis l'affichage de la page : "
                    "lisez les nouveaux horaires puis confirmez."
                )
            )
        if current.acknowledged_at is None:
            current.acknowledged_at = clock.now(now)
            current.save(update_fields=["acknowledged_at"])
    return current


def cancel_session(session, now=None):
    """Every candidate the session convoked gets a METHOD:CANCEL with their UID (the session is being deleted)."""
    now = clock.now(now)
    for convocation in session.convocations.filter(cancelled=False).select_related("candidature__owner"):
        _cancel(convocation, now)


def session_jurors(session):
    return [
        member.user
        for member in JuryMember.objects.active()
        .filter(jury__edition_id=session.edition_id)
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
    """The day before a published session (Paris calendar): its convoked candidates and jurors, once each.

    Returns how many reminders were queued: a second run the same day queues none and returns 0.
    """
    now = clock.now(now)
    tomorrow = clock.in_paris(now).date() + timedelta(days=1)
    sessions = list(
        AuditionSession.objects.filter(published=True, starts_at__date=tomorrow)
        .select_related("edition", "broadcast_event")
        .order_by("starts_at", "pk")
    )
    told = {session.pk: list(running_order(session).select_related("candidature__owner")) for session in sessions}
    slots = {pk: [_as_slot(convocation) for convocation in convocations] for pk, convocations in told.items()}
    candidates = (
        Mail(
            to=convocation.candidature.owner,
            context=convocation_context(convocation),
            key=f"audition_reminder:{session.pk}:{convocation.candidature_id}",
            related=convocation.candidature,
        )
        for session in sessions
        for convocation in told[session.pk]
    )
    jurors = (
        Mail(
            to=juror,
            context={
                "session": session,
                "edition": session.edition,
                "slots": slots[session.pk],
            },
            key=f"audition_reminder_jury:{session.pk}:{juror.pk}",
            related=session,
        )
        for session in sessions
        for juror in session_jurors(session)
    )
    queued = notify_many("audition_reminder", candidates, bulk=True)
    return queued + notify_many("audition_reminder_jury", jurors, bulk=True)
