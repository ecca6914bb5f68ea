"""Headless Chromium: an organiser opens the dashboard, reads an edition at a glance on a laptop and on a phone,
and reminds a late juror in one click."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from label.models import Level, Status
from notifications.models import Notification
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import axe_violations
from tests.factories import PASSWORD, OrganiserFactory, UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign

from .factories import candidature, edition_2020, future_session, laureate, paris, region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_an_organiser_reads_an_edition_and_reminds_a_late_juror(page):
    organiser = OrganiserFactory()
    set_up_authenticator(organiser)
    edition = edition_2020()
    for day in (2, 10, 18, 19):
        candidature(edition, Status.SUBMITTED, region=region("32"), submitted_at=paris(2020, 6, day, 11))
    candidature(edition, Status.DRAFT, region=region("28"), answered=False)
    shortlisted = candidature(edition, Status.SHORTLISTED, region=region("32"), reference="LTI-2020-0042")
    laureate(edition, Level.SILVER, region=region("32"))
    now = timezone.now()
    jury = JuryFactory(
        edition=edition,
        name="Jury Hauts-de-France",
        scoring_opens_at=now - timedelta(days=5),
        scoring_closes_at=now + timedelta(days=2),
    )
    juror = UserFactory(full_name="Amina Benali", email="amina@jury.example")
    JuryMemberFactory(jury=jury, user=juror)
    assign(jury, juror, shortlisted)
    future_session(edition)

    page.goto("/compte/connexion/?next=/organisation/")
    page.get_by_label("Adresse e-mail").fill(organiser.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, organiser)

    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord des éditions")
    page.get_by_role("link", name="Hauts-de-France 2020").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hauts-de-France 2020")
    expect(page.locator("#submissions-chart")).to_be_visible()
    expect(page.get_by_role("link", name="4 Déposée")).to_be_visible()
    assert axe_violations(page) == []
    assert no_horizontal_scroll(page)

    page.get_by_role("button", name="Relancer Amina Benali").click()
    expect(page.get_by_text("1 relance mise en file d'envoi.")).to_be_visible()
    expect(page.get_by_role("cell", name="Relancé le", exact=False)).to_be_visible()
    assert list(Notification.objects.filter(kind="jury_reminder").values_list("recipient", flat=True)) == [
        "amina@jury.example"
    ]

    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hauts-de-France 2020")
    assert no_horizontal_scroll(page)
    assert axe_violations(page) == []
