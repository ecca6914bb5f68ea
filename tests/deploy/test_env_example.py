"""deploy/env.example: the production settings that matter are there, and each line is one something reads."""

import re

from django.conf import settings

from .servers import DEPLOY, SYSTEMD

REQUIRED = {
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "TRUSTED_PROXY_COUNT",
    "LOG_FORMAT",
    "SENTRY_DSN",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
}
# Read by boto3 itself, not by the settings.
READ_BY_BOTO3 = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def names_read():
    """Every variable the settings, the gunicorn config or the systemd units read from the environment."""
    base = settings.BASE_DIR
    read = set(re.findall(r'\benv(?:\.\w+)?\(\s*"([A-Z0-9_]+)"', (base / "config" / "settings.py").read_text()))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', (base / "config" / "gunicorn.conf.py").read_text()))
    for path in SYSTEMD.glob("*.service"):
        read |= set(re.findall(r"\$\{([A-Z0-9_]+)\}", path.read_text()))
    return read | READ_BY_BOTO3


def test_the_example_sets_every_production_setting_and_only_settings_that_are_read():
    lines = (DEPLOY / "env.example").read_text().splitlines()
    names = {match.group(1) for line in lines if (match := re.match(r"#?([A-Z][A-Z0-9_]*)=", line))}

    assert REQUIRED - names == set()
    assert names - names_read() == set()
