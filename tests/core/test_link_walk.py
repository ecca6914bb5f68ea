"""Every public page can be found: an anonymous visitor following links from the home reaches each of them.

The walk runs on the demo data (the closed 2020 call with its published auditions and laureates, the open call,
the regional meetings and forums, the labelled projects, each edition's rules) and one more project published for
the test, with the test client, following the site's own links: never the admin, never a form (the account pages
are forms), never a file (calendars, documents, static files).
"""

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import resolve
from lxml import html

from auditions.sessions.models import AuditionSession
from events.models import Event
from label.models import Edition, Status
from showcase.models import PublishedProject
from tests.demo.seeding import seed
from tests.showcase.factories import laureate, published_project

pytestmark = pytest.mark.django_db

SITE_HOSTS = {"", "testserver"}
NOT_WALKED = ("/admin/", "/compte/", "/i18n/", "/static/", "/medias/", "/documents/")
# A walk that goes past this many pages has found a trap (an endless calendar, a query string that grows).
MOST_PAGES = 400


def links(response):
    """The same-site pages ``response`` links to, without their fragment."""
    found = set()
    for href in html.fromstring(response.content).xpath("//a/@href"):
        address = urlsplit(urldefrag(href).url)
        if address.scheme not in ("", "http", "https") or address.netloc not in SITE_HOSTS:
            continue
        path = address.path
        if not path.startswith("/") or path.startswith(NOT_WALKED) or "." in path.rsplit("/", 1)[-1]:
            continue
        found.add(path + (f"?{address.query}" if address.query else ""))
    return found


def walk(start="/"):
    """Every page reached from ``start`` by an anonymous visitor, with its status (redirects not followed)."""
    visitor = Client()
    reached = {}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        if url in reached:
            continue
        response = visitor.get(url)
        reached[url] = response.status_code
        assert len(reached) <= MOST_PAGES, f"more than {MOST_PAGES} pages from {start}"
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue.extend(links(response) - reached.keys())
    return reached


def public_pages():
    """The contract's public pages that the demo data gives a reason to exist, one address per edition or event."""
    editions = list(Edition.objects.filter(published=True))
    with_programme = set(
        AuditionSession.objects.filter(published=True, edition__in=editions).values_list("edition__slug", flat=True)
    )
    with_laureates = set(
        Edition.objects.filter(published=True, candidatures__status=Status.LAUREATE).values_list("slug", flat=True)
    )
    pages = {"/", "/accessibilite/", "/donnees-personnelles/", "/evenements/"}
    pages |= {f"/label/{edition.slug}/" for edition in editions}
    # A closed call offers no way to apply, and says so.
    pages |= {f"/label/{edition.slug}/candidater/" for edition in editions if edition.is_open()}
    pages |= {f"/auditions/{slug}/" for slug in with_programme}
    pages |= {f"/laureats/{slug}/" for slug in with_laureates}
    pages |= {f"/evenements/{event.slug}/" for event in Event.objects.published()}
    pages |= {"/projets/", "/donnees-ouvertes/", "/api/v1/docs", "/label/regles-d-usage-du-badge/"}
    pages |= {f"/projets/{slug}/" for slug in PublishedProject.objects.public().values_list("slug", flat=True)}
    # Each demo edition carries its rules as a page of the site.
    pages |= {f"/label/{edition.slug}/reglement/" for edition in editions}
    return pages


def test_every_public_page_of_the_demo_is_reached_from_the_home():
    seed()
    closed = Edition.objects.get(slug="2020")
    added = published_project(candidature=laureate(edition=closed, territory_name="Commune de Wormhout"))
    expected = public_pages()
    assert f"/projets/{added.slug}/" in expected

    reached = walk()

    assert sorted(expected - reached.keys()) == []
    assert {url: status for url, status in reached.items() if status not in (200, 302)} == {}
    # Each kind of page of the contract is in the walk: the demo holds at least one of each.
    assert {resolve(urlsplit(url).path).view_name for url in expected} == {
        "home",
        "accessibility",
        "privacy",
        "label:call",
        "label:rules",
        "label:apply",
        "label:laureates",
        "auditions:programme",
        "events:list",
        "events:detail",
        "showcase:catalogue",
        "showcase:project",
        "showcase:badge_rules",
        "open_data:page",
        "api:openapi-view",
    }
