"""Dates as French readers write them: the first of the month is « 1er », never « 1 ».

Django's French formats give « 1 décembre 2026 »; ``{{ value|date_fr }}`` gives « 1er décembre 2026 » in French
and « 1 December 2026 » in English, in the format given (``{{ value|date_fr:"l j F Y" }}``, by default "j F Y").
"""

from django import template
from django.utils.formats import date_format
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

register = template.Library()

LONG_DATE = "j F Y"
# The day of the month in Django's date formats, and the ordinal written after a French "1".
DAY = "j"
FIRST = r"\e\r"


def _first_as_ordinal(format_string):
    """``format_string`` with "er" written after each day of the month that is not escaped."""
    written, escaped = [], False
    for char in format_string:
        written.append(char)
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == DAY:
            written.append(FIRST)
    return "".join(written)


def format_day(value, format_string=LONG_DATE):
    """``value`` (a date, or a datetime already in the wanted time zone) in ``format_string``, « 1er » in French."""
    if value.day == 1 and (get_language() or "").split("-")[0] == "fr":
        format_string = _first_as_ordinal(format_string)
    return date_format(value, format_string)


@register.filter
def date_fr(value, format_string=LONG_DATE):
    """A date or an instant (read in the current time zone, as ``|date`` does) with « 1er » in French."""
    if value in (None, ""):
        return ""
    return format_day(template_localtime(value), format_string)
