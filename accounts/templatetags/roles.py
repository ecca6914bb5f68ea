"""Who the person viewing a page is, for the links their navigation shows."""

from django import template

from accounts import roles

register = template.Library()


@register.filter
def is_organiser(user):
    """``{% if user|is_organiser %}``: the rule of ``accounts.roles``, one query at most per request."""
    return roles.is_organiser(user)
