"""The gunicorn the measures run against: the production server, started by the bench on a free loopback port."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time

from .environment import BASE_DIR, LOG_DIR

WORKERS = 4
THREADS = 2
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """``gunicorn config.wsgi`` with the bench settings, ``--workers 4 --threads 2``, its log under var/bench/."""

    def __init__(self, port, environment):
        self.port = port
        self.environment = environment
        self.log_path = LOG_DIR / "gunicorn.log"
        self.process = None

    def __enter__(self):
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w")  # noqa: SIM115  (closed in __exit__)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.conf.py",
                "config.wsgi",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(WORKERS),
                "--threads",
                str(THREADS),
                "--timeout",
                "120",
                # Workers are never recycled during a measure (the production configuration recycles them).
                "--max-requests",
                "0",
                "--log-level",
                "warning",
            ],
            cwd=BASE_DIR,
            env={**os.environ, **self.environment},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up; see {self.log_path}")
            try:
                connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                connection.request("GET", "/accessibilite/", headers={"Host": f"{HOST}:{self.port}"})
                status = connection.getresponse().status
                connection.close()
            except OSError:
                time.sleep(0.2)
                continue
            if status != 200:
                raise RuntimeError(f"gunicorn answers HTTP {status} on /accessibilite/; see {self.log_path}")
            return
        raise RuntimeError(f"gunicorn not answering after {timeout} s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
