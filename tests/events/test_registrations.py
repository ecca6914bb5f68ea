import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from core.errors import Refused
from events import services
from events.models import Event, Registration
from notifications.models import Notification
from tests.conftest import messages_of
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
Status = Registration.Status


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()


def form(**overrides):
    return {
        "full_name": "Sophie Leroy",
        "email": "sophie@ville.example",
        "organisation": "Ville de Saint-Omer",
        "attendance": "on_site",
        "website": "",
        **overrides,
    }


def detail(event):
    return reverse("events:detail", kwargs={"slug": event.slug})


def test_registering_confirms_and_mails_the_calendar_and_a_cancel_link(
    client, clock, django_capture_on_commit_callbacks
):
    # The cancel link is signed with the instant: the mail's and the test's are made in the same second.
    clock.set(timezone.now())
    event = EventFactory(capacity=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(detail(event), form(), follow=True)
    assert messages_of(response) == [
        "Votre inscription est confirmée. Un courriel de confirmation vous a été envoyé à sophie@ville.example."
    ]
    registration = Registration.objects.get()
    assert (registration.status, registration.attendance) == (Status.CONFIRMED, "on_site")
    mail = Notification.objects.get(kind="registration_confirmed")
    assert [attachment["filename"] for attachment in mail.attachments] == [f"{event.slug}.ics"]
    assert services.cancel_url(registration) in mail.body_text


def test_beyond_capacity_people_wait_and_are_told(client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    response = client.post(detail(event), form(), follow=True)
    assert messages_of(response) == [
        "Toutes les places sur place sont prises : vous êtes sur la liste d'attente. "
        "Nous vous écrirons dès qu'une place se libère."
    ]
    assert Registration.objects.get(email="sophie@ville.example").status == Status.WAITLISTED
    assert Notification.objects.get().kind == "registration_waitlisted"
    online = client.post(detail(event), form(email="autre@ville.example", attendance="online"), follow=True)
    assert messages_of(online)[0].startswith("Votre inscription est confirmée.")


def test_registering_twice_with_the_same_address_says_so_and_keeps_the_input(client):
    event = EventFactory()
    RegistrationFactory(event=event, email="sophie@ville.example")
    response = client.post(detail(event), form(email="Sophie@Ville.example", full_name="Sophie L."))
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Cette adresse e-mail est déjà inscrite à cet événement. Le courriel de confirmation contient le lien "
        "pour annuler ou vous réinscrire."
    ]
    assert 'value="Sophie L."' in response.content.decode()
    assert Registration.objects.count() == 1


def test_closed_and_past_registration_say_so(client, settings):
    closed = EventFactory(registration_closes_at=timezone.now() - timedelta(hours=1))
    response = client.post(detail(closed), form())
    assert response.context["form"].non_field_errors() == ["Les inscriptions à cet événement sont closes."]
    past = EventFactory(starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2))
    response = client.post(detail(past), form())
    assert response.context["form"].non_field_errors() == ["Cet événement est passé : les inscriptions sont closes."]
    assert "Cet événement est passé : les inscriptions sont closes." in client.get(detail(past)).content.decode()
    assert Registration.objects.count() == 0


def test_an_online_only_event_refuses_on_site_attendance(client):
    event = EventFactory(mode=Event.Mode.ONLINE)
    response = client.post(detail(event), form(attendance="on_site"))
    assert "attendance" in response.context["form"].errors
    assert Registration.objects.count() == 0


def test_the_honeypot_quietly_drops_automated_sign_ups(client):
    event = EventFactory()
    response = client.post(detail(event), form(website="http://spam.example"))
    assert response.status_code == 302
    assert Registration.objects.count() == 0


LIMIT_MESSAGE = "Trop d'inscriptions depuis votre connexion en une heure. Réessayez plus tard."


def test_too_many_registrations_from_one_address_are_refused(client, settings):
    settings.REGISTRATION_RATE_LIMIT = 3
    event = EventFactory()
    for index in range(3):
        client.post(detail(event), form(email=f"p{index}@ville.example"))
    response = client.post(detail(event), form(email="p4@ville.example"))
    assert response.context["form"].non_field_errors() == [LIMIT_MESSAGE]
    assert 'value="p4@ville.example"' in response.content.decode()
    assert Registration.objects.count() == 3


def test_invalid_forms_do_not_spend_the_limit(client, settings):
    settings.REGISTRATION_RATE_LIMIT = 3
    event = EventFactory()
    for _attempt in range(5):
        response = client.post(detail(event), form(email="not-an-address"))
        assert "email" in response.context["form"].errors
    for index in range(3):
        assert client.post(detail(event), form(email=f"p{index}@ville.example")).status_code == 302
    assert Registration.objects.count() == 3
    assert client.post(detail(event), form(email="p9@ville.example")).context["form"].non_field_errors() == [
        LIMIT_MESSAGE
    ]


def test_behind_the_proxy_each_visitor_has_a_bucket_of_their_own(client, settings):
    settings.REGISTRATION_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    event = EventFactory()
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def register(visitor, email, spoofed=""):
        forwarded = f"{spoofed}, {visitor}" if spoofed else visitor
        return client.post(detail(event), form(email=email), HTTP_X_FORWARDED_FOR=forwarded, **proxy)

    assert register("203.0.113.7", "a1@ville.example").status_code == 302
    assert register("203.0.113.7", "a2@ville.example").status_code == 302
    refused = register("203.0.113.7", "a3@ville.example")
    assert refused.context["form"].non_field_errors() == [LIMIT_MESSAGE]
    # A forged left-most entry does not give the same visitor a new bucket…
    assert register("203.0.113.7", "a4@ville.example", spoofed="198.51.100.1").status_code == 200
    # …and another visitor behind the same proxy is not held by the first one's registrations.
    assert register("198.51.100.23", "b1@ville.example").status_code == 302
    assert Registration.objects.count() == 3


def test_a_registration_refused_by_the_rules_does_not_spend_the_limit(client, settings):
    settings.REGISTRATION_RATE_LIMIT = 2
    event = EventFactory()
    assert client.post(detail(event), form(email="a@ville.example")).status_code == 302
    for _attempt in range(3):
        again = client.post(detail(event), form(email="a@ville.example"))
        assert again.context["form"].errors["email"][0].startswith("Cette adresse e-mail est déjà inscrite")
    assert client.post(detail(event), form(email="b@ville.example")).status_code == 302
    assert client.post(detail(event), form(email="c@ville.example")).context["form"].non_field_errors() == [
        LIMIT_MESSAGE
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_registrations_from_one_address_never_pass_the_limit(settings):
    """Requests arriving together (on one server or several sharing the cache) are counted one by one."""
    from django.test import Client

    settings.REGISTRATION_RATE_LIMIT = 3
    event = EventFactory()
    barrier = threading.Barrier(8)
    answers, errors = [], []

    def register(index):
        try:
            barrier.wait()
            answers.append(Client().post(detail(event), form(email=f"p{index}@ville.example")).status_code)
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(answers) == [200] * 5 + [302] * 3
    assert Registration.objects.count() == 3


# --- cancellation ----------------------------------------------------------------------


def test_a_cancellation_promotes_the_first_person_waiting_exactly_once(client):
    event = EventFactory(capacity=1)
    seated = RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status=Status.WAITLISTED, created_at=timezone.now() - timedelta(hours=2))
    second = RegistrationFactory(event=event, status=Status.WAITLISTED, created_at=timezone.now() - timedelta(hours=1))
    url = reverse("events:cancel", kwargs={"slug": event.slug, "token": services.cancel_token(seated)})

    assert "Confirmer l'annulation" in client.get(url).content.decode()
    client.post(url)
    again = client.post(url)

    assert again.status_code == 410
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {seated.pk: Status.CANCELLED, first.pk: Status.CONFIRMED, second.pk: Status.WAITLISTED}
    assert sorted(Notification.objects.values_list("kind", "recipient")) == [
        ("registration_cancelled", seated.email),
        ("registration_promoted", first.email),
    ]


def test_a_tampered_link_is_refused_and_nobody_cancels_someone_else(client):
    event = EventFactory()
    mine, theirs = RegistrationFactory(event=event), RegistrationFactory(event=event)
    token = services.cancel_token(mine)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(reverse("events:cancel", kwargs={"slug": event.slug, "token": tampered}))
    assert response.status_code == 400
    assert "Ce lien d'annulation n'est pas valide" in response.content.decode().replace("&#x27;", "'")
    forged = services.signing.dumps({"r": theirs.pk, "e": mine.email.lower()}, salt="not-the-right-salt")
    assert client.post(reverse("events:cancel", kwargs={"slug": event.slug, "token": forged})).status_code == 400
    other_event = EventFactory()
    assert client.post(reverse("events:cancel", kwargs={"slug": other_event.slug, "token": token})).status_code == 404
    assert set(Registration.objects.values_list("status", flat=True)) == {Status.CONFIRMED}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_last_seat_goes_to_exactly_one_of_two_simultaneous_registrations():
    event = EventFactory(capacity=3)
    RegistrationFactory.create_batch(2, event=event)
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def register(email):
        try:
            barrier.wait()
            registration = services.register(event, "Quelqu'un", email, "", "on_site")
            outcomes.append(registration.status)
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(f"p{i}@ville.example",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == [Status.CONFIRMED, Status.WAITLISTED]
    assert event.registrations.filter(status=Status.CONFIRMED).count() == 3

    seated = event.registrations.filter(status=Status.CONFIRMED).first()
    barrier = threading.Barrier(2)

    def cancel_twice():
        try:
            barrier.wait()
            services.cancel(seated)
        except Refused:
            pass
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel_twice) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert event.registrations.filter(status=Status.WAITLISTED).count() == 0
    assert event.registrations.filter(status=Status.CONFIRMED).count() == 3
    assert Notification.objects.filter(kind="registration_promoted").count() == 1


# --- calendar, live state, reminders --------------------------------------------------------


def test_the_ics_file_is_right_in_paris_time(client):
    event = EventFactory(
        title="Comment opérer une ville durable et intelligente ?",
        starts_at=datetime(2020, 6, 30, 9, 30, tzinfo=PARIS),
        ends_at=datetime(2020, 6, 30, 17, 0, tzinfo=PARIS),
    )
    response = client.get(reverse("events:ics", kwargs={"slug": event.slug}))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    (entry,) = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == datetime(2020, 6, 30, 9, 30, tzinfo=PARIS)
    assert entry.decoded("dtstart").astimezone(ZoneInfo("UTC")).hour == 7
    assert entry["dtstart"].params["TZID"] == "Europe/Paris"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(entry["summary"]) == "Comment opérer une ville durable et intelligente ?"
    assert event.webtv_url in str(entry["description"])


def test_en_direct_switches_at_start_and_end(client, clock):
    event = EventFactory()
    for instant, live in (
        (event.starts_at - timedelta(seconds=1), False),
        (event.starts_at, True),
        (event.ends_at - timedelta(seconds=1), True),
        (event.ends_at, False),
    ):
        clock.set(instant)
        html = client.get(detail(event)).content.decode()
        assert ("En direct" in html) is live, instant


def test_reminders_are_sent_the_day_before_once_with_the_webtv_link_for_online_attendees(clock):
    event = EventFactory()
    on_site = RegistrationFactory(event=event)
    online = RegistrationFactory(event=event, attendance="online")
    RegistrationFactory(event=event, status=Status.WAITLISTED)
    RegistrationFactory(event=event, status=Status.CANCELLED)

    clock.set(event.starts_at - timedelta(days=2))
    assert services.remind_registrants() == 0
    clock.set(event.starts_at - timedelta(hours=20))
    assert [services.remind_registrants() for _run in range(2)] == [2, 0]

    reminders = {n.recipient: n for n in Notification.objects.filter(kind="event_reminder")}
    assert (set(reminders), Notification.objects.filter(kind="event_reminder").count()) == (
        {on_site.email, online.email},
        2,
    )
    assert [n.bulk for n in reminders.values()] == [True, True]
    assert event.webtv_url in reminders[online.email].body_text
    assert event.webtv_url not in reminders[on_site.email].body_text


def test_the_reminders_cost_the_same_queries_for_1_and_30_registrants(clock):
    def run_with(count):
        event = EventFactory()
        RegistrationFactory.create_batch(count, event=event)
        clock.set(event.starts_at - timedelta(hours=20))
        with CaptureQueriesContext(connection) as captured:
            assert services.remind_registrants() == count
        Event.objects.filter(pk=event.pk).update(published=False)
        return len(captured.captured_queries)

    assert run_with(1) == run_with(30)


def test_a_larger_capacity_seats_the_people_waiting_in_order():
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    first = RegistrationFactory(event=event, status=Status.WAITLISTED, created_at=timezone.now() - timedelta(hours=3))
    second = RegistrationFactory(event=event, status=Status.WAITLISTED, created_at=timezone.now() - timedelta(hours=2))
    third = RegistrationFactory(event=event, status=Status.WAITLISTED, created_at=timezone.now() - timedelta(hours=1))
    Event.objects.filter(pk=event.pk).update(capacity=3)
    event.refresh_from_db()
    assert services.promote_waiting(event) == [first, second]
    assert dict(Registration.objects.filter(pk__in=[first.pk, second.pk, third.pk]).values_list("pk", "status")) == {
        first.pk: Status.CONFIRMED,
        second.pk: Status.CONFIRMED,
        third.pk: Status.WAITLISTED,
    }
    assert Notification.objects.filter(kind="registration_promoted").count() == 2


def test_a_link_can_prefill_the_registration_form_without_registering(client):
    event = EventFactory()
    response = client.get(
        detail(event), {"nom": "Sophie Leroy", "email": "sophie@ville.example", "organisation": "CUD"}
    )
    html = response.content.decode()
    assert 'value="Sophie Leroy"' in html and 'value="sophie@ville.example"' in html and 'value="CUD"' in html
    assert Registration.objects.count() == 0
