"""How the organisers' lists show a value in a narrow column (styles in static/css/admin.css)."""

import re

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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
