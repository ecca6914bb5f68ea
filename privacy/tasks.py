from celery import shared_task

from . import export, retention


@shared_task(name="privacy.build_export")
def build_export(export_id):
    return export.build(export_id)


@shared_task(name="privacy.purge_personal_data")
def purge_personal_data():
    return retention.purge().as_dict()
