"""The public pages an edition has besides its call: its laureates, and what higher rooms publish about it (the
audition sessions' programme, through this hook), linked from the call page without label importing them.

A provider is ``provider(edition) -> EditionPage | None``; rooms register theirs from their app's ``ready()``.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext

from core.hooks import Hook

from .models import Candidature, Status

providers = Hook()
register = providers.register


@dataclass(frozen=True)
class EditionPage:
    title: str
    url: str
    order: int = 100


def laureates_page(edition):
    """The laureates' page once the edition's results are published (a candidature has become laureate)."""
    if not Candidature.objects.filter(edition=edition, status=Status.LAUREATE).exists():
        return None
    return EditionPage(
        title=gettext("Lauréats"),
        url=reverse("label:laureates", kwargs={"edition": edition.slug}),
        order=200,
    )


def pages_of(edition):
    """The edition's pages to link to, in their ``order``: one query per provider, whatever the edition holds."""
    pages = [page for page in (laureates_page(edition), *providers.ask(edition)) if page is not None]
    return sorted(pages, key=lambda page: page.order)
