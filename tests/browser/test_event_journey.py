"""Headless Chromium: find an event, register on site, get the confirmation, cancel through its link."""

import re

import pytest
from playwright.sync_api import expect

from events.models import Registration
from notifications.models import Notification
from tests.conftest import axe_violations
from tests.events.factories import EventFactory, ProgrammeItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_find_register_be_confirmed_and_cancel_by_the_link(page):
    event = EventFactory(title="Comment opérer une ville durable et intelligente ?", capacity=50)
    ProgrammeItemFactory(event=event, title="Diffusion des auditions régionales")

    page.goto("/")
    page.get_by_role("link", name="Événements").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Événements du label")
    assert axe_violations(page) == []
    page.get_by_label("Région").select_option(label="Hauts-de-France")
    page.get_by_role("button", name="Filtrer").click()
    page.get_by_role("link", name="Comment opérer une ville durable et intelligente ?").click()

    expect(page.get_by_text("Diffusion des auditions régionales")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Prénom et nom").fill("Sophie Leroy")
    page.get_by_label("Adresse e-mail").fill("sophie@saint-omer.example")
    page.get_by_label("Organisation").fill("Ville de Saint-Omer")
    page.get_by_label("Sur place").check()
    page.get_by_role("button", name="Je m'inscris").click()
    expect(page.get_by_text("Votre inscription est confirmée.", exact=False)).to_be_visible()

    registration = Registration.objects.get()
    assert registration.status == Registration.Status.CONFIRMED
    confirmation = Notification.objects.get(kind="registration_confirmed")
    cancel_path = re.search(r"https?://[^/\s]+(/evenements/\S+/annulation/\S+/)", confirmation.body_text).group(1)

    page.goto(cancel_path)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Confirmer l'annulation").click()
    expect(page.get_by_text("est annulée", exact=False)).to_be_visible()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED

    page.goto(cancel_path)
    expect(page.get_by_text("Cette inscription est déjà annulée.")).to_be_visible()
