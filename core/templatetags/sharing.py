"""Addresses for what leaves the site (shared links' previews): absolute, from ``SITE_URL``, never from the request's
Host header."""

from urllib.parse import urljoin

from django import template
from django.conf import settings
from django.templatetags.static import static

register = template.Library()


@register.simple_tag
def absolute_url(path):
    """``{% absolute_url request.path %}``: the page's address on the site."""
    return urljoin(settings.SITE_URL + "/", path)


@register.simple_tag
def absolute_static(path):
    """``{% absolute_static "img/og-image.png" %}``: a static file's address, even when served from elsewhere."""
    return urljoin(settings.SITE_URL + "/", static(path))
