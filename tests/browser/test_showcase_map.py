"""Headless Chromium: the map of projects by region on the home page and /projets/, reached with the keyboard,
leads to the catalogue filtered on the region; the badge kit's pages; axe-core clean, nothing scrolling sideways
on a laptop or a phone.

Screenshots go to visitor-fr-showcase-map-*.png (tests/browser/screenshots.py says where), for a person to
look at.
"""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from events.models import Region
from label.models import Level
from tests.browser.screenshots import screenshot_path
from tests.conftest import axe_violations
from tests.factories import PASSWORD
from tests.showcase.factories import laureate, published_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
HAUTS_DE_FRANCE = "Hauts-de-France : 2 projets"
# Tab presses that reach the map from the top of the page: the header, the hero, the filters come first.
MAX_TABS = 120


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def projects(db):
    for code in ("32", "32", "53", "04"):
        published_project(laureate(region=Region.objects.get(code=code)))


def look_at(page, name):
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        shot = screenshot_path("visitor", "fr", f"showcase-map-{name}", size["width"])
        page.screenshot(path=shot, full_page=True)
        scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, (name, size)
        assert axe_violations(page) == [], (name, size)
    page.set_viewport_size(DESKTOP)


def tab_to(page, label):
    """Press Tab from the top of the page until the map's link named ``label`` has the focus."""
    region = page.locator(f"svg a[aria-label='{label}']")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if region.evaluate("link => link === document.activeElement"):
            return region
    raise AssertionError(f"{label} not reached with the keyboard")


@pytest.mark.parametrize(("path", "name"), [("/", "home"), ("/projets/", "catalogue")])
def test_a_region_of_the_map_is_reached_with_the_keyboard_and_opens_the_filtered_catalogue(page, projects, path, name):
    page.goto(path)
    look_at(page, name)

    region = tab_to(page, HAUTS_DE_FRANCE)
    expect(region).to_be_focused()
    focused = screenshot_path("visitor", "fr", f"showcase-map-{name}-focus", DESKTOP["width"])
    page.locator(".regions-map").screenshot(path=focused)
    page.keyboard.press("Enter")

    page.wait_for_url("**/projets/?region=32")
    expect(page.get_by_role("heading", name="2 projets", exact=True)).to_be_visible()


def test_the_list_beside_the_map_says_the_same_and_links_the_same(page, projects):
    page.goto("/projets/")

    listed = page.locator(".regions-map__list li", has_text="Bretagne")
    expect(listed).to_have_text("Bretagne 1 projet", use_inner_text=True)
    expect(page.locator(".regions-map__none")).to_contain_text("Normandie")
    listed.get_by_role("link", name="Bretagne").click()
    page.wait_for_url("**/projets/?region=53")


# --- the badge kit: the rules of use, and a laureate's badge on "Mes candidatures" ----------------------------


def test_the_badge_rules_and_a_laureates_badge_kit_read_well_on_a_laptop_and_a_phone(page):
    candidature = laureate(outcome_level=Level.SILVER)
    page.goto("/label/regles-d-usage-du-badge/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Règles d'usage du badge")
    year = candidature.edition.year
    expect(page.get_by_role("img", name=f"Label Territoire Innovant {year} — Argent")).to_be_visible()
    look_at(page, "badge-rules")

    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(candidature.owner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto("/mes-candidatures/")
    kit = page.locator(".badge-kit")
    # The preview loaded: the SVG's own width.
    expect(kit.get_by_role("img")).to_have_js_property("naturalWidth", 256)
    with page.expect_download() as download:
        kit.get_by_role("link", name="PNG 256 px").click()
    assert download.value.suggested_filename == f"label-territoire-innovant-{year}-argent-256.png"
    look_at(page, "badge-kit")
