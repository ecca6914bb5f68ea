"""Settings of the gunicorn that tests/core/test_observability.py starts: the test settings and a page that fails."""

from config.settings_test import *  # noqa: F403

ROOT_URLCONF = "tests.core.sentry_probe_urls"
