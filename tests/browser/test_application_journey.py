"""Headless Chromium: a new account applies to the open call, from sign-up to the receipt."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from label.models import Candidature, Status
from notifications.models import Notification
from tests.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory
from tests.label.uploads import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_limits():
    """Sign-ups are counted per client address and hour in the shared cache: each test starts and ends at zero."""
    cache.clear()
    yield
    cache.clear()


def test_sign_up_apply_save_a_draft_come_back_and_submit(page):
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031)
    CriterionFactory(edition=edition, name="Innovation", order=1)
    CriterionFactory(edition=edition, name="Prise en compte des usagers", order=2)

    page.goto("/")
    page.get_by_role("link", name="Lire l'appel Label Territoire Innovant 2031").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Label Territoire Innovant 2031")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Candidater").click()

    # Not signed in yet: log-in page, then sign up and come back.
    page.get_by_role("link", name="Créer un compte").last.click()
    page.get_by_label("Prénom et nom").fill("Sophie Leroy")
    page.get_by_label("Adresse e-mail").fill("sophie@saint-omer.example")
    page.locator("#id_password1").fill("Un-mot-de-passe-solide-42")
    page.locator("#id_password2").fill("Un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Créer mon compte").click()

    # The address waits for its confirmation; meanwhile the candidate logs in and prepares the dossier.
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte de réception")
    assert axe_violations(page) == []
    page.locator("main").get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse e-mail").fill("sophie@saint-omer.example")
    page.get_by_label("Mot de passe").fill("Un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma candidature : Territoire")
    assert axe_violations(page) == []

    page.get_by_label("Nom de la collectivité ou de l'organisme public").fill("Ville de Saint-Omer")
    page.get_by_label("Type de collectivité").select_option(label="Commune")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()

    # Leave, come back through "Mes candidatures": the draft resumes where it stopped.
    page.goto("/")
    page.get_by_role("link", name="Mes candidatures").click()
    page.get_by_role("link", name="Continuer ma candidature").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma candidature : Territoire")
    expect(page.get_by_label("Nom de la collectivité ou de l'organisme public")).to_have_value("Ville de Saint-Omer")

    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert axe_violations(page) == []
    page.get_by_label("Région").select_option(label="Hauts-de-France")
    page.get_by_label("Population").fill("14000")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ma candidature : Projet")
    assert axe_violations(page) == []
    page.get_by_label("Titre du projet").fill("Éclairage public sobre")
    page.get_by_label("Résumé").fill("Un éclairage qui s'adapte aux passages.")
    expect(page.locator("#id_summary-counter")).to_have_text("561 caractères restants")
    page.get_by_label("Description du projet").fill("Depuis 2019, la ville remplace ses lampadaires.")
    page.get_by_label("Avancement").select_option(label="Déploiement")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ma candidature : Critères")
    assert axe_violations(page) == []
    page.get_by_label("Innovation").fill("Détection de présence et données ouvertes.")
    page.get_by_label("Prise en compte des usagers").fill("Ateliers avec les riverains.")
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ma candidature : Documents")
    assert axe_violations(page) == []
    page.get_by_label("Fichier").set_input_files(
        files=[{"name": "presentation.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Ajouter ce document").click()
    expect(page.get_by_role("link", name="presentation.pdf")).to_be_visible()
    page.get_by_role("link", name="Continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ma candidature : Contact et engagements")
    assert axe_violations(page) == []
    expect(page.get_by_label("Adresse e-mail de contact")).to_have_value("sophie@saint-omer.example")
    page.get_by_label("J'ai lu le règlement").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ma candidature : vérifier et déposer")
    expect(page.locator("#email-unconfirmed")).to_contain_text(
        "Confirmez d'abord votre adresse e-mail : nous vous avons envoyé un lien à sophie@saint-omer.example."
    )
    assert axe_violations(page) == []

    # The link of the mail, then its button: back to the dossier, which can now be submitted.
    mail = Notification.objects.get(kind="email_confirmation", recipient="sophie@saint-omer.example")
    page.goto(re.search(r"https?://[^/\s]+(/compte/adresse/confirmer/\S+/)", mail.body_text).group(1))
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirmer mon adresse e-mail").click()
    expect(page.get_by_text("Adresse e-mail confirmée.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma candidature : vérifier et déposer")
    page.get_by_role("button", name="Déposer ma candidature").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Candidature LTI-2031-0001")
    expect(page.get_by_text("Un accusé de réception vous a été envoyé.", exact=False)).to_be_visible()
    assert axe_violations(page) == []

    candidature = Candidature.objects.get()
    assert (candidature.status, candidature.territory_name, candidature.documents.count()) == (
        Status.SUBMITTED,
        "Ville de Saint-Omer",
        1,
    )
    receipt = Notification.objects.get(kind="candidature_submitted", recipient="sophie@saint-omer.example")
    assert "LTI-2031-0001" in receipt.subject


def test_two_tabs_on_one_step_the_later_save_is_refused_and_keeps_what_was_typed(page):
    edition = EditionFactory(slug="2032", year=2032)
    owner = UserFactory(email="agent@arras.example")
    candidature = CandidatureFactory(edition=edition, owner=owner, territory_name="Arras")
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("agent@arras.example")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    url = f"/label/{edition.slug}/candidater/territoire/"
    page.goto(url)
    other_tab = page.context.new_page()
    other_tab.goto(url)

    page.get_by_label("Nom de la collectivité ou de l'organisme public").fill("Ville d'Arras")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()

    name = other_tab.get_by_label("Nom de la collectivité ou de l'organisme public")
    name.fill("Arras, préfecture du Pas-de-Calais")
    other_tab.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(other_tab.locator("#error-summary")).to_be_focused()
    expect(other_tab.locator("#error-summary")).to_contain_text("Cette étape a été modifiée entre-temps")
    expect(name).to_have_value("Arras, préfecture du Pas-de-Calais")
    expect(other_tab.locator(".invalid-feedback")).to_have_text(
        "Enregistré entre-temps : « Ville d'Arras ». Votre saisie est ci-dessus."
    )
    assert axe_violations(other_tab) == []
    candidature.refresh_from_db()
    assert candidature.territory_name == "Ville d'Arras"

    # Saving again, knowingly, keeps what this tab says.
    other_tab.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(other_tab.get_by_text("Brouillon enregistré.")).to_be_visible()
    candidature.refresh_from_db()
    assert candidature.territory_name == "Arras, préfecture du Pas-de-Calais"
