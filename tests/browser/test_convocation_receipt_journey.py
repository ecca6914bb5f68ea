"""Headless Chromium: a convoked candidate confirms receiving the convocation, on a phone and on a laptop."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from auditions.sessions import convocations
from auditions.sessions.models import AuditionSession, Convocation, Slot
from tests.browser.screenshots import screenshot_path
from tests.conftest import axe_violations
from tests.factories import PASSWORD
from tests.jury.factories import shortlisted
from tests.label.factories import EditionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")
SIZES = {"phone": {"width": 375, "height": 812}, "laptop": {"width": 1280, "height": 800}}


def convoked(territory):
    """A shortlisted candidature placed at 14:00 in a published session ten days ahead, its convocation sent."""
    day = timezone.localdate() + timedelta(days=10)
    edition = EditionFactory()
    session = AuditionSession.objects.create(
        edition=edition,
        title="Auditions Hauts-de-France",
        starts_at=datetime.combine(day, time(14), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(17), tzinfo=PARIS),
        video_url="https://visio.label.example/hdf",
    )
    candidature = shortlisted(edition, territory_name=territory, project_title="Éclairage public sobre")
    starts_at = datetime.combine(day, time(14), tzinfo=PARIS)
    Slot.objects.create(
        session=session, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=20), candidature=candidature
    )
    convocations.publish(session)
    return candidature


@pytest.mark.parametrize("size", SIZES)
def test_a_candidate_confirms_receiving_the_convocation(page, size):
    candidature = convoked("Ville de Saint-Omer")
    page.set_viewport_size(SIZES[size])
    page.goto("/compte/connexion/?next=/mes-candidatures/")
    page.get_by_label("Adresse e-mail").fill(candidature.owner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    confirm = page.get_by_role("button", name="J'ai bien reçu ma convocation")
    confirm.scroll_into_view_if_needed()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    page.screenshot(path=screenshot_path("candidate", "fr", "convocation", SIZES[size]["width"]), full_page=True)
    confirm.click()

    expect(page.get_by_text("Merci : la réception de votre convocation est confirmée.")).to_be_visible()
    expect(page.get_by_text("Réception confirmée le")).to_be_visible()
    expect(page.get_by_role("button", name="J'ai bien reçu ma convocation")).to_have_count(0)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(
        path=screenshot_path("candidate", "fr", "convocation-confirmed", SIZES[size]["width"]), full_page=True
    )
    assert Convocation.objects.get(candidature=candidature).acknowledged_at is not None
