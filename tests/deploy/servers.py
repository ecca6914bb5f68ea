"""The deployment recipe run on loopback: the shipped nginx site with its production paths swapped for a
temporary layout, gunicorn with the production config, and a plain HTTP client that can pick its source address."""

import datetime
import http.client
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tests.conftest import free_port

BASE_DIR = settings.BASE_DIR
DEPLOY = BASE_DIR / "deploy"
SITE = DEPLOY / "nginx" / "label-territoire-innovant.conf"
SNIPPET = DEPLOY / "nginx" / "label-proxy.conf"
SYSTEMD = DEPLOY / "systemd"
PRODUCTION_ROOT = "/srv/label-territoire-innovant"
DOMAIN = "label.example.org"
MIME_TYPES = Path("/etc/nginx/mime.types")


def nginx_binary():
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin")


def render(text, replacements):
    """``text`` with each ``old`` replaced by ``new``; an ``old`` missing from the shipped file fails the test."""
    for old, new in replacements.items():
        assert old in text, f"the shipped file no longer contains {old!r}: update the tests with the recipe"
        text = text.replace(old, new)
    return text


def make_certificate(folder):
    """A self-signed certificate for localhost, valid a day: (certificate path, key path)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class Layout:
    """The production layout rebuilt under ``folder``: the checkout (``root``), certbot's webroot, the
    certificate, and an nginx.conf that includes the site plus a plain-HTTP test listener on the snippet."""

    def __init__(self, folder, certificate, upstream_port):
        self.folder = folder
        self.root = folder / "srv"
        self.webroot = folder / "acme"
        self.prefix = folder / "nginx"
        self.http_port, self.https_port, self.plain_port = free_port(), free_port(), free_port()
        self.upstream_port = upstream_port
        for path in (self.root / "deploy" / "nginx", self.root / "staticfiles", self.webroot, self.prefix):
            path.mkdir(parents=True, exist_ok=True)
        self.conf = self.prefix / "nginx.conf"
        self.error_log = self.prefix / "error.log"
        self.snippet = self.root / "deploy" / "nginx" / SNIPPET.name
        self.site = self.prefix / SITE.name
        self.snippet.write_text(render(SNIPPET.read_text(), {PRODUCTION_ROOT: str(self.root)}))
        cert_path, key_path = certificate
        self.site.write_text(
            render(
                SITE.read_text(),
                {
                    PRODUCTION_ROOT: str(self.root),
                    f"/etc/letsencrypt/live/{DOMAIN}/fullchain.pem": str(cert_path),
                    f"/etc/letsencrypt/live/{DOMAIN}/privkey.pem": str(key_path),
                    "root /var/www/html;": f"root {self.webroot};",
                    "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
                    # Loopback only, on free ports; no IPv6 (a test machine may have none).
                    "listen 80;": f"listen 127.0.0.1:{self.http_port};",
                    "listen [::]:80;": "",
                    "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
                    "listen [::]:443 ssl http2;": "",
                },
            )
        )
        # As root, nginx's workers would run as "nobody", who cannot read pytest's private temporary folders.
        user = "user root;" if os.geteuid() == 0 else ""
        temp = {name: self.prefix / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
        self.conf.write_text(
            f"""
{user}
worker_processes 1;
daemon off;
pid {self.prefix / "nginx.pid"};
error_log {self.error_log} warn;
events {{
    worker_connections 64;
}}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log {self.prefix / "access.log"};
    client_body_temp_path {temp["client_body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};

    include {self.site};

    # The tests' plain HTTP listener: the HTTPS server's locations and headers, without TLS.
    server {{
        listen 127.0.0.1:{self.plain_port};
        include {self.snippet};
    }}
}}
"""
        )

    def command(self, *options):
        return [nginx_binary(), "-p", str(self.prefix), "-e", str(self.error_log), "-c", str(self.conf), *options]

    def errors(self):
        return self.error_log.read_text() if self.error_log.exists() else ""


def _wait_for_port(port, process, name, output, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{name} exited at start-up:\n{output()}")
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            probe.request("GET", "/accessibilite/", headers={"Host": "localhost"})
            probe.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            probe.close()
    raise AssertionError(f"{name} not answering on port {port} after {timeout} s:\n{output()}")


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Nginx:
    """nginx in the foreground on a ``Layout``, stopped by ``stop()``."""

    def __init__(self, layout):
        self.layout = layout
        self.process = subprocess.Popen(layout.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def wait_ready(self):
        # The plain listener proxies to gunicorn: an answer from it means both are up.
        _wait_for_port(self.layout.plain_port, self.process, "nginx", self.layout.errors)
        return self

    def stop(self):
        _stop(self.process)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode()


def _insecure_context():
    # The certificate is the test's own, self-signed: its chain is not what these tests look at.
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def request(port, method, path, *, tls=False, source="127.0.0.3", headers=None, body=None):
    """One request to nginx on loopback from ``source``: Django must read that address from X-Forwarded-For,
    since nginx itself connects to gunicorn from 127.0.0.1."""
    options = {"timeout": 30, "source_address": (source, 0)}
    if tls:
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=_insecure_context(), **options)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, **options)
    try:
        connection.request(method, path, body=body, headers={"Host": "localhost", **(headers or {})})
        response = connection.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        connection.close()


# --- what the shipped files say -------------------------------------------------------

# nginx's size suffixes.
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def body_size_limits():
    """Every client_max_body_size of the shipped nginx files, in bytes."""
    limits = []
    for path in sorted((DEPLOY / "nginx").glob("*.conf")):
        for number, unit in re.findall(r"^\s*client_max_body_size\s+(\d+)([kKmMgG]?)\s*;", path.read_text(), re.M):
            limits.append(int(number) * UNITS[unit.lower()])
    return limits


# What config/gunicorn.conf.py reads from the environment: never inherited from the test's own environment.
READ_FROM_THE_ENVIRONMENT = ("GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS", "FORWARDED_ALLOW_IPS")
# The settings the tests compare.
SHOWN = (
    "bind",
    "workers",
    "worker_class",
    "threads",
    "timeout",
    "graceful_timeout",
    "max_requests",
    "max_requests_jitter",
    "forwarded_allow_ips",
    "accesslog",
    "errorlog",
    "worker_tmp_dir",
    "control_socket_disable",
)


def gunicorn_config(*options, **environment):
    """The settings gunicorn resolves from the file, ``environment`` and ``options`` (its --print-config)."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in READ_FROM_THE_ENVIRONMENT and name != "GUNICORN_CMD_ARGS"
    }
    # --print-config loads the application too: the standard library's tiny one resolves the same settings
    # in a tenth of the time Django takes to load.
    app = "wsgiref.simple_server:demo_app"
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", app, "--print-config", *options],
        cwd=settings.BASE_DIR,
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    resolved = {}
    for line in result.stdout.splitlines():
        name, _equals, value = line.partition(" = ")
        resolved[name.strip()] = value.strip()
    return {name: resolved[name] for name in SHOWN}
