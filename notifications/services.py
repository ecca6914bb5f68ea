"""The outbox: every e-mail of the platform is written here, then sent by a worker.

``notify`` stores the message in the caller's transaction and hands it to
Celery only once that transaction commits; ``notify_many`` does the same for a
batch (reminders), and ``compose`` then ``store`` for a few e-mails rendered
before they are stored; ``deliver`` is what the worker runs; ``sweep`` catches
whatever the broker or a worker dropped.
"""

import logging
import re
import smtplib
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parseaddr
from functools import lru_cache, partial
from itertools import islice
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines

from core import clock

from .models import Notification, WorkerHeartbeat

logger = logging.getLogger(__name__)

Status = Notification.Status

# When this process last failed to reach each broker (by URL): requests skip publishing for a short while after.
_broker_failures = {}

# Set by ``muted()`` for the current thread or task: ``notify``, ``notify_many`` and ``store`` then store nothing.
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


@dataclass(frozen=True)
class Mail:
    """One e-mail of a batch: to whom (a user or an address), with what context, under which idempotency key."""

    to: object
    key: str
    context: dict = field(default_factory=dict)
    related: object = None
    language: str | None = None
    attachments: tuple = ()
    # Mails of a batch with the same variant (not None) and language are rendered once: they say the same to each.
    variant: object = None


def _recipient(to, language):
    if isinstance(to, str):
        return to, language or settings.LANGUAGE_CODE, None
    return to.email, language or getattr(to, "language", "") or settings.LANGUAGE_CODE, to


class Renderer:
    """Renders the e-mails of one kind: its templates looked up once, what several e-mails share rendered once."""

    def __init__(self, kind):
        self.subject = get_template(f"notifications/{kind}/subject.txt")
        self.text = get_template(f"notifications/{kind}/body.txt")
        try:
            self.html = get_template(f"notifications/{kind}/body.html")
        except TemplateDoesNotExist:
            # A kind without its own HTML gets its text laid out in the common frame (``text_as_html``).
            self.html = None
        self.variants = {}

    def render(self, context, language, variant=None):
        """Subject, text and HTML bodies in ``language``, which the caller has activated."""
        if variant is not None and (language, variant) in self.variants:
            return self.variants[language, variant]
        subject = " ".join(self.subject.render(context).split())
        text = self.text.render(context).strip()
        if self.html is not None:
            html = self.html.render({**context, "LANGUAGE_CODE": language})
        else:
            head, tail = _frame(language, context.get("site_url", settings.SITE_URL))
            html = f"{head}{text_as_html(text)}{tail}"
        rendered = subject, text + "\n", html
        if variant is not None:
            self.variants[language, variant] = rendered
        return rendered


# Where a text e-mail's HTML goes in the common frame, rendered once per language around it.
FRAME_BODY = f"FRAMEBODY{uuid.uuid4().hex}"


def _frame(language, site_url):
    """The common frame (notifications/email_from_text.html) in ``language``, as the HTML before and after the
    body: the same for every e-mail, made once per process (again each time while templates are edited)."""
    if settings.DEBUG:
        return _render_frame(language, site_url)
    return _kept_frame(language, site_url)


def _render_frame(language, site_url):
    context = {"site_url": site_url, "LANGUAGE_CODE": language, "body": mark_safe(FRAME_BODY)}
    with translation.override(language):
        head, tail = get_template("notifications/email_from_text.html").render(context).split(FRAME_BODY)
    return head, tail


_kept_frame = lru_cache(maxsize=32)(_render_frame)


PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def text_as_html(text):
    """``text|urlize|linebreaks``, paragraph by paragraph: e-mails share most of theirs, each made once."""
    return mark_safe("\n\n".join(_paragraph_as_html(part) for part in PARAGRAPH_BREAK.split(normalize_newlines(text))))


# What every link ``urlize`` makes contains (a scheme, "www.", an address's "@", a top-level domain it knows): a
# paragraph without any of them has no link, and is only escaped, without looking at it word by word.
LINK_HINT = re.compile(r"https?://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)\b", re.IGNORECASE)


# Kept by the process: the paragraphs of a receipt or a reminder repeat from one e-mail to the next.
@lru_cache(maxsize=4096)
def _paragraph_as_html(paragraph):
    if LINK_HINT.search(paragraph) is None:
        return linebreaks(escape(paragraph))
    return linebreaks(urlize(paragraph, nofollow=True, autoescape=True))


def render(kind, context, language):
    """Subject, text and HTML bodies of ``kind`` rendered in ``language`` (the HTML may come from the text)."""
    with translation.override(language):
        return Renderer(kind).render(context, language)


@contextmanager
def muted():
    """Within the block nothing is queued (``notify`` returns None): replaying past events must e-mail nobody."""
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
    rendered = render(kind, _full_context(context, user), language)
    notification = _row(
        kind,
        address,
        language,
        rendered,
        send_after=send_after,
        sensitive=sensitive,
        bulk=bulk,
        key=key,
        related=related,
        attachments=attachments,
    )
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # Another transaction stored the same key first: theirs is the one sent.
        return Notification.objects.get(idempotency_key=key)
    if notification.dispatched_at is not None:
        transaction.on_commit(lambda: dispatch(notification.pk, bulk=bulk))
    return notification


def _full_context(context, user):
    return {"site_url": settings.SITE_URL, "recipient": user, **(context or {})}


def _row(kind, address, language, rendered, *, send_after, sensitive, bulk, key=None, related=None, attachments=()):
    """An unsaved row of the outbox; due rows are marked as handed to the broker, which happens after commit."""
    subject, text, html = rendered
    now = timezone.now()
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
        dispatched_at=now if send_after is None or send_after <= now else None,
    )
    if key is not None:
        notification.idempotency_key = key
    if related is not None:
        notification.content_type = ContentType.objects.get_for_model(related)
        notification.object_id = str(related.pk)
    return notification


def compose(kind, mails, *, send_after=None, sensitive=False, bulk=False):
    """The ``mails`` (``Mail``) of ``kind`` rendered each in its recipient's language, as unsaved rows in order.

    ``store`` writes them. Rendering apart lets a caller render before it takes
    a lock and store after; ``fill`` then writes in what was known only under
    that lock. Inside ``muted()`` there is nothing to render: an empty list.
    """
    if _muted.get() or not mails:
        return []
    renderer = Renderer(kind)
    recipients = [_recipient(mail.to, mail.language) for mail in mails]
    rows = [None] * len(mails)
    # One language at a time: switching the active language for each e-mail adds up over thousands of them.
    for language in dict.fromkeys(language for _address, language, _user in recipients):
        with translation.override(language):
            for index, (mail, (address, mail_language, user)) in enumerate(zip(mails, recipients, strict=True)):
                if mail_language != language:
                    continue
                rendered = renderer.render(_full_context(mail.context, user), language, mail.variant)
                rows[index] = _row(
                    kind,
                    address,
                    language,
                    rendered,
                    send_after=send_after,
                    sensitive=sensitive,
                    bulk=bulk,
                    key=mail.key,
                    related=mail.related,
                    attachments=mail.attachments,
                )
    return rows


def fill(rows, placeholder, value):
    """Write ``value`` (plain text) where the rendered ``rows`` hold ``placeholder``, a value known only after."""
    for row in rows:
        row.subject = row.subject.replace(placeholder, value)
        row.body_text = row.body_text.replace(placeholder, value)
        row.body_html = row.body_html.replace(placeholder, escape(value))


def _stored_keys(keys):
    return set(Notification.objects.filter(idempotency_key__in=list(keys)).values_list("idempotency_key", flat=True))


def store(rows, *, new_keys=False):
    """Insert the rows (from ``compose``) but those whose key is stored already; returns those inserted.

    The statement runs in the caller's transaction and the due rows are handed
    to the broker after commit, together. ``new_keys`` says that the keys name
    something the caller's transaction created (a history entry): no other can
    hold them, so the rows are inserted without the savepoint that would let the
    transaction go on after a conflict. Inside ``muted()`` nothing is stored.
    """
    if _muted.get():
        return []
    created = Notification.objects.bulk_create(rows) if new_keys else _insert(rows)
    due = [(row.pk, row.bulk) for row in created if row.dispatched_at is not None]
    if due:
        transaction.on_commit(partial(dispatch_all, due))
    return created


def _insert(rows):
    while rows:
        try:
            with transaction.atomic():
                return Notification.objects.bulk_create(rows)
        except IntegrityError:
            stored = _stored_keys(row.idempotency_key for row in rows)
            if not stored:
                raise
            # Another transaction stored some of these keys meanwhile: theirs are the ones sent.
            rows = [row for row in rows if row.idempotency_key not in stored]
    return []


def _chunks(items, size):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def notify_many(kind, mails, *, send_after=None, sensitive=False, bulk=False, chunk_size=500):
    """Queue the e-mail ``kind`` for each of ``mails`` (``Mail``, any iterable) whose key was never queued.

    Returns how many rows were created: running a reminder again queues nothing
    and says 0. Chunk by chunk: one query for the keys already stored (their
    e-mails are not even rendered), the others rendered (``compose``) and
    inserted together (``store``), then handed to the broker after commit, so
    that outside a transaction each chunk reaches the workers before the next
    one is rendered.
    Inside ``muted()`` nothing is stored and 0 is returned.
    """
    if _muted.get():
        return 0
    created = 0
    for chunk in _chunks(mails, chunk_size):
        stored = _stored_keys(mail.key for mail in chunk)
        fresh = {}
        for mail in chunk:
            if mail.key not in stored:
                fresh.setdefault(mail.key, mail)
        rows = compose(kind, list(fresh.values()), send_after=send_after, sensitive=sensitive, bulk=bulk)
        created += len(store(rows))
    return created


def queue_for(bulk):
    return settings.NOTIFICATIONS_BULK_QUEUE if bulk else settings.NOTIFICATIONS_QUEUE


# Messages handed to the broker together; a part the broker fails on is left to the sweep whole.
PUBLISH_BATCH = 100


def dispatch(pk, bulk=False):
    """Hand one row to the broker; when the broker fails, the row is left to the sweep."""
    return dispatch_all([(pk, bulk)]) == 1


def dispatch_all(rows, force=False):
    """Hand rows ``(pk, bulk)`` to the broker in order; returns how many were handed over.

    The first broker failure leaves the rest to the sweep, from the part it
    happened in (a message of that part that got through finds its row already
    sent: nothing goes twice), and for NOTIFICATIONS_BROKER_PAUSE_SECONDS this
    process does not try again unless ``force`` (the sweep): a request pays one
    short failure at most, never one per e-mail.
    """
    from .tasks import send_notification

    broker = send_notification.app.conf.broker_url
    failed_at = _broker_failures.get(broker)
    paused = failed_at is not None and time.monotonic() - failed_at < settings.NOTIFICATIONS_BROKER_PAUSE_SECONDS
    handed = 0
    if paused and not force:
        logger.info("Broker failed moments ago: %s notification(s) left for the sweep.", len(rows))
    else:
        try:
            # One producer for all, and the messages sent to Redis in pipelines: one round trip per part, not per row.
            with send_notification.app.producer_or_acquire() as producer:
                for start in range(0, len(rows), PUBLISH_BATCH):
                    part = rows[start : start + PUBLISH_BATCH]
                    with producer.batch(max_size=PUBLISH_BATCH):
                        for pk, bulk in part:
                            send_notification.apply_async((pk,), queue=queue_for(bulk), retry=False, producer=producer)
                    handed += len(part)
        except Exception:
            _broker_failures[broker] = time.monotonic()
            logger.warning(
                "Broker unreachable: %s notification(s) left for the sweep.", len(rows) - handed, exc_info=True
            )
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
