"""Headless Chromium: the pages a newcomer sees first, checked with axe-core."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from accounts.models import User
from tests.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_limits():
    """Sign-ups are counted per client address and hour in the shared cache: each test starts and ends at zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("path", ["/", "/compte/inscription/", "/compte/connexion/", "/accessibilite/"])
def test_public_pages_have_no_serious_accessibility_violation(page, path):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert axe_violations(page) == []


def test_sign_up_journey_keeps_what_was_typed_and_focuses_the_errors(page):
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()

    page.get_by_role("link", name="Créer un compte").first.click()
    page.get_by_label("Prénom et nom").fill("Sophie Leroy")
    page.get_by_label("Adresse e-mail").fill("sophie@ville.example")
    page.locator("#id_password1").fill("12345678")
    page.locator("#id_password2").fill("12345678")
    page.get_by_role("button", name="Créer mon compte").click()

    expect(page.locator("#error-summary")).to_be_focused()
    assert page.get_by_label("Prénom et nom").input_value() == "Sophie Leroy"
    assert page.get_by_label("Adresse e-mail").input_value() == "sophie@ville.example"
    assert axe_violations(page) == []

    page.locator("#id_password1").fill("Un-mot-de-passe-solide-42")
    page.locator("#id_password2").fill("Un-mot-de-passe-solide-42")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre boîte de réception")
    assert axe_violations(page) == []
    assert User.objects.filter(email="sophie@ville.example").exists()


def test_the_language_switch_works_in_the_browser(page):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The label for innovative local authorities")
    assert page.locator("html").get_attribute("lang") == "en"
    assert axe_violations(page) == []
