"""How the organisers' lists show a value in a narrow column (styles in static/css/admin.css)."""

import datetime
import re

from django.contrib import admin
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.templatetags.french_dates import date_fr

# Where a long e-mail address may break: before its "@" and after a dot.
ADDRESS_BREAKS = re.compile(r"(?=@)|(?<=\.)")


def badge(tone, text):
    """A state in words; the tone of the badge only helps the eye."""
    return format_html('<span class="lti-badge lti-badge--{}">{}</span>', tone, text)


def clipped(text):
    """Cut after two lines on screen; the whole text stays in the page (screen readers) and in the title (hover)."""
    return format_html('<span class="lti-clip" title="{}">{}</span>', text, text)


def unbroken(text):
    """Kept on one line (a reference such as LTI-2031-HDF-0003, a day and hour)."""
    return format_html('<span class="lti-nowrap">{}</span>', text)


def address(email):
    """An e-mail address that breaks only before its "@" or after a dot."""
    return format_html_join(mark_safe("<wbr>"), "{}", ((part,) for part in ADDRESS_BREAKS.split(email)))


def moment(value, format_name="DATETIME_FORMAT"):
    """A date or an instant (read in the current time zone, Paris) in the current language's ``format_name``,
    « 1er novembre 2026 14:03 » in French; None when there is none, so the list shows its empty value."""
    if value is None:
        return None
    if not isinstance(value, datetime.datetime) and format_name == "DATETIME_FORMAT":
        format_name = "DATE_FORMAT"
    return date_fr(value, get_format(format_name))


def moment_column(model, name, format_name="DATETIME_FORMAT"):
    """A changelist column showing ``model``'s date field ``name`` through ``moment``: headed by the field's
    verbose name, sorted by the field, with the same CSS classes as the plain field (``column-<name>``)."""
    field = model._meta.get_field(name)

    @admin.display(description=field.verbose_name, ordering=name)
    def column(obj):
        return moment(getattr(obj, name), format_name)

    column.__name__ = name
    return column


def collated_filter(sort_key):
    """A list filter on a related field whose choices follow ``sort_key`` of their names (e.g. French dictionary
    order, "Île-de-France" among the I) instead of the database's order."""

    class CollatedRelatedFilter(admin.RelatedFieldListFilter):
        def field_choices(self, field, request, model_admin):
            choices = super().field_choices(field, request, model_admin)
            return sorted(choices, key=lambda choice: sort_key(str(choice[1])))

    return CollatedRelatedFilter
