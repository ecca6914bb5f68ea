"""The label's face: the home's promise, open call and laureates, the level badges, the shared-link previews, and
the closed call's links to its audition programme and laureates."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from lxml import html

from auditions.sessions.models import AuditionSession
from core.templatetags.paris_time import deadline_phrase
from label.models import Level, Status
from tests.label.factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db

BRAND_CSS = settings.BASE_DIR / "static" / "css" / "brand.css"
PROMISE = (
    "Le Label Territoire Innovant offre une reconnaissance et une visibilité nationale aux projets des "
    "collectivités : communes, intercommunalités, métropoles, départements, régions et autres organismes "
    "publics locaux."
)


def page(response):
    assert response.status_code == 200
    return html.fromstring(response.content)


def having(css_class):
    """An XPath predicate: the element has ``css_class`` among its classes."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {css_class} ')"


def words(element):
    return " ".join(element.text_content().split())


def og(tree):
    """The page's Open Graph and Twitter meta tags, by property."""
    tags = {(meta.get("property") or meta.get("name") or ""): meta.get("content") for meta in tree.xpath("//meta")}
    return {key: content for key, content in tags.items() if key.startswith(("og:", "twitter:"))}


def closed_edition(**fields):
    now = timezone.now()
    fields.setdefault("opens_at", now - timedelta(days=400))
    fields.setdefault("closes_at", now - timedelta(days=300))
    return EditionFactory(**fields)


def laureate(edition, name, level, **fields):
    return CandidatureFactory(
        edition=edition, territory_name=name, status=Status.LAUREATE, outcome_level=level, **fields
    )


def session(edition, published):
    starts_at = edition.closes_at + timedelta(days=4)
    return AuditionSession.objects.create(
        edition=edition,
        title="Auditions Hauts-de-France",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        published=published,
    )


# --- the home -----------------------------------------------------------------------------------


def test_the_home_says_the_promise_and_shows_the_open_call_with_its_deadline_and_button(client):
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", tagline="Faites reconnaître")

    tree = page(client.get(reverse("home")))

    (call,) = tree.xpath(f"//*[{having('open-call')}]")
    assert (words(tree.xpath("//h1")[0]), words(tree.xpath(f"//*[{having('home-hero')}]//*[{having('lead')}]")[0])) == (
        "Le label des collectivités qui innovent",
        PROMISE,
    )
    assert (
        words(call.xpath(f".//*[{having('deadline')}]")[0])
        == f"Candidatures jusqu'au {deadline_phrase(edition.closes_at)}"
    )
    assert [(words(link), link.get("href"), link.get("class")) for link in call.xpath(".//a")] == [
        ("Candidater — Label Territoire Innovant 2031", "/label/2031/candidater/", "btn btn-primary btn-lg"),
        ("Lire l'appel Label Territoire Innovant 2031", "/label/2031/", None),
    ]


def test_the_home_shows_the_newest_laureates_gold_first_with_their_badge_and_links(client):
    older = closed_edition(name="Label 2019", slug="2019")
    laureate(older, "Lille", Level.GOLD)
    edition = closed_edition(name="Label 2020", slug="2020", closes_at=timezone.now() - timedelta(days=200))
    laureate(edition, "Wattrelos", Level.BRONZE)
    laureate(edition, "Roubaix", Level.GOLD)
    laureate(edition, "Dunkerque", Level.SILVER)
    CandidatureFactory(edition=edition, territory_name="Calais", status=Status.NOT_RETAINED)

    tree = page(client.get(reverse("home")))

    (section,) = tree.xpath("//section[@aria-labelledby='laureats']")
    assert [(words(link), link.get("href")) for link in section.xpath(f".//*[{having('section-head')}]//a")] == [
        ("Voir tous les lauréats — Label 2020", "/laureats/2020/")
    ]
    assert [
        (
            words(card.xpath(".//h3")[0]),
            words(card.xpath(f".//*[{having('level-badge')}]")[0]),
            card.xpath(".//h3/a")[0].get("href"),
        )
        for card in section.xpath(f".//*[{having('laureate-card')}]")
    ] == [
        ("Roubaix", "Or", f"/laureats/2020/#laureat-{edition.candidatures.get(territory_name='Roubaix').pk}"),
        (
            "Dunkerque",
            "Argent",
            f"/laureats/2020/#laureat-{edition.candidatures.get(territory_name='Dunkerque').pk}",
        ),
        (
            "Wattrelos",
            "Bronze",
            f"/laureats/2020/#laureat-{edition.candidatures.get(territory_name='Wattrelos').pk}",
        ),
    ]
    assert [
        [(words(link), link.get("href")) for link in item.xpath(".//a")]
        for item in tree.xpath("//section[@aria-labelledby='editions-passees']//li")
    ] == [
        [("Label 2020", "/label/2020/"), ("Lauréats — Label 2020", "/laureats/2020/")],
        [("Label 2019", "/label/2019/"), ("Lauréats — Label 2019", "/laureats/2019/")],
    ]


def test_the_home_without_laureates_has_no_laureates_section(client):
    closed_edition()

    tree = page(client.get(reverse("home")))

    assert (tree.xpath("//section[@aria-labelledby='laureats']"), tree.xpath(f"//h3//*[{having('level-badge')}]")) == (
        [],
        [],
    )


def test_the_home_costs_the_same_with_1_and_many_laureates_and_editions(client, count_queries):
    EditionFactory()
    edition = closed_edition()
    laureate(edition, "Roubaix", Level.GOLD)
    one = count_queries(client, reverse("home"))
    for number in range(12):
        laureate(edition, f"Commune {number}", Level.values[number % 3])
    for number in range(4):
        laureate(closed_edition(), f"Ville {number}", Level.SILVER)

    assert count_queries(client, reverse("home")) == one


# --- level badges -------------------------------------------------------------------------------


def badge(level):
    return Template("{% load levels %}{% level_badge level %}").render(Context({"level": level}))


def test_a_badge_says_its_level_in_words_beside_its_colour():
    assert [badge(level) for level in (*Level.values, "")] == [
        '<span class="level-badge level-badge--gold"><span class="level-badge__medal" aria-hidden="true"></span>'
        "Or</span>\n",
        '<span class="level-badge level-badge--silver"><span class="level-badge__medal" aria-hidden="true"></span>'
        "Argent</span>\n",
        '<span class="level-badge level-badge--bronze"><span class="level-badge__medal" aria-hidden="true"></span>'
        "Bronze</span>\n",
        "\n",
    ]
    with translation.override("en"):
        assert [words(html.fromstring(badge(level))) for level in Level.values] == ["Gold", "Silver", "Bronze"]


def luminance(colour):
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def badge_colours(level):
    """The text and background colours brand.css gives the badge of ``level``."""
    rule = re.search(rf"\.level-badge--{level} \{{([^}}]*)\}}", BRAND_CSS.read_text()).group(1)
    declarations = dict(re.findall(r"([\w-]+):\s*(#[0-9a-fA-F]{6});", rule))
    return declarations["color"], declarations["background-color"]


def test_every_level_s_badge_text_has_a_contrast_of_at_least_4_5_to_1():
    ratios = {level: round(contrast(*badge_colours(level)), 2) for level in Level.values}

    assert ratios == {"gold": 7.47, "silver": 8.26, "bronze": 7.34}
    assert all(ratio >= 4.5 for ratio in ratios.values())


def test_the_laureates_page_groups_by_level_under_a_badge(client):
    edition = closed_edition(name="Label 2020", slug="2020")
    laureate(edition, "Roubaix", Level.GOLD)
    laureate(edition, "Dunkerque", Level.GOLD)
    laureate(edition, "Wattrelos", Level.BRONZE)

    tree = page(client.get(reverse("label:laureates", kwargs={"edition": "2020"})))

    assert [
        (
            words(section.xpath(".//h2")[0]),
            [badge.get("class") for badge in section.xpath(f".//h2/*[{having('level-badge')}]")],
            words(section.xpath(f".//*[{having('level-count')}]")[0]),
            [words(card.xpath(".//h3")[0]) for card in section.xpath(".//article")],
        )
        for section in tree.xpath("//section")
    ] == [
        ("Or", ["level-badge level-badge--gold"], "2 collectivités", ["Dunkerque", "Roubaix"]),
        ("Bronze", ["level-badge level-badge--bronze"], "1 collectivité", ["Wattrelos"]),
    ]


# --- shared links -------------------------------------------------------------------------------


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://label.example"


def test_a_shared_page_carries_its_title_description_and_an_absolute_image(client, site):
    tree = page(client.get(reverse("accessibility")))

    assert og(tree) == {
        "og:type": "website",
        "og:site_name": "Label Territoire Innovant",
        "og:title": "Label Territoire Innovant",
        "og:description": "Le label offre une reconnaissance et une visibilité nationale aux projets innovants "
        "des collectivités.",
        "og:url": "https://label.example/accessibilite/",
        "og:image": "https://label.example/static/img/og-image.png",
        "og:image:width": "1200",
        "og:image:height": "630",
        "og:image:alt": "Label Territoire Innovant : reconnaissance et visibilité nationale pour les projets "
        "innovants des collectivités, niveaux Or, Argent et Bronze",
        "og:locale": "fr_FR",
        "og:locale:alternate": "en_GB",
        "twitter:card": "summary_large_image",
    }
    assert (settings.BASE_DIR / "static" / "img" / "og-image.png").is_file()


def test_the_call_and_the_laureates_pages_share_their_own_title_and_description(client, site):
    edition = closed_edition(name="Label 2020", slug="2020", tagline="Comment opérer une ville durable ?")

    call = og(page(client.get(reverse("label:call", kwargs={"edition": "2020"}))))
    laureates = og(page(client.get(reverse("label:laureates", kwargs={"edition": edition.slug}))))

    assert [(shared["og:title"], shared["og:description"], shared["og:url"]) for shared in (call, laureates)] == [
        ("Label 2020", "Comment opérer une ville durable ?", "https://label.example/label/2020/"),
        (
            "Lauréats — Label 2020",
            "Les collectivités lauréates de Label 2020 : leurs projets et leur niveau de label (Or, Argent ou Bronze).",
            "https://label.example/laureats/2020/",
        ),
    ]


def test_in_english_the_shared_page_says_so(site):
    english = Client()
    english.post(reverse("set_language"), {"language": "en", "next": "/"})

    shared = og(page(english.get(reverse("accessibility"))))

    assert (shared["og:locale"], shared["og:locale:alternate"]) == ("en_GB", "fr_FR")


# --- the closed call's pages --------------------------------------------------------------------


def edition_pages(client, edition):
    tree = page(client.get(reverse("label:call", kwargs={"edition": edition.slug})))
    return [(words(link), link.get("href")) for link in tree.xpath(f"//*[{having('edition-pages')}]//a")]


def test_a_closed_call_links_to_its_published_programme_and_its_laureates(client):
    edition = closed_edition(slug="2020")
    session(edition, published=True)
    laureate(edition, "Roubaix", Level.GOLD)

    assert edition_pages(client, edition) == [
        ("Programme des auditions", "/auditions/2020/"),
        ("Lauréats", "/laureats/2020/"),
    ]


def test_a_closed_call_links_to_neither_before_they_are_published(client):
    edition = closed_edition(slug="2020")
    session(edition, published=False)
    CandidatureFactory(
        edition=edition, status=Status.AUDITIONED, staged_transition="select_laureate", staged_level="gold"
    )

    assert edition_pages(client, edition) == []


def test_a_closed_call_with_results_but_no_published_session_links_to_its_laureates_only(client):
    edition = closed_edition(slug="2020")
    laureate(edition, "Roubaix", Level.GOLD)

    assert edition_pages(client, edition) == [("Lauréats", "/laureats/2020/")]


def test_a_session_published_after_the_call_page_was_stored_shows_its_link_at_once():
    edition = closed_edition(slug="2020")
    draft = session(edition, published=False)
    assert edition_pages(Client(), edition) == []

    draft.published = True
    draft.save()

    assert edition_pages(Client(), edition) == [("Programme des auditions", "/auditions/2020/")]


def test_the_closed_call_page_costs_the_same_with_1_and_many_laureates_and_sessions(client, count_queries):
    edition = closed_edition(slug="2020")
    session(edition, published=True)
    laureate(edition, "Roubaix", Level.GOLD)
    url = reverse("label:call", kwargs={"edition": "2020"})
    one = count_queries(client, url)
    for number in range(10):
        laureate(edition, f"Commune {number}", Level.SILVER)
        session(edition, published=True)

    assert count_queries(client, url) == one
