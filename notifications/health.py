"""The state of the parts the site depends on, for /healthz and the admin."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from core import clock, storage

from .models import Notification
from .services import worker_last_seen


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


def broker_ok():
    from .tasks import send_notification

    app = send_notification.app
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=settings.REDIS_TIMEOUT_SECONDS)
            conn.default_channel  # noqa: B018  (opening a channel proves the broker answers)
    except Exception:
        return False
    return True


# The files' storage gets this long to answer (a bucket's HEAD request, a folder's stat) before it counts as down.
STORAGE_PROBE_SECONDS = 1.0
_storage_probes = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz-storage")


def storage_ok():
    """Whether the private files' storage answers within ``STORAGE_PROBE_SECONDS`` (the bucket, when there is one)."""
    probe = _storage_probes.submit(storage.private_storage().exists, "healthz-probe")
    try:
        probe.result(timeout=STORAGE_PROBE_SECONDS)
    except Exception:
        return False
    return True


def worker_state(last_seen, now=None):
    if last_seen is None:
        return "missing"
    now = clock.now(now)
    if now - last_seen > timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS):
        return "stale"
    return "alive"


def report(details=True):
    """(payload, healthy): healthy means the database and the broker both answer.

    The payload always says ``status`` (``ok`` or ``degraded``); the state of each part only with ``details``.
    The files' storage is reported but does not make the site unhealthy: every node shares it, so taking nodes out
    of a load balancer would not help, and pages other than uploads and downloads still work.
    """
    database = database_ok()
    broker = broker_ok()
    healthy = database and broker
    status = {"status": "ok" if healthy else "degraded"}
    if not details:
        return status, healthy
    payload = {
        **status,
        "database": "ok" if database else "down",
        "broker": "ok" if broker else "down",
        "storage": "ok" if storage_ok() else "down",
        "worker": "unknown",
        "worker_last_seen": None,
        "outbox": {"queued": None, "failed": None, "failed_last_hour": None},
    }
    if database:
        now = timezone.now()
        last_seen = worker_last_seen()
        payload["worker"] = worker_state(last_seen, now)
        payload["worker_last_seen"] = last_seen.isoformat() if last_seen else None
        failed = Q(status=Notification.Status.FAILED)
        counts = Notification.objects.aggregate(
            queued=Count("pk", filter=Q(status=Notification.Status.QUEUED)),
            failed=Count("pk", filter=failed),
            # A failed row is not changed again until resent or cancelled: its last change is its failure.
            failed_last_hour=Count("pk", filter=failed & Q(updated_at__gt=now - timedelta(hours=1))),
        )
        payload["outbox"] = counts
    return payload, healthy
