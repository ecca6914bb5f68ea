from django import template
from django.utils.translation import gettext as _

from core.templatetags.paris_time import deadline_phrase, paris_datetime
from label import workflow

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


@register.simple_tag(takes_context=True)
def can(context, action, candidature):
    """``{% can "edit" candidature as may_edit %}``: the workflow's answer for the person viewing the page."""
    return workflow.can(action, context["request"].user, candidature)


# Bootstrap's badge colour for each tone the workflow gives a status.
BADGES = {"pending": "warning", "active": "primary", "closed": "secondary"}


@register.filter
def status_badge(candidature):
    """The badge colour of the candidature's status, from the tone its workflow state declares."""
    return BADGES[workflow.STATES[candidature.status].tone]
