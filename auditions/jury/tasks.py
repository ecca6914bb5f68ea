"""The jury's periodic tasks, under the names the beat schedule of config/settings.py calls."""

from celery import shared_task

from . import services


@shared_task(name="auditions.remind_jurors")
def remind_jurors():
    return services.remind_jurors()
