import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications import services
from notifications.models import Notification, WorkerHeartbeat
from notifications.services import RetryLater, deliver, notify
from notifications.tasks import send_notification
from tests.conftest import free_port
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
    assert (notification.attempts, notification.error_kind, notification.last_error) == (
        1,
        "SMTP 550",
        "SMTPRecipientsRefused: {'nobody@ville.example': (550, b'5.1.1 No such user here')}",
    )


def test_an_unreachable_smtp_server_is_retried_and_named_by_its_error(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    notification = notify("password_reset", to="agent@ville.example", context=reset_context(UserFactory()))
    with pytest.raises(RetryLater):
        deliver(notification.pk)
    notification.refresh_from_db()
    assert (notification.status, notification.error_kind, notification.last_error) == (
        Status.QUEUED,
        "ConnectionRefusedError",
        "ConnectionRefusedError: [Errno 111] Connection refused",
    )

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notification.objects.filter(pk=notification.pk).update(send_after=None)
    assert deliver(notification.pk) == Status.SENT
    notification.refresh_from_db()
    assert (notification.error_kind, notification.last_error) == ("", "")


def test_every_send_of_a_row_carries_the_same_message_id(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify("password_reset", to=user, context=reset_context(user), key="password_reset:1:abc")
        other = notify("password_reset", to=user, context=reset_context(user), key="password_reset:1:def")
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(Notification.objects.filter(pk=first.pk))
    sent = [(message.message()["X-LTI-Notification"], message.message()["Message-ID"]) for message in mail.outbox]
    expected = services.message_id(first)
    assert sent == [(str(first.pk), expected), (str(other.pk), services.message_id(other)), (str(first.pk), expected)]
    assert re.fullmatch(r"<[0-9a-f]{32}@label-territoire-innovant\.fr>", expected)
    assert services.message_id(other) != expected


def test_the_message_id_domain_is_the_senders_else_the_sites(settings):
    settings.DEFAULT_FROM_EMAIL = "Label <ne-pas-repondre@lti.example>"
    assert services.mail_domain() == "lti.example"
    settings.DEFAULT_FROM_EMAIL = "Label Territoire Innovant"
    settings.SITE_URL = "https://label.example:8443"
    assert services.mail_domain() == "label.example"


def test_a_live_send_is_never_taken_for_abandoned():
    """The sweep's recovery delay stays above the send's hard limit, itself above the SMTP timeout."""
    assert (
        django_settings.EMAIL_TIMEOUT
        < send_notification.soft_time_limit
        < send_notification.time_limit
        < django_settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS
        <= 180
    )
    assert (send_notification.acks_late, send_notification.reject_on_worker_lost) == (True, True)


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


def test_the_sweep_requeues_rows_abandoned_while_sending_after_two_minutes():
    user = UserFactory()
    stuck = notify("password_reset", to=user, context=reset_context(user))
    claimed = timezone.now()
    Notification.objects.filter(pk=stuck.pk).update(status=Status.SENDING, updated_at=claimed)
    assert services.sweep(now=claimed + timedelta(seconds=119)) == 0
    assert Notification.objects.get(pk=stuck.pk).status == Status.SENDING
    assert services.sweep(now=claimed + timedelta(seconds=120)) == 1
    stuck.refresh_from_db()
    assert (stuck.status, len(mail.outbox)) == (Status.SENT, 1)


def test_a_bulk_row_keeps_its_flag_through_a_resend(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminder = notify("password_reset", to="agent@ville.example", context=reset_context(UserFactory()), bulk=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(Notification.objects.all())
    assert list(Notification.objects.values_list("pk", "bulk", "status")) == [(reminder.pk, True, Status.SENT)]
    assert len(mail.outbox) == 2


def test_worker_state_follows_the_heartbeat():
    from notifications.health import worker_state

    now = timezone.now()
    assert worker_state(None, now) == "missing"
    services.record_heartbeat("w1@host")
    last_seen = WorkerHeartbeat.objects.get().last_seen
    assert worker_state(last_seen, last_seen + timedelta(seconds=119)) == "alive"
    assert worker_state(last_seen, last_seen + timedelta(seconds=121)) == "stale"
