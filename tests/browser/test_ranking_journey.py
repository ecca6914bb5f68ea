"""Headless Chromium: an organiser reads the jury's ranking, decides, publishes, and the laureates page shows it."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from playwright.sync_api import expect

from label.models import Candidature, Status
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import axe_violations
from tests.factories import PASSWORD, OrganiserFactory
from tests.jury.factories import jury_with_members, scored
from tests.jury.test_ranking_national import national_jury
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rank_choose_gold_stage_publish_and_see_the_laureate(page):
    organiser = OrganiserFactory()
    set_up_authenticator(organiser)
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031)
    CriterionFactory(edition=edition, name="Innovation", weight=Decimal(2), eliminatory_threshold=Decimal(1))
    CriterionFactory(edition=edition, name="Prise en compte des usagers", weight=Decimal(1))
    jury, jurors = jury_with_members(2, edition=edition, name="Jury Hauts-de-France")
    best, other = (
        CandidatureFactory(
            edition=edition,
            status=Status.AUDITIONED,
            reference=reference,
            territory_name=territory,
            project_title=title,
            summary=summary,
            consent_publication=True,
        )
        for reference, territory, title, summary in (
            ("LTI-2031-0001", "Communauté urbaine de Dunkerque", "Éclairage sobre", "Un éclairage qui s'adapte."),
            ("LTI-2031-0002", "Ville de Saint-Omer", "Guichet numérique", "Les démarches en ligne."),
        )
    )
    for juror, values in zip(jurors, ([5, 4], [4, 5]), strict=True):
        scored(jury, juror, best, values)
    for juror, values in zip(jurors, ([2, 3], [3, 2]), strict=True):
        scored(jury, juror, other, values)

    page.goto("/compte/connexion/?next=/jury/classement/")
    page.get_by_label("Adresse e-mail").fill(organiser.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, organiser)

    expect(page.get_by_role("heading", level=1)).to_have_text("Classement du jury")
    expect(page.locator("table.ranking tbody tr").first.locator("th")).to_have_text("LTI-2031-0001")
    expect(page.locator("#ranking-chart")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_label("Décision pour LTI-2031-0001").select_option(label="Or")
    page.get_by_role("button", name="Préparer les décisions").click()
    expect(page.get_by_text("1 décision préparée, à publier.")).to_be_visible()
    expect(page.get_by_label("Décision pour LTI-2031-0001")).to_have_value("gold")
    assert Candidature.objects.get(pk=best.pk).status == Status.AUDITIONED

    page.get_by_label("Motif de la publication").fill("Délibération du jury du 3 février")
    page.get_by_role("button", name="Publier les décisions").click()
    expect(page.get_by_text("1 décision publiée", exact=False)).to_be_visible()
    best.refresh_from_db()
    assert (best.status, best.outcome_level) == (Status.LAUREATE, "gold")
    entry = LogEntry.objects.filter(object_pk=str(best.pk), additional_data__transition="select_laureate").get()
    assert (entry.actor.email, entry.additional_data["reason"]) == (
        organiser.email,
        "Délibération du jury du 3 février",
    )

    page.goto("/laureats/2031/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lauréats — Label Territoire Innovant 2031")
    expect(page.get_by_role("heading", level=2)).to_have_text("Or")
    expect(page.get_by_role("heading", level=3)).to_have_text("Communauté urbaine de Dunkerque")
    expect(page.get_by_text("Un éclairage qui s'adapte.")).to_be_visible()
    assert axe_violations(page) == []


def test_a_later_page_filtered_by_region_is_staged_and_comes_back_the_same_on_a_phone(page):
    organiser = OrganiserFactory()
    set_up_authenticator(organiser)
    jury, candidatures = national_jury(60)
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"/compte/connexion/?next=/jury/classement/%3Fjury%3D{jury.pk}")
    page.get_by_label("Adresse e-mail").fill(organiser.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, organiser)

    page.get_by_role("navigation", name="Pages du classement").get_by_role("link", name="Page 2").click()
    expect(page.locator("table.ranking tbody tr").first.locator("th")).to_have_text(candidatures[51].reference)
    page.get_by_label("Région").select_option(label="Hauts-de-France")
    page.get_by_label("Du rang").fill("41")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.locator("#ranking-shown")).to_have_text(
        "10 candidatures retenues par les filtres. Lignes 1 à 10 ; les rangs sont ceux de tout le jury."
    )
    assert page.evaluate("() => document.documentElement.scrollWidth") == 375
    assert axe_violations(page) == []

    decision = page.get_by_label(f"Décision pour {candidatures[55].reference}")
    decision.scroll_into_view_if_needed()
    box = decision.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 375
    decision.select_option(label="Non retenue")
    page.get_by_role("button", name="Préparer les décisions").click()

    expect(page.get_by_text("1 décision préparée, à publier.")).to_be_visible()
    expect(page.get_by_label("Région")).to_have_value("32")
    expect(page.get_by_label("Du rang")).to_have_value("41")
    expect(page.get_by_label(f"Décision pour {candidatures[55].reference}")).to_have_value("not_retain")
    assert Candidature.objects.get(pk=candidatures[55].pk).staged_transition == "not_retain"
