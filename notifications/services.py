"""The outbox: every e-mail of the platform is written here, then sent by a worker.

``notify`` stores the message in the caller's transaction and hands it to
Celery only once that transaction commits; ``deliver`` is what the worker
runs; ``sweep`` catches whatever the broker or a worker dropped.
"""

import logging
import smtplib
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from core import clock

from .models import Notification, WorkerHeartbeat

logger = logging.getLogger(__name__)

Status = Notification.Status

# When this process last failed to reach each broker (by URL): requests skip publishing for a short while after.
_broker_failures = {}

# Set by ``muted()`` for the current thread or task: ``notify`` then stores nothing.
_muted = ContextVar("notifications_muted", default=False)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


class RetryLater(Exception):
    """Raised by ``deliver`` after a transient failure; the task retries after ``countdown``."""

    def __init__(self, countdown):
        super().__init__(countdown)
        self.countdown = countdown


def _recipient(to, language):
    if isinstance(to, str):
        return to, language or settings.LANGUAGE_CODE, None
    return to.email, language or getattr(to, "language", "") or settings.LANGUAGE_CODE, to


def render(kind, context, language):
    """Subject, text and HTML bodies of ``kind`` rendered in ``language`` (the HTML may come from the text)."""
    with translation.override(language):
        subject = render_to_string(f"notifications/{kind}/subject.txt", context)
        text = render_to_string(f"notifications/{kind}/body.txt", context)
        try:
            html = render_to_string(f"notifications/{kind}/body.html", context)
        except TemplateDoesNotExist:
            # A kind without its own HTML gets its text laid out in the common frame.
            html = render_to_string("notifications/email_from_text.html", {**context, "text": text.strip()})
    return " ".join(subject.split()), text.strip() + "\n", html


@contextmanager
def muted():
    """Within the block ``notify`` queues nothing and returns None: replaying past events must e-mail nobody."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notify(
    kind,
    to,
    context=None,
    *,
    key=None,
    language=None,
    related=None,
    send_after=None,
    attachments=(),
    sensitive=False,
    bulk=False,
):
    """Queue the e-mail ``kind`` for ``to`` (a user or an address); the same ``key`` is sent once.

    Call it inside the transaction that causes the e-mail: the row is written
    there and dispatched to a worker only after commit, so a rollback sends nothing.
    ``bulk=True`` is for reminders and mass mail: they travel on a queue of their
    own, so that a burst of them never delays a mail a person is waiting for.
    Inside ``muted()`` nothing is stored and None is returned.
    """
    if _muted.get():
        return None
    if key is not None:
        existing = Notification.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    address, language, user = _recipient(to, language)
    full_context = {"site_url": settings.SITE_URL, "recipient": user, **(context or {})}
    subject, text, html = render(kind, full_context, language)
    now = timezone.now()
    due = send_after is None or send_after <= now
    notification = Notification(
        kind=kind,
        recipient=address,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        attachments=[vars(attachment) for attachment in attachments],
        sensitive=sensitive,
        bulk=bulk,
        send_after=send_after,
        dispatched_at=now if due else None,
    )
    if key is not None:
        notification.idempotency_key = key
    if related is not None:
        notification.content_type = ContentType.objects.get_for_model(related)
        notification.object_id = str(related.pk)
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # Another transaction stored the same key first: theirs is the one sent.
        return Notification.objects.get(idempotency_key=key)
    if due:
        transaction.on_commit(lambda: dispatch(notification.pk, bulk=bulk))
    return notification


def queue_for(bulk):
    return settings.NOTIFICATIONS_BULK_QUEUE if bulk else settings.NOTIFICATIONS_QUEUE


def dispatch(pk, bulk=False):
    """Hand one row to the broker; when the broker fails, the row is left to the sweep."""
    return dispatch_all([(pk, bulk)]) == 1


def dispatch_all(rows, force=False):
    """Hand rows ``(pk, bulk)`` to the broker in order; returns how many were handed over.

    The first broker failure leaves the rest to the sweep, and for
    NOTIFICATIONS_BROKER_PAUSE_SECONDS this process does not try again unless
    ``force`` (the sweep): a request pays one short failure at most, never one per e-mail.
    """
    from .tasks import send_notification

    broker = send_notification.app.conf.broker_url
    failed_at = _broker_failures.get(broker)
    paused = failed_at is not None and time.monotonic() - failed_at < settings.NOTIFICATIONS_BROKER_PAUSE_SECONDS
    handed = 0
    if paused and not force:
        logger.info("Broker failed moments ago: %s notification(s) left for the sweep.", len(rows))
    else:
        for pk, bulk in rows:
            try:
                send_notification.apply_async((pk,), queue=queue_for(bulk), retry=False)
            except Exception:
                _broker_failures[broker] = time.monotonic()
                logger.warning(
                    "Broker unreachable: %s notification(s) left for the sweep.", len(rows) - handed, exc_info=True
                )
                break
            handed += 1
        else:
            _broker_failures.pop(broker, None)
    left = [pk for pk, _bulk in rows[handed:]]
    if left:
        Notification.objects.filter(pk__in=left, status=Status.QUEUED).update(dispatched_at=None)
    return handed


def retry_delay(attempts):
    """Exponential back-off: base, 2×base, 4×base… capped at one hour."""
    return min(settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 3600)


def _is_permanent(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, (smtplib.SMTPException, OSError, SoftTimeLimitExceeded))


def error_kind(error):
    """A short name for the admin filter: "SMTP 550", "SMTP 451", else the exception's class."""
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        return f"SMTP {max(code for code, _message in error.recipients.values())}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"SMTP {error.smtp_code}"
    return type(error).__name__[:60]


def mail_domain():
    """The sender's domain, else the site's host name."""
    _local, at, domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")
    return domain if at and domain else urlsplit(settings.SITE_URL).hostname


def message_id(notification):
    """The same Message-ID at every send of a row (retry, resend, redelivery), so that a duplicate shows as one."""
    digest = salted_hmac("notifications.message_id", notification.idempotency_key, algorithm="sha256").hexdigest()
    return f"<{digest[:32]}@{mail_domain()}>"


def build_message(notification):
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={
            "Message-ID": message_id(notification),
            "Auto-Submitted": "auto-generated",
            "X-LTI-Notification": str(notification.pk),
        },
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    for attachment in notification.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def deliver(pk):
    """Send one queued row, once. Returns the final status, or None when there was nothing to do.

    The row is claimed under a lock (a second worker skips it), sent outside
    any transaction, then marked sent; a transient SMTP error raises
    ``RetryLater`` until the attempts run out, then the row ends ``failed``.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True).filter(pk=pk, status=Status.QUEUED).first()
        )
        if notification is None:
            return None
        notification.status = Status.SENDING
        notification.attempts += 1
        notification.save(update_fields=["status", "attempts", "updated_at"])

    try:
        build_message(notification).send()
    except Exception as error:
        message = f"{type(error).__name__}: {error}"[:2000]
        kind = error_kind(error)
        rows = Notification.objects.filter(pk=pk, status=Status.SENDING)
        if _is_permanent(error) or notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            logger.error("Notification %s failed for good: %s", pk, message)
            rows.update(status=Status.FAILED, last_error=message, error_kind=kind, updated_at=timezone.now())
            return Status.FAILED
        countdown = retry_delay(notification.attempts)
        now = timezone.now()
        rows.update(
            status=Status.QUEUED,
            last_error=message,
            error_kind=kind,
            send_after=now + timedelta(seconds=countdown),
            dispatched_at=now,
            updated_at=now,
        )
        logger.warning(
            "Notification %s attempt %s failed, retry in %ss: %s", pk, notification.attempts, countdown, message
        )
        raise RetryLater(countdown) from error

    now = timezone.now()
    Notification.objects.filter(pk=pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=now, last_error="", error_kind="", updated_at=now
    )
    return Status.SENT


def due_for_dispatch(now=None):
    """Queued rows that are due and that no worker has been handed recently."""
    now = clock.now(now)
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER_SECONDS)
    return Notification.objects.filter(
        Q(send_after__isnull=True) | Q(send_after__lte=now),
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=stale),
        status=Status.QUEUED,
    )


def sweep(batch_size=500, now=None):
    """Re-dispatch what the broker or a dead worker lost, send scheduled rows when due.

    A row still ``sending`` after NOTIFICATIONS_SENDING_TIMEOUT_SECONDS (longer
    than the send task's hard time limit) was left by a worker that died: it is
    queued again. Returns how many rows were handed over.
    """
    now = clock.now(now)
    abandoned = now - timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS)
    Notification.objects.filter(status=Status.SENDING, updated_at__lte=abandoned).update(
        status=Status.QUEUED, dispatched_at=None, updated_at=now
    )
    rows = list(due_for_dispatch(now).order_by("created_at").values_list("pk", "bulk")[:batch_size])
    if not rows:
        return 0
    Notification.objects.filter(pk__in=[pk for pk, _bulk in rows]).update(dispatched_at=now)
    return dispatch_all(rows, force=True)


def resend(queryset):
    """Queue again rows that failed, were cancelled or were sent; returns how many."""
    now = timezone.now()
    rows = list(queryset.exclude(status__in=[Status.QUEUED, Status.SENDING]).values_list("pk", "bulk"))
    Notification.objects.filter(pk__in=[pk for pk, _bulk in rows]).update(
        status=Status.QUEUED,
        attempts=0,
        last_error="",
        error_kind="",
        send_after=None,
        dispatched_at=now,
        updated_at=now,
    )
    transaction.on_commit(lambda: dispatch_all(rows))
    return len(rows)


def cancel(queryset):
    """Cancel rows not sent yet; returns how many."""
    return queryset.filter(status__in=[Status.QUEUED, Status.FAILED]).update(
        status=Status.CANCELLED, updated_at=timezone.now()
    )


def record_heartbeat(hostname):
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults={"last_seen": timezone.now()})


def worker_last_seen():
    latest = WorkerHeartbeat.objects.order_by("-last_seen").first()
    return latest.last_seen if latest else None
