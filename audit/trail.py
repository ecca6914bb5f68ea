"""Writing to the audit trail where django-auditlog's signals cannot see: queryset updates, bulk writes,
and the events that carry a reason (an evaluation reopened, decisions published).

Entries are django-auditlog's ``LogEntry`` rows, in the same shape as the ones its
signals write (``changes`` maps each field to ``[before, after]``), signed with the
person and address of the request under way (``audit.middleware``) unless an actor
is given. The reason, when there is one, is kept in ``additional_data["reason"]``.
"""

import datetime
import decimal
import uuid

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from .middleware import request_context

Action = LogEntry.Action

# ``object_repr`` is a text column; a bound keeps a long title from growing every entry.
REPR_LENGTH = 300


def _plain(value):
    """A value as the JSON column keeps it: what the admin shows, comparable across entries."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return str(value)


def snapshot(instance, fields):
    """``{field: value}`` of ``instance`` for ``fields``, foreign keys as their ids."""
    return {name: _plain(getattr(instance, instance._meta.get_field(name).attname)) for name in fields}


def changes(before, after):
    """``{field: [before, after]}`` for the fields whose value differs between two snapshots."""
    return {
        name: [_plain(before.get(name)), _plain(after.get(name))]
        for name in after
        if _plain(before.get(name)) != _plain(after.get(name))
    }


def _context():
    return request_context.get() or {}


def entry(instance, action, changed=None, reason="", actor=None, extra=None):
    """An unsaved entry about ``instance``; ``actor`` defaults to the person of the request under way."""
    context = _context()
    actor = actor if actor is not None else context.get("actor")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    pk = instance.pk
    # The keys ``get_additional_data`` gives (the edition of a criterion, say) let a parent's history find it.
    own = getattr(instance, "get_additional_data", None)
    additional = {**(own() if callable(own) else {}), **(extra or {})}
    if reason:
        additional["reason"] = str(reason)
    return LogEntry(
        content_type=ContentType.objects.get_for_model(instance),
        object_pk=str(pk),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=str(instance)[:REPR_LENGTH],
        action=action,
        changes=changed or {},
        changes_text="",
        actor=actor,
        actor_email=getattr(actor, "email", None),
        remote_addr=context.get("remote_addr"),
        cid=get_cid(),
        additional_data=additional or None,
    )


def log(instance, action, changed=None, reason="", actor=None, extra=None):
    """Write one entry about ``instance`` and return it."""
    written = entry(instance, action, changed, reason=reason, actor=actor, extra=extra)
    written.save()
    return written


def log_many(entries):
    """Write unsaved ``entries`` (from ``entry``) in one statement."""
    entries = list(entries)
    if entries:
        LogEntry.objects.bulk_create(entries)
    return entries


def for_object(instance, children=()):
    """The entries about ``instance`` and, for each ``(model, key)`` of ``children``, about the rows of ``model``
    whose entries name it under ``key`` (a criterion's entries name its edition); newest first."""
    wanted = Q(content_type=ContentType.objects.get_for_model(instance), object_pk=str(instance.pk))
    for model, key in children:
        wanted |= Q(content_type=ContentType.objects.get_for_model(model), **{f"additional_data__{key}": instance.pk})
    return LogEntry.objects.filter(wanted).select_related("actor", "content_type").order_by("-timestamp", "-pk")


def delete_before(cutoff, dry_run=False, batch=5000):
    """Remove entries written before ``cutoff`` (the trail's own retention), in batches; how many."""
    old = LogEntry.objects.filter(timestamp__lt=cutoff)
    if dry_run:
        return old.count()
    removed = 0
    while True:
        ids = list(old.order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return removed
        removed += LogEntry.objects.filter(pk__in=ids).delete()[0]
