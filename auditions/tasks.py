from celery import shared_task

from . import convocations, services


@shared_task(name="auditions.remind_jurors")
def remind_jurors():
    return services.remind_jurors()


@shared_task(name="auditions.remind_availability")
def remind_availability():
    return convocations.remind_availability()


@shared_task(name="auditions.remind_auditions")
def remind_auditions():
    return convocations.remind_auditions()
