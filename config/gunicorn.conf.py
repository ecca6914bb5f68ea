"""gunicorn's settings for the site: ``gunicorn -c config/gunicorn.conf.py config.wsgi`` (deploy/README.md).

The production values come from here, a few read from the environment (the systemd unit's EnvironmentFile);
options given on the command line override them (the tests and the bench pass --bind, --workers, --threads).

gunicorn writes ``Server: gunicorn`` before the application's headers and has no setting to leave it
out, so its responses' default headers are wrapped to drop that line. The master reads this file before
forking the workers (and again on reload); tests/core/test_headers.py starts gunicorn with it and checks.
"""

import os

from gunicorn.http import wsgi

# Behind nginx on the same machine by default; a web node of several listens on its private address instead.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Two processes per core plus one, the usual rule, capped: each worker holds its own Django (~100-150 MB).
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 12)))

# A few threads per worker: a request waiting on PostgreSQL, Redis or the bucket leaves the process to another.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))

# A worker whose heartbeat stops for 30 s (stuck, not merely busy: its threads serve while it beats) is killed
# and replaced; nginx's proxy timeouts (deploy/nginx/label-proxy.conf) are set just above.
timeout = 30

# On stop or reload (SIGTERM, SIGHUP), the requests in flight get this long to finish; systemd waits a bit more.
graceful_timeout = 30

# Each worker is replaced after about a thousand requests (a slow leak never grows); the jitter keeps the
# workers from restarting all at once.
max_requests = 1000
max_requests_jitter = 100

# X-Forwarded-Proto is believed from these addresses only: nginx on this machine. A web node behind an nginx
# on another machine lists that machine's address in FORWARDED_ALLOW_IPS.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No access log: the application writes one line per request itself. Errors go to stderr, hence the journal.
accesslog = None
errorlog = "-"

# The workers' heartbeat file in memory: a slow or full disk under /tmp must not get a worker killed.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# gunicorn's control socket (gunicornc) is not used: systemd sends the signals. Without this, gunicorn would
# create ~/.gunicorn/, which the hardened unit cannot write, and two instances on one machine would share it.
control_socket_disable = True

# The name ps and top show for its processes.
proc_name = "label-web"

# On a reload the file runs again: the headers as gunicorn wrote them are kept aside once, wrapped once.
_default_headers = getattr(wsgi.Response, "default_headers_with_server", wsgi.Response.default_headers)


def _default_headers_without_server(response):
    return [line for line in _default_headers(response) if not line.lower().startswith("server:")]


wsgi.Response.default_headers_with_server = _default_headers
wsgi.Response.default_headers = _default_headers_without_server
