"""A worker killed (SIGKILL) while the SMTP server holds its answer: nothing is lost, a duplicate is recognisable."""

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu import Connection

from notifications import services
from notifications.models import Notification
from notifications.services import notify
from tests.conftest import SMTPRecorder, WorkerProcess, broker_at, free_port, wait_for
from tests.factories import UserFactory

Status = Notification.Status
pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


class HoldingRecorder(SMTPRecorder):
    """Stores each message at once, then keeps the sender waiting for the answer while ``holding``."""

    def __init__(self):
        super().__init__()
        self.holding = True

    async def handle_DATA(self, server, session, envelope):
        reply = await super().handle_DATA(server, session, envelope)
        while self.holding:
            await asyncio.sleep(0.05)
        return reply


@pytest.fixture
def holding_smtp_server():
    recorder = HoldingRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.port = controller.port
    yield recorder
    recorder.holding = False
    controller.stop()


def statuses():
    return dict(Notification.objects.values_list("pk", "status"))


def restore_unacknowledged(url):
    """What kombu does with a dead worker's messages once their visibility timeout is over, done now."""
    with Connection(url, transport_options={"visibility_timeout": 0}) as connection:
        connection.default_channel.qos.restore_visible(num=100, interval=1)
    # A worker scanning at the same moment holds the lock and the call does nothing: the caller asks again.
    return redis.Redis.from_url(url).hlen("unacked") < 2


def test_a_worker_killed_mid_batch_loses_nothing_and_any_duplicate_keeps_its_message_id(
    live_tasks, private_redis, holding_smtp_server, tmp_path
):
    smtp = holding_smtp_server
    private_redis.start()
    broker = redis.Redis.from_url(private_redis.url)
    users = UserFactory.create_batch(5)
    with broker_at(private_redis.url):
        doomed = [
            WorkerProcess(private_redis.url, smtp.port, tmp_path / f"doomed-{index}.log").wait_ready()
            for index in range(2)
        ]
        with transaction.atomic():
            rows = [
                notify("password_reset", to=user, context={"user": user, "reset_url": "https://x.example/r/"})
                for user in users
            ]
        wait_for(lambda: len(smtp.messages) == 2, message="both workers to wait for the SMTP answer")
        for worker in doomed:
            worker.process.kill()
            worker.process.wait()
            worker.stop()
        killed = {pk for pk, status in statuses().items() if status == Status.SENDING}
        assert sorted(statuses().values()) == [Status.QUEUED] * 3 + [Status.SENDING] * 2

        smtp.holding = False
        survivor = WorkerProcess(private_redis.url, smtp.port, tmp_path / "survivor.log").wait_ready()
        try:
            wait_for(lambda: sorted(statuses().values()) == [Status.SENDING] * 2 + [Status.SENT] * 3)
            # The sweep as it runs once the documented delay has passed.
            later = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS)
            assert services.sweep(now=later) == 2
            wait_for(lambda: set(statuses().values()) == {Status.SENT}, message="the swept rows")

            # The killed sends' own messages come back from the broker late: they must send nothing.
            assert broker.hlen("unacked") == 2
            wait_for(lambda: restore_unacknowledged(private_redis.url), message="the late redelivery")
            queues = [queue.name for queue in settings.CELERY_TASK_QUEUES]
            wait_for(
                lambda: [broker.llen(name) for name in queues] + [broker.hlen("unacked")] == [0, 0, 0, 0],
                message="the redelivered messages to be consumed",
            )
        finally:
            survivor.stop()
    assert set(statuses().values()) == {Status.SENT}
    assert Counter(message["Message-ID"] for message in smtp.messages) == {
        services.message_id(row): 2 if row.pk in killed else 1 for row in rows
    }
