"""Where, in the whole database, a string still appears: every text, e-mail, URL and JSON column of every model."""

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast


def _searchable(model):
    """``(column, lookup prefix, annotation)`` for each column of ``model`` that can hold a string."""
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            yield field.name, field.name, None
        elif isinstance(field, models.JSONField):
            # The JSON as text: keys and values alike, as PostgreSQL prints it.
            alias = f"{field.name}_searched_as_text"
            yield field.name, alias, Cast(field.name, models.TextField())


def find(*needles):
    """``{"app_label.Model.column": [primary keys as strings, sorted]}`` where one of ``needles`` appears,
    whatever its case; ``{}`` when none does."""
    found = {}
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for column, lookup, annotation in _searchable(model):
            rows = model._base_manager.all()
            if annotation is not None:
                rows = rows.annotate(**{lookup: annotation})
            keys = set()
            for needle in needles:
                keys.update(
                    str(pk) for pk in rows.filter(**{f"{lookup}__icontains": needle}).values_list("pk", flat=True)
                )
            if keys:
                found[f"{model._meta.label}.{column}"] = sorted(keys)
    return found
