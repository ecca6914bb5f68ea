from django import template

from label.edition_pages import pages_of

register = template.Library()


@register.simple_tag
def edition_pages(edition):
    """``{% edition_pages edition as pages %}``: the edition's programme, laureates… as far as they are published."""
    return pages_of(edition)
