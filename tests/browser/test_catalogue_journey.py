"""Headless Chromium: a territory looking for an idea searches the catalogue without accents, narrows it by region
and level, and opens a project; every page axe-clean in French and English, without sideways scrolling."""

from importlib import import_module
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from playwright.sync_api import expect

from label.models import Level, Theme
from tests.conftest import axe_violations
from tests.showcase.test_catalogue import published

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


def sideways(page):
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def projects():
    # The themes a migration loads, gone with the flush of the previous transactional test.
    for order, (slug, name) in enumerate(import_module("label.migrations.0008_initial_themes").THEMES):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    published(
        "Éclairage public intelligent",
        "L'éclairage des rues s'adapte aux passages des piétons et des cyclistes.",
        territory="Communauté urbaine de Dunkerque",
        region="32",
        level=Level.GOLD,
        theme="energie",
        website="https://eclairage.dunkerque.example/",
        contact_phone="03 28 00 00 00",
    )
    published("Éclairage des stades", "Des projecteurs sobres.", region="53", level=Level.GOLD)
    published("Éclairage des écoles", "Des LED pilotées.", region="32", level=Level.BRONZE)
    published("Transport à la demande", "Des navettes réservées la veille.", region="32", level=Level.GOLD)


def test_find_an_idea_narrow_it_and_open_the_project(page, projects):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Projets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projets labellisés")
    assert axe_violations(page) == []

    page.get_by_label("Rechercher un projet").fill("eclairage")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("heading", name="3 projets")).to_be_visible()
    expect(page.locator(".project-card mark").first).to_be_visible()

    page.get_by_label("Région", exact=True).select_option(label="Hauts-de-France")
    page.get_by_label("Niveau du label").select_option(label="Or")
    page.get_by_role("button", name="Appliquer les filtres").click()
    expect(page.get_by_role("heading", name="1 projet", exact=True)).to_be_visible()
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"q": ["eclairage"], "region": ["32"], "niveau": ["gold"]}
    assert axe_violations(page) == []
    assert sideways(page) == 0

    page.get_by_role("link", name="Éclairage public intelligent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Éclairage public intelligent")
    expect(page.get_by_role("link", name="03 28 00 00 00")).to_have_attribute("href", "tel:0328000000")
    assert axe_violations(page) == []
    assert sideways(page) == 0

    page.get_by_role("link", name="← Tous les projets").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projets labellisés")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_catalogue_and_a_project_fit_and_pass_axe(page, projects, language, size):
    page.set_viewport_size(size)
    page.goto("/projets/")
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": page.url}])
    page.reload()
    assert page.locator("html").get_attribute("lang") == language

    for path in ("/projets/?q=eclairage&region=32", "/projets/"):
        page.goto(path)
        assert axe_violations(page) == []
        assert sideways(page) == 0

    page.locator(".project-card h3 a").first.click()
    expect(page.locator("h1[lang='fr']")).to_be_visible()
    assert axe_violations(page) == []
    assert sideways(page) == 0
