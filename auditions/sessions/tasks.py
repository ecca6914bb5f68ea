"""The audition sessions' periodic tasks, under the names the beat schedule of config/settings.py calls."""

from celery import shared_task

from . import convocations, services


@shared_task(name="auditions.remind_availability")
def remind_availability():
    return services.remind_availability()


@shared_task(name="auditions.remind_auditions")
def remind_auditions():
    return convocations.remind_auditions()
