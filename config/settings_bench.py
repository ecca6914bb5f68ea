"""Settings of `make bench`: the environment's production settings, isolated from every other use.

Deployment knobs (DEBUG, HTTPS, ALLOWED_HOSTS, SITE_URL, REDIS_URL, CONN_MAX_AGE…)
come from the environment, set by ``python -m bench``; what is fixed here keeps
the bench apart: its own database (``BENCH_DATABASE_URL``, never ``DATABASE_URL``),
its own cache prefix and Celery queues, no e-mail ever leaving the process, and
the bench URLs (the project's plus the bare reference views).
"""

import os

# DEBUG is off here as in production, where config.settings wants a key: the bench's processes share this one.
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-never-used-by-a-deployment")

from .settings import *  # noqa: E402, F403
from .settings import CACHES, REDIS_URL, VAR_DIR, celery_queues, env  # noqa: E402

BENCH_DIR = VAR_DIR / "bench"
# The captured bytes served by the bare reference views (bench.views.bare).
BENCH_BARE_DIR = BENCH_DIR / "bare"

DATABASES = {"default": env.db("BENCH_DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/lti_bench")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A deployment's connections, as config.settings gives PostgreSQL: kept a minute, checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

ROOT_URLCONF = "config.urls_bench"
# The bench's own command (build_bench_data); never installed outside the bench.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
STATIC_ROOT = BENCH_DIR / "static"

# Outbox rows are what the bench counts; a message a task might still send stays in memory.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Queues no development or test worker reads; the bench purges them after each run.
CELERY_TASK_DEFAULT_QUEUE = "lti-bench"
NOTIFICATIONS_QUEUE = "lti-bench-mail"
NOTIFICATIONS_BULK_QUEUE = "lti-bench-mail-bulk"
CELERY_TASK_QUEUES = celery_queues(NOTIFICATIONS_QUEUE, CELERY_TASK_DEFAULT_QUEUE, NOTIFICATIONS_BULK_QUEUE)
if REDIS_URL:
    CACHES = {"default": {**CACHES["default"], "KEY_PREFIX": "lti-bench"}}
else:
    # Without Redis, nothing may land in the filesystem broker a development worker reads.
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
