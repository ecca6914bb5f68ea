"""Mail travels on queues of its own: a burst of reminders never holds a mail a person is waiting for."""

import base64
import json

import pytest
import redis
from django.conf import settings
from django.db import transaction

from notifications import services
from notifications.models import Notification
from notifications.services import notify
from tests.conftest import WorkerProcess, broker_at, wait_for
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory

Status = Notification.Status
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def remind(registration):
    return notify(
        "event_reminder",
        to=registration.email,
        context={"registration": registration, "event": registration.event},
        key=f"event_reminder:{registration.pk}",
        bulk=True,
    )


def reset(user):
    return notify("password_reset", to=user, context={"user": user, "reset_url": "https://x.example/r/"})


def ids_in(broker, queue):
    """The notification ids waiting in ``queue``, oldest first (kombu pushes on the left, pops on the right)."""
    messages = reversed(broker.lrange(queue, 0, -1))
    return [json.loads(base64.b64decode(json.loads(raw)["body"]))[0][0] for raw in messages]


def waiting(broker):
    return {queue.name: ids_in(broker, queue.name) for queue in settings.CELERY_TASK_QUEUES}


def test_personal_and_bulk_mail_travel_on_their_own_queues_also_when_swept(live_tasks, private_redis):
    private_redis.start()
    broker = redis.Redis.from_url(private_redis.url)
    with broker_at(private_redis.url):
        with transaction.atomic():
            personal = reset(UserFactory())
            reminder = remind(RegistrationFactory())
        assert (personal.bulk, reminder.bulk) == (False, True)
        assert waiting(broker) == {
            settings.NOTIFICATIONS_QUEUE: [personal.pk],
            settings.CELERY_TASK_DEFAULT_QUEUE: [],
            settings.NOTIFICATIONS_BULK_QUEUE: [reminder.pk],
        }

        Notification.objects.update(dispatched_at=None)
        assert services.sweep() == 2
    assert waiting(broker) == {
        settings.NOTIFICATIONS_QUEUE: [personal.pk, personal.pk],
        settings.CELERY_TASK_DEFAULT_QUEUE: [],
        settings.NOTIFICATIONS_BULK_QUEUE: [reminder.pk, reminder.pk],
    }


def test_after_a_broker_failure_requests_leave_mail_to_the_sweep_for_a_short_while(live_tasks, private_redis, settings):
    private_redis.start()
    broker = redis.Redis.from_url(private_redis.url)
    user = UserFactory()
    with broker_at(private_redis.url):
        private_redis.stop()
        with transaction.atomic():
            during = reset(user)
        private_redis.start()
        with transaction.atomic():
            paused = reset(user)
        assert waiting(broker)[settings.NOTIFICATIONS_QUEUE] == []
        assert list(Notification.objects.order_by("pk").values_list("status", "dispatched_at")) == [
            (Status.QUEUED, None),
            (Status.QUEUED, None),
        ]

        settings.NOTIFICATIONS_BROKER_PAUSE_SECONDS = 0
        with transaction.atomic():
            after = reset(user)
        assert waiting(broker)[settings.NOTIFICATIONS_QUEUE] == [after.pk]
        assert services.sweep() == 2
    assert waiting(broker)[settings.NOTIFICATIONS_QUEUE] == [after.pk, during.pk, paused.pk]


def test_a_password_reset_queued_during_a_burst_of_reminders_goes_out_long_before_the_burst_ends(
    live_tasks, smtp_server, tmp_path
):
    """kombu's Redis transport reads a worker's queues in turn (round robin): the reset waits for one reminder at most.

    On a single queue it would wait for all 150.
    """
    registrations = RegistrationFactory.create_batch(150, event=EventFactory())
    user = UserFactory(email="agent@ville.example")
    worker = WorkerProcess(settings.REDIS_URL, smtp_server.port, tmp_path / "worker.log").wait_ready()
    try:
        with transaction.atomic():
            for registration in registrations:
                remind(registration)
        wait_for(lambda: len(smtp_server.messages) >= 5, interval=0.01, message="the burst to start")
        with transaction.atomic():
            reset(user)
        delivered_before = len(smtp_server.messages)
        wait_for(
            lambda: Notification.objects.filter(status=Status.SENT).count() == 151,
            timeout=120,
            message="the whole burst",
        )
    finally:
        worker.stop()
    recipients = [message["To"] for message in smtp_server.messages]
    position = recipients.index("agent@ville.example")
    assert len(recipients) == 151
    assert position <= delivered_before + 1, (position, delivered_before)
    assert len(recipients) - position - 1 >= 100, (position, delivered_before)
