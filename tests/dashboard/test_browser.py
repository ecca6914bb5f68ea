"""Headless Chromium: an organiser opens the dashboard, reads an edition at a glance on a laptop and on a phone,
and reminds a late juror in one click."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from auditions.sessions.convocations import acknowledge, publish
from auditions.sessions.models import Convocation, Slot
from label.models import Level, Status
from notifications.models import Notification
from tests.browser.screenshots import screenshot_path
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import axe_violations
from tests.factories import PASSWORD, OrganiserFactory, UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign

from .factories import candidature, edition_2020, future_session, laureate, paris, region

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# Each table's title, and each header cell of the tables left as tables at that width: (right edge, clipped).
READABLE = """() => [...document.querySelectorAll('[id$="-caption"], .dashboard-panel table th')]
    .filter((element) => element.offsetParent !== null)
    .map((element) => [element.textContent.trim(), element.getBoundingClientRect().right,
                       element.scrollWidth > element.clientWidth])"""


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def assert_fits(page, reminder, size):
    """At ``size``: no sideways scroll, every table title and header in view and whole, the juror's reminder
    button inside the viewport's width; a screenshot for a person to look at."""
    page.screenshot(path=screenshot_path("organiser", "fr", "dashboard-edition", size["width"]), full_page=True)
    assert no_horizontal_scroll(page)
    hidden = [(label, right) for label, right, clipped in page.evaluate(READABLE) if clipped or right > size["width"]]
    assert hidden == []
    button = page.get_by_role("button", name=reminder)
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= size["width"]


def test_an_organiser_reads_an_edition_and_reminds_a_late_juror(page):
    organiser = OrganiserFactory()
    set_up_authenticator(organiser)
    edition = edition_2020()
    for day in (2, 10, 18, 18, 19):
        candidature(edition, Status.SUBMITTED, region=region("32"), submitted_at=paris(2020, 6, day, 11))
    candidature(edition, Status.DRAFT, region=region("28"), answered=False)
    shortlisted = candidature(edition, Status.SHORTLISTED, region=region("32"), reference="LTI-2020-0042")
    convoked = candidature(edition, Status.SHORTLISTED, region=region("32"), reference="LTI-2020-0043")
    laureate(edition, Level.SILVER, region=region("93"))
    now = timezone.now()
    jury = JuryFactory(
        edition=edition,
        name="Jury Hauts-de-France",
        scoring_opens_at=now - timedelta(days=5),
        scoring_closes_at=now + timedelta(days=2),
    )
    for name, email in (("Amina Benali", "amina@jury.example"), ("Bastien Lefebvre-Duchâteau", "bastien@jury.example")):
        juror = UserFactory(full_name=name, email=email)
        JuryMemberFactory(jury=jury, user=juror)
        assign(jury, juror, shortlisted)
    session = future_session(edition)
    Slot.objects.filter(pk=session.slots.first().pk).update(candidature=convoked)
    publish(session)
    told = Convocation.objects.get()
    acknowledge(told, convoked.owner, told.sequence)

    page.goto("/compte/connexion/?next=/organisation/")
    page.get_by_label("Adresse e-mail").fill(organiser.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    pass_second_factor(page, organiser)

    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord des éditions")
    page.get_by_role("link", name="Hauts-de-France 2020").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hauts-de-France 2020")
    expect(page.locator("#submissions-chart")).to_be_visible()
    expect(page.get_by_role("link", name="5 Déposée")).to_be_visible()
    expect(page.get_by_role("link", name="1 convocations dont la réception est confirmée")).to_be_visible()
    assert axe_violations(page) == []
    assert_fits(page, "Relancer Amina Benali", LAPTOP)

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hauts-de-France 2020")
    assert_fits(page, "Relancer Amina Benali", PHONE)
    assert axe_violations(page) == []
    page.get_by_role("button", name="Relancer Amina Benali").click()
    expect(page.get_by_text("1 relance mise en file d'envoi.")).to_be_visible()
    assert list(Notification.objects.filter(kind="jury_reminder").values_list("recipient", flat=True)) == [
        "amina@jury.example"
    ]
    expect(page.get_by_role("listitem").filter(has_text="Amina Benali")).to_contain_text("Relancé le")

    page.set_viewport_size(LAPTOP)
    page.reload()
    expect(page.get_by_role("cell", name="Relancé le", exact=False)).to_be_visible()
    assert_fits(page, "Relancer Bastien Lefebvre-Duchâteau", LAPTOP)
