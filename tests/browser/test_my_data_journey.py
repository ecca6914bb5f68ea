"""Headless Chromium: a candidate opens "Mes données" from the account menu, asks for the archive and downloads it.

Screenshots go to candidate-fr-my-data-*.png (tests/browser/screenshots.py says where), for a person to look
at.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from label.models import Document, Status
from privacy.models import DataExport
from tests.browser.screenshots import screenshot_path
from tests.conftest import axe_violations
from tests.events.factories import RegistrationFactory
from tests.factories import PASSWORD, UserFactory
from tests.label.factories import CandidatureFactory, EditionFactory
from tests.label.uploads import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# For the main navigation and the account tools of the header: how many rows their visible items take.
NAV_ROWS = """() => ['.site-nav-main', '.site-nav-tools'].map((list) => new Set(
  [...document.querySelectorAll(`${list} .nav-link, ${list} .btn`)]
    .filter((item) => item.getClientRects().length)
    .map((item) => Math.round(item.getBoundingClientRect().top + item.getBoundingClientRect().height / 2))
).size)"""


@pytest.fixture(autouse=True)
def fresh_limits():
    """Logins are counted per address in the shared cache: each test starts and ends at zero."""
    cache.clear()
    yield
    cache.clear()


def look_at(page, name):
    """At a laptop and a phone width: a screenshot to read, nothing scrolling sideways, no serious axe violation."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.screenshot(path=screenshot_path("candidate", "fr", f"my-data-{name}", size["width"]), full_page=True)
        scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, (name, size)
        assert axe_violations(page) == [], (name, size)
    page.set_viewport_size(DESKTOP)


def test_a_candidate_asks_for_their_archive_and_downloads_it(page):
    person = UserFactory(full_name="Sophie Leroy", email="sophie.leroy@communaute-urbaine-de-dunkerque.example")
    candidature = CandidatureFactory(
        owner=person,
        edition=EditionFactory(name="Label Territoire Innovant 2031"),
        status=Status.SUBMITTED,
        reference="LTI-2031-0001",
        territory_name="Communauté urbaine de Dunkerque",
        project_title="Éclairage public sobre et piloté par la présence des habitants",
    )
    document = Document(
        candidature=candidature,
        original_name="Présentation du projet.pdf",
        size=len(PDF),
        content_type="application/pdf",
    )
    document.file.save("upload", ContentFile(PDF), save=True)
    RegistrationFactory(email=person.email)

    page.set_viewport_size(DESKTOP)
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(person.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#account-menu")).to_be_visible()
    # At 1280 px the navigation and the account tools each keep to one row, the menu's new entry included.
    assert page.evaluate(NAV_ROWS) == [1, 1]

    page.locator("#account-menu").click()
    page.get_by_role("link", name="Mes données").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes données")
    expect(page.get_by_role("link", name=candidature.project_title)).to_be_visible()
    look_at(page, "page")

    page.get_by_role("button", name="Télécharger toutes mes données").click()
    expect(page.get_by_role("status")).to_have_text(
        "Votre archive est en préparation. Vous recevrez par e-mail, à "
        "sophie.leroy@communaute-urbaine-de-dunkerque.example, un lien pour la télécharger ; "
        "il restera valable 7 jours."
    )
    look_at(page, "requested")

    # The tests build archives at once (no broker between): the one asked for is listed, ready.
    data_export = DataExport.objects.get(person=person)
    assert data_export.status == DataExport.Status.READY
    link = page.get_by_role("link", name="télécharger l'archive")
    with page.expect_download() as downloading:
        link.click()
    download = downloading.value
    assert re.fullmatch(r"donnees-label-territoire-innovant-\d{4}-\d{2}-\d{2}\.zip", download.suggested_filename)
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        assert archive.read("documents/LTI-2031-0001/Présentation du projet.pdf") == PDF

    # Asking again the same minute is allowed (the first one is ready); a third and fourth reach the daily limit.
    for _attempt in range(2):
        page.get_by_role("button", name="Télécharger toutes mes données").click()
        expect(page.get_by_role("status")).to_contain_text("Votre archive est en préparation.")
    page.get_by_role("button", name="Télécharger toutes mes données").click()
    expect(page.get_by_role("status")).to_have_text(
        "Vous avez déjà demandé 3 archives ces dernières 24 heures, le maximum : utilisez le lien de la dernière, "
        "ou réessayez demain."
    )
    look_at(page, "refused")


def test_a_candidate_deletes_their_account_after_a_wrong_password(page):
    person = UserFactory(full_name="Sophie Leroy", email="sophie.leroy@ville-de-lens.example")
    draft = CandidatureFactory(owner=person, project_title="Un brouillon jamais déposé")

    page.set_viewport_size(DESKTOP)
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(person.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto("/compte/mes-donnees/")
    page.get_by_role("link", name="Supprimer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supprimer mon compte")
    look_at(page, "delete")

    page.get_by_label("Votre mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_label("Votre mot de passe")).to_have_attribute("aria-invalid", "true")
    look_at(page, "delete-refused")
    assert type(person).objects.get(pk=person.pk).email == person.email

    page.get_by_label("Votre mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer définitivement mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre compte est supprimé")
    look_at(page, "deleted")
    assert type(person).objects.get(pk=person.pk).email == f"supprime-{person.pk}@anonyme.invalid"
    assert not type(draft).objects.filter(pk=draft.pk).exists()
    expect(page.locator("#account-menu")).to_have_count(0)
