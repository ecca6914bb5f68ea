from django import template
from django.utils.translation import gettext as _

from events.templatetags.paris_time import deadline_phrase, paris_datetime

register = template.Library()
register.filter("deadline_phrase", deadline_phrase)
register.filter("paris_datetime", paris_datetime)


@register.filter
def human_size(size):
    if size is None:
        return ""
    if size < 1024 * 1024:
        return _("%(size)s ko") % {"size": max(1, round(size / 1024))}
    return _("%(size).1f Mo") % {"size": size / (1024 * 1024)}
