"""/healthz: its status code for anyone, the state of each part for staff past their second factor and for the
monitoring token only."""

import pytest
from django.utils import timezone

from notifications.models import WorkerHeartbeat
from tests.conftest import broker_at, free_port
from tests.factories import OrganiserFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "monitoring-7f3c9a1e5b2d4c6f8a0e"
DETAILS = {
    "status": "ok",
    "database": "ok",
    "broker": "ok",
    "storage": "ok",
    "worker": "alive",
    "outbox": {"queued": 0, "failed": 0, "failed_last_hour": 0},
}


@pytest.fixture(autouse=True)
def worker_alive(db):
    WorkerHeartbeat.objects.create(hostname="w1@host", last_seen=timezone.now())


def details_of(response):
    """The payload, less the heartbeat's instant."""
    payload = response.json()
    payload.pop("worker_last_seen", None)
    return payload


def test_anyone_gets_the_status_and_nothing_more(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_anyone_sees_the_site_degraded_by_its_status_code(client):
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "degraded"})


def test_among_logged_in_people_only_staff_get_the_state_of_each_part(client):
    payloads = []
    for person in (UserFactory(), OrganiserFactory()):
        client.force_login(person)
        payloads.append(details_of(client.get("/healthz")))
    assert payloads == [{"status": "ok"}, DETAILS]


def test_staff_who_have_not_given_their_second_factor_get_the_status_only(client):
    client.force_login(OrganiserFactory(), second_factor=False)
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_the_monitoring_token_gives_the_state_of_each_part(client, settings):
    settings.HEALTHZ_TOKEN = TOKEN
    payloads = [
        details_of(client.get("/healthz", headers=headers)) for headers in ({}, {"Authorization": f"Bearer {TOKEN}"})
    ]
    assert payloads == [{"status": "ok"}, DETAILS]


def test_the_monitoring_token_also_tells_which_part_is_down(client, settings):
    settings.HEALTHZ_TOKEN = TOKEN
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
    assert (response.status_code, response.json()["status"], response.json()["broker"]) == (503, "degraded", "down")


@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN, "Bearer", "Bearer ", ""],
)
def test_a_wrong_token_gets_the_status_only(client, settings, authorization):
    settings.HEALTHZ_TOKEN = TOKEN
    response = client.get("/healthz", headers={"Authorization": authorization})
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_without_a_configured_token_no_token_is_accepted(client, settings):
    settings.HEALTHZ_TOKEN = ""
    for authorization in ("Bearer ", "Bearer", f"Bearer {TOKEN}"):
        assert client.get("/healthz", headers={"Authorization": authorization}).json() == {"status": "ok"}
