"""The trail's values as an organiser reads them: labels of choices, names of related rows, Paris times.

Entries keep raw values (codes, ids, instants in UTC or ISO form); ``describe`` turns
a list of entries into ``(field, before, after)`` rows, reading the rows they name
with one query per related model, whatever the number of entries.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext

from core.clock import in_paris

# Recorded with every creation, told by the object itself.
HIDDEN = {"id"}


def _changes(entry):
    return entry.changes if isinstance(entry.changes, dict) else entry.changes_dict


def _field(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:
        return None


def _instant(value):
    """An instant the trail wrote as ISO (``audit.trail``) or as naive UTC (django-auditlog)."""
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return in_paris(parsed).strftime("%d/%m/%Y %H:%M")


def _empty(value):
    return value is None or value == "" or value == "None"


def _related_names(entries):
    """``{(related model, pk): name}`` for every foreign key value the entries hold, one query per model."""
    wanted = defaultdict(set)
    for entry in entries:
        model = entry.content_type.model_class()
        for name, values in (_changes(entry) or {}).items():
            field = _field(model, name)
            if _points(field) and isinstance(values, list):
                wanted[field.related_model].update(str(value) for value in values if not _empty(value))
    names = {}
    for related, keys in wanted.items():
        # Every non-null key followed: a name made of related rows (an evaluation's juror) costs no more queries.
        rows = related._default_manager.select_related()
        found = rows.in_bulk([key for key in keys if key.isdigit()] if _is_integer(related) else keys)
        names.update({(related, str(pk)): str(row) for pk, row in found.items()})
    return names


def _points(field):
    """A foreign key or a one-to-one: the value is a row's key, shown as the row's name."""
    return field is not None and (field.many_to_one or field.one_to_one)


def _is_integer(model):
    return isinstance(model._meta.pk, models.AutoField | models.BigAutoField | models.IntegerField)


def _shown(field, value, names):
    if _empty(value):
        return "—"
    if field is None:
        return str(value)
    if _points(field):
        return names.get((field.related_model, str(value)), gettext("n° %s (supprimé)") % value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return gettext("oui") if value in (True, "True", "true") else gettext("non")
    if isinstance(field, models.DateTimeField):
        return _instant(value) or str(value)
    return str(value)


def describe(entries):
    """``{entry pk: [(field label, before, after), …]}`` for ``entries`` (their content types selected)."""
    entries = list(entries)
    names = _related_names(entries)
    described = {}
    for entry in entries:
        model = entry.content_type.model_class()
        rows = []
        for name, values in (_changes(entry) or {}).items():
            if name in HIDDEN:
                continue
            field = _field(model, name)
            label = str(capfirst(field.verbose_name)) if field is not None else name
            if isinstance(values, dict):  # a many-to-many change: {"type": "add"/"delete", "objects": [...]}
                listed = ", ".join(str(item) for item in values.get("objects", []))
                before, after = ("—", listed) if values.get("type") == "add" else (listed, "—")
            else:
                before, after = (list(values) + [None, None])[:2]
                before, after = _shown(field, before, names), _shown(field, after, names)
            rows.append((label, before, after))
        described[entry.pk] = rows
    return described


def field_labels(entry):
    """The labels of the fields an entry changed, without reading anything else."""
    model = entry.content_type.model_class()
    labels = []
    for name in _changes(entry) or {}:
        field = _field(model, name)
        if name not in HIDDEN:
            labels.append(str(capfirst(field.verbose_name)) if field is not None else name)
    return labels
