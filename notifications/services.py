"""The outbox: every e-mail of the platform is written here, then sent by a worker.

``notify`` stores the message in the caller's transaction and hands it to
Celery only once that transaction commits; ``deliver`` is what the worker
runs; ``sweep`` catches whatever the broker or a worker dropped.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification, WorkerHeartbeat

logger = logging.getLogger(__name__)

Status = Notification.Status


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


def notify(
    kind, to, context=None, *, key=None, language=None, related=None, send_after=None, attachments=(), sensitive=False
):
    """Queue the e-mail ``kind`` for ``to`` (a user or an address); the same ``key`` is sent once.

    Call it inside the transaction that causes the e-mail: the row is written
    there and dispatched to a worker only after commit, so a rollback sends nothing.
    """
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
        transaction.on_commit(lambda: dispatch(notification.pk))
    return notification


def dispatch(pk):
    """Hand one row to the broker; a broker failure is logged and left to the sweep."""
    from .tasks import send_notification

    try:
        send_notification.apply_async((pk,), retry=False)
    except Exception:
        logger.warning("Broker unreachable, notification %s left for the sweep.", pk, exc_info=True)
        Notification.objects.filter(pk=pk, status=Status.QUEUED).update(dispatched_at=None)
        return False
    return True


def retry_delay(attempts):
    """Exponential back-off: base, 2×base, 4×base… capped at one hour."""
    return min(settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 3600)


def _is_permanent(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, (smtplib.SMTPException, OSError))


def build_message(notification):
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient],
        headers={"Auto-Submitted": "auto-generated", "X-LTI-Notification": str(notification.pk)},
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
        rows = Notification.objects.filter(pk=pk, status=Status.SENDING)
        if _is_permanent(error) or notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
            logger.error("Notification %s failed for good: %s", pk, message)
            rows.update(status=Status.FAILED, last_error=message, updated_at=timezone.now())
            return Status.FAILED
        countdown = retry_delay(notification.attempts)
        now = timezone.now()
        rows.update(
            status=Status.QUEUED,
            last_error=message,
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
        status=Status.SENT, sent_at=now, last_error="", updated_at=now
    )
    return Status.SENT


def due_for_dispatch(now=None):
    """Queued rows that are due and that no worker has been handed recently."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER_SECONDS)
    return Notification.objects.filter(
        Q(send_after__isnull=True) | Q(send_after__lte=now),
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=stale),
        status=Status.QUEUED,
    )


def sweep(batch_size=500):
    """Re-dispatch what the broker lost, send scheduled rows when due. Returns how many were handed over."""
    now = timezone.now()
    abandoned = now - timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS)
    Notification.objects.filter(status=Status.SENDING, updated_at__lte=abandoned).update(
        status=Status.QUEUED, dispatched_at=None, updated_at=now
    )
    ids = list(due_for_dispatch(now).order_by("created_at").values_list("pk", flat=True)[:batch_size])
    if not ids:
        return 0
    Notification.objects.filter(pk__in=ids).update(dispatched_at=now)
    return sum(dispatch(pk) for pk in ids)


def resend(queryset):
    """Queue again rows that failed, were cancelled or were sent; returns how many."""
    now = timezone.now()
    ids = list(queryset.exclude(status__in=[Status.QUEUED, Status.SENDING]).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        status=Status.QUEUED, attempts=0, last_error="", send_after=None, dispatched_at=now, updated_at=now
    )
    transaction.on_commit(lambda: [dispatch(pk) for pk in ids])
    return len(ids)


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
