"""Response headers: a Permissions-Policy on every response, and no Server header, from the app or from gunicorn."""

import os

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from config.middleware import SecurityHeadersMiddleware
from tests.conftest import Gunicorn, free_port

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


def test_gunicorn_with_the_projects_config_sends_no_server_header(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    environment.pop("REDIS_URL", None)
    gunicorn = Gunicorn(free_port(), tmp_path / "gunicorn.log", environment)
    try:
        response = gunicorn.wait_ready()
        headers = dict(response.getheaders())
    finally:
        gunicorn.stop()

    assert response.status == 200
    assert ("Server" in headers, headers["Permissions-Policy"]) == (False, POLICY)
