"""Reusable querysets of the audition sessions: the sessions a candidature is heard in, and those still asking."""

from django.db.models import Q

from core import clock

from .models import AuditionSession


def sessions_in_scope(candidature, now=None):
    """The sessions of the candidature's edition and region that have not ended, answer deadline passed or not."""
    sessions = AuditionSession.objects.filter(edition_id=candidature.edition_id, ends_at__gt=clock.now(now))
    if candidature.region_id:
        sessions = sessions.filter(Q(regions__isnull=True) | Q(regions=candidature.region_id))
    return sessions.distinct().order_by("starts_at", "pk")


def open_sessions_for(candidature, now=None):
    """The sessions in scope whose answer deadline has not passed."""
    now = clock.now(now)
    return sessions_in_scope(candidature, now).exclude(availability_deadline__lte=now)
