from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from notifications.models import Notification, WorkerHeartbeat
from tests.conftest import broker_at, free_port

pytestmark = pytest.mark.django_db

MONITORING_TOKEN = "monitoring-token-for-the-tests"


@pytest.fixture
def monitor(settings):
    """A client sending the monitoring token, to which /healthz gives the state of each part."""
    settings.HEALTHZ_TOKEN = MONITORING_TOKEN
    return Client(headers={"Authorization": f"Bearer {MONITORING_TOKEN}"})


def test_healthz_with_everything_up(monitor):
    WorkerHeartbeat.objects.create(hostname="w1@host", last_seen=timezone.now())
    Notification.objects.create(kind="k", recipient="a@b.example", language="fr", subject="s", body_text="t")
    Notification.objects.create(
        kind="k", recipient="a@b.example", language="fr", subject="s", body_text="t", status="failed"
    )
    response = monitor.get("/healthz")
    assert response.status_code == 200
    payload = response.json()
    assert {key: payload[key] for key in ("database", "broker", "worker", "outbox")} == {
        "database": "ok",
        "broker": "ok",
        "worker": "alive",
        "outbox": {"queued": 1, "failed": 1, "failed_last_hour": 1},
    }
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_healthz_counts_the_failures_of_the_last_hour(monitor):
    now = timezone.now()
    ages = {"failed": [10, 59, 61, 180], "queued": [5], "sent": [5], "cancelled": [5]}
    for status, minutes in ages.items():
        for age in minutes:
            row = Notification.objects.create(
                kind="k", recipient="a@b.example", language="fr", subject="s", body_text="t", status=status
            )
            Notification.objects.filter(pk=row.pk).update(updated_at=now - timedelta(minutes=age))
    assert monitor.get("/healthz").json()["outbox"] == {"queued": 1, "failed": 4, "failed_last_hour": 2}


def test_healthz_reports_a_stale_or_missing_worker_without_failing(monitor):
    assert monitor.get("/healthz").json()["worker"] == "missing"
    WorkerHeartbeat.objects.create(hostname="w1@host", last_seen=timezone.now() - timedelta(minutes=3))
    response = monitor.get("/healthz")
    assert (response.status_code, response.json()["worker"]) == (200, "stale")


def test_healthz_reports_the_files_bucket_without_failing_when_it_is_down(monitor, bucket, settings):
    assert monitor.get("/healthz").json()["storage"] == "ok"

    unreachable = bucket.storage_settings("private")
    unreachable["OPTIONS"]["endpoint_url"] = f"http://127.0.0.1:{free_port()}"
    settings.STORAGES = {**settings.STORAGES, "private": unreachable}
    response = monitor.get("/healthz")
    assert (response.status_code, response.json()["status"], response.json()["storage"]) == (200, "ok", "down")


def test_healthz_is_503_when_the_broker_is_down(monitor):
    with broker_at(f"redis://127.0.0.1:{free_port()}/0"):
        response = monitor.get("/healthz")
    assert response.status_code == 503
    assert (response.json()["database"], response.json()["broker"]) == ("ok", "down")


def test_healthz_is_503_when_the_database_is_down(monitor, monkeypatch):
    from django.db import connection

    def refuse(*args, **kwargs):
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = monitor.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "down"
    assert response.json()["outbox"] == {"queued": None, "failed": None, "failed_last_hour": None}
