"""Headless Chromium: a juror's list of dossiers reads on a phone, each dossier's link and state whole.

Screenshots go to the screenshots folder (var/screenshots/ or SCREENSHOT_DIR), jury-home-*.png, for a person to look at.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.screenshots import screenshot_folder
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign, scored, shortlisted
from tests.label.factories import CriterionFactory, EditionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = screenshot_folder()
PHONE = {"width": 375, "height": 812}
LONG_TITLE = "Plateforme territoriale de la donnée et des services numériques partagés"


def test_on_a_phone_each_dossier_is_a_card_with_a_readable_link_and_its_state(page):
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031)
    CriterionFactory(edition=edition, name="Innovation")
    jury = JuryFactory(edition=edition, name="Jury Hauts-de-France")
    juror = UserFactory(email="claire@jury.example", full_name="Claire Dubois")
    JuryMemberFactory(jury=jury, user=juror)
    set_up_authenticator(juror)
    first = shortlisted(
        edition, territory_name="Communauté d'agglomération du Pays de Saint-Omer", project_title=LONG_TITLE
    )
    second = shortlisted(edition, territory_name="Ville de Roubaix", project_title="Bus à la demande")
    assign(jury, juror, first)
    assign(jury, juror, second)
    scored(jury, juror, second, [4], submit=False)

    page.set_viewport_size(PHONE)
    page.goto("/jury/")
    page.get_by_label("Adresse e-mail").fill("claire@jury.example")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, juror)
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace jury")

    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    link = page.get_by_role("link", name=LONG_TITLE)
    link.scroll_into_view_if_needed()
    box = link.bounding_box()
    # The link spans the card (at least 250 of 375 px), never a letter or two a line.
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["width"] >= 250, box
    assert box["height"] < 80, box
    row = page.locator("tbody tr", has=link)
    expect(row).to_contain_text("État : à évaluer")
    state = row.get_by_text("à évaluer", exact=True)
    expect(state).to_be_in_viewport()
    expect(page.locator("tbody tr", has=page.get_by_role("link", name="Bus à la demande"))).to_contain_text(
        "État : brouillon"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "jury-home-375.png", full_page=True)
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    expect(page.get_by_role("columnheader", name="État")).to_be_visible()
    page.screenshot(path=SHOTS / "jury-home-1280.png", full_page=True)
