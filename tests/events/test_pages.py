from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from events import sections
from events.models import Event, EventPartner, Region
from tests.events.factories import EventFactory, PartnerFactory, ProgrammeItemFactory, RegistrationFactory
from tests.factories import OrganiserFactory, UserFactory
from tests.label.factories import EditionFactory

pytestmark = pytest.mark.django_db


def with_programme_and_partners(event, count):
    for index in range(count):
        ProgrammeItemFactory(event=event, starts_at=event.starts_at + timedelta(minutes=10 * index))
        EventPartner.objects.create(event=event, partner=PartnerFactory(), role="partner", order=index)


def test_the_list_shows_upcoming_events_first_then_past_ones(client):
    now = timezone.now()
    EventFactory(title="Passé", starts_at=now - timedelta(days=10), ends_at=now - timedelta(days=10, hours=-2))
    EventFactory(title="Plus tard", starts_at=now + timedelta(days=40))
    EventFactory(title="Bientôt", starts_at=now + timedelta(days=5))
    EventFactory(title="Brouillon", published=False)
    response = client.get(reverse("events:list"))
    assert [e.title for e in response.context["upcoming"]] == ["Bientôt", "Plus tard"]
    assert [e.title for e in response.context["past"]] == ["Passé"]


def test_the_list_filters_by_region_and_kind(client):
    brittany = Region.objects.get(code="53")
    EventFactory(title="Rennes", region=brittany)
    EventFactory(title="Forum", kind=Event.Kind.NATIONAL_FORUM, region=None)
    EventFactory(title="Lille")
    response = client.get(reverse("events:list"), {"region": brittany.pk})
    assert [e.title for e in response.context["upcoming"]] == ["Rennes"]
    response = client.get(reverse("events:list"), {"kind": "national_forum"})
    assert [e.title for e in response.context["upcoming"]] == ["Forum"]


def test_the_list_costs_the_same_with_1_and_50_events_of_each_kind(client, count_queries):
    now = timezone.now()
    EventFactory()
    EventFactory(starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=29))
    url = reverse("events:list")
    client.get(url)
    one = count_queries(client, url)
    EventFactory.create_batch(49)
    EventFactory.create_batch(49, starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=29))
    assert count_queries(client, url) == one


def test_the_detail_costs_the_same_with_1_and_50_programme_items_and_partners(client, count_queries):
    event = EventFactory()
    with_programme_and_partners(event, 1)
    url = reverse("events:detail", kwargs={"slug": event.slug})
    client.get(url)
    one = count_queries(client, url)
    with_programme_and_partners(event, 49)
    assert count_queries(client, url) == one


def test_the_detail_shows_time_place_programme_partners_and_ics(client):
    partner = PartnerFactory(name="France Ville Durable")
    partner.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32), save=True)
    event = EventFactory(title="Rencontre de Dunkerque")
    EventPartner.objects.create(event=event, partner=partner, role="partner")
    ProgrammeItemFactory(event=event, title="Diffusion des auditions du 23 juin")
    html = client.get(reverse("events:detail", kwargs={"slug": event.slug})).content.decode()
    assert "Diffusion des auditions du 23 juin" in html
    assert 'alt="France Ville Durable"' in html
    assert reverse("events:ics", kwargs={"slug": event.slug}) in html
    logo = client.get(partner.logo.url)
    assert (logo.status_code, logo["Content-Type"]) == (200, "image/png")


def test_unpublished_events_and_foreign_media_paths_are_not_served(client):
    hidden = EventFactory(published=False)
    assert client.get(reverse("events:detail", kwargs={"slug": hidden.slug})).status_code == 404
    assert client.get(reverse("events:ics", kwargs={"slug": hidden.slug})).status_code == 404
    assert client.get("/medias/../secret_key").status_code == 404
    assert client.get("/medias/documents/anything").status_code == 404


def test_other_apps_add_sections_through_the_hook(client):
    event = EventFactory()

    def provider(candidate):
        if candidate.pk == event.pk:
            items = [{"title": "Communauté urbaine de Dunkerque", "detail": "Or", "url": ""}]
            return sections.Section("Lauréats", "events/section_list.html", {"items": items})
        return None

    sections.register(provider)
    try:
        response = client.get(reverse("events:detail", kwargs={"slug": event.slug}))
    finally:
        sections.providers.unregister(provider)
    assert [section.title for section in response.context["sections"]] == ["Lauréats"]
    assert "Communauté urbaine de Dunkerque" in response.content.decode()


def test_the_call_page_lists_the_editions_meetings_and_forum(client):
    meeting = EventFactory(title="Rencontre de Dunkerque", city="Dunkerque")
    forum = EventFactory(title="Forum national", kind=Event.Kind.NATIONAL_FORUM)
    hidden = EventFactory(title="Pas encore publié", published=False)
    edition = EditionFactory(forum=forum)
    edition.regional_meetings.set([meeting, hidden])
    html = client.get(reverse("label:call", kwargs={"edition": edition.slug})).content.decode()
    assert "Rencontre de Dunkerque" in html and "Forum national" in html
    assert "Pas encore publié" not in html


def test_organisers_get_the_attendance_list_and_the_csv_nobody_else(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event, full_name="Claire Martin", organisation="CUD")
    RegistrationFactory(event=event, full_name="Jean Dupont", status="waitlisted")
    RegistrationFactory(event=event, full_name="Amina Benali", attendance="online")
    attendance = reverse("events:attendance", kwargs={"slug": event.slug})
    export = reverse("events:registrations_csv", kwargs={"slug": event.slug})

    client.force_login(UserFactory())
    assert client.get(attendance).status_code == 302
    assert client.get(export).status_code == 302

    client.force_login(OrganiserFactory())
    response = client.get(attendance)
    assert [a.full_name for a in response.context["attendees"]] == ["Claire Martin"]
    assert (response.context["event"].on_site, response.context["event"].online, response.context["event"].waiting) == (
        1,
        1,
        1,
    )
    lines = client.get(export).content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Nom;Adresse e-mail;Organisation;Participation;État;Inscrit le"
    assert [line.split(";")[0] for line in lines[1:]] == ["Claire Martin", "Jean Dupont", "Amina Benali"]
