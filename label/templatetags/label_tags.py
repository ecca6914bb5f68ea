from datetime import time, timedelta

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def deadline_phrase(value):
    """An instant as a person reads a deadline: « vendredi 19 juin 2020 à minuit » for 20 June 00:00 (Paris)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.time() == time(0, 0):
        return _("%(day)s à minuit") % {"day": date_format(local - timedelta(days=1), "l j F Y")}
    return _("%(day)s à %(time)s") % {"day": date_format(local, "l j F Y"), "time": date_format(local, "H:i")}


@register.filter
def paris_datetime(value):
    if not value:
        return ""
    local = timezone.localtime(value)
    return _("%(day)s à %(time)s") % {"day": date_format(local, "l j F Y"), "time": date_format(local, "H:i")}


@register.filter
def human_size(size):
    if size is None:
        return ""
    if size < 1024 * 1024:
        return _("%(size)s ko") % {"size": max(1, round(size / 1024))}
    return _("%(size).1f Mo") % {"size": size / (1024 * 1024)}
