"""The public feeds (Atom for new projects and upcoming events, iCalendar for every event) and where they are linked."""

import xml.etree.ElementTree as ElementTree
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from label.models import Theme
from tests.events.factories import EventFactory

from . import data
from .data import paris

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def stopped_clock(clock):
    clock.set(data.NOW)


def site(path):
    return settings.SITE_URL + path


def atom(url):
    """(content type, the feed's title, its links, and per entry: title, link, published, updated, summary,
    categories)."""
    response = Client().get(url)
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)

    def text(element, name):
        found = element.find(f"{ATOM}{name}")
        return None if found is None else found.text

    entries = [
        (
            text(entry, "title"),
            entry.find(f"{ATOM}link").get("href"),
            text(entry, "published"),
            text(entry, "updated"),
            text(entry, "summary"),
            [category.get("term") for category in entry.findall(f"{ATOM}category")],
        )
        for entry in feed.findall(f"{ATOM}entry")
    ]
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    return response["Content-Type"], text(feed, "title"), links, entries


def test_the_projects_feed_gives_the_latest_public_projects_newest_first():
    data.catalogue_dataset()
    withdrawn = data.laureate(data.edition_2030(slug="autre-2030", code="B"), territory_name="Arras")
    data.publish(withdrawn, "arras", paris(2031, 8, 1, 10, 0))
    withdrawn.consent_publication = False
    withdrawn.save()

    content_type, title, links, entries = atom(reverse("open_data:projects_feed"))

    def entry(slug, title, published, summary, categories=()):
        return (title, site(f"/projets/{slug}/"), published, "2031-09-01T10:00:00+00:00", summary, list(categories))

    assert (content_type, title, links) == (
        "application/atom+xml; charset=utf-8",
        "Label Territoire Innovant : projets publiés",
        {"alternate": site("/projets/"), "self": site("/projets/flux.atom")},
    )
    assert entries == [
        entry(
            "tourcoing", "Tourcoing — Éclairage partagé", "2031-07-10T08:00:00+00:00", "<p>Une lumière partagée.</p>"
        ),
        entry(
            "douai",
            "Douaisis Agglo — Cantines",
            "2031-07-05T08:00:00+00:00",
            "<p>Cantines : ce que Douaisis Agglo a fait.</p>",
        ),
        entry(
            "brest",
            "Brest — Bus à la demande",
            "2031-07-04T08:00:00+00:00",
            "<p>Bus à la demande : ce que Brest a fait.</p>",
            ["Mobilité"],
        ),
        entry(
            "roubaix",
            "Roubaix — Éclairage des écoles",
            "2031-07-03T08:00:00+00:00",
            "<p>Éclairage des écoles : ce que Roubaix a fait.</p>",
            ["Données"],
        ),
        entry(
            "rennes",
            "Rennes Métropole — Données ouvertes",
            "2031-07-02T08:00:00+00:00",
            "<p>Données ouvertes : ce que Rennes Métropole a fait.</p>",
            ["Données"],
        ),
        entry(
            "lille",
            "Lille — Éclairage public intelligent",
            "2031-07-01T08:00:00+00:00",
            "<p>Éclairage public intelligent : ce que Lille a fait.</p>",
            ["Mobilité"],
        ),
    ]


def test_the_projects_feed_stops_at_twenty_and_escapes_what_projects_say():
    projects = data.projects(21)
    projects[-1].summary = "Moins <b>cher</b> & plus sûr"
    projects[-1].save()

    entries = atom(reverse("open_data:projects_feed"))[3]

    assert [len(entries), entries[0][1], entries[-1][1], entries[0][4]] == [
        20,
        site(f"/projets/{projects[-1].slug}/"),
        site(f"/projets/{projects[1].slug}/"),
        "<p>Moins &lt;b&gt;cher&lt;/b&gt; &amp; plus sûr</p>",
    ]


def test_the_events_feed_gives_the_upcoming_published_events_dated_by_their_start():
    data.events_dataset()

    content_type, title, links, entries = atom(reverse("open_data:events_feed"))

    assert (content_type, title, links) == (
        "application/atom+xml; charset=utf-8",
        "Label Territoire Innovant : prochains événements",
        {"alternate": site("/evenements/"), "self": site("/evenements/flux.atom")},
    )
    assert entries == [
        (
            "Rencontre webinaire-2031",
            site("/evenements/webinaire-2031/"),
            None,
            "2031-10-02T12:00:00+00:00",
            "<p>2 octobre 2031 14:00 – 16:00 · En ligne</p>",
            [],
        ),
        (
            "Rencontre forum-2032",
            site("/evenements/forum-2032/"),
            None,
            "2032-02-03T08:00:00+00:00",
            "<p>3 février 2032 09:00 – 4 février 2032 18:00 · Paris</p>",
            [],
        ),
    ]


def test_the_calendar_holds_every_published_event_past_and_upcoming():
    events = data.events_dataset()
    response = Client().get(reverse("open_data:events_calendar"))

    calendar = Calendar.from_ical(response.content)
    entries = [
        (
            str(entry["uid"]),
            str(entry["summary"]),
            entry.decoded("dtstart"),
            entry.decoded("dtend"),
            str(entry["location"]),
            str(entry["url"]),
            str(entry["description"]),
        )
        for entry in calendar.walk("VEVENT")
    ]

    def uid(slug):
        return f"event-{events[slug].pk}@label-territoire-innovant" if slug in events else None

    halle = "Halle aux sucres, 9003 route du Quai Freycinet 3, 59140 Dunkerque, Dunkerque"
    assert (response["Content-Type"], str(calendar["x-wr-calname"])) == (
        "text/calendar; charset=utf-8",
        "Événements du Label Territoire Innovant",
    )
    assert [entry[1:] for entry in entries] == [
        (
            "Rencontre lille-2031",
            paris(2031, 5, 12, 9, 0),
            paris(2031, 5, 12, 12, 0),
            halle,
            site("/evenements/lille-2031/"),
            site("/evenements/lille-2031/"),
        ),
        (
            "Rencontre dunkerque-2031",
            paris(2031, 6, 30, 9, 30),
            paris(2031, 6, 30, 17, 0),
            halle,
            site("/evenements/dunkerque-2031/"),
            "\n".join(
                [
                    "Ville durable",
                    "Web TV : https://webtv.label.example/dunkerque-2031",
                    site("/evenements/dunkerque-2031/"),
                ]
            ),
        ),
        (
            "Rencontre webinaire-2031",
            paris(2031, 10, 2, 14, 0),
            paris(2031, 10, 2, 16, 0),
            "En ligne",
            site("/evenements/webinaire-2031/"),
            "\n".join(["Web TV : https://webtv.label.example/webinaire-2031", site("/evenements/webinaire-2031/")]),
        ),
        (
            "Rencontre forum-2032",
            paris(2032, 2, 3, 9, 0),
            paris(2032, 2, 4, 18, 0),
            "Cité des sciences, 30 avenue Corentin-Cariou, Paris",
            site("/evenements/forum-2032/"),
            "\n".join(["Web TV : https://webtv.label.example/forum-2032", site("/evenements/forum-2032/")]),
        ),
    ]
    assert [entries[1][0], entries[2][0], entries[3][0]] == [uid("past"), uid("online"), uid("forum")]


def test_an_event_keeps_its_uid_between_its_own_file_and_the_calendar():
    event = EventFactory(starts_at=paris(2031, 10, 2, 9, 0), ends_at=paris(2031, 10, 2, 12, 0))
    own = Calendar.from_ical(Client().get(reverse("events:ics", kwargs={"slug": event.slug})).content)
    shared = Calendar.from_ical(Client().get(reverse("open_data:events_calendar")).content)

    assert [str(entry["uid"]) for entry in shared.walk("VEVENT")] == [str(entry["uid"]) for entry in own.walk("VEVENT")]


@pytest.mark.parametrize("name", ["projects_feed", "events_feed", "events_calendar"])
def test_each_feed_costs_the_same_queries_for_one_row_and_many(name, client, count_queries):
    theme = Theme.objects.first()

    def add(start, count):
        for index in range(start, start + count):
            data.publish(data.laureate(edition), f"projet-{index}", paris(2031, 7, 1, 10, 0), theme=theme)
            data.event(
                f"rencontre-{index}",
                paris(2031, 10, 1, 9, 0) + timedelta(days=index),
                ends_at=paris(2031, 10, 1, 12, 0) + timedelta(days=index),
            )

    edition = data.edition_2031()
    url = reverse(f"open_data:{name}")
    add(0, 1)
    one = count_queries(client, url)
    add(1, 24)

    assert count_queries(client, url) == one


def test_the_feeds_are_announced_and_the_open_data_page_is_in_the_footer():
    events_list = Client().get(reverse("events:list")).content.decode()
    home = Client().get(reverse("home")).content.decode()
    open_data = Client().get(reverse("open_data:page"))

    assert (
        '<link rel="alternate" type="application/atom+xml" href="/evenements/flux.atom" '
        'title="Prochains événements (Atom)">'
    ) in events_list
    assert '<a href="/donnees-ouvertes/">Données ouvertes</a>' in home
    assert open_data.status_code == 200
    page = open_data.content.decode()
    assert [
        link in page
        for link in (
            'href="/api/v1/docs"',
            'href="/api/v1/openapi.json"',
            'href="/projets/flux.atom"',
            'href="/evenements/flux.atom"',
            'href="/evenements/calendrier.ics"',
        )
    ] == [True] * 5


def test_the_badge_rules_are_reached_from_the_home_through_the_open_data_page():
    home = Client().get(reverse("home")).content.decode()
    open_data = Client().get(reverse("open_data:page")).content.decode()

    assert '<a href="/donnees-ouvertes/">Données ouvertes</a>' in home
    assert f'<a href="{reverse("showcase:badge_rules")}">règles d\'usage</a>' in open_data
    assert Client().get(reverse("showcase:badge_rules")).status_code == 200
