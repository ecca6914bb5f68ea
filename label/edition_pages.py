"""The public pages an edition has besides its call: its rules, its laureates, and what higher rooms publish about
it (the audition sessions' programme, through this hook), linked from the call page without label importing them.

A provider is ``provider(edition) -> EditionPage | None``; rooms register theirs from their app's ``ready()``.
"""

import re
from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from core.hooks import Hook
from core.pages import public_page

from .models import Candidature, Edition, Status

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


# --- the rules ---------------------------------------------------------------------------

HEADING_MARK = "## "
BLANK_LINE = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class RulesBlock:
    """A heading or a paragraph of an edition's rules."""

    text: str
    heading: bool = False


def rules_blocks(text):
    """The rules typed in the admin as headings and paragraphs: blocks are separated by a blank line, and a
    block's first line opening with "## " is a heading (the rest of the block, if any, its first paragraph)."""
    blocks = []
    for chunk in BLANK_LINE.split(text.replace("\r\n", "\n").strip()):
        lines = chunk.strip().splitlines()
        if lines and lines[0].startswith(HEADING_MARK):
            blocks.append(RulesBlock(lines.pop(0).removeprefix(HEADING_MARK).strip(), heading=True))
        if lines:
            blocks.append(RulesBlock("\n".join(line.strip() for line in lines)))
    return blocks


def published_edition(slug):
    """The published edition ``slug``, else a 404: where every public page of an edition starts."""
    return get_object_or_404(Edition.objects.filter(published=True), slug=slug)


@public_page
@require_GET
def rules(request, edition):
    """The edition's rules as a page of the site, when the edition carries their text."""
    edition = published_edition(edition)
    blocks = rules_blocks(edition.rules_text)
    if not blocks:
        raise Http404(gettext("Cette édition ne publie pas son règlement sur le site."))
    return render(request, "label/rules.html", {"edition": edition, "blocks": blocks})
