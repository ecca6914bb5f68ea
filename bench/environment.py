"""Where the bench runs: its folders, its database and Redis, and the environment of every process it starts."""

import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from .database import DEFAULT_URL

BASE_DIR = Path(__file__).resolve().parent.parent
LOG_DIR = BASE_DIR / "var" / "bench"
RESULTS_PATH = BASE_DIR / "bench" / "results.json"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def database_url():
    return os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL


def redis_url():
    """BENCH_REDIS_URL, else REDIS_URL, else the local default; "" when that Redis does not answer."""
    url = os.environ.get("BENCH_REDIS_URL", os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL)
    if not url:
        return ""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            answered = conn.recv(64)
    except OSError:
        return ""
    # A password-protected Redis answers NOAUTH to a bare PING: reachable all the same.
    return url if answered.startswith((b"+PONG", b"-NOAUTH")) else ""


def process_environment(port, redis):
    """The deployment settings of every bench process: DEBUG off, plain HTTP on loopback, the bench's own data."""
    site = f"http://127.0.0.1:{port}"
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings_bench",
        "BENCH_DATABASE_URL": database_url(),
        "REDIS_URL": redis,
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        # "testserver" is the host of the in-process test client that counts queries.
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SITE_URL": site,
        "CSRF_TRUSTED_ORIGINS": site,
        "LOG_LEVEL": "WARNING",
    }
