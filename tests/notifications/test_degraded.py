"""Redis down: the site keeps answering fast, and what it queued is delivered once Redis is back.

The cache and the broker both point at a private redis-server that the test
stops (connections refused) or freezes with SIGSTOP (connections accepted by
the kernel, never answered: the case where only timeouts help).
"""

import signal
import time

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from core import throttle
from events.models import Registration
from notifications import services
from notifications.models import Notification
from tests.conftest import WorkerProcess, broker_at, wait_for
from tests.events.factories import EventFactory
from tests.factories import UserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory, answer_all

Status = Notification.Status
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]

# A degraded-mode guarantee with a wide margin, not a benchmark: before, these answers took 6 to 30 s.
BOUND_SECONDS = 1.0
CHANGELIST = reverse("admin:notifications_notification_changelist")
REGISTRATION = {
    "full_name": "Sophie Leroy",
    "email": "sophie@ville.example",
    "organisation": "Ville de Saint-Omer",
    "attendance": "on_site",
    "website": "",
}


@pytest.fixture(autouse=True)
def cache_asked_again():
    """A cache failure seen by an earlier test does not pause this one's limits."""
    throttle.resume()
    yield
    throttle.resume()


@pytest.fixture
def redis_on_private_server(settings, live_tasks, private_redis):
    """The Django cache and this process's Celery producer on a private redis-server."""
    private_redis.start()
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": private_redis.url}}
    with broker_at(private_redis.url):
        yield private_redis


@pytest.fixture(params=["stopped", "frozen"])
def redis_down(request, redis_on_private_server):
    server = redis_on_private_server
    if request.param == "stopped":
        server.stop()
        yield server
        return
    server.process.send_signal(signal.SIGSTOP)
    yield server
    server.process.send_signal(signal.SIGCONT)


def timed(send):
    start = time.monotonic()
    response = send()
    return response, time.monotonic() - start


def outbox():
    return list(Notification.objects.order_by("pk").values_list("kind", "recipient", "status", "dispatched_at"))


def reset_password(client, email):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def throttle_warnings(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "core.throttle"]


def register(client, event):
    return client.post(reverse("events:detail", kwargs={"slug": event.slug}), REGISTRATION)


def complete_draft():
    edition = EditionFactory(contact_email="equipe@label.example")
    CriterionFactory.create_batch(2, edition=edition)
    owner = UserFactory(email="agent@ville.example")
    return answer_all(CandidatureFactory(edition=edition, owner=owner, contact_email="contact@ville.example"))


def submit(client, candidature):
    client.force_login(candidature.owner)
    return client.post(reverse("label:recap", kwargs={"edition": candidature.edition.slug}))


def failed_rows(count):
    return [
        Notification.objects.create(
            kind="password_reset",
            recipient=f"agent{index}@ville.example",
            language="fr",
            subject="Action requise : choisissez un nouveau mot de passe",
            body_text="Bonjour,\n",
            status=Status.FAILED,
            attempts=5,
            last_error="SMTPServerDisconnected: Connection unexpectedly closed",
            error_kind="SMTPServerDisconnected",
        ).pk
        for index in range(count)
    ]


def resend(client, pks):
    return client.post(CHANGELIST, {"action": "resend_action", "_selected_action": pks})


def test_an_event_registration_answers_fast_and_leaves_its_mail_to_the_sweep(client, redis_down, caplog):
    event = EventFactory()
    response, elapsed = timed(lambda: register(client, event))
    assert response.status_code == 302
    assert elapsed < BOUND_SECONDS, f"{elapsed:.2f} s"
    assert list(Registration.objects.values_list("email", "status")) == [("sophie@ville.example", "confirmed")]
    assert outbox() == [("registration_confirmed", "sophie@ville.example", Status.QUEUED, None)]
    assert throttle_warnings(caplog) == [
        "Cache unreachable: events-registrations not checked, let through; not asked again for the next 30 s."
    ]


def test_a_password_reset_answers_fast_asking_the_cache_once(client, redis_down, caplog):
    UserFactory(email="agent@ville.example")
    response, elapsed = timed(lambda: reset_password(client, "agent@ville.example"))
    assert (response.status_code, response.url) == (302, reverse("accounts:password_reset_done"))
    assert elapsed < BOUND_SECONDS, f"{elapsed:.2f} s"
    assert outbox() == [("password_reset", "agent@ville.example", Status.QUEUED, None)]
    # The three limits of a reset: the first failure lets the request through, the two others do not wait for it.
    assert throttle_warnings(caplog) == [
        "Cache unreachable: password-reset-client not checked, let through; not asked again for the next 30 s."
    ]


def test_a_candidate_submission_queuing_three_mails_answers_fast(client, redis_down):
    candidature = complete_draft()
    response, elapsed = timed(lambda: submit(client, candidature))
    assert (response.status_code, response.url) == (302, reverse("label:candidature", kwargs={"pk": candidature.pk}))
    assert elapsed < BOUND_SECONDS, f"{elapsed:.2f} s"
    assert outbox() == [
        ("candidature_submitted", "agent@ville.example", Status.QUEUED, None),
        ("candidature_submitted", "contact@ville.example", Status.QUEUED, None),
        ("candidature_submitted_notice", "equipe@label.example", Status.QUEUED, None),
    ]


def test_an_admin_resend_of_six_mails_answers_fast(organiser_client, redis_down):
    pks = failed_rows(6)
    response, elapsed = timed(lambda: resend(organiser_client, pks))
    assert (response.status_code, response.url) == (302, CHANGELIST)
    assert elapsed < BOUND_SECONDS, f"{elapsed:.2f} s"
    assert (
        list(Notification.objects.order_by("pk").values_list("status", "attempts", "dispatched_at"))
        == [(Status.QUEUED, 0, None)] * 6
    )


def test_healthz_answers_fast_with_the_broker_down(client, redis_down):
    response, elapsed = timed(lambda: client.get("/healthz"))
    assert (response.status_code, response.json()) == (503, {"status": "degraded"})
    assert elapsed < BOUND_SECONDS, f"{elapsed:.2f} s"


def test_once_redis_is_back_the_sweep_delivers_every_mail_exactly_once(
    organiser_client, redis_on_private_server, smtp_server, tmp_path
):
    server = redis_on_private_server
    server.stop()
    assert register(Client(), EventFactory()).status_code == 302
    assert submit(Client(), complete_draft()).status_code == 302
    assert resend(organiser_client, failed_rows(6)).status_code == 302
    UserFactory(email="oubli@ville.example")
    assert reset_password(Client(), "oubli@ville.example").status_code == 302
    assert Notification.objects.filter(status=Status.QUEUED, dispatched_at=None).count() == 11

    server.start()
    worker = WorkerProcess(server.url, smtp_server.port, tmp_path / "worker.log").wait_ready()
    try:
        assert services.sweep() == 11
        wait_for(lambda: set(Notification.objects.values_list("status", flat=True)) == {Status.SENT})
        broker = redis.Redis.from_url(server.url)
        queues = [queue.name for queue in django_settings.CELERY_TASK_QUEUES]
        wait_for(lambda: [broker.llen(name) for name in queues] + [broker.hlen("unacked")] == [0, 0, 0, 0])
        assert services.sweep() == 0
    finally:
        worker.stop()
    assert sorted(message["To"] for message in smtp_server.messages) == [
        "agent0@ville.example",
        "agent1@ville.example",
        "agent2@ville.example",
        "agent3@ville.example",
        "agent4@ville.example",
        "agent5@ville.example",
        "agent@ville.example",
        "contact@ville.example",
        "equipe@label.example",
        "oubli@ville.example",
        "sophie@ville.example",
    ]
