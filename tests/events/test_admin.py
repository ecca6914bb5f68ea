"""Organiser screens of the events: query counts, seat figures, the cancel action, partners' logos."""

import struct
import zlib
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from events.models import EventPartner, Partner, Registration
from notifications.models import Notification
from tests.conftest import messages_of
from tests.events.factories import EventFactory, PartnerFactory, ProgrammeItemFactory, RegistrationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
Status = Registration.Status
EVENTS = reverse("admin:events_event_changelist")
REGISTRATIONS = reverse("admin:events_registration_changelist")
ADD_PARTNER = reverse("admin:events_partner_add")


def change_url(event):
    return reverse("admin:events_event_change", args=[event.pk])


def fill(event, on_site=0, online=0, waitlisted=0, cancelled=0):
    for _ in range(on_site):
        RegistrationFactory(event=event)
    for _ in range(online):
        RegistrationFactory(event=event, attendance="online")
    for _ in range(waitlisted):
        RegistrationFactory(event=event, status=Status.WAITLISTED)
    for _ in range(cancelled):
        RegistrationFactory(event=event, status=Status.CANCELLED, cancelled_at=timezone.now())


# --- query counts ------------------------------------------------------------------


def test_the_event_list_costs_the_same_with_1_and_30_events(organiser_client, django_assert_num_queries, count_queries):
    fill(EventFactory(), on_site=2, online=1, waitlisted=1)
    organiser_client.get(EVENTS)
    one = count_queries(organiser_client, EVENTS)
    for _ in range(29):
        fill(EventFactory(), on_site=2, online=1, waitlisted=1, cancelled=1)

    with django_assert_num_queries(one):
        response = organiser_client.get(EVENTS)

    assert response.context["cl"].result_count == 30


def test_the_event_page_costs_the_same_with_1_and_30_registrations(
    organiser_client, django_assert_num_queries, count_queries
):
    event = EventFactory()
    EventPartner.objects.create(event=event, partner=PartnerFactory(), role=EventPartner.Role.ORGANISER)
    ProgrammeItemFactory(event=event)
    fill(event, on_site=1)
    organiser_client.get(change_url(event))
    one = count_queries(organiser_client, change_url(event))
    fill(event, on_site=10, online=10, waitlisted=5, cancelled=4)

    with django_assert_num_queries(one):
        response = organiser_client.get(change_url(event))

    registrations = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is Registration)
    assert registrations.formset.initial_form_count() == 30


def test_the_registration_list_costs_the_same_with_1_and_30_registrations(
    organiser_client, django_assert_num_queries, count_queries
):
    fill(EventFactory(), on_site=1)
    organiser_client.get(REGISTRATIONS)
    one = count_queries(organiser_client, REGISTRATIONS)
    for _ in range(29):
        fill(EventFactory(), on_site=1)

    with django_assert_num_queries(one):
        response = organiser_client.get(REGISTRATIONS)

    assert response.context["cl"].result_count == 30


# --- figures and links -------------------------------------------------------------


def test_the_list_counts_seats_online_attendees_and_the_waiting_list(organiser_client):
    full = EventFactory(title="Rencontre de Lyon", capacity=3)
    fill(full, on_site=3, online=2, waitlisted=4, cancelled=2)
    RegistrationFactory(event=full, attendance="online", status=Status.CANCELLED)
    fill(EventFactory(title="Forum national"), online=5)
    EventFactory(title="Rencontre sans inscrits")

    response = organiser_client.get(EVENTS)

    rows = [
        (event.title, event.on_site_count, event.online_count, event.waitlisted_count)
        for event in response.context["cl"].result_list
    ]
    assert sorted(rows) == [
        ("Forum national", 0, 5, 0),
        ("Rencontre de Lyon", 3, 2, 4),
        ("Rencontre sans inscrits", 0, 0, 0),
    ]


def test_the_event_page_sums_up_the_seats_and_links_to_the_attendance_list_and_the_export(organiser_client):
    event = EventFactory(slug="lyon-2031", capacity=3)
    fill(event, on_site=3, online=2, waitlisted=1, cancelled=1)

    html = organiser_client.get(change_url(event)).content.decode()

    assert "3 sur place sur 3 places, 2 en ligne, 1 en liste d&#x27;attente" in html
    assert f'href="{reverse("events:attendance", args=["lyon-2031"])}"' in html
    assert f'href="{reverse("events:registrations_csv", args=["lyon-2031"])}"' in html
    assert reverse("events:attendance", args=["lyon-2031"]) == "/evenements/lyon-2031/emargement/"


def test_registrations_are_shown_on_the_event_page_but_cannot_be_added_or_edited_there(organiser_client):
    event = EventFactory()
    RegistrationFactory(event=event, full_name="Léa Vasseur")

    response = organiser_client.get(change_url(event))

    registrations = next(
        formset for formset in response.context["inline_admin_formsets"] if formset.opts.model is Registration
    )
    assert registrations.has_add_permission is False
    assert registrations.has_change_permission is False
    assert registrations.has_delete_permission is False
    assert "Léa Vasseur" in response.content.decode()


def test_saving_an_event_keeps_its_registrations(organiser_client):
    event = EventFactory(title="Rencontre de Lille", slug="lille-2031", capacity=None)
    fill(event, on_site=2)
    data = {
        "kind": "regional_meeting",
        "title": "Rencontre de Lille métropole",
        "slug": "lille-2031",
        "theme": "",
        "published": "on",
        "starts_at_0": "2031-06-30",
        "starts_at_1": "09:30",
        "ends_at_0": "2031-06-30",
        "ends_at_1": "17:00",
        "region": event.region_id,
        "city": "Lille",
        "venue": "",
        "address": "",
        "mode": "hybrid",
        "webtv_url": "",
        "description": "",
        "capacity": "80",
        "registration_opens_at_0": "",
        "registration_opens_at_1": "",
        "registration_closes_at_0": "",
        "registration_closes_at_1": "",
        **management_form("partnerships", 0),
        **management_form("programme", 0),
        **management_form("registrations", 2),
    }

    response = organiser_client.post(change_url(event), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    event.refresh_from_db()
    assert (event.title, event.capacity, event.starts_at) == (
        "Rencontre de Lille métropole",
        80,
        datetime(2031, 6, 30, 9, 30, tzinfo=PARIS),
    )
    assert event.registrations.filter(status=Status.CONFIRMED).count() == 2


def test_an_event_ending_before_it_starts_is_refused_in_french(organiser_client):
    event = EventFactory()
    data = {
        "kind": "regional_meeting",
        "title": event.title,
        "slug": event.slug,
        "starts_at_0": "2031-06-30",
        "starts_at_1": "17:00",
        "ends_at_0": "2031-06-30",
        "ends_at_1": "09:30",
        "mode": "hybrid",
        **management_form("partnerships", 0),
        **management_form("programme", 0),
        **management_form("registrations", 0),
    }

    response = organiser_client.post(change_url(event), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"ends_at": ["La fin doit être postérieure au début."]}


def management_form(prefix, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(initial),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


# --- the cancel action -------------------------------------------------------------


def test_cancelling_a_seat_promotes_the_first_person_waiting(organiser_client):
    event = EventFactory(capacity=1)
    start = timezone.now() - timedelta(days=3)
    seated = RegistrationFactory(event=event, created_at=start)
    first = RegistrationFactory(event=event, status=Status.WAITLISTED, created_at=start + timedelta(hours=1))
    second = RegistrationFactory(event=event, status=Status.WAITLISTED, created_at=start + timedelta(hours=2))

    response = organiser_client.post(
        REGISTRATIONS, {"action": "cancel_registrations", "_selected_action": [seated.pk]}, follow=True
    )

    statuses = {r.pk: r.status for r in Registration.objects.all()}
    assert statuses == {seated.pk: Status.CANCELLED, first.pk: Status.CONFIRMED, second.pk: Status.WAITLISTED}
    assert messages_of(response) == [
        "1 inscription annulée ; la personne est prévenue par courriel.",
        "1 personne de la liste d'attente a obtenu une place et en est prévenue.",
    ]
    assert sorted(Notification.objects.values_list("kind", "recipient")) == [
        ("registration_cancelled", seated.email),
        ("registration_promoted", first.email),
    ]


def test_cancelling_a_seat_and_the_first_person_waiting_promotes_the_next_one(organiser_client):
    event = EventFactory(capacity=1)
    start = timezone.now() - timedelta(days=3)
    seated = RegistrationFactory(event=event, created_at=start)
    first = RegistrationFactory(event=event, status=Status.WAITLISTED, created_at=start + timedelta(hours=1))
    second = RegistrationFactory(event=event, status=Status.WAITLISTED, created_at=start + timedelta(hours=2))
    gone = RegistrationFactory(event=event, status=Status.CANCELLED, cancelled_at=start)

    response = organiser_client.post(
        REGISTRATIONS,
        {"action": "cancel_registrations", "_selected_action": [seated.pk, first.pk, gone.pk]},
        follow=True,
    )

    statuses = {r.pk: r.status for r in Registration.objects.all()}
    assert statuses == {
        seated.pk: Status.CANCELLED,
        first.pk: Status.CANCELLED,
        second.pk: Status.CONFIRMED,
        gone.pk: Status.CANCELLED,
    }
    assert messages_of(response) == [
        "2 inscriptions annulées ; chaque personne est prévenue par courriel.",
        "1 personne de la liste d'attente a obtenu une place et en est prévenue.",
        "1 inscription était déjà annulée.",
    ]
    # Nobody selected was promoted before being cancelled.
    assert not Notification.objects.filter(kind="registration_promoted", recipient=first.email).exists()


def test_registrations_cannot_be_added_or_deleted_in_the_admin(organiser_client):
    registration = RegistrationFactory()

    assert organiser_client.get(reverse("admin:events_registration_add")).status_code == 403
    assert organiser_client.get(reverse("admin:events_registration_delete", args=[registration.pk])).status_code == 403
    response = organiser_client.get(REGISTRATIONS)
    assert list(response.context["action_form"].fields["action"].choices) == [
        ("", "---------"),
        ("cancel_registrations", "Annuler les inscriptions sélectionnées"),
    ]


# --- partners' logos ---------------------------------------------------------------


def png_bytes(padding=0):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    comment = chunk(b"tEXt", b"Comment\x00" + b"x" * padding) if padding else b""
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + comment + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload_logo(client, name, content, content_type):
    return client.post(
        ADD_PARTNER,
        {
            "name": "Communauté urbaine de Dunkerque",
            "website": "",
            "logo": SimpleUploadedFile(name, content, content_type),
        },
    )


@pytest.mark.parametrize(
    ("name", "content", "content_type", "message"),
    [
        (
            "logo.svg",
            SVG,
            "image/svg+xml",
            "Les images SVG ne sont pas acceptées : envoyez le logo en PNG, JPEG ou WebP.",
        ),
        (
            "logo.png",
            SVG,
            "image/png",
            "Les images SVG ne sont pas acceptées : envoyez le logo en PNG, JPEG ou WebP.",
        ),
        (
            "logo.png",
            b"Ceci n'est pas une image.\n",
            "image/png",
            "Ce fichier n'est pas une image PNG, JPEG ou WebP, d'après son contenu.",
        ),
        (
            "logo.png",
            png_bytes(padding=1024 * 1024),
            "image/png",
            "Le logo dépasse 1 Mo : réduisez sa taille avant de l'envoyer.",
        ),
    ],
)
def test_a_logo_that_is_not_a_small_png_jpeg_or_webp_is_refused(organiser_client, name, content, content_type, message):
    response = upload_logo(organiser_client, name, content, content_type)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"logo": [message]}
    assert not Partner.objects.exists()


def test_a_png_logo_is_accepted_and_stored_under_a_name_of_ours(organiser_client):
    response = upload_logo(organiser_client, "../../logo cud.png", png_bytes(), "image/png")

    assert response.status_code == 302
    partner = Partner.objects.get()
    try:
        assert partner.logo.name.startswith("logos/")
        assert ".." not in partner.logo.name
        with partner.logo.open("rb") as stored:
            assert stored.read() == png_bytes()
    finally:
        partner.logo.delete(save=False)


# --- who gets in -------------------------------------------------------------------


def test_people_who_are_not_staff_are_sent_to_the_login_page(client):
    event = EventFactory()
    client.force_login(UserFactory())

    for url in (EVENTS, change_url(event), REGISTRATIONS, ADD_PARTNER):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_outside_the_organisers_group_cannot_see_the_events(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(EVENTS).status_code == 403
