"""The outbox as organisers watch it: what waits, what failed lately, whether a worker is there to send."""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from core import clock
from notifications.health import worker_state
from notifications.models import Notification
from notifications.services import worker_last_seen

FAILED_WITHIN = timedelta(hours=24)


@dataclass
class Outbox:
    queued: int
    failed: int
    worker: str  # "alive", "stale" or "missing", as /healthz says
    worker_last_seen: object
    queued_url: str
    failed_url: str


def outbox(now=None):
    """The whole platform's outbox (e-mails know no edition): queued, failed in the last 24 hours, the worker."""
    now = clock.now(now)
    since = now - FAILED_WITHIN
    failed = Q(status=Notification.Status.FAILED)
    # A failed row is left alone until resent or cancelled, so its last change is its failure (as /healthz reads it).
    counts = Notification.objects.aggregate(
        queued=Count("pk", filter=Q(status=Notification.Status.QUEUED)),
        failed=Count("pk", filter=failed & Q(updated_at__gte=since)),
    )
    last_seen = worker_last_seen()
    changelist = reverse("admin:notifications_notification_changelist")
    recent_failures = {"status__exact": Notification.Status.FAILED, "updated_at__gte": since.isoformat()}
    return Outbox(
        queued=counts["queued"],
        failed=counts["failed"],
        worker=worker_state(last_seen, now),
        worker_last_seen=last_seen,
        queued_url=f"{changelist}?{urlencode({'status__exact': Notification.Status.QUEUED})}",
        failed_url=f"{changelist}?{urlencode(recent_failures)}",
    )
