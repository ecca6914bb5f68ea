"""Event pages: cached for anonymous visitors unless they hold the registration form, dropped on an organiser's edit."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.models import EventPartner
from tests.conftest import text

from .factories import EventFactory, PartnerFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
STARTS_AT = datetime(2031, 6, 30, 9, 30, tzinfo=PARIS)
LIST = reverse("events:list")


def anonymous(url):
    """A first visit (no cookie): whether the page was rendered for it rather than read from the cache, and its text."""
    response = Client().get(url)
    assert response.status_code == 200
    return bool(response.templates), text(response)


def closed_meeting(**fields):
    """A meeting whose registrations have closed: its page holds no form, so it is cached."""
    return EventFactory(
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + timedelta(hours=7),
        registration_closes_at=timezone.now() - timedelta(days=1),
        **fields,
    )


def management_form(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_an_organiser_s_edit_in_the_admin_shows_at_once_on_the_event_pages(organiser_client):
    event = closed_meeting(title="Rencontre de Lille", slug="lille-2031")
    registration_closes_at = event.registration_closes_at.astimezone(PARIS)
    detail = reverse("events:detail", kwargs={"slug": event.slug})
    assert [anonymous(detail)[0], anonymous(detail)[0], anonymous(LIST)[0], anonymous(LIST)[0]] == [
        True,
        False,
        True,
        False,
    ]

    response = organiser_client.post(
        reverse("admin:events_event_change", args=[event.pk]),
        {
            "kind": "regional_meeting",
            "title": "Rencontre de Lille métropole",
            "slug": "lille-2031",
            "published": "on",
            "starts_at_0": "2031-06-30",
            "starts_at_1": "09:30",
            "ends_at_0": "2031-06-30",
            "ends_at_1": "16:30",
            "region": event.region_id,
            "city": "Lille",
            "mode": "hybrid",
            "registration_closes_at_0": registration_closes_at.strftime("%Y-%m-%d"),
            "registration_closes_at_1": registration_closes_at.strftime("%H:%M:%S"),
            **management_form("partnerships"),
            **management_form("programme"),
            **management_form("registrations"),
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    rendered, page = anonymous(detail)
    assert (rendered, '<h1 lang="fr">Rencontre de Lille métropole</h1>' in page) == (True, True)
    assert "Rencontre de Lille métropole" in anonymous(LIST)[1]


def test_a_partner_renamed_shows_on_the_event_page():
    event = closed_meeting()
    partner = PartnerFactory(name="France Ville Durable")
    EventPartner.objects.create(event=event, partner=partner, role="partner", order=1)
    detail = reverse("events:detail", kwargs={"slug": event.slug})
    anonymous(detail)

    partner.name = "France Ville Durable (FVD)"
    partner.save()

    assert '<span class="fw-semibold">France Ville Durable (FVD)</span>' in anonymous(detail)[1]


def test_the_page_holding_the_registration_form_is_never_stored(clock):
    clock.set(STARTS_AT - timedelta(days=30))
    event = EventFactory(starts_at=STARTS_AT, ends_at=STARTS_AT + timedelta(hours=7), capacity=3)
    detail = reverse("events:detail", kwargs={"slug": event.slug})
    anonymous(detail)
    RegistrationFactory.create_batch(3, event=event)

    rendered, page = anonymous(detail)

    assert (rendered, "Je m'inscris" in page) == (True, True)


def test_a_cached_list_expires_when_an_event_goes_live(clock):
    event = closed_meeting(title="Rencontre de Lille")
    clock.set(STARTS_AT - timedelta(seconds=5))
    before = Client().get(LIST)

    clock.set(STARTS_AT)
    rendered, page = anonymous(LIST)

    assert (before["Cache-Control"], "En direct" in text(before)) == ("public, max-age=5", False)
    assert (rendered, '<span class="badge text-bg-danger">En direct</span>' in page) == (True, True)
    assert event.title in page


def test_a_cached_event_page_expires_when_the_event_ends(clock):
    event = closed_meeting()
    detail = reverse("events:detail", kwargs={"slug": event.slug})
    clock.set(event.ends_at - timedelta(seconds=30))
    live = Client().get(detail)

    clock.set(event.ends_at)
    rendered, page = anonymous(detail)

    assert (live["Cache-Control"], "Regarder la web TV en direct" in text(live)) == ("public, max-age=30", True)
    assert (rendered, "Revoir sur la web TV" in page, "Regarder la web TV en direct" in page) == (True, True, False)
