"""Headless Chromium: a shortlisted candidate gives their availability, is convoked, adds the audition to a calendar."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar
from playwright.sync_api import expect

from auditions.sessions.models import AuditionSession, Availability
from auditions.sessions.services import save_availability
from tests.browser.second_factor import pass_second_factor, set_up_authenticator
from tests.conftest import axe_violations
from tests.events.factories import EventFactory
from tests.factories import PASSWORD, OrganiserFactory
from tests.jury.factories import shortlisted
from tests.label.factories import EditionFactory, hauts_de_france

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")


def run_admin_action(page, action, message):
    """Tick the session on the admin changelist, run ``action`` and expect its success ``message``."""
    page.goto("/admin/auditions/auditionsession/")
    page.get_by_role("checkbox", name="Auditions Hauts-de-France").check()
    page.get_by_role("combobox", name="Action").select_option(label=action)
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator("ul.messagelist li.success")).to_have_text(message)


def test_a_shortlisted_candidate_answers_is_convoked_and_downloads_the_convocation(page, browser, live_server):
    organiser = OrganiserFactory()
    set_up_authenticator(organiser)
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031)
    event = EventFactory(title="Rencontre régionale Hauts-de-France", slug="rencontre-hdf-2031")
    day = timezone.localdate() + timedelta(days=20)
    session = AuditionSession.objects.create(
        edition=edition,
        title="Auditions Hauts-de-France",
        starts_at=datetime(day.year, day.month, day.day, 14, tzinfo=PARIS),
        ends_at=datetime(day.year, day.month, day.day, 17, tzinfo=PARIS),
        availability_deadline=timezone.now() + timedelta(days=10),
        video_url="https://visio.label.example/hdf-2031",
        broadcast_event=event,
    )
    session.regions.set([hauts_de_france()])
    candidature = shortlisted(
        edition,
        territory_name="Ville de Saint-Omer",
        project_title="Éclairage public sobre",
        contact_name="Sophie Leroy",
    )
    rival = shortlisted(edition, territory_name="Communauté urbaine de Dunkerque", project_title="Bus à la demande")
    save_availability(rival, {session: (True, [])}, rival.owner)

    # The candidate logs in and answers.
    page.goto("/compte/connexion/?next=/auditions/2031/disponibilites/")
    page.get_by_label("Adresse e-mail").fill(candidature.owner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes disponibilités pour les auditions")
    expect(page.get_by_role("group", name="Auditions Hauts-de-France")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("Je peux participer").check()
    page.get_by_label("15:00 – 16:00").check()
    page.get_by_role("button", name="Enregistrer mes disponibilités").click()
    expect(page.get_by_text("Vos disponibilités sont enregistrées.")).to_be_visible()
    expect(page.get_by_label("Je peux participer")).to_be_checked()
    expect(page.get_by_label("15:00 – 16:00")).to_be_checked()
    expect(page.get_by_label("14:00 – 15:00")).not_to_be_checked()
    answer = Availability.objects.get(candidature=candidature, session=session)
    assert answer.available is True

    # The organiser, in their own browser, cuts the session into slots, schedules and publishes it in the admin.
    context = browser.new_context(bypass_csp=True, locale="fr-FR", base_url=live_server.url)
    try:
        admin = context.new_page()
        admin.goto("/compte/connexion/?next=/admin/auditions/auditionsession/")
        admin.get_by_label("Adresse e-mail").fill(organiser.email)
        admin.get_by_label("Mot de passe").fill(PASSWORD)
        admin.get_by_role("button", name="Se connecter").click()
        pass_second_factor(admin, organiser)
        expect(admin.get_by_role("link", name="Auditions Hauts-de-France")).to_be_visible()
        run_admin_action(admin, "Générer les créneaux", "Auditions Hauts-de-France : 7 créneaux vides créés.")
        run_admin_action(
            admin,
            "Placer automatiquement les candidatures",
            "Auditions Hauts-de-France : 2 candidatures placées.",
        )
        run_admin_action(
            admin,
            "Publier / envoyer les convocations",
            "Auditions Hauts-de-France publiée (version 1) : 2 convocations.",
        )
    finally:
        context.close()
    slot = candidature.slots.get()
    assert slot.starts_at.astimezone(PARIS).strftime("%H:%M") == "15:15"

    page.get_by_role("link", name="Mes candidatures").click()
    with translation.override("fr"):
        when = date_format(slot.starts_at.astimezone(PARIS), "l j F Y")
    expect(page.get_by_text(f"Convocation : audition le {when} à 15:15 (heure de Paris)")).to_be_visible()
    expect(page.get_by_role("link", name="https://visio.label.example/hdf-2031")).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Ajouter à mon agenda").click()
    download = download_info.value
    assert download.suggested_filename == f"audition-{candidature.convocations.get().pk}.ics"
    with open(download.path(), "rb") as file:
        [entry] = Calendar.from_ical(file.read()).walk("VEVENT")
    assert entry.decoded("dtstart").astimezone(UTC) == slot.starts_at
    assert str(entry["location"]) == "https://visio.label.example/hdf-2031"

    # The public programme: the running order, without contact details.
    page.goto("/auditions/2031/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Programme des auditions")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("14:00")
    expect(rows.nth(0)).to_contain_text("Communauté urbaine de Dunkerque")
    expect(rows.nth(1)).to_contain_text("15:15")
    expect(rows.nth(1)).to_contain_text("Ville de Saint-Omer")
    expect(page.get_by_text("Sophie Leroy")).to_have_count(0)
    expect(page.get_by_role("link", name="Rencontre régionale Hauts-de-France", exact=True)).to_be_visible()
    assert axe_violations(page) == []
