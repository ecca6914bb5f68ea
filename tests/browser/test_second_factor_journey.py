"""Headless Chromium: an organiser sets up the second factor, then logs in with the app's code and a recovery code."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.screenshots import screenshot_path
from tests.browser.second_factor import VERIFY_URL, Authenticator, type_code
from tests.conftest import axe_violations
from tests.factories import PASSWORD, OrganiserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
ENROL_URL = re.compile(r"/compte/securite/double-authentification/(\?|$)")
REFUSED = (
    "Ce code n'est pas valide : vérifiez sa saisie. Chaque code de secours ne sert qu'une fois ; "
    "utilisez-en un autre de votre liste."
)


def look_at(page, name):
    """At a desktop and a phone width: a screenshot to read, nothing scrolling sideways, no serious axe violation."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        shot = screenshot_path("organiser", "fr", f"second-factor-{name}", size["width"])
        page.screenshot(path=shot, full_page=True)
        scroll_width, inner_width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll_width <= inner_width, (name, size)
        assert axe_violations(page) == [], (name, size)
    page.set_viewport_size(DESKTOP)


def log_in_with_password(page, organiser):
    page.goto("/compte/connexion/?next=/admin/")
    page.get_by_label("Adresse e-mail").fill(organiser.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def expect_admin(page):
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pilotage du label")


def expect_logged_out(page):
    expect(page).to_have_url(re.compile(r"/$"))
    navigation = page.get_by_role("navigation", name="Navigation principale")
    expect(navigation.get_by_role("link", name="Se connecter")).to_be_visible()


def test_enrol_then_log_in_with_the_app_then_with_a_recovery_code_used_once(page):
    organiser = OrganiserFactory()
    page.set_viewport_size(DESKTOP)

    # First login: the password alone leads to the set-up of the app.
    log_in_with_password(page, organiser)
    expect(page).to_have_url(ENROL_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.get_by_role("img", name="Code QR à scanner avec votre application d’authentification")).to_be_visible()
    secret = page.locator("#secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{4})+", secret), secret
    look_at(page, "enrolment")
    app = Authenticator.from_secret(secret)
    type_code(page, app.code(), button="Activer")

    expect(page.get_by_role("heading", level=1)).to_have_text("Codes de secours")
    expect(page.get_by_text("La double authentification est activée sur votre compte.")).to_be_visible()
    recovery = page.get_by_role("list", name="Vos codes de secours").get_by_role("listitem").all_inner_texts()
    assert len(recovery) == 10 and len(set(recovery)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4} [a-z2-7]{4}", code) for code in recovery), recovery
    look_at(page, "recovery-codes")
    page.get_by_role("link", name="Continuer").click()
    expect_admin(page)
    page.get_by_role("button", name="Déconnexion").click()
    expect_logged_out(page)

    # Second login: the password, then the app's code, a new one since the last was used.
    log_in_with_password(page, organiser)
    expect(page).to_have_url(VERIFY_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre connexion")
    look_at(page, "verification")
    type_code(page, app.code())
    expect_admin(page)
    page.get_by_role("button", name="Déconnexion").click()
    expect_logged_out(page)

    # Third login: no phone at hand, a recovery code typed as it was shown.
    log_in_with_password(page, organiser)
    expect(page).to_have_url(VERIFY_URL)
    type_code(page, recovery[0])
    expect_admin(page)
    expect(page.locator("ul.messagelist li")).to_have_text(
        "Vous avez utilisé un code de secours ; il ne servira plus. Il vous en reste 9 : "
        "générez-en de nouveaux depuis la page Sécurité du compte si besoin."
    )
    page.goto("/compte/securite/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sécurité du compte")
    expect(page.get_by_text("9 codes de secours inutilisés.")).to_be_visible()
    look_at(page, "security")
    # Logging out is in the account menu of the header.
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect_logged_out(page)

    # Fourth login: the same recovery code again is refused, and the admin stays closed.
    log_in_with_password(page, organiser)
    expect(page).to_have_url(VERIFY_URL)
    type_code(page, recovery[0])
    expect(page).to_have_url(VERIFY_URL)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary li")).to_have_text(f"Code de vérification : {REFUSED}")
    expect(page.locator("#id_code_error")).to_have_text(REFUSED)
    look_at(page, "verification-refused")
    page.goto("/admin/")
    expect(page).to_have_url(VERIFY_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez votre connexion")
