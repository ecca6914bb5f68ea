"""Registrations to events: seats, waiting list, cancellation links, calendar files, reminders."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import calendar, clock, throttle
from core.errors import Refused
from notifications.services import Attachment, Mail, notify, notify_many

from .models import Event, Registration

CANCEL_SALT = "events.registration.cancel"
logger = logging.getLogger(__name__)
Status = Registration.Status
Attendance = Registration.Attendance


REGISTRATION_SCOPE = "events-registrations"


def registrations_exhausted(address):
    """True once ``address`` made ``REGISTRATION_RATE_LIMIT`` accepted registrations within the hour."""
    return throttle.exhausted(REGISTRATION_SCOPE, address, settings.REGISTRATION_RATE_LIMIT)


def reserve_registration(address):
    """One registration from ``address`` counted before it is made, unless the limit is reached: True when counted.
    Invalid forms are not counted; a registration then refused is given back (``release_registration``)."""
    return throttle.take(REGISTRATION_SCOPE, address, settings.REGISTRATION_RATE_LIMIT, window=3600)


def release_registration(address):
    throttle.give_back(REGISTRATION_SCOPE, address)


def _seats_taken(event):
    return event.registrations.filter(status=Status.CONFIRMED, attendance=Attendance.ON_SITE).count()


def register(event, full_name, email, organisation, attendance, language="fr", now=None):
    """Register someone; on-site beyond capacity joins the waiting list. Sends the confirmation."""
    now = clock.now(now)
    if event.registration_state(now) == "not_yet":
        raise Refused(_("Les inscriptions ne sont pas encore ouvertes."))
    if event.registration_state(now) == "closed":
        if event.is_past(now):
            raise Refused(_("Cet événement est passé : les inscriptions sont closes."))
        raise Refused(_("Les inscriptions à cet événement sont closes."))
    if attendance == Attendance.ON_SITE and not event.has_venue:
        raise Refused(_("Cet événement a lieu uniquement en ligne."), field="attendance")
    if attendance == Attendance.ONLINE and not event.has_broadcast:
        raise Refused(_("Cet événement n'est pas diffusé en ligne."), field="attendance")
    with transaction.atomic():
        # The event row's lock serialises registrations: the last seat goes to exactly one person.
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.registrations.exclude(status=Status.CANCELLED).filter(email__iexact=email).exists():
            raise Refused(
                _(
                    "Cette adresse e-mail est déjà inscrite à cet événement. Le courriel de confirmation "
                    "contient le lien pour annuler ou vous réinscrire."
                ),
                field="email",
            )
        status = Status.CONFIRMED
        if attendance == Attendance.ON_SITE and locked.capacity is not None and _seats_taken(locked) >= locked.capacity:
            status = Status.WAITLISTED
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event=locked,
                    full_name=full_name,
                    email=email,
                    organisation=organisation,
                    attendance=attendance,
                    status=status,
                    language=language,
                    created_at=now,
                )
        except IntegrityError:
            raise Refused(_("Cette adresse e-mail est déjà inscrite à cet événement."), field="email") from None
        _notify(registration, "registration_confirmed" if status == Status.CONFIRMED else "registration_waitlisted")
    return registration


def cancel(registration, now=None):
    """Cancel; a freed on-site seat goes to the first person waiting, who is told. Returns the promoted one."""
    now = clock.now(now)
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Status.CANCELLED:
            raise Refused(_("Cette inscription est déjà annulée."))
        freed_seat = current.status == Status.CONFIRMED and current.attendance == Attendance.ON_SITE
        current.status = Status.CANCELLED
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        _notify(current, "registration_cancelled")
        promoted = _fill_seats(event, now)[:1] if freed_seat else []
    registration.refresh_from_db()
    return promoted[0] if promoted else None


def _fill_seats(event, now):
    """Give the free on-site seats of a locked event to the people waiting, first come first served."""
    waiting = list(
        event.registrations.select_for_update()
        .filter(status=Status.WAITLISTED, attendance=Attendance.ON_SITE)
        .order_by("created_at", "pk")
    )
    if event.capacity is not None:
        waiting = waiting[: max(event.capacity - _seats_taken(event), 0)]
    for registration in waiting:
        registration.status = Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        _notify(registration, "registration_promoted")
    return waiting


def promote_waiting(event, now=None):
    """After the capacity grew: seat as many waiting people as there are free seats. Returns them."""
    with transaction.atomic():
        locked = Event.objects.select_for_update().get(pk=event.pk)
        return _fill_seats(locked, clock.now(now))


def cancel_token(registration):
    return signing.dumps({"r": registration.pk, "e": registration.email.lower()}, salt=CANCEL_SALT, compress=True)


def registration_from_token(token):
    """The registration a cancel link designates, or Refused for a tampered link."""
    try:
        data = signing.loads(token, salt=CANCEL_SALT)
    except signing.BadSignature:
        raise Refused(_("Ce lien d'annulation n'est pas valide. Utilisez celui du courriel reçu.")) from None
    registration = Registration.objects.select_related("event").filter(pk=data.get("r")).first()
    if registration is None or registration.email.lower() != data.get("e"):
        raise Refused(_("Ce lien d'annulation n'est pas valide. Utilisez celui du courriel reçu."))
    return registration


def cancel_url(registration):
    return settings.SITE_URL + reverse(
        "events:cancel", kwargs={"slug": registration.event.slug, "token": cancel_token(registration)}
    )


def event_url(event):
    return settings.SITE_URL + reverse("events:detail", kwargs={"slug": event.slug})


def ics(event, method="PUBLISH"):
    """The event as an iCalendar file (bytes); times carry the Europe/Paris zone."""
    location = ", ".join(part for part in (event.venue, event.address, event.city) if part)
    if not event.has_venue:
        location = _("En ligne")
    description = [event.theme] if event.theme else []
    if event.has_broadcast and event.webtv_url:
        description.append(_("Web TV : %(url)s") % {"url": event.webtv_url})
    description.append(event_url(event))
    entry = calendar.Entry(
        uid=calendar.uid(f"event-{event.pk}"),
        summary=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=location,
        description="\n".join(description),
        url=event_url(event),
    )
    return calendar.ics([entry], product="Evenements", method=method)


def _context(registration):
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "cancel_url": cancel_url(registration),
        "event_url": event_url(event),
    }


def _notify(registration, kind):
    event = registration.event
    attachments = ()
    if kind in ("registration_confirmed", "registration_promoted"):
        with translation.override(registration.language):
            attachments = (Attachment(f"{event.slug}.ics", ics(event).decode(), "text/calendar"),)
    notify(
        kind,
        to=registration.email,
        language=registration.language,
        context=_context(registration),
        key=f"{kind}:{registration.pk}",
        attachments=attachments,
        related=registration,
        sensitive=True,
    )


# Registrations read, rendered and stored together; a constant number of queries per batch.
REMINDER_BATCH = 1000


def remind_registrants(now=None):
    """On the day before (Paris calendar), remind every confirmed registrant once (web TV link for online ones).

    Returns how many reminders were queued: a second run the same day queues none and returns 0.
    """
    now = clock.now(now)
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    events = Event.objects.published().filter(starts_at__gt=now, starts_at__date=tomorrow)
    registrations = (
        Registration.objects.filter(event__in=events, status=Status.CONFIRMED).select_related("event").order_by("pk")
    )
    mails = (
        Mail(
            to=registration.email,
            language=registration.language,
            context=_context(registration),
            key=f"event_reminder:{registration.pk}",
            related=registration,
        )
        for registration in registrations.iterator(chunk_size=REMINDER_BATCH)
    )
    return notify_many("event_reminder", mails, sensitive=True, bulk=True, chunk_size=REMINDER_BATCH)
