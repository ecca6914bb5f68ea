import os

from celery import Celery, signals

from core.observability import log_task_runs, use_django_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The worker and beat write their records as the site does (settings.LOGGING, plain or JSON), not in Celery's format.
signals.setup_logging.connect(use_django_logging, dispatch_uid="config.celery.setup_logging")
# One log line per task run (core.tasks): name, id, outcome, duration.
log_task_runs()
