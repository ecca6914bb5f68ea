"""What a page's <title> says before its name."""

from django import template
from django.contrib import messages
from django.forms import BaseForm
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def error_prefix(context):
    """« Erreur : » when the page's form was refused or the page reports an error, so that it is heard first."""
    form = context.get("form")
    refused = isinstance(form, BaseForm) and bool(form.errors)
    if not refused:
        refused = any(message.level >= messages.ERROR for message in context.get("messages", ()))
    return _("Erreur :") + " " if refused else ""
