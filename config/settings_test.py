"""Settings for the test suite: the environment's settings with a few test-only changes."""

import os
import uuid
from pathlib import Path

# With DEBUG off, config.settings refuses to start without a key: the suite and the processes it starts share this one.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-by-a-deployment")

from .settings import *  # noqa: E402, F403
from .settings import REDIS_URL, STORAGES, VAR_DIR, _file_storage, celery_queues  # noqa: E402

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files come from the finders: no collectstatic before the tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Tasks run inline unless a test starts a real worker (tests marked "broker").
CELERY_TASK_ALWAYS_EAGER = True
# Queues of their own, inherited by the workers the tests start, so that a
# development worker on the same Redis never takes a test's message.
CELERY_TASK_DEFAULT_QUEUE = os.environ.setdefault("LTI_TEST_QUEUE", f"lti-test-{uuid.uuid4().hex[:10]}")
NOTIFICATIONS_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-mail"
NOTIFICATIONS_BULK_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-mail-bulk"
CELERY_TASK_QUEUES = celery_queues(NOTIFICATIONS_QUEUE, CELERY_TASK_DEFAULT_QUEUE, NOTIFICATIONS_BULK_QUEUE)
if not REDIS_URL:
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}

# Folders of their own (a process a test starts may be given others through the environment).
PRIVATE_STORAGE_ROOT = Path(os.environ.get("TEST_PRIVATE_STORAGE_ROOT", VAR_DIR / "test-private"))
PUBLIC_MEDIA_ROOT = Path(os.environ.get("TEST_PUBLIC_MEDIA_ROOT", VAR_DIR / "test-media"))
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": _file_storage(PRIVATE_STORAGE_ROOT, None, "private"),
    "public": _file_storage(PUBLIC_MEDIA_ROOT, "/medias/", "public"),
}
