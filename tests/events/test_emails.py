"""The five registration e-mails, rendered in French from saved rows as ``events.services`` sends them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from events import services
from events.models import Event, Registration
from notifications.models import Notification
from notifications.services import render
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
TITLE = "Comment opérer une ville durable et intelligente ?"
EVENT_URL = f"{settings.SITE_URL}/evenements/dunkerque-2020/"
WEBTV = "https://webtv.label-demo.example/dunkerque-2020"
WHEN = "Quand : mardi 30 juin 2020 à 09:30, jusqu'à 17:00 (heure de Paris)"
WHERE = "Où : Halle aux sucres, 9003 route du Quai Freycinet 3, 59140 Dunkerque"
SIGNATURE = "L'équipe du Label Territoire Innovant"


@pytest.fixture
def event():
    return EventFactory(
        title=TITLE,
        slug="dunkerque-2020",
        starts_at=datetime(2020, 6, 30, 9, 30, tzinfo=PARIS),
        ends_at=datetime(2020, 6, 30, 17, 0, tzinfo=PARIS),
        venue="Halle aux sucres",
        address="9003 route du Quai Freycinet 3, 59140 Dunkerque",
        mode=Event.Mode.HYBRID,
        webtv_url=WEBTV,
    )


def registration_for(event, attendance=Registration.Attendance.ON_SITE, **fields):
    return RegistrationFactory(event=event, full_name="Léa Vasseur", attendance=attendance, **fields)


def rendered(kind, registration):
    """(subject, text, cancel URL) of ``kind``, with the context ``events.services`` gives it."""
    context = {
        "registration": registration,
        "event": registration.event,
        "cancel_url": services.cancel_url(registration),
        "event_url": services.event_url(registration.event),
    }
    subject, text, _html = render(kind, context, "fr")
    return subject, text, context["cancel_url"]


def test_the_on_site_confirmation_gives_date_place_calendar_and_cancel_link(event):
    subject, text, cancel_url = rendered("registration_confirmed", registration_for(event))

    assert subject == f"Inscription confirmée : {TITLE}"
    assert text == (
        "Bonjour Léa Vasseur,\n\n"
        f"Votre inscription à « {TITLE} » est confirmée.\n\n"
        f"{WHEN}\n"
        f"{WHERE}\n\n"
        "Le fichier joint (.ics) ajoute l'événement à votre agenda.\n\n"
        "Programme et informations pratiques :\n"
        f"{EVENT_URL}\n\n"
        "Si vous ne pouvez plus venir, libérez votre place :\n"
        f"{cancel_url}\n\n"
        f"{SIGNATURE}\n"
    )


def test_the_online_confirmation_gives_the_web_tv_link_instead_of_the_place(event):
    subject, text, cancel_url = rendered("registration_confirmed", registration_for(event, "online"))

    assert subject == f"Inscription confirmée : {TITLE}"
    lines = text.splitlines()
    assert lines[4:7] == [WHEN, "Où : en ligne", f"Lien de la web TV : {WEBTV}"]
    assert WHERE not in text
    assert "Le fichier joint (.ics) ajoute l'événement à votre agenda." in lines
    assert lines[-4:-2] == ["Si vous ne pouvez plus participer, annulez votre inscription :", cancel_url]


def test_an_online_confirmation_before_the_web_tv_link_is_known_says_where_it_will_be(event):
    event.webtv_url = ""
    event.save()

    _subject, text, _cancel_url = rendered("registration_confirmed", registration_for(event, "online"))

    assert text.splitlines()[5:7] == [
        "Où : en ligne",
        "Le lien de la web TV sera publié sur la page de l'événement et rappelé la veille.",
    ]


def test_an_event_over_several_days_shows_both_ends(event):
    event.ends_at = datetime(2020, 7, 1, 12, 30, tzinfo=PARIS)
    event.save()

    _subject, text, _cancel_url = rendered("registration_confirmed", registration_for(event))

    assert text.splitlines()[4] == (
        "Quand : du mardi 30 juin 2020 à 09:30 au mercredi 1er juillet 2020 à 12:30 (heure de Paris)"
    )


def test_the_waiting_list_mail_promises_a_message_when_a_seat_frees(event):
    registration = registration_for(event, status=Registration.Status.WAITLISTED)

    subject, text, cancel_url = rendered("registration_waitlisted", registration)

    assert subject == f"Liste d'attente : {TITLE}"
    assert text == (
        "Bonjour Léa Vasseur,\n\n"
        f"Toutes les places sur place pour « {TITLE} » sont prises : votre inscription est sur la liste d'attente.\n\n"
        "Si une place se libère, elle revient à la première personne de la liste d'attente : quand ce sera votre "
        "tour, nous vous écrirons aussitôt pour confirmer votre inscription. D'ici là, votre place n'est pas "
        "assurée.\n\n"
        f"{WHEN}\n"
        f"{WHERE}\n\n"
        f"L'événement est aussi diffusé en direct sur la web TV : {WEBTV}\n\n"
        "Programme et informations pratiques :\n"
        f"{EVENT_URL}\n\n"
        "Si vous ne souhaitez plus venir, quittez la liste d'attente :\n"
        f"{cancel_url}\n\n"
        f"{SIGNATURE}\n"
    )


def test_the_promotion_mail_confirms_the_seat_with_the_calendar_file(event):
    subject, text, cancel_url = rendered("registration_promoted", registration_for(event))

    assert subject == f"Une place s'est libérée : votre inscription à « {TITLE} » est confirmée"
    assert text == (
        "Bonjour Léa Vasseur,\n\n"
        "Bonne nouvelle : une place s'est libérée. Vous n'êtes plus sur la liste d'attente, votre inscription sur "
        f"place à « {TITLE} » est maintenant confirmée.\n\n"
        f"{WHEN}\n"
        f"{WHERE}\n\n"
        "Le fichier joint (.ics) ajoute l'événement à votre agenda.\n\n"
        "Programme et informations pratiques :\n"
        f"{EVENT_URL}\n\n"
        "Si vous ne pouvez plus venir, libérez votre place :\n"
        f"{cancel_url}\n\n"
        f"{SIGNATURE}\n"
    )


def test_the_cancellation_mail_links_to_the_event_page_to_register_again(event):
    registration = registration_for(event, status=Registration.Status.CANCELLED)

    subject, text, cancel_url = rendered("registration_cancelled", registration)

    assert subject == f"Inscription annulée : {TITLE}"
    assert text == (
        "Bonjour Léa Vasseur,\n\n"
        f"Votre inscription à « {TITLE} », le mardi 30 juin 2020 à 09:30 (heure de Paris), est annulée.\n\n"
        "Si vous changez d'avis, vous pouvez vous inscrire de nouveau sur la page de l'événement, tant que les "
        "inscriptions sont ouvertes :\n"
        f"{EVENT_URL}\n\n"
        f"{SIGNATURE}\n"
    )
    assert cancel_url not in text


def test_the_on_site_reminder_gives_the_place_and_no_web_tv_link(event):
    subject, text, cancel_url = rendered("event_reminder", registration_for(event))

    assert subject == f"C'est demain : {TITLE}"
    assert text == (
        "Bonjour Léa Vasseur,\n\n"
        f"C'est demain : nous vous attendons pour « {TITLE} ».\n\n"
        f"{WHEN}\n"
        f"{WHERE}\n\n"
        "Programme et informations pratiques :\n"
        f"{EVENT_URL}\n\n"
        "Si vous ne pouvez plus venir, libérez votre place :\n"
        f"{cancel_url}\n\n"
        f"{SIGNATURE}\n"
    )
    assert WEBTV not in text


def test_the_online_reminder_gives_the_web_tv_link_and_no_place(event):
    subject, text, cancel_url = rendered("event_reminder", registration_for(event, "online"))

    assert subject == f"C'est demain : {TITLE}"
    assert text == (
        "Bonjour Léa Vasseur,\n\n"
        f"C'est demain : nous vous attendons pour « {TITLE} ».\n\n"
        f"{WHEN}\n"
        "Où : en ligne\n"
        f"Lien de la web TV : {WEBTV}\n\n"
        "Programme et informations pratiques :\n"
        f"{EVENT_URL}\n\n"
        "Si vous ne pouvez plus participer, annulez votre inscription :\n"
        f"{cancel_url}\n\n"
        f"{SIGNATURE}\n"
    )
    assert "Halle aux sucres" not in text


def test_registering_queues_the_confirmation_then_the_waiting_list_mail(event):
    event.starts_at = datetime(2031, 6, 30, 9, 30, tzinfo=PARIS)
    event.ends_at = datetime(2031, 6, 30, 17, 0, tzinfo=PARIS)
    event.capacity = 1
    event.save()

    services.register(event, "Léa Vasseur", "lea@dunkerque.example", "CUD", "on_site")
    services.register(event, "Marc Petit", "marc@lille.example", "MEL", "on_site")

    rows = Notification.objects.order_by("pk")
    assert [(n.kind, n.recipient, n.subject) for n in rows] == [
        ("registration_confirmed", "lea@dunkerque.example", f"Inscription confirmée : {TITLE}"),
        ("registration_waitlisted", "marc@lille.example", f"Liste d'attente : {TITLE}"),
    ]
    assert [[a["filename"] for a in n.attachments] for n in rows] == [["dunkerque-2020.ics"], []]
    assert rows[0].body_text.startswith("Bonjour Léa Vasseur,\n\n")
