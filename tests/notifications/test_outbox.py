from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification, WorkerHeartbeat
from notifications.services import RetryLater, deliver, notify
from tests.factories import UserFactory

Status = Notification.Status
pytestmark = pytest.mark.django_db


def reset_context(user):
    return {"user": user, "reset_url": "https://lti.example/compte/mot-de-passe/nouveau/abc/def/"}


def test_a_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify("password_reset", to=user, context=reset_context(user), key="rolled-back")
            raise RuntimeError("the change that caused the mail failed")
    assert Notification.objects.count() == 0
    assert callbacks == []
    assert mail.outbox == []


def test_after_commit_the_mail_is_delivered_once(django_capture_on_commit_callbacks):
    user = UserFactory(full_name="Sophie Leroy", email="sophie@collectivite.example")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify("password_reset", to=user, context=reset_context(user), key="k1")
    notification.refresh_from_db()
    assert notification.status == Status.SENT
    assert notification.attempts == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["sophie@collectivite.example"], "Action requise : choisissez un nouveau mot de passe")
    ]
    assert "Bonjour Sophie," in mail.outbox[0].body
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert mail.outbox[0].extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_same_key_twice_gives_one_row_and_one_mail(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify("password_reset", to=user, context=reset_context(user), key="same-key")
        second = notify("password_reset", to=user, context=reset_context(user), key="same-key")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_mail_is_rendered_in_the_recipients_language(django_capture_on_commit_callbacks):
    user = UserFactory(language="en", full_name="Ann Smith")
    with django_capture_on_commit_callbacks(execute=True):
        notify("password_reset", to=user, context=reset_context(user))
    assert mail.outbox[0].subject == "Action required: choose a new password"
    assert "Hello Ann," in mail.outbox[0].body
    assert Notification.objects.get().language == "en"


def test_a_plain_address_gets_the_default_language():
    notification = notify("password_reset", to="contact@ville.example", context=reset_context(UserFactory()))
    assert (notification.recipient, notification.language) == ("contact@ville.example", "fr")


def test_smtp_failures_are_retried_with_backoff_then_failed_then_resent(
    settings, smtp_backend, django_capture_on_commit_callbacks
):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 10
    smtp_backend.refuse_with = "451 4.3.0 Mailbox temporarily unavailable"
    user = UserFactory()
    notification = notify("password_reset", to=user, context=reset_context(user))

    countdowns = []
    for _attempt in range(2):
        with pytest.raises(RetryLater) as retry:
            deliver(notification.pk)
        countdowns.append(retry.value.countdown)
        notification.refresh_from_db()
        assert notification.status == Status.QUEUED
        assert notification.send_after > timezone.now()
    assert countdowns == [10, 20]
    assert deliver(notification.pk) == Status.FAILED

    notification.refresh_from_db()
    assert notification.status == Status.FAILED
    assert notification.attempts == 3
    assert "451" in notification.last_error and "temporarily unavailable" in notification.last_error
    assert smtp_backend.messages == []

    smtp_backend.refuse_with = None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.resend(Notification.objects.filter(pk=notification.pk)) == 1
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.last_error) == (Status.SENT, 1, "")
    assert [message["To"] for message in smtp_backend.messages] == [user.email]


def test_a_permanent_refusal_fails_at_once(smtp_backend):
    smtp_backend.refuse_with = "550 5.1.1 No such user here"
    notification = notify("password_reset", to="nobody@ville.example", context=reset_context(UserFactory()))
    assert deliver(notification.pk) == Status.FAILED
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert "550" in notification.last_error


def test_a_sent_or_cancelled_row_is_never_sent_again():
    user = UserFactory()
    sent = notify("password_reset", to=user, context=reset_context(user))
    assert deliver(sent.pk) == Status.SENT
    assert deliver(sent.pk) is None
    cancelled = notify("password_reset", to=user, context=reset_context(user))
    assert services.cancel(Notification.objects.filter(pk=cancelled.pk)) == 1
    assert deliver(cancelled.pk) is None
    assert len(mail.outbox) == 1


def test_the_sweep_sends_lost_and_scheduled_rows_once_due(django_capture_on_commit_callbacks):
    user = UserFactory()
    now = timezone.now()
    lost = notify("password_reset", to=user, context=reset_context(user), key="lost")
    Notification.objects.filter(pk=lost.pk).update(dispatched_at=None)
    recent = notify("password_reset", to=user, context=reset_context(user), key="recent")
    later = notify(
        "password_reset", to=user, context=reset_context(user), key="later", send_after=now + timedelta(hours=1)
    )

    assert services.sweep() == 1
    assert {n.idempotency_key: n.status for n in Notification.objects.all()} == {
        "lost": Status.SENT,
        "recent": Status.QUEUED,
        "later": Status.QUEUED,
    }

    Notification.objects.filter(pk=later.pk).update(send_after=now - timedelta(seconds=1))
    Notification.objects.filter(pk=recent.pk).update(dispatched_at=now - timedelta(minutes=10))
    assert services.sweep() == 2
    assert services.sweep() == 0
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}
    assert len(mail.outbox) == 3


def test_the_sweep_requeues_rows_abandoned_while_sending():
    user = UserFactory()
    stuck = notify("password_reset", to=user, context=reset_context(user))
    Notification.objects.filter(pk=stuck.pk).update(
        status=Status.SENDING, updated_at=timezone.now() - timedelta(hours=1)
    )
    assert services.sweep() == 1
    stuck.refresh_from_db()
    assert stuck.status == Status.SENT


def test_worker_state_follows_the_heartbeat():
    from notifications.health import worker_state

    now = timezone.now()
    assert worker_state(None, now) == "missing"
    services.record_heartbeat("w1@host")
    last_seen = WorkerHeartbeat.objects.get().last_seen
    assert worker_state(last_seen, last_seen + timedelta(seconds=119)) == "alive"
    assert worker_state(last_seen, last_seen + timedelta(seconds=121)) == "stale"
