"""What the platform tells its operators: log lines (plain or JSON) and, when configured, error reports to Sentry.

Nothing personal leaves through either: request lines carry the path without its query string and at most the
signed-in person's id; task lines never carry a task's arguments; Sentry events are scrubbed by ``scrub_event``
before they are sent (no cookies, no bodies, no query strings, no addresses, no local variables).
"""

import logging
import logging.config
import re
import time

from celery import signals
from django.conf import settings
from django.utils.functional import empty
from pythonjsonlogger.core import RESERVED_ATTRS

LOG_FORMATS = ("plain", "json")
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Attributes Django's loggers attach that must not become JSON fields: the request (its repr carries the query
# string), the dev server's socket (the client's address), Celery's "data" (a task's arguments).
UNLOGGED_ATTRS = ["request", "server_time", "data"]

request_logger = logging.getLogger("core.requests")
task_logger = logging.getLogger("core.tasks")


def logging_config(log_format, level):
    """The LOGGING setting: every record on stderr, one line each, as plain text or as a JSON object."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    formatters = {
        "plain": {"format": PLAIN_FORMAT},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": ["levelname", "name", "message"],
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
            "reserved_attrs": [*RESERVED_ATTRS, *UNLOGGED_ATTRS],
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {log_format: formatters[log_format]},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format, "stream": "ext://sys.stderr"}
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's defaults give these handlers of their own (another format, a second copy with DEBUG on):
            # they go through the root's handler like every other record instead.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
        },
    }


# --- Sentry -------------------------------------------------------------------------

# Request headers worth a report; any other (Cookie, Authorization, X-Forwarded-For, Referer…) is dropped.
SENT_HEADERS = {"accept", "accept-encoding", "accept-language", "content-length", "content-type", "host", "user-agent"}
# The data a breadcrumb may keep: our own log lines' fields and the HTTP/SQL ones holding no values.
SENT_BREADCRUMB_DATA = {
    "method",
    "path",
    "status",
    "duration_ms",
    "task",
    "task_id",
    "outcome",
    "url",
    "http.method",
    "status_code",
    "reason",
    "db.paramstyle",
    "db.executemany",
}
# Span data never sent: a template's context (its objects, so candidates' texts), SQL parameters, URLs' queries.
UNSENT_SPAN_DATA = {"context", "db.params", "http.query", "http.fragment"}
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def init_sentry(dsn, environment, release, traces_sample_rate):
    """Starts the Sentry SDK: errors of the site and of Celery tasks, and ERROR log records, scrubbed before sending."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=scrub_event,
        before_send_transaction=scrub_event,
    )


def scrub_event(event, hint=None):
    """``before_send``: the event without anything that may identify a person or hold what they wrote."""
    request = event.get("request")
    if request:
        for key in ("cookies", "data", "query_string", "env"):
            request.pop(key, None)
        if request.get("url"):
            request["url"] = _without_query(request["url"])
        headers = request.get("headers") or {}
        request["headers"] = {name: value for name, value in headers.items() if name.lower() in SENT_HEADERS}
    if "user" in event:
        user_id = (event["user"] or {}).get("id")
        event["user"] = {"id": user_id} if user_id is not None else {}
    event.pop("extra", None)
    for group in ("exception", "threads"):
        for value in (event.get(group) or {}).get("values") or []:
            for frame in (value.get("stacktrace") or {}).get("frames") or []:
                frame.pop("vars", None)
    for crumb in (event.get("breadcrumbs") or {}).get("values") or []:
        data = crumb.get("data") or {}
        crumb["data"] = {key: value for key, value in data.items() if key in SENT_BREADCRUMB_DATA}
        if "url" in crumb["data"]:
            crumb["data"]["url"] = _without_query(str(crumb["data"]["url"]))
    for span in event.get("spans") or []:
        data = span.get("data") or {}
        span["data"] = {key: value for key, value in data.items() if key not in UNSENT_SPAN_DATA}
        if "url" in span["data"]:
            span["data"]["url"] = _without_query(str(span["data"]["url"]))
    # Addresses written into messages, exception values, SQL or cache keys.
    return _without_emails(event)


def _without_query(url):
    return url.split("?", 1)[0].split("#", 1)[0]


def _without_emails(value):
    if isinstance(value, str):
        return EMAIL.sub("[email]", value)
    if isinstance(value, dict):
        return {key: _without_emails(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_emails(item) for item in value]
    return value


# --- one line per request -----------------------------------------------------------


class RequestLogMiddleware:
    """One log line per request: method, path (never the query string), status, duration, signed-in person's id.

    First in MIDDLEWARE, so the duration counts nearly everything, answers from the pages' cache included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        path = logged_path(request)
        fields = {
            "method": request.method,
            "path": path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _loaded_user_id(request),
        }
        level = logging.WARNING if response.status_code >= 500 else logging.INFO
        request_logger.log(
            level,
            "%s %s %s %.1f ms%s",
            request.method,
            path,
            response.status_code,
            duration_ms,
            f" user {fields['user_id']}" if fields["user_id"] is not None else "",
            extra=fields,
        )
        return response


# Parts of an address that open an account or a registration to whoever holds them (password reset, invitation,
# e-mail confirmation, cancellation links): never written to a log.
SECRET_URL_PARTS = ("token", "uidb64")


def logged_path(request):
    """The request's path, with the values of its secret parts (``SECRET_URL_PARTS``) masked."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    for name, value in match.kwargs.items() if match else ():
        if name in SECRET_URL_PARTS and value:
            path = path.replace(f"/{value}/", "/[masqué]/")
    return path


def _loaded_user_id(request):
    """The signed-in person's id, if the request already loaded them: loading them here would cost queries."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


# --- one line per task run ----------------------------------------------------------


def log_task_runs():
    """Connects the receivers that write one line per task run (config.celery). Arguments are never logged."""
    signals.task_prerun.connect(_task_started, dispatch_uid="core.observability.task_started")
    signals.task_postrun.connect(_task_finished, dispatch_uid="core.observability.task_finished")
    signals.task_revoked.connect(_task_revoked, dispatch_uid="core.observability.task_revoked")


def use_django_logging(loglevel=None, **kwargs):
    """Celery's ``setup_logging`` receiver: the worker and beat log through settings.LOGGING (plain or JSON)
    instead of Celery's own handlers, at the level their command line asks (``--loglevel``)."""
    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


def _task_started(task=None, **kwargs):
    # The run's own request context: a retry run eagerly inside this one has another.
    task.request.observability_started = time.perf_counter()


def _task_finished(task=None, task_id=None, state=None, **kwargs):
    started = getattr(task.request, "observability_started", None)
    duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    _log_task(task.name, task_id, (state or "unknown").lower(), duration_ms)


def _task_revoked(request=None, **kwargs):
    # Revoked in the worker's main process, before the run or while it was killed: its start is the pool's.
    started = getattr(request, "time_start", None)
    duration_ms = round((time.time() - started) * 1000, 1) if started else None
    _log_task(request.task_name, request.id, "revoked", duration_ms)


def _log_task(name, task_id, outcome, duration_ms):
    level = logging.INFO if outcome == "success" else logging.WARNING
    duration = f" in {duration_ms:.1f} ms" if duration_ms is not None else ""
    fields = {"task": name, "task_id": task_id, "outcome": outcome, "duration_ms": duration_ms}
    task_logger.log(level, "%s[%s] %s%s", name, task_id, outcome, duration, extra=fields)
