"""Operators' view of the platform: one log line per request and per task run (plain or JSON), and Sentry reports
that arrive without personal data; without SENTRY_DSN, no Sentry at all."""

import gzip
import http.client
import io
import json
import logging
import logging.config
import os
import re
import subprocess
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest
from django.conf import settings

from config.celery import app
from core.observability import logging_config, scrub_event
from tests.conftest import Gunicorn, WorkerProcess, free_port, wait_for
from tests.factories import UserFactory

EMAIL = "claire.martin@mairie-exemple.fr"
CANDIDATE_TEXT = "Notre tiers-lieu numérique accueille 300 habitants chaque semaine"
COOKIE_VALUE = "cookie-value-3f9a"
AUTHORIZATION = "Bearer token-7c21"
CLIENT_IP = "203.0.113.7"
QUERY_VALUE = "query-value-91b4"


@contextmanager
def logging_as(config):
    """``config`` applied with dictConfig, then the root and the loggers it names put back as they were."""
    names = ["", *config.get("loggers", {})]
    saved = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = (logger.handlers[:], logger.level, logger.propagate, logger.disabled)
    logging.config.dictConfig(config)
    try:
        yield
    finally:
        for name, (handlers, level, propagate, disabled) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers = handlers
            logger.setLevel(level)
            logger.propagate = propagate
            logger.disabled = disabled


@contextmanager
def json_logs(capsys):
    """The JSON configuration, writing to the test's stderr (bound in the test itself: capsys swaps it per phase);
    the function yielded parses the lines written since."""
    with logging_as(logging_config("json", "INFO")):
        capsys.readouterr()
        yield lambda: [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def settled(line):
    """The line less what changes from run to run, once checked for its form: the timestamp and the duration."""
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["timestamp"])
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    message = line["message"].replace(f"{line['duration_ms']:.1f} ms", "N ms")
    return {
        **{key: value for key, value in line.items() if key not in ("timestamp", "duration_ms")},
        "message": message,
    }


# --- one line per request -----------------------------------------------------------


@pytest.mark.django_db
def test_a_request_writes_one_json_line_without_its_query_string(client, capsys):
    with json_logs(capsys) as written:
        response = client.get("/accessibilite/", {"email": EMAIL, "jeton": QUERY_VALUE})
        lines = written()

    assert response.status_code == 200
    assert [settled(line) for line in lines] == [
        {
            "level": "INFO",
            "logger": "core.requests",
            "message": "GET /accessibilite/ 200 N ms",
            "method": "GET",
            "path": "/accessibilite/",
            "status": 200,
            "user_id": None,
        }
    ]
    assert (EMAIL in json.dumps(lines), QUERY_VALUE in json.dumps(lines)) == (False, False)


@pytest.mark.django_db
def test_a_signed_in_persons_request_carries_their_id_never_their_email(client, capsys):
    user = UserFactory(email=EMAIL)
    client.force_login(user)

    with json_logs(capsys) as written:
        response = client.get("/mes-candidatures/")
        lines = written()

    assert response.status_code == 200
    assert [settled(line) for line in lines] == [
        {
            "level": "INFO",
            "logger": "core.requests",
            "message": f"GET /mes-candidatures/ 200 N ms user {user.pk}",
            "method": "GET",
            "path": "/mes-candidatures/",
            "status": 200,
            "user_id": user.pk,
        }
    ]
    assert EMAIL not in json.dumps(lines)


@pytest.mark.django_db
def test_the_secret_part_of_a_link_is_masked_in_the_line(client, capsys):
    """A cancellation link (as a reset, invitation or confirmation link) opens something to whoever holds it."""
    from events.services import cancel_token
    from tests.events.factories import RegistrationFactory

    registration = RegistrationFactory()
    token = cancel_token(registration)
    with json_logs(capsys) as written:
        response = client.get(f"/evenements/{registration.event.slug}/annulation/{token}/")
        lines = written()

    assert response.status_code == 200
    request_lines = [line for line in lines if line["logger"] == "core.requests"]
    assert [line["path"] for line in request_lines] == [f"/evenements/{registration.event.slug}/annulation/[masqué]/"]
    assert token not in json.dumps(lines)


@pytest.mark.django_db
def test_djangos_own_records_are_json_lines_too_without_the_requests_repr(client, capsys):
    with json_logs(capsys) as written:
        response = client.get("/nulle-part/", {"jeton": QUERY_VALUE})
        lines = written()

    # Django logs the 4xx once the middleware (ours included) has answered.
    assert response.status_code == 404
    assert [settled(lines[0]), {key: value for key, value in lines[1].items() if key != "timestamp"}] == [
        {
            "level": "INFO",
            "logger": "core.requests",
            "message": "GET /nulle-part/ 404 N ms",
            "method": "GET",
            "path": "/nulle-part/",
            "status": 404,
            "user_id": None,
        },
        {"level": "WARNING", "logger": "django.request", "message": "Not Found: /nulle-part/", "status_code": 404},
    ]
    assert QUERY_VALUE not in json.dumps(lines)


@pytest.mark.django_db
def test_the_plain_format_gets_the_same_request_line(client, capsys):
    with logging_as(logging_config("plain", "INFO")):
        capsys.readouterr()
        client.get("/accessibilite/", {"jeton": QUERY_VALUE})
        written = capsys.readouterr().err

    assert re.fullmatch(
        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO core\.requests: GET /accessibilite/ 200 \d+\.\d ms\n", written
    )


# --- one line per task run ----------------------------------------------------------


@app.task(name="tests.observability.succeeds")
def succeeds(text):
    return len(text)


@app.task(name="tests.observability.fails")
def fails(text):
    raise ValueError("refused")


@app.task(bind=True, name="tests.observability.retries_once", max_retries=1)
def retries_once(self, text):
    if self.request.retries == 0:
        raise self.retry(countdown=0)
    return len(text)


def task_lines(lines):
    return [settled(line) for line in lines if line["logger"] == "core.tasks"]


def test_each_task_run_writes_one_line_with_its_outcome_never_its_arguments(capsys):
    with json_logs(capsys) as written:
        succeeded = succeeds.apply(args=[CANDIDATE_TEXT])
        failed = fails.apply(args=[CANDIDATE_TEXT])
        lines = written()

    assert task_lines(lines) == [
        {
            "level": "INFO",
            "logger": "core.tasks",
            "message": f"tests.observability.succeeds[{succeeded.id}] success in N ms",
            "task": "tests.observability.succeeds",
            "task_id": succeeded.id,
            "outcome": "success",
        },
        {
            "level": "WARNING",
            "logger": "core.tasks",
            "message": f"tests.observability.fails[{failed.id}] failure in N ms",
            "task": "tests.observability.fails",
            "task_id": failed.id,
            "outcome": "failure",
        },
    ]
    assert CANDIDATE_TEXT not in json.dumps(lines)


def test_a_retried_run_and_the_run_after_it_write_a_line_each(capsys):
    with json_logs(capsys) as written:
        result = retries_once.apply(args=[CANDIDATE_TEXT])
        lines = written()

    assert [(line["task"], line["task_id"], line["outcome"]) for line in task_lines(lines)] == [
        ("tests.observability.retries_once", result.id, "retry"),
        ("tests.observability.retries_once", result.id, "success"),
    ]


def test_the_plain_format_gets_the_same_task_line(capsys):
    with logging_as(logging_config("plain", "INFO")):
        capsys.readouterr()
        result = succeeds.apply(args=[CANDIDATE_TEXT])
        written = capsys.readouterr().err

    pattern = rf"\S+ \S+ INFO core\.tasks: tests\.observability\.succeeds\[{result.id}\] success in \d+\.\d ms"
    assert re.search(pattern, written)
    assert CANDIDATE_TEXT not in written


@pytest.mark.broker
def test_a_real_worker_with_json_logs_writes_the_tasks_line(transactional_db, smtp_server, live_tasks, tmp_path):
    from notifications.tasks import heartbeat

    worker = WorkerProcess(settings.REDIS_URL, smtp_server.port, tmp_path / "worker.log", LOG_FORMAT="json")
    worker.wait_ready()
    try:
        result = heartbeat.delay()

        def task_line():
            for line in worker.output().splitlines():
                if line.startswith("{") and json.loads(line).get("task_id") == result.id:
                    return json.loads(line)
            return None

        line = wait_for(task_line, timeout=30, message="the worker's line for the heartbeat task")
        ready = [line for line in worker.output().splitlines() if line.startswith("{") and "ready." in line]
    finally:
        worker.stop()

    assert settled(line) == {
        "level": "INFO",
        "logger": "core.tasks",
        "message": f"notifications.heartbeat[{result.id}] success in N ms",
        "task": "notifications.heartbeat",
        "task_id": result.id,
        "outcome": "success",
    }
    assert [json.loads(record)["logger"] for record in ready] == ["celery.apps.worker"]


# --- Sentry -------------------------------------------------------------------------


class SentryRecorder(BaseHTTPRequestHandler):
    """A stand-in for Sentry on loopback: keeps each envelope it is sent, decompressed."""

    envelopes = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding:
            raise AssertionError(f"unexpected Content-Encoding {encoding}")
        self.envelopes.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format, *args):
        pass


@pytest.fixture
def sentry_server():
    SentryRecorder.envelopes = []
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), SentryRecorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def envelope_items(raw):
    """The (item header, payload) pairs of a Sentry envelope: a header line, then each item's header and payload."""
    stream = io.BytesIO(raw)
    stream.readline()
    items = []
    while header_line := stream.readline().strip():
        header = json.loads(header_line)
        payload = stream.read(header["length"]) if "length" in header else stream.readline()
        if "length" in header:
            stream.readline()
        items.append((header, json.loads(payload)))
    return items


def test_an_error_reaches_sentry_without_personal_data(sentry_server, tmp_path):
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.core.sentry_probe_settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{sentry_server.server_port}/1",
        "SENTRY_ENVIRONMENT": "tests",
        "SENTRY_TRACES_SAMPLE_RATE": "1.0",
        "TRUSTED_PROXY_COUNT": "1",
    }
    environment.pop("REDIS_URL", None)
    gunicorn = Gunicorn(port, tmp_path / "gunicorn.log", environment)
    gunicorn.wait_ready(path=None)
    body = urlencode({"description": CANDIDATE_TEXT, "email": EMAIL})
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(
                "POST",
                f"/sonde/echec/?{urlencode({'email': EMAIL, 'jeton': QUERY_VALUE})}",
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"suivi={COOKIE_VALUE}; django_language=fr",
                    "Authorization": AUTHORIZATION,
                    "X-Forwarded-For": CLIENT_IP,
                    "Referer": f"http://127.0.0.1:{port}/?jeton={QUERY_VALUE}",
                    "User-Agent": "tests",
                },
            )
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()

        def types_received():
            kinds = {header["type"] for raw in SentryRecorder.envelopes for header, _ in envelope_items(raw)}
            return kinds if {"event", "transaction"} <= kinds else None

        wait_for(types_received, timeout=30, message="the error and the transaction at the Sentry stand-in")
    finally:
        gunicorn.stop()
        output = gunicorn.output()

    raw = b"\n".join(SentryRecorder.envelopes).decode()
    items = [item for envelope in SentryRecorder.envelopes for item in envelope_items(envelope)]
    event = next(payload for header, payload in items if header["type"] == "event")
    transaction = next(payload for header, payload in items if header["type"] == "transaction")
    assert response.status == 500, output
    assert [(value["type"], value["value"]) for value in event["exception"]["values"]] == [
        ("RuntimeError", "Refus pour [email]")
    ]
    assert (event["environment"], event["user"], "extra" in event) == ("tests", {"id": 42}, False)
    assert event["request"] == {
        "url": f"http://127.0.0.1:{port}/sonde/echec/",
        "method": "POST",
        "headers": {
            "Host": f"127.0.0.1:{port}",
            "Accept-Encoding": "identity",
            "Content-Length": str(len(body)),
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "tests",
        },
    }
    assert transaction["transaction"] == "/sonde/echec/"
    assert [span["data"].get("context") for span in transaction["spans"] if span["op"] == "template.render"] == [None]
    leaks = {
        secret: secret in raw
        for secret in (EMAIL, CANDIDATE_TEXT, COOKIE_VALUE, AUTHORIZATION, CLIENT_IP, QUERY_VALUE, "jeton")
    }
    assert leaks == dict.fromkeys(leaks, False)


def test_the_scrubber_keeps_what_diagnoses_and_drops_what_identifies():
    event = {
        "message": f"Échec pour {EMAIL}",
        "user": {"id": 7, "email": EMAIL, "username": "claire", "ip_address": CLIENT_IP},
        "request": {
            "url": f"https://site.example/compte/?email={EMAIL}",
            "method": "POST",
            "query_string": f"email={EMAIL}",
            "cookies": {"sessionid": COOKIE_VALUE},
            "data": {"description": CANDIDATE_TEXT},
            "env": {"REMOTE_ADDR": CLIENT_IP},
            "headers": {"Cookie": COOKIE_VALUE, "X-Forwarded-For": CLIENT_IP, "User-Agent": "Firefox"},
        },
        "extra": {"description": CANDIDATE_TEXT},
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "stacktrace": {"frames": [{"function": "submit", "vars": {"t": CANDIDATE_TEXT}}]},
                }
            ]
        },
        "threads": {"values": [{"stacktrace": {"frames": [{"function": "run", "vars": {"t": CANDIDATE_TEXT}}]}}]},
        "breadcrumbs": {
            "values": [
                {"category": "celery.worker.strategy", "message": "Task received", "data": {"data": {"args": "x"}}},
                {
                    "category": "httplib",
                    "data": {"url": "http://s3.example/doc?X-Amz-Signature=abc", "status_code": 200},
                },
            ]
        },
        "spans": [
            {"op": "template.render", "data": {"context": {"description": CANDIDATE_TEXT}, "thread.id": "1"}},
            {"op": "db", "description": "SELECT 1", "data": {"db.params": [EMAIL], "db.system": "postgresql"}},
        ],
    }

    assert scrub_event(event) == {
        "message": "Échec pour [email]",
        "user": {"id": 7},
        "request": {"url": "https://site.example/compte/", "method": "POST", "headers": {"User-Agent": "Firefox"}},
        "exception": {"values": [{"type": "ValueError", "stacktrace": {"frames": [{"function": "submit"}]}}]},
        "threads": {"values": [{"stacktrace": {"frames": [{"function": "run"}]}}]},
        "breadcrumbs": {
            "values": [
                {"category": "celery.worker.strategy", "message": "Task received", "data": {}},
                {"category": "httplib", "data": {"url": "http://s3.example/doc", "status_code": 200}},
            ]
        },
        "spans": [
            {"op": "template.render", "data": {"thread.id": "1"}},
            {"op": "db", "description": "SELECT 1", "data": {"db.system": "postgresql"}},
        ],
    }


SENTRY_STATE = (
    "import django, json, sentry_sdk; django.setup(); client = sentry_sdk.get_client(); "
    "options = {key: client.options[key] for key in ('environment', 'release', 'traces_sample_rate', "
    "'send_default_pii', 'include_local_variables', 'max_request_body_size')} if client.is_active() else {}; "
    "print(json.dumps({'active': client.is_active(), 'options': options, "
    "'integrations': sorted({'django', 'celery', 'logging'} & set(client.integrations))}))"
)


def sentry_state(**variables):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "observability-tests-secret-key-0123456789",
        # Empty wins over a SENTRY_DSN in a .env file.
        "SENTRY_DSN": "",
        **variables,
    }
    result = subprocess.run(
        [sys.executable, "-c", SENTRY_STATE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_dsn_sentry_is_not_started_and_with_one_it_is_as_configured():
    dsn = f"http://publickey@127.0.0.1:{free_port()}/1"

    assert sentry_state() == {"active": False, "options": {}, "integrations": []}
    assert sentry_state(SENTRY_DSN=dsn, SENTRY_RELEASE="lti@2.1.0", SENTRY_TRACES_SAMPLE_RATE="0.25") == {
        "active": True,
        "options": {
            "environment": "production",
            "release": "lti@2.1.0",
            "traces_sample_rate": 0.25,
            "send_default_pii": False,
            "include_local_variables": False,
            "max_request_body_size": "never",
        },
        "integrations": ["celery", "django", "logging"],
    }
