"""Fixtures of the deployment recipe's tests: a certificate, and gunicorn behind the shipped nginx site."""

import os
from dataclasses import dataclass

import pytest

from tests.conftest import Gunicorn, database_url, free_port

from .servers import Layout, Nginx, make_certificate


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def layout(tmp_path, certificate):
    """The shipped site rendered for loopback; its upstream is a free port where nothing listens."""
    return Layout(tmp_path, certificate, upstream_port=free_port())


# What the gunicorn of these tests is told, beside the test database: one proxy in front of it, and HSTS (sent by
# Django on the requests it takes for HTTPS) as the visible sign of the scheme it read.
GUNICORN_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings_test",
    "DEBUG": "false",
    "TRUSTED_PROXY_COUNT": "1",
    "SECURE_HSTS_SECONDS": "3600",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "false",
}


@dataclass
class Stack:
    layout: Layout
    gunicorn: Gunicorn
    nginx: Nginx


@pytest.fixture(scope="module")
def stack(django_db_setup, tmp_path_factory, certificate):
    """gunicorn on the test database behind nginx, shared by a module's tests (starting gunicorn takes seconds).

    A test that reads what the site wrote asks for ``transactional_db`` too: the rows are flushed after it.
    Both processes are stopped at the end, and their logs printed (pytest shows them when a test failed).
    """
    folder = tmp_path_factory.mktemp("stack")
    layout = Layout(folder, certificate, upstream_port=free_port())
    environment = {**os.environ, **GUNICORN_ENVIRONMENT, "DATABASE_URL": database_url()}
    # Its own cache in memory: the login limits it counts start from zero and never outlive the module.
    environment.pop("REDIS_URL", None)
    gunicorn = Gunicorn(layout.upstream_port, folder / "gunicorn.log", environment)
    nginx = None
    try:
        gunicorn.wait_ready()
        nginx = Nginx(layout).wait_ready()
        yield Stack(layout, gunicorn, nginx)
    finally:
        if nginx is not None:
            nginx.stop()
        gunicorn.stop()
        print(f"--- gunicorn ---\n{gunicorn.output()}\n--- nginx ---\n{layout.errors()}")
