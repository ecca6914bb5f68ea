"""The audition sessions' operations before and around the convocations: availability asked, answered and
reminded, candidatures marked auditioned, a session deleted."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from core import clock
from core.errors import Refused
from label import services as label_services
from label.models import Candidature, Status
from notifications.services import Mail, notify, notify_many

from .convocations import cancel_session
from .models import AuditionSession, Availability
from .queries import open_sessions_for

# --- availability ----------------------------------------------------------------------------


def time_ranges(session):
    """The hour-long ranges a candidate may tick inside a session (the last one may be shorter)."""
    ranges, start = [], session.starts_at
    while start < session.ends_at:
        end = min(start + timedelta(hours=1), session.ends_at)
        ranges.append((start, end))
        start = end
    return ranges


def gives_availability(candidature):
    """Whether the candidature is at the stage where its owner says when they can pitch."""
    return candidature.status == Status.SHORTLISTED


def save_availability(candidature, answers, user, now=None):
    """``answers`` = {session: (available, [(start, end), …])}; only the owner, before each deadline."""
    now = clock.now(now)
    if candidature.owner_id != user.pk or not gives_availability(candidature):
        raise Refused(_("Seul le compte d'une candidature présélectionnée peut indiquer ses disponibilités."))
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
    """Two days before a session's answer deadline, once, to shortlisted owners who have not answered.

    Returns how many reminders were queued: a second run queues none and returns 0.
    """
    now = clock.now(now)
    sessions = AuditionSession.objects.filter(
        availability_deadline__gt=now, availability_deadline__lte=now + timedelta(days=2)
    ).select_related("edition")
    return notify_many("availability_reminder", _availability_reminders(sessions), bulk=True)


def _availability_reminders(sessions):
    for session in sessions:
        answered = Availability.objects.filter(session=session).values("candidature_id")
        silent = session.candidatures().exclude(pk__in=answered).select_related("owner", "edition").order_by("pk")
        for candidature in silent:
            yield Mail(
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


# --- after the session, or instead of it -----------------------------------------------------


def mark_auditioned(session, user):
    """After the session: every shortlisted candidature that had a slot moves to "auditioned"; an Outcome."""
    candidatures = Candidature.objects.filter(slots__session=session, status=Status.SHORTLISTED).distinct()
    return label_services.fire_many(candidatures, "mark_auditioned", user)


def delete_session(session, now=None):
    """Delete a session: every candidate it convoked gets a METHOD:CANCEL with their UID, as nothing follows.

    A deleted slot waits for the next publication instead; a deleted session has none.
    """
    with transaction.atomic():
        cancel_session(session, now)
        session.delete()
