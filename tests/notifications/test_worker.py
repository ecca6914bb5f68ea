"""A real Celery worker process on Redis, a real SMTP server, PostgreSQL."""

import pytest
from django.db import transaction
from django.urls import reverse

from notifications import services
from notifications.models import Notification
from notifications.services import notify
from tests.conftest import WorkerProcess, broker_at, wait_for
from tests.factories import UserFactory

Status = Notification.Status
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def status_of(notification):
    return Notification.objects.values_list("status", flat=True).get(pk=notification.pk)


def test_a_worker_turns_a_notify_into_a_delivered_mail(celery_worker, smtp_server):
    user = UserFactory(full_name="Sophie Leroy", email="sophie@ville.example")
    with transaction.atomic():
        notification = notify("password_reset", to=user, context={"user": user, "reset_url": "https://x.example/r/"})
    wait_for(lambda: status_of(notification) == Status.SENT, message="the mail to be sent")
    assert [(m["To"], m["Subject"]) for m in smtp_server.messages] == [
        ("sophie@ville.example", "Action requise : choisissez un nouveau mot de passe")
    ]


def test_the_worker_retries_smtp_failures_then_fails_then_resend_delivers(celery_worker, smtp_server):
    smtp_server.refuse_with = "451 4.3.0 Try again later"
    user = UserFactory()
    with transaction.atomic():
        notification = notify("password_reset", to=user, context={"user": user, "reset_url": "https://x.example/r/"})
    wait_for(lambda: status_of(notification) == Status.FAILED, timeout=60, message="the retries to run out")
    notification.refresh_from_db()
    assert notification.attempts == 3  # NOTIFICATIONS_MAX_ATTEMPTS of the test worker
    assert "451" in notification.last_error
    assert smtp_server.messages == []

    smtp_server.refuse_with = None
    with transaction.atomic():
        services.resend(Notification.objects.filter(pk=notification.pk))
    wait_for(lambda: status_of(notification) == Status.SENT, message="the resent mail")
    assert [m["To"] for m in smtp_server.messages] == [user.email]


def test_a_broker_outage_loses_nothing_and_the_sweep_delivers_exactly_once(
    client, live_tasks, smtp_server, private_redis, tmp_path
):
    UserFactory(email="agent@ville.example")
    private_redis.start()
    with broker_at(private_redis.url):
        private_redis.stop()

        response = client.post(reverse("accounts:password_reset"), {"email": "agent@ville.example"})
        assert response.status_code == 302
        notification = Notification.objects.get()
        assert (notification.status, notification.dispatched_at) == (Status.QUEUED, None)

        private_redis.start()
        worker = WorkerProcess(private_redis.url, smtp_server.port, tmp_path / "worker.log").wait_ready()
        try:
            assert services.sweep() == 1
            wait_for(lambda: status_of(notification) == Status.SENT, message="the swept mail")
            assert services.sweep() == 0
            assert [m["To"] for m in smtp_server.messages] == ["agent@ville.example"]
        finally:
            worker.stop()
    assert len(smtp_server.messages) == 1
