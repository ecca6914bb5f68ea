"""Dates as a person in France reads them, always in Paris time, « 1er » for the first of the month."""

from datetime import time, timedelta

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.clock import in_paris

from .french_dates import format_day

register = template.Library()


@register.filter
def deadline_phrase(value):
    """An instant as a person reads a deadline: « vendredi 19 juin 2020 à minuit » for 20 June 00:00 (Paris)."""
    if not value:
        return ""
    local = in_paris(value)
    if local.time() == time(0, 0):
        return _("%(day)s à minuit") % {"day": format_day(local - timedelta(days=1), "l j F Y")}
    return _("%(day)s à %(time)s") % {"day": format_day(local, "l j F Y"), "time": date_format(local, "H:i")}


@register.filter
def paris_datetime(value):
    if not value:
        return ""
    local = in_paris(value)
    return _("%(day)s à %(time)s") % {"day": format_day(local, "l j F Y"), "time": date_format(local, "H:i")}


@register.filter
def paris_time(value):
    return date_format(in_paris(value), "H:i") if value else ""
