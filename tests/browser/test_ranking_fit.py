"""Headless Chromium: the ranking and a dossier's deliberation fit a laptop and a phone, the decisions in reach.

Screenshots go to the screenshots folder (var/screenshots/ or SCREENSHOT_DIR), ranking-*.png, for a person to look at.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from auditions.jury.services import declare_conflict
from events.models import Region
from label.models import Candidature, Status
from tests.browser.screenshots import screenshot_folder
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import axe_violations
from tests.factories import PASSWORD, OrganiserFactory
from tests.jury.factories import jury_with_members, scored
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = screenshot_folder()
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# The criteria of the later editions, with their real, long names.
CRITERIA = (
    ("Innovation", Decimal(2), Decimal(1)),
    ("Prise en compte des usagers", Decimal(1), None),
    ("Reproductibilité", Decimal(1), None),
    ("Mutualisation", Decimal(1), None),
    ("Efficacité et sobriété numérique / impact climatique", Decimal(1), None),
    ("Interopérabilité", Decimal(1), None),
)
TERRITORIES = (
    "Communauté urbaine de Dunkerque",
    "Métropole Européenne de Lille",
    "Communauté d'agglomération du Pays de Saint-Omer",
    "Ville de Roubaix",
    "Département du Pas-de-Calais",
    "Communauté de communes des Hauts de Flandre",
    "Ville d'Amiens",
    "Syndicat mixte Somme Numérique",
)
# Each juror's scores per dossier, criterion by criterion (0–5): the second dossier splits the jury.
SCORES = (
    ([5, 4, 5, 4, 4, 5], [4, 5, 4, 4, 5, 4], [5, 5, 4, 5, 4, 4]),
    ([1, 4, 3, 3, 2, 3], [5, 4, 3, 4, 3, 3], [3, 3, 4, 3, 3, 2]),
    ([4, 3, 3, 4, 3, 3], [4, 4, 3, 3, 4, 3], [3, 3, 4, 4, 3, 4]),
    ([3, 3, 2, 3, 3, 2], [3, 2, 3, 3, 2, 3], [2, 3, 3, 2, 3, 3]),
    ([0, 2, 2, 1, 2, 2], [1, 1, 2, 2, 1, 2], [1, 2, 1, 2, 2, 1]),
    ([4, 4, 4, 3, 4, 4], [2, 3, 4, 4, 3, 1], [4, 4, 3, 4, 4, 4]),
    ([3, 4, 3, 3, 4, 3], [3, 3, 4, 3, 3, 4], [4, 3, 3, 4, 3, 3]),
    ([2, 3, 3, 2, 2, 3], [3, 2, 2, 3, 3, 2], [2, 2, 3, 3, 2, 2]),
)
COMMENT = (
    "Projet solide et bien documenté ; la mutualisation avec les communes voisines reste à préciser. "
    "Le budget de fonctionnement après la subvention n'est pas chiffré."
)


@pytest.fixture
def deliberation_case():
    """A regional jury of three on six criteria, eight dossiers with long names; one staged Gold, one published."""
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031, code="HDF")
    for order, (name, weight, threshold) in enumerate(CRITERIA):
        CriterionFactory(edition=edition, name=name, weight=weight, order=order, eliminatory_threshold=threshold)
    jury, jurors = jury_with_members(3, edition=edition, name="Jury Hauts-de-France")
    for juror, name in zip(jurors, ("Claire Vandamme", "Jean-Baptiste Lefebvre-Delattre", "Nadia Benali"), strict=True):
        juror.full_name = name
        juror.save()
    region = Region.objects.get(code="32")
    candidatures = []
    for number, (territory, scores) in enumerate(zip(TERRITORIES, SCORES, strict=True), start=1):
        candidature = CandidatureFactory(
            edition=edition,
            status=Status.AUDITIONED,
            reference=f"LTI-2031-HDF-{number:04d}",
            territory_name=territory,
            project_title=f"Plateforme territoriale de la donnée et des services numériques n° {number}",
            region=region,
        )
        for juror, values in zip(jurors, scores, strict=True):
            scored(jury, juror, candidature, values, comment=COMMENT)
        candidatures.append(candidature)
    Candidature.objects.filter(pk=candidatures[0].pk).update(staged_transition="select_laureate", staged_level="gold")
    Candidature.objects.filter(pk=candidatures[6].pk).update(status=Status.LAUREATE, outcome_level="bronze")
    return jury, candidatures


def log_in(page, next_url):
    organiser = OrganiserFactory()
    set_up_authenticator(organiser)
    page.goto(f"/compte/connexion/?next={next_url}")
    page.get_by_label("Adresse e-mail").fill(organiser.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, organiser)
    return organiser


def fits(page):
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def inside(box, viewport):
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


def shoot(page, name, element=None):
    """The whole page, and ``element`` at full size when given."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"ranking-{name}.png", full_page=True)
    if element is not None:
        element.screenshot(path=SHOTS / f"ranking-{name}-part.png")


def test_on_a_laptop_the_table_fits_and_each_rows_decision_is_in_view(page, deliberation_case):
    jury, candidatures = deliberation_case
    page.set_viewport_size(LAPTOP)
    log_in(page, "/jury/classement/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Classement du jury")
    assert fits(page)
    region = page.get_by_role("region", name="Classement — Jury Hauts-de-France")
    assert region.evaluate("element => element.scrollWidth <= element.clientWidth")
    first = page.locator("table.ranking > tbody > tr.ranking-row").first
    expect(first.locator("th")).to_have_text("LTI-2031-HDF-0001")
    decision = first.get_by_label("Décision pour LTI-2031-HDF-0001")
    # As the page opens, nothing scrolled: the first row's decision is already in view, under the filters.
    assert page.evaluate("() => [window.scrollX, window.scrollY]") == [0, 0]
    assert region.evaluate("element => element.scrollLeft") == 0
    assert inside(decision.bounding_box(), LAPTOP)
    expect(page.get_by_label("Trier par")).to_be_in_viewport()
    page.screenshot(path=SHOTS / "ranking-1280-top.png")
    # No header broken a word a line: none is taller than three lines.
    heights = page.locator("table.ranking thead th").evaluate_all("cells => cells.map(cell => cell.offsetHeight)")
    assert max(heights) < 80, heights
    shoot(page, "1280", page.locator("table.ranking"))
    assert axe_violations(page) == []

    # The details fold in under the row, by keyboard, announced as expanded.
    toggle = first.get_by_role("button", name="Détails de LTI-2031-HDF-0001")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    assert toggle.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    details = page.locator(f"#details-{candidatures[0].pk}")
    expect(details).to_be_visible()
    expect(details.get_by_role("table", name="Par critère — LTI-2031-HDF-0001")).to_be_visible()
    assert fits(page)
    shoot(page, "1280-details", page.locator("table.ranking"))
    assert axe_violations(page) == []
    page.keyboard.press("Space")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(details).to_be_hidden()

    # The dossier the jurors disagree most on comes first when asked.
    page.get_by_label("Trier par").select_option(label="Plus grands écarts d'abord")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("table.ranking > tbody > tr.ranking-row").first.locator("th")).to_have_text("LTI-2031-HDF-0002")
    expect(page.locator("th[aria-sort='descending']")).to_have_text("Plus grand écart")

    # Its deliberation: the jurors side by side, the disputed criterion said in words.
    page.locator("table.ranking").get_by_role("link", name="Métropole Européenne de Lille", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Délibération : Métropole Européenne de Lille")
    scores = page.get_by_role("table", name="Notes de chaque juré par critère — LTI-2031-HDF-0002")
    expect(scores.locator("thead th")).to_have_text(
        [
            "Critère",
            "Claire Vandamme",
            "Jean-Baptiste Lefebvre-Delattre",
            "Nadia Benali",
            "Moyenne",
            "Écart",
            "Lecture",
        ]
    )
    disputed = scores.locator("tbody tr").first
    expect(disputed).to_contain_text("à discuter")
    expect(disputed).to_contain_text("écart de 4 points sur une échelle de 0 à 5 (80\N{NO-BREAK SPACE}%)")
    assert fits(page)
    shoot(page, "deliberation-1280", page.locator("main"))
    assert axe_violations(page) == []

    page.get_by_label("Décision pour LTI-2031-HDF-0002").select_option(label="Non retenue")
    page.get_by_role("button", name="Préparer la décision").click()
    expect(page.get_by_text("1 décision préparée, à publier.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Délibération")
    assert Candidature.objects.get(pk=candidatures[1].pk).staged_transition == "not_retain"
    page.get_by_role("link", name="Classement — Jury Hauts-de-France").click()
    expect(page.get_by_label("Trier par")).to_have_value("disagreement")


def test_on_a_phone_nothing_scrolls_sideways_and_the_caption_is_whole(page, deliberation_case):
    jury, candidatures = deliberation_case
    organiser = log_in(page, "/jury/classement/")
    declare_conflict(organiser, candidatures[3], by=organiser, reason="Ancien agent de la ville")
    page.set_viewport_size(PHONE)
    page.reload()

    assert fits(page)
    page.screenshot(path=SHOTS / "ranking-375-top.png")
    caption = page.locator("#ranking-caption")
    box = caption.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    assert caption.evaluate("element => element.scrollWidth <= element.clientWidth")
    decision = page.get_by_label("Décision pour LTI-2031-HDF-0001")
    decision.scroll_into_view_if_needed()
    assert page.evaluate("() => window.scrollX") == 0
    assert inside(decision.bounding_box(), PHONE)
    conflicted = page.locator(f"#ligne-{candidatures[3].pk}")
    expect(conflicted).to_contain_text("Vous avez déclaré un conflit d'intérêts avec ce dossier.")
    expect(conflicted.get_by_role("link")).to_have_count(0)
    shoot(page, "375", page.locator("table.ranking"))
    assert axe_violations(page) == []

    page.get_by_role("button", name="Détails de LTI-2031-HDF-0002").click()
    expect(page.locator(f"#details-{candidatures[1].pk}")).to_be_visible()
    assert fits(page)
    shoot(page, "375-details", page.locator(f"#details-{candidatures[1].pk}"))
    assert axe_violations(page) == []

    page.get_by_role("link", name="Délibérer sur LTI-2031-HDF-0002 : notes et commentaires de chaque juré").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Délibération")
    assert fits(page)
    scores = page.get_by_role("region", name="Notes de chaque juré par critère — LTI-2031-HDF-0002")
    expect(scores).to_have_attribute("tabindex", "0")
    decision = page.get_by_label("Décision pour LTI-2031-HDF-0002")
    decision.scroll_into_view_if_needed()
    assert inside(decision.bounding_box(), PHONE)
    shoot(page, "deliberation-375", page.locator("main"))
    assert axe_violations(page) == []
