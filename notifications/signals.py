from celery.signals import worker_ready
from django.db import close_old_connections


@worker_ready.connect(dispatch_uid="notifications.worker_ready_heartbeat")
def record_start(sender=None, **kwargs):
    """A worker says it is alive as soon as it starts, not only at the next beat."""
    from .services import record_heartbeat

    close_old_connections()
    record_heartbeat(getattr(sender, "hostname", None) or "worker")
