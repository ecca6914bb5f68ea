"""A small cluster on loopback: two gunicorn nodes, two Celery workers and one beat, sharing PostgreSQL, Redis,
the bucket and the SMTP recorder; and a visitor that talks to any node over real HTTP."""

import html
import http.client
import os
import re
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

from tests.conftest import Gunicorn, LoggedProcess, WorkerProcess, database_url, free_port

# At most this many accepted event registrations per client address and hour, on every node.
REGISTRATION_RATE_LIMIT = 3
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# A line of a log that says something broke: a traceback, an error, an answer 5xx in a node's access log.
FAILURE = re.compile(r'Traceback|\sERROR\s|" 5\d\d ')


def tail(path, lines=60):
    try:
        text = Path(path).read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


class Node(Gunicorn):
    """``gunicorn config.wsgi`` on a free loopback port, two workers of two threads, as in production."""

    def __init__(self, name, port, log_path, environment):
        self.name = name
        self.host = f"127.0.0.1:{port}"
        self.origin = f"http://{self.host}"
        options = ["--timeout", "60", "--access-logfile", "-"]
        super().__init__(port, log_path, {**os.environ, **environment}, workers=2, threads=2, options=options)

    def wait_ready(self, timeout=180):
        # Seven Django processes start at once here: on a small, busy machine a node may take a minute or more.
        status = super().wait_ready(timeout=timeout).status
        if status != 200:
            raise AssertionError(f"Node {self.name} answers HTTP {status}:\n{tail(self.log_path)}")
        return self


class Beat(LoggedProcess):
    def __init__(self, log_path, schedule_path, environment):
        command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO", "-s", schedule_path]
        super().__init__(command, log_path, {**os.environ, **environment})

    def sent(self, task):
        """How many times the beat handed the periodic task ``task`` (its schedule name) to the broker."""
        return self.output().count(f"Sending due task {task} ")


# --- a browser over real HTTP -------------------------------------------------------


@dataclass
class Page:
    status: int
    headers: dict
    body: bytes

    @property
    def location(self):
        return self.headers.get("location", "")

    @property
    def text(self):
        return html.unescape(self.body.decode("utf-8", "replace"))

    def csrf_token(self):
        found = CSRF_FIELD.search(self.body.decode("utf-8", "replace"))
        assert found, f"No form token in the page (HTTP {self.status}):\n{self.text[:2000]}"
        return found.group(1)


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Visitor:
    """One person's browser: keeps its cookies whichever node answers; ``address`` is the client a proxy in front
    of the nodes would append to X-Forwarded-For (TRUSTED_PROXY_COUNT=1)."""

    def __init__(self, address=None):
        self.address = address
        self.cookies = {}

    def request(self, node, method, path, body=None, content_type=None):
        headers = {"Host": node.host, "User-Agent": "lti-scaleout-test"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.address:
            headers["X-Forwarded-For"] = self.address
        if body is not None:
            headers.update({"Content-Type": content_type, "Origin": node.origin, "Referer": node.origin + path})
        connection = http.client.HTTPConnection("127.0.0.1", node.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            content = answer.read()
        finally:
            connection.close()
        for header, value in answer.getheaders():
            if header.lower() == "set-cookie":
                for name, morsel in SimpleCookie(value).items():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        return Page(answer.status, {name.lower(): value for name, value in answer.getheaders()}, content)

    def get(self, node, path):
        return self.request(node, "GET", path)

    def submit(self, node, path, fields, files=None):
        """Open the form at ``path`` on ``node`` and post it there with the page's token, as a browser does."""
        fields = {"csrfmiddlewaretoken": self.get(node, path).csrf_token(), **fields}
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request(node, "POST", path, body, content_type)


# --- the cluster --------------------------------------------------------------------


@dataclass
class Cluster:
    a: Node
    b: Node
    workers: tuple
    beat: Beat
    local_folders: tuple

    @property
    def nodes(self):
        return (self.a, self.b)

    def logs(self):
        parts = [(f"node {node.name}", node.log_path) for node in self.nodes]
        parts += [(f"worker {worker.hostname}", worker.log_path) for worker in self.workers]
        return [*parts, ("beat", self.beat.log_path)]

    def tails(self, lines=40):
        return "\n\n".join(f"--- {name} (last {lines} lines) ---\n{tail(path, lines)}" for name, path in self.logs())

    def failures(self):
        return [
            f"{name}: {line}"
            for name, path in self.logs()
            for line in Path(path).read_text(errors="replace").splitlines()
            if FAILURE.search(line)
        ]

    @contextmanager
    def explained(self):
        """Whatever fails inside the block fails with the tails of every process's log."""
        try:
            yield
        except Exception as error:
            raise AssertionError(f"{type(error).__name__}: {error}\n\n{self.tails()}") from error


@pytest.fixture
def cluster(transactional_db, smtp_server, bucket, tmp_path):
    """Node A and node B, two workers and one beat, on the test database, this Redis, the bucket, the recorder."""
    ports = (free_port(), free_port())
    environment = {
        "DJANGO_SETTINGS_MODULE": "tests.scaleout.node_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # The address people reach, the load balancer's: node A's here.
        "SITE_URL": f"http://127.0.0.1:{ports[0]}",
        "TRUSTED_PROXY_COUNT": "1",
        "REGISTRATION_RATE_LIMIT": str(REGISTRATION_RATE_LIMIT),
        # Where a file would land were the bucket not used: checked empty by the test.
        "TEST_PRIVATE_STORAGE_ROOT": str(tmp_path / "local-private"),
        "TEST_PUBLIC_MEDIA_ROOT": str(tmp_path / "local-public"),
        **bucket.environment,
    }
    started = []
    try:
        # Started together, then waited for: their start-ups overlap.
        for name, port in zip("AB", ports, strict=True):
            started.append(Node(name, port, tmp_path / f"node-{name}.log", environment))
        for index in (1, 2):
            log_path = tmp_path / f"worker-{index}.log"
            started.append(WorkerProcess(settings.REDIS_URL, smtp_server.port, log_path, **environment))
        beat = Beat(tmp_path / "beat.log", str(tmp_path / "celerybeat-schedule"), environment)
        started.append(beat)
        nodes, workers = started[:2], started[2:4]
        for process in nodes:
            process.wait_ready()
        for process in workers:
            process.wait_ready(timeout=180)
        if beat.process.poll() is not None:
            raise AssertionError(f"Celery beat exited at start-up:\n{tail(beat.log_path)}")
        yield Cluster(
            *nodes,
            workers=tuple(workers),
            beat=beat,
            local_folders=(tmp_path / "local-private", tmp_path / "local-public"),
        )
    finally:
        # All asked to stop at once, then waited for; before the database is flushed.
        for process in started:
            if process.process.poll() is None:
                process.process.terminate()
        for process in started:
            process.stop()
