"""Headless Chromium: a juror declares a conflict, scores a dossier in two sittings and submits."""

import re

import pytest
from playwright.sync_api import expect

from auditions.jury.models import ConflictOfInterest, Evaluation
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign, shortlisted
from tests.label.factories import CriterionFactory, EditionFactory, answer_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_juror_declares_a_conflict_then_scores_saves_comes_back_and_submits(page):
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031)
    criteria = [
        CriterionFactory(edition=edition, name=name, order=order)
        for order, name in enumerate(("Innovation", "Prise en compte des usagers", "Reproductibilité"), start=1)
    ]
    jury = JuryFactory(edition=edition, name="Jury Hauts-de-France")
    juror = UserFactory(email="claire@jury.example", full_name="Claire Dubois")
    JuryMemberFactory(jury=jury, user=juror)
    set_up_authenticator(juror)
    dunkerque = answer_all(
        shortlisted(edition, territory_name="Communauté urbaine de Dunkerque", project_title="Bus gratuits")
    )
    gravelines = shortlisted(edition, territory_name="Ville de Gravelines", project_title="Navettes autonomes")
    for candidature in (dunkerque, gravelines):
        assign(jury, juror, candidature)

    page.goto("/jury/")
    page.get_by_label("Adresse e-mail").fill("claire@jury.example")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, juror)
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace jury")
    expect(page.get_by_text("Évaluations soumises : 0 sur 2")).to_be_visible()
    assert axe_violations(page) == []

    # Claire works with Gravelines: she declares it and the dossier leaves her list.
    page.get_by_role("link", name="Déclarer un conflit d'intérêts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conflits d'intérêts")
    assert axe_violations(page) == []
    page.locator(f"#reason-{gravelines.pk}").fill("J'ai conseillé la ville en 2019.")
    page.get_by_role("button", name="Déclarer un conflit avec Ville de Gravelines").click()
    expect(page.get_by_text("Conflit d'intérêts déclaré pour « Ville de Gravelines »")).to_be_visible()
    assert ConflictOfInterest.objects.filter(juror=juror, candidature=gravelines).exists()

    page.get_by_role("link", name="← Espace jury").click()
    expect(page.get_by_role("link", name="Navettes autonomes")).to_have_count(0)
    expect(page.get_by_text("Évaluations soumises : 0 sur 1")).to_be_visible()
    page.get_by_role("link", name="Bus gratuits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bus gratuits")
    assert axe_violations(page) == []

    scores = {"Innovation": "4", "Prise en compte des usagers": "3", "Reproductibilité": "5"}
    for name, value in scores.items():
        page.get_by_role("group", name=name).get_by_label(value, exact=True).check()
    # The draft saves itself (htmx, with the CSRF token) while the juror scores.
    expect(page.locator("#autosave-status")).to_have_text(re.compile(r"Brouillon enregistré à \d\d:\d\d"))
    page.get_by_label("Commentaire").fill("Un projet solide et reproductible.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré. Vous pourrez reprendre plus tard.")).to_be_visible()

    page.get_by_role("link", name="← Espace jury").click()
    expect(page.get_by_text("brouillon", exact=True)).to_be_visible()
    page.get_by_role("link", name="Bus gratuits").click()
    for name, value in scores.items():
        expect(page.get_by_role("group", name=name).get_by_label(value, exact=True)).to_be_checked()
    expect(page.get_by_label("Commentaire")).to_have_value("Un projet solide et reproductible.")

    page.get_by_role("button", name="Soumettre mon évaluation").click()
    expect(page.get_by_text("Votre évaluation est soumise. Merci !")).to_be_visible()
    expect(page.get_by_role("button", name="Soumettre mon évaluation")).to_have_count(0)
    assert axe_violations(page) == []
    evaluation = Evaluation.objects.get(assignment__juror=juror)
    assert evaluation.status == Evaluation.Status.SUBMITTED
    assert [score.value for score in evaluation.scores.all()] == [4, 3, 5]
    assert [score.criterion for score in evaluation.scores.all()] == criteria

    page.get_by_role("link", name="← Espace jury").click()
    expect(page.get_by_text("Évaluations soumises : 1 sur 1")).to_be_visible()
