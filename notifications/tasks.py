from celery import shared_task
from django.conf import settings

from . import services


# Acknowledged only once done, and given back to the queue if its process dies: a row is never dropped mid-send.
@shared_task(
    bind=True,
    name="notifications.send",
    max_retries=None,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.NOTIFICATIONS_SEND_SOFT_TIME_LIMIT,
    time_limit=settings.NOTIFICATIONS_SEND_TIME_LIMIT,
)
def send_notification(self, notification_id):
    try:
        return services.deliver(notification_id)
    except services.RetryLater as later:
        raise self.retry(countdown=later.countdown) from None


@shared_task(name="notifications.sweep_outbox")
def sweep_outbox():
    return services.sweep()


@shared_task(bind=True, name="notifications.heartbeat")
def heartbeat(self):
    services.record_heartbeat(self.request.hostname or "worker")
