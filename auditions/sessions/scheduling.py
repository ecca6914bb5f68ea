"""Slots of an audition session, and the automatic running order.

The running order is a maximum bipartite matching between candidatures and the
slots they declared they can attend, found with the Hungarian algorithm
(scipy's ``linear_sum_assignment``): a forbidden pair costs more than all
allowed pairs together, so the solution first places as many candidatures as
possible, then, among such plans, the most compact one (earliest slots).
"""

from dataclasses import dataclass, field
from datetime import UTC, timedelta

import numpy
from django.db import transaction
from django.utils.translation import gettext as _
from scipy.optimize import linear_sum_assignment

from audit import trail

from .models import AuditionSession, Availability, Slot

# What the audit trail records of a slot the session's cutting creates.
SLOT_FIELDS = ("session", "starts_at", "ends_at", "candidature")


def slot_times(session, breaks=None):
    """(start, end) of each pitch slot from the window, lengths, buffer and breaks."""
    breaks = list(session.breaks.all()) if breaks is None else breaks
    length = timedelta(minutes=session.slot_minutes)
    step = length + timedelta(minutes=session.buffer_minutes)
    # In UTC: adding minutes to a Paris wall-clock time would go wrong across a clock change.
    times, start, ends_at = [], session.starts_at.astimezone(UTC), session.ends_at.astimezone(UTC)
    while start + length <= ends_at:
        end = start + length
        clash = next((pause for pause in breaks if start < pause.ends_at and pause.starts_at < end), None)
        if clash is not None:
            start = clash.ends_at
            continue
        times.append((start, end))
        start += step
    return times


def generate_slots(session):
    """Replace the session's empty slots by the computed ones; slots holding a candidature are kept."""
    with transaction.atomic():
        kept = list(session.slots.filter(candidature__isnull=False))
        session.slots.filter(candidature__isnull=True).delete()
        created = [
            Slot(session=session, starts_at=start, ends_at=end)
            for start, end in slot_times(session)
            if not any(start < slot.ends_at and slot.starts_at < end for slot in kept)
        ]
        Slot.objects.bulk_create(created)
        trail.log_many(
            trail.entry(slot, trail.Action.CREATE, trail.changes({}, trail.snapshot(slot, SLOT_FIELDS)))
            for slot in created
        )
    return created


def _ranges(availability):
    """The ticked ranges, adjacent ones merged: 14:00–15:00 and 15:00–16:00 take a 14:50 slot."""
    merged = []
    for start, end in availability.ticked_ranges():
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def fits(slot, availability):
    """Whether the candidature said it can attend this slot."""
    if availability is None or not availability.available:
        return False
    ranges = _ranges(availability)
    if not ranges:
        return True
    return any(start <= slot.starts_at and slot.ends_at <= end for start, end in ranges)


def maximum_compact_matching(allowed, slot_count):
    """{candidate index: slot index} for ``allowed`` = [set of slot indexes per candidate].

    As many candidates placed as a maximum matching allows, then the smallest
    sum of slot indexes (the earliest, most compact order).
    """
    if not allowed or not slot_count:
        return {}
    forbidden = (slot_count + 1) * (len(allowed) + 1) * slot_count
    cost = numpy.full((len(allowed), slot_count), forbidden, dtype=float)
    for candidate, slots in enumerate(allowed):
        for index in slots:
            cost[candidate, index] = index
    rows, columns = linear_sum_assignment(cost)
    return {int(row): int(column) for row, column in zip(rows, columns, strict=True) if cost[row, column] < forbidden}


@dataclass
class SchedulePlan:
    placed: list = field(default_factory=list)  # [(slot, candidature)]
    unplaced: list = field(default_factory=list)  # [(candidature, reason)]


def plan(session):
    """The best running order for the session's candidatures, with the reason each unplaced one stays out."""
    slots = list(session.slots.order_by("starts_at", "pk"))
    candidatures = list(session.candidatures().select_related("region").order_by("reference", "pk"))
    answers = {
        availability.candidature_id: availability
        for availability in Availability.objects.filter(session=session, candidature__in=candidatures)
    }
    elsewhere = set(
        Slot.objects.filter(session__edition_id=session.edition_id, candidature__in=candidatures)
        .exclude(session=session)
        .values_list("candidature_id", flat=True)
    )
    result = SchedulePlan()
    pool, allowed = [], []
    for candidature in candidatures:
        availability = answers.get(candidature.pk)
        if candidature.pk in elsewhere:
            result.unplaced.append((candidature, _("déjà placée dans une autre session de l'édition")))
        elif availability is None:
            result.unplaced.append((candidature, _("n'a pas indiqué ses disponibilités pour cette session")))
        elif not availability.available:
            result.unplaced.append((candidature, _("a indiqué ne pas être disponible pour cette session")))
        else:
            fitting = {index for index, slot in enumerate(slots) if fits(slot, availability)}
            if not fitting:
                result.unplaced.append((candidature, _("aucun créneau ne tombe dans ses plages horaires")))
            else:
                pool.append(candidature)
                allowed.append(fitting)
    matching = maximum_compact_matching(allowed, len(slots))
    for index, candidature in enumerate(pool):
        if index in matching:
            result.placed.append((slots[matching[index]], candidature))
        else:
            result.unplaced.append(
                (candidature, _("ses créneaux possibles sont tous pris par d'autres candidatures moins disponibles"))
            )
    result.placed.sort(key=lambda pair: pair[0].starts_at)
    return result


def apply_plan(session, result):
    """Write the plan into the session's slots (slots not in the plan are emptied)."""
    with transaction.atomic():
        AuditionSession.objects.select_for_update().get(pk=session.pk)
        before = {slot.pk: slot.candidature_id for slot in session.slots.all()}
        after = dict.fromkeys(before)
        after.update({slot.pk: candidature.pk for slot, candidature in result.placed})
        session.slots.update(candidature=None)
        for slot, candidature in result.placed:
            Slot.objects.filter(pk=slot.pk).update(candidature=candidature)
        # One entry per slot whose candidature changed; the slot is read again to carry the new one.
        moved = [pk for pk in before if before[pk] != after[pk]]
        trail.log_many(
            trail.entry(
                slot,
                trail.Action.UPDATE,
                {"candidature": [before[slot.pk], after[slot.pk]]},
            )
            for slot in Slot.objects.filter(pk__in=moved).select_related("session")
        )
    return result


def schedule(session):
    return apply_plan(session, plan(session))


def warnings_for(slot, candidature):
    """What an organiser should know before putting ``candidature`` in ``slot`` by hand."""
    if candidature is None:
        return []
    messages = []
    availability = Availability.objects.filter(session=slot.session, candidature=candidature).first()
    if not fits(slot, availability):
        messages.append(
            _("%(name)s n'a pas déclaré être disponible à ce créneau.") % {"name": candidature.territory_name}
        )
    overlapping = (
        Slot.objects.filter(candidature=candidature, starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at)
        .exclude(pk=slot.pk)
        .exists()
    )
    if overlapping:
        messages.append(_("%(name)s a déjà un créneau qui chevauche celui-ci.") % {"name": candidature.territory_name})
    return messages
