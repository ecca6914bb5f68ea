"""Headless Chromium: a laureate writes its public project profile, the organiser approves it in the admin, the
public reads it."""

import re

import pytest
from playwright.sync_api import expect

from showcase.models import ProjectProfile
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import axe_violations
from tests.factories import PASSWORD, OrganiserFactory, UserFactory
from tests.label.factories import EditionFactory
from tests.showcase.factories import laureate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email, next_url):
    page.goto(f"/compte/connexion/?next={next_url}")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_laureate_sends_its_profile_the_organiser_approves_it_and_the_public_reads_it(page, browser, live_server):
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031, code="SOM")
    owner = UserFactory(email="sophie@saint-omer.example", full_name="Sophie Leroy")
    candidature = laureate(
        edition=edition,
        owner=owner,
        territory_name="Ville de Saint-Omer",
        project_title="Éclairage public sobre",
        summary="Un éclairage qui s'adapte aux passages.",
    )
    organiser = OrganiserFactory(email="claire@label.example", full_name="Claire Martin")
    set_up_authenticator(organiser)

    # The laureate finds the profile on "Mes candidatures", already prefilled from the candidature.
    log_in(page, owner.email, "/mes-candidatures/")
    expect(page.get_by_role("heading", name="Fiche projet publique")).to_be_visible()
    page.get_by_role("link", name="Rédiger la fiche projet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fiche projet publique")
    expect(page.get_by_label("Titre du projet")).to_have_value("Éclairage public sobre")
    assert axe_violations(page) == []

    # Sent too early: each missing field says so, and what was typed stays.
    page.get_by_label("Ce que le projet a coûté").fill("45 000 € HT, puis 8 000 € HT par an.")
    page.get_by_role("button", name="Envoyer en relecture").click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("au moins l'un des champs")
    expect(page.get_by_label("Ce que le projet a coûté")).to_have_value("45 000 € HT, puis 8 000 € HT par an.")
    assert axe_violations(page) == []

    page.get_by_label("Ce qui a changé pour les habitants").fill("Les rues s'éclairent au passage des piétons.")
    page.get_by_label("Résultats et indicateurs").fill("Consommation en baisse de 55 % en un an.")
    page.get_by_role("button", name="Envoyer en relecture").click()
    expect(page.get_by_text("Fiche envoyée en relecture")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("État de la fiche"))).to_contain_text("En relecture")

    # The organiser, with the second factor, approves it from the profile's page in the admin.
    organiser_context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    admin = organiser_context.new_page()
    log_in(admin, organiser.email, "/admin/showcase/projectprofile/")
    pass_second_factor(admin, organiser)
    admin.get_by_role("link", name="Éclairage public sobre").click()
    expect(admin.get_by_text("Les rues s'éclairent au passage des piétons.")).to_be_visible()
    admin.get_by_role("button", name="Approuver et publier").click()
    expect(admin.get_by_text("1 fiche publiée ; la collectivité est prévenue par courriel.")).to_be_visible()
    organiser_context.close()

    profile = ProjectProfile.objects.get(candidature=candidature)
    assert profile.status == ProjectProfile.Status.APPROVED

    # The laureate's page links to the public page, which shows the approved profile to everyone.
    page.reload()
    expect(page.get_by_role("heading", name=re.compile("État de la fiche"))).to_contain_text("Publié")
    page.get_by_role("link", name="Voir la page publique du projet").click()
    expect(page).to_have_url(re.compile(f"/projets/{profile.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Éclairage public sobre")
    expect(page.get_by_text("Les rues s'éclairent au passage des piétons.")).to_be_visible()
    assert axe_violations(page) == []
