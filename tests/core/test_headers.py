"""Response headers: a Permissions-Policy on every response, and no Server header, from the app or from gunicorn."""

import http.client
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from config.middleware import SecurityHeadersMiddleware
from tests.conftest import free_port

POLICY = (
    "accelerometer=(), bluetooth=(), browsing-topics=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), hid=(), idle-detection=(), local-fonts=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accessibilite/",
        "/nulle-part/",
        "/healthz",
        "/static/css/app.css",
        "/admin/login/",
        "/compte/connexion/",
        "/jury/invitation/pas-un-jeton/",
    ],
)
def test_every_response_denies_the_unused_browser_features_and_names_no_server(client, path):
    responses = [client.get(path), client.get(path)]  # the second public page comes from the cache
    assert [(response["Permissions-Policy"], "Server" in response) for response in responses] == [(POLICY, False)] * 2


def test_a_view_may_set_its_own_policy_but_never_a_server_header():
    def view(request):
        return HttpResponse(headers={"Permissions-Policy": "geolocation=(self)", "Server": "Django"})

    response = SecurityHeadersMiddleware(view)(RequestFactory().get("/"))

    assert (response["Permissions-Policy"], "Server" in response) == ("geolocation=(self)", False)


def _wait_for(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited at start-up:\n{process.stdout.read()}")
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            probe.request("GET", "/accessibilite/")
            response = probe.getresponse()
            response.read()
            return response
        except OSError:
            time.sleep(0.2)
        finally:
            probe.close()
    raise AssertionError(f"gunicorn not answering on port {port} after {timeout} s")


def test_gunicorn_with_the_projects_config_sends_no_server_header(tmp_path):
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    environment.pop("REDIS_URL", None)
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
    options = ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--no-control-socket"]
    process = subprocess.Popen(
        command + options,
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        response = _wait_for(port, process)
        headers = dict(response.getheaders())
    finally:
        process.terminate()
        process.communicate(timeout=30)

    assert response.status == 200
    assert ("Server" in headers, headers["Permissions-Policy"]) == (False, POLICY)
