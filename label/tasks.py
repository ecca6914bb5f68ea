from celery import shared_task

from . import services


@shared_task(name="label.remind_drafts")
def remind_drafts():
    return services.remind_drafts()
