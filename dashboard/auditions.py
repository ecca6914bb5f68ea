"""The audition sessions of an edition: slots filled, convocations sent and acknowledged, and who is shortlisted
but not placed."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auditions.sessions.models import AuditionSession, Convocation, Slot
from auditions.sessions.scheduling import plan
from core import clock
from label.models import Candidature, Status

PAST = gettext_lazy("les sessions d'auditions qui la concernent sont passées")
NOT_COVERED = gettext_lazy("aucune session d'auditions ne couvre sa région")


def _count(queryset, outer):
    """A count of ``queryset``'s rows for each row its ``outer`` field points to, as a subquery (0 when none)."""
    counted = queryset.order_by().values(outer).annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def sessions(edition):
    """The edition's sessions with their slots, slots filled, convocations in force and those whose receipt the
    candidate confirmed, counted in SQL; each convocation count with the admin list that counts the same."""
    convocations = Convocation.objects.filter(session=OuterRef("pk"), cancelled=False)
    rows = list(
        AuditionSession.objects.filter(edition=edition)
        .annotate(
            slot_count=Count("slots"),
            placed_count=Count("slots", filter=Q(slots__candidature__isnull=False)),
            convocation_count=_count(convocations, "session"),
            acknowledged_count=_count(convocations.filter(acknowledged_at__isnull=False), "session"),
        )
        .prefetch_related("regions")
        .order_by("starts_at", "pk")
    )
    for row in rows:
        row.convocations_url = convocations_url(row)
        row.acknowledged_url = convocations_url(row, reception="confirmed")
    return rows


def convocations_url(session, **filters):
    """The admin list of the session's convocations in force, narrowed by the list's other ``filters``."""
    query = {"session__id__exact": session.pk, "cancelled__exact": 0, **filters}
    return f"{reverse('admin:auditions_convocation_changelist')}?{urlencode(query)}"


@dataclass
class Unplaced:
    candidature: object
    reasons: list = field(default_factory=list)  # [(session or None, reason)]


def unplaced(edition, edition_sessions, now=None):
    """Shortlisted candidatures without a slot in any session of the edition, each with what keeps it out.

    The reasons are the scheduler's, asked for each session still to come (a constant number of queries per
    session); one the scheduler would place is waiting for the automatic planning to be run.
    """
    now = clock.now(now)
    holding = Slot.objects.filter(session__edition=edition, candidature=OuterRef("pk"))
    waiting = list(
        Candidature.objects.filter(edition=edition, status=Status.SHORTLISTED)
        .exclude(Exists(holding))
        .select_related("region")
        .order_by("reference", "pk")
    )
    rows = {candidature.pk: Unplaced(candidature) for candidature in waiting}
    if not rows:
        return []
    for session in edition_sessions:
        if session.ends_at <= now:
            continue
        result = plan(session)
        for _slot, candidature in result.placed:
            if candidature.pk in rows:
                rows[candidature.pk].reasons.append(
                    (session, _("un créneau lui convient : lancez la planification automatique ou placez-la"))
                )
        for candidature, reason in result.unplaced:
            if candidature.pk in rows:
                rows[candidature.pk].reasons.append((session, reason))
    for row in rows.values():
        if not row.reasons:
            # The scheduler was asked about every session still to come: the ones covering it, if any, are over.
            covered = any(covers(session, row.candidature) for session in edition_sessions)
            row.reasons.append((None, PAST if covered else NOT_COVERED))
    return list(rows.values())


def covers(session, candidature):
    """Whether the session hears candidatures of the candidature's region (reads the prefetched regions)."""
    regions = [region.pk for region in session.regions.all()]
    return not regions or candidature.region_id in regions
