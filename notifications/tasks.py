from celery import shared_task

from . import services


@shared_task(bind=True, name="notifications.send", max_retries=None, acks_late=True)
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
