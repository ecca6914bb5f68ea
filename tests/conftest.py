"""Fixtures shared by the whole suite: query counts, a stopped clock, real SMTP, Celery workers and browser."""

import html
import http.client
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import UTC
from email import message_from_bytes, policy
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import ORGANISER_GROUP, grant_organiser_permissions
from auditions.jury.ranking import forget_scored
from core.pages import forget_public_pages
from tests.factories import OrganiserFactory, UserFactory

BASE_DIR = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _broker_unavailable_reason():
    if not settings.REDIS_URL:
        return "REDIS_URL is not set: no Redis broker to run real workers on"
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL is not PostgreSQL: a worker process cannot share an in-memory SQLite test database"
    return None


def _postgres_unavailable_reason():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "DATABASE_URL is not PostgreSQL"
    return None


def _gettext_unavailable_reason():
    if shutil.which("xgettext") is None:
        return "GNU gettext is not installed (apt-get install gettext)"
    return None


def _nginx_unavailable_reason():
    if shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin") is None:
        return "nginx is not installed (apt-get install nginx)"
    return None


def _browser_unavailable_reason():
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not (BASE_DIR / "node_modules" / "axe-core" / "axe.min.js").exists():
        return "axe-core is not installed (npm ci)"
    return None


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    broker = settings.CELERY_BROKER_URL.split("@")[-1]
    lines = [f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({database.get('HOST') or database['NAME']})"]
    lines.append(f"broker: {broker} (queues {', '.join(queue.name for queue in settings.CELERY_TASK_QUEUES)})")
    checks = (
        ("broker", _broker_unavailable_reason()),
        ("browser", _browser_unavailable_reason()),
        ("postgres", _postgres_unavailable_reason()),
        ("gettext", _gettext_unavailable_reason()),
        ("nginx", _nginx_unavailable_reason()),
    )
    for name, reason in checks:
        if reason:
            lines.append(f"*** {name} tests SKIPPED: {reason} ***")
    return lines


def pytest_collection_modifyitems(config, items):
    reasons = {
        "broker": _broker_unavailable_reason(),
        "browser": _browser_unavailable_reason(),
        "postgres": _postgres_unavailable_reason(),
        "gettext": _gettext_unavailable_reason(),
        "nginx": _nginx_unavailable_reason(),
    }
    for marker, reason in reasons.items():
        if not reason or not any(marker in item.keywords for item in items):
            continue
        if IN_CI:
            raise pytest.UsageError(f"CI=true but the {marker} tests cannot run: {reason}")
        for item in items:
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def reference_data(request):
    """Tests on a flushed database (transactional, browser) get back what migrations load: regions, themes,
    organisers."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    if not (transactional or {"transactional_db", "live_server"} & set(request.fixturenames)):
        return
    request.getfixturevalue("transactional_db")
    from events.models import Region
    from events.regions import REGIONS

    for code, name in REGIONS:
        Region.objects.get_or_create(code=code, defaults={"name": name})
    from label.models import Theme

    themes = import_module("label.migrations.0008_initial_themes").THEMES
    for order, (slug, name) in enumerate(themes):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
    Group.objects.get_or_create(name=ORGANISER_GROUP)
    grant_organiser_permissions()


@pytest.fixture(autouse=True)
def fresh_public_pages():
    """A public page cached by an earlier test (other rows, another clock) is never served to this one."""
    forget_public_pages()


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    """Attempts counted in the shared cache (logins, sign-ups, registrations) start from zero in each test."""
    from core import throttle

    monkeypatch.setattr(throttle, "namespace", f"{uuid.uuid4().hex}:")


@pytest.fixture(autouse=True)
def fresh_rankings():
    """A jury's figures kept by an earlier test, whose rows may reuse this one's ids and instants, are dropped."""
    forget_scored()


@pytest.fixture(autouse=True)
def logins_pass_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a complete login: password and, as organisers and jurors must, a code.

    ``client.force_login(user, second_factor=False)`` stops after the password, as a session does until the
    code is given; the tests of the second factor itself log in through the real pages.
    """
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    original = ClientMixin.force_login

    def force_login(self, user, backend=None, second_factor=True):
        original(self, user, backend)
        if second_factor:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name="test", confirmed=True
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture
def organiser(db):
    return OrganiserFactory()


@pytest.fixture
def organiser_client(client, organiser):
    """A client logged in as a member of the "Organisateurs" group (staff)."""
    client.force_login(organiser)
    return client


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


# --- pages: their cost and what they say --------------------------------------------


@pytest.fixture
def count_queries():
    """``count_queries(client, url, data=None)``: the queries of a GET that must answer 200, streamed body included."""

    def count(client, url, data=None):
        # The cost of rendering the page, not of reading it from the public pages' cache or a jury's kept figures.
        forget_public_pages()
        forget_scored()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, data)
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
        return len(captured.captured_queries)

    return count


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def text(response):
    return html.unescape(response.content.decode())


# --- a stopped clock ----------------------------------------------------------------


class Clock:
    """The time of the whole process (threads included), stopped at the instant a test sets."""

    def __init__(self, time_machine):
        self.time_machine = time_machine

    def set(self, instant):
        # Given naive in UTC, the instant leaves the process's time zone (TZ) as it is.
        self.time_machine.move_to(instant.astimezone(UTC).replace(tzinfo=None), tick=False)


@pytest.fixture
def clock(time_machine):
    """``clock.set(instant)``; the clock runs again after the test."""
    return Clock(time_machine)


# --- a real SMTP server on loopback -------------------------------------------------


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SMTPRecorder:
    """aiosmtpd handler: keeps what it accepts, or refuses every recipient with ``refuse_with``."""

    def __init__(self):
        self.messages = []
        self.refuse_with = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content or envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="session")
def smtp_server_session():
    from aiosmtpd.controller import Controller

    recorder = SMTPRecorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.port = controller.port
    yield recorder
    controller.stop()


@pytest.fixture
def smtp_server(smtp_server_session):
    smtp_server_session.messages.clear()
    smtp_server_session.refuse_with = None
    yield smtp_server_session
    smtp_server_session.refuse_with = None


@pytest.fixture
def smtp_backend(settings, smtp_server):
    """Send this process's mail through the loopback SMTP server."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    return smtp_server


# --- real Celery workers ------------------------------------------------------------


def wait_for(predicate, timeout=30.0, interval=0.2, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")


def database_url():
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class LoggedProcess:
    """A subprocess a test starts in the project's folder, its output in a log file; ``stop()`` ends it."""

    def __init__(self, command, log_path, environment):
        self.log_path = log_path
        self.log = open(log_path, "w")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=environment, stdout=self.log, stderr=subprocess.STDOUT
        )

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return Path(self.log_path).read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Gunicorn(LoggedProcess):
    """``gunicorn -c config/gunicorn.conf.py config.wsgi`` on a loopback port, as production and the bench start it
    (``environment`` is the whole environment of the process)."""

    def __init__(self, port, log_path, environment, workers=1, threads=2, options=()):
        self.port = port
        command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"]
        command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads), *options]
        super().__init__(command, log_path, environment)

    def wait_ready(self, path="/accessibilite/", timeout=60):
        """Once it answers ``path`` (any HTTP answer, which is returned); with ``path=None``, once it accepts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited at start-up:\n{self.output()}")
            try:
                if path is None:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    return None
                probe = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                try:
                    probe.request("GET", path)
                    response = probe.getresponse()
                    response.read()
                    return response
                finally:
                    probe.close()
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn not answering on port {self.port} after {timeout} s:\n{self.output()}")


class WorkerProcess(LoggedProcess):
    """A `celery -A config worker` subprocess on the test database and a given broker."""

    def __init__(self, broker_url, smtp_port, log_path, **extra_env):
        self.hostname = f"test-{uuid.uuid4().hex[:8]}@localhost"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "NOTIFICATIONS_RETRY_BASE_SECONDS": "1",
            "NOTIFICATIONS_MAX_ATTEMPTS": "3",
            **extra_env,
        }
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
            "-n",
            self.hostname,
            "-Q",
            ",".join(queue.name for queue in settings.CELERY_TASK_QUEUES),
        ]
        super().__init__(command, log_path, env)

    def wait_ready(self, timeout=60):
        from notifications.models import WorkerHeartbeat

        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"Celery worker exited early:\n{self.output()}")
            return WorkerHeartbeat.objects.filter(hostname=self.hostname).exists()

        try:
            wait_for(ready, timeout=timeout, message="the worker's start-up heartbeat")
        except AssertionError:
            self.stop()
            raise AssertionError(f"Celery worker not ready:\n{self.output()}") from None
        return self


@contextmanager
def broker_at(url):
    """Point this process's Celery producer at ``url`` (and back), dropping pooled connections."""
    from config.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._after_fork()  # what Celery itself runs to forget its pooled connections
    try:
        yield
    finally:
        app.conf.broker_url = previous
        app._after_fork()


@pytest.fixture
def live_tasks(settings):
    """Publish tasks to the broker instead of running them inline."""
    from config.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def celery_worker(transactional_db, smtp_server, live_tasks, tmp_path):
    """A real worker on the configured Redis, sending through the loopback SMTP server."""
    worker = WorkerProcess(settings.REDIS_URL, smtp_server.port, tmp_path / "worker.log").wait_ready()
    yield worker
    worker.stop()


class RedisServer:
    """A private redis-server on its own port, that a test may stop and start again."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            raise AssertionError("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, message="redis-server to answer")

    def _answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


# --- a real browser -----------------------------------------------------------------


# --- an S3-compatible object storage on loopback ------------------------------------


class Bucket:
    """A bucket of its own on the loopback S3 server; ``client`` is boto3's, ``environment`` configures a process."""

    def __init__(self, endpoint, name):
        import boto3

        self.endpoint = endpoint
        self.name = name
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=S3_CREDENTIALS[0],
            aws_secret_access_key=S3_CREDENTIALS[1],
            region_name="us-east-1",
        )
        self.client.create_bucket(Bucket=name)
        self.environment = {
            "AWS_STORAGE_BUCKET_NAME": name,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": S3_CREDENTIALS[0],
            "AWS_SECRET_ACCESS_KEY": S3_CREDENTIALS[1],
        }

    def storage_settings(self, prefix):
        return {
            "BACKEND": "core.bucket_storage.PublicBucketStorage"
            if prefix == "public"
            else "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.name,
                "endpoint_url": self.endpoint,
                "region_name": "us-east-1",
                "access_key": S3_CREDENTIALS[0],
                "secret_key": S3_CREDENTIALS[1],
                "location": prefix,
            },
        }

    def keys(self, prefix=""):
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def acl_grants(self, key):
        return self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]


S3_CREDENTIALS = ("test-access-key", "test-secret-key")


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server, threaded in this process, answering real S3 requests on a loopback port."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    """A new bucket, and this process's private and public storages moved into it for the test."""
    created = Bucket(s3_server, f"lti-test-{uuid.uuid4().hex[:12]}")
    settings.STORAGES = {
        **settings.STORAGES,
        "private": created.storage_settings("private"),
        "public": created.storage_settings("public"),
    }
    return created


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop shares the test thread
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    # The CSP forbids inline scripts; axe-core is injected by the test, so the test bypasses it.
    context = browser.new_context(bypass_csp=True, locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()


AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page):
    """Serious and critical WCAG 2.1 A/AA violations on the current page."""
    page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        {"id": violation["id"], "impact": violation["impact"], "nodes": [n["target"] for n in violation["nodes"]]}
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]
