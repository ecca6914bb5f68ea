from celery import shared_task

from . import services


@shared_task(name="events.remind_registrants")
def remind_registrants():
    return services.remind_registrants()
