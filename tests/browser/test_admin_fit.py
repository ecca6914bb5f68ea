"""Headless Chromium: an organiser, logged in with the second factor, reads every admin list on a laptop and a phone.

At 1280 px the navigation sidebar steps aside on lists (static/css/admin.css) and every column shows: the page
does not scroll sideways, the table is not wider than its box, no column title or status badge is cut. At 1440 px
the sidebar is back and the lists still fit. On a phone the admin is not designed for, the page itself does not
scroll sideways either: the table scrolls inside its own box. Each list is photographed as
organiser-<language>-admin-long-texts-<list>-<width>.png (tests/browser/screenshots.py says where).
"""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.screenshots import screenshot_path
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import axe_violations
from tests.core.test_admin_lists import LISTS, LONG_TITLE, changelist, fill_every_list
from tests.factories import PASSWORD, OrganiserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 375, "height": 812}

MEASURE = """() => {
  const cut = (selector) => [...document.querySelectorAll(selector)]
    .filter((element) => element.scrollWidth > element.clientWidth)
    .map((element) => element.textContent.trim());
  const box = document.querySelector('#changelist-form .results');
  const sidebar = document.querySelector('#nav-sidebar');
  return {
    page: document.documentElement.scrollWidth - window.innerWidth,
    table: box.scrollWidth - box.clientWidth,
    tableScrolls: getComputedStyle(box).overflowX,
    rows: document.querySelectorAll('#result_list tbody tr').length,
    cutTitles: cut('#result_list thead th'),
    cutBadges: cut('#result_list .lti-badge'),
    sidebar: sidebar !== null && sidebar.getBoundingClientRect().width > 0,
  };
}"""


def log_in(page, organiser):
    page.goto("/compte/connexion/?next=/admin/")
    page.get_by_label("Adresse e-mail").fill(organiser.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, organiser)
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage du label")


def speak(page, live_server, language):
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


def visit(page, name, language, width):
    """The list ``name`` opened and photographed; what it measures, and the screenshot's name to report."""
    response = page.goto(changelist(name))
    assert response.status == 200, name
    shot = screenshot_path("organiser", language, f"admin-long-texts-{name.replace('/', '-')}", width)
    page.screenshot(path=shot, full_page=True)
    return page.evaluate(MEASURE), shot.name


@pytest.fixture
def organiser(transactional_db):
    fill_every_list()
    organiser = OrganiserFactory(full_name="Claire Martin")
    set_up_authenticator(organiser)
    return organiser


def test_every_list_fits_a_laptop_screen_in_french_and_in_english(page, live_server, organiser):
    page.set_viewport_size(LAPTOP)
    log_in(page, organiser)
    for language in ("fr", "en"):
        speak(page, live_server, language)
        for name in LISTS:
            seen, shot = visit(page, name, language, LAPTOP["width"])
            assert seen["rows"] > 0, shot
            assert (seen["page"], seen["table"], seen["cutTitles"], seen["cutBadges"]) == (0, 0, [], []), shot
            assert seen["sidebar"] is False, shot
            assert axe_violations(page) == [], shot

    # The title cut after two lines: the whole of it on hover and in the page for screen readers.
    speak(page, live_server, "fr")
    page.goto(changelist("label/candidature"))
    title = page.locator(f'#result_list .lti-clip[title="{LONG_TITLE}"]')
    expect(title).to_have_text(LONG_TITLE)
    assert title.evaluate("(element) => element.scrollHeight > element.clientHeight")


def test_with_the_navigation_sidebar_back_at_1440_px_the_lists_still_fit(page, organiser):
    page.set_viewport_size(DESKTOP)
    log_in(page, organiser)
    for name in LISTS:
        seen, shot = visit(page, name, "fr", DESKTOP["width"])
        assert (seen["page"], seen["table"], seen["cutTitles"], seen["cutBadges"]) == (0, 0, [], []), shot
        assert seen["sidebar"] is True, shot


def test_on_a_phone_the_table_scrolls_in_its_box_and_the_page_does_not(page, organiser):
    page.set_viewport_size(PHONE)
    log_in(page, organiser)
    for name in LISTS:
        seen, shot = visit(page, name, "fr", PHONE["width"])
        assert (seen["page"], seen["cutTitles"], seen["cutBadges"]) == (0, [], []), shot
        assert seen["tableScrolls"] == "auto", shot
        # Each row's link (what opens the object) is on screen without scrolling the table.
        first_link = page.locator("#result_list tbody tr").first.locator("a").first
        box = first_link.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"], shot
        assert axe_violations(page) == [], shot


def test_the_admin_wears_the_label_and_leads_to_the_dashboard_and_the_ranking(page, organiser):
    page.set_viewport_size(LAPTOP)
    log_in(page, organiser)
    page.screenshot(path=screenshot_path("organiser", "fr", "admin-index", LAPTOP["width"]), full_page=True)

    home = page.get_by_role("link", name="Label Territoire Innovant — administration")
    expect(home.locator("img")).to_have_attribute("src", "/static/img/logo.svg")
    expect(page.locator('link[rel="icon"]')).to_have_attribute("href", "/static/img/favicon.svg")
    shortcuts = page.get_by_role("navigation", name="Suivi du label")
    expect(shortcuts.get_by_role("link", name="Tableau de bord des organisateurs")).to_have_attribute(
        "href", "/organisation/"
    )
    expect(shortcuts.get_by_role("link", name="Classement du jury")).to_have_attribute("href", "/jury/classement/")
    assert axe_violations(page) == []

    shortcuts.get_by_role("link", name="Classement du jury").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Classement du jury")
