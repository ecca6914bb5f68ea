from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification, WorkerHeartbeat
from tests.conftest import broker_at, free_port

pytestmark = pytest.mark.django_db


def test_healthz_with_everything_up(client):
    WorkerHeartbeat.objects.create(hostname="w1@host", last_seen=timezone.now())
    Notification.objects.create(kind="k", recipient="a@b.example", language="fr", subject="s", body_text="t")
    Notification.objects.create(
        kind="k", recipient="a@b.example", language="fr", subject="s", body_text="t", status="failed"
    )
    response = client.get("/healthz")
    assert response.status_code == 200
    payload = response.json()
    assert {key: payload[key] for key in ("database", "broker", "worker", "outbox")} == {
        "database": "ok",
        "broker": "ok",
        "worker": "alive",
        "outbox": {"queued": 1, "failed": 1, "failed_last_hour": 1},
    }
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_healthz_counts_the_failures_of_the_last_hour(client):
    now = timezone.now()
    ages = {"failed": [10, 59, 61, 180], "queued": [5], "sent": [5], "cancelled": [5]}
    for status, minutes in ages.items():
        for age in minutes:
            row = Notification.objects.create(
                kind="k", recipient="a@b.example", language="fr", subject="s", body_text="t", status=status
            )
            Notification.objects.filter(pk=row.pk).update(updated_at=now - timedelta(minutes=age))
    assert client.get("/healthz").json()["outbox"] == {"queued": 1, "failed": 4, "failed_last_hour": 2}


def test_healthz_reports_a_stale_or_missing_worker_without_failing(client):
    assert client.get("/healthz").json()["worker"] == "missing"
    WorkerHeartbeat.objects.create(hostname="w1@host", last_seen=timezone.now() - timedelta(minutes=3))
    response = client.get("/healthz")
    assert (response.status_code, response.json()["worker"]) == (200, "stale")


def test_healthz_is_503_when_the_broker_is_down(client):
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert (response.json()["database"], response.json()["broker"]) == ("ok", "down")


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["outbox"] == {"queued": None, "failed": None, "failed_last_hour": None}
