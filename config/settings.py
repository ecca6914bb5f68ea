"""Every setting of the platform, read from the environment in this one place.

Without any variable set, the project runs on embedded defaults: SQLite and
a filesystem Celery broker under ``var/``, e-mails written to ``var/mail/``.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)


def _secret_key():
    """The configured key; else, with DEBUG on only, one generated once and kept under var/.

    With DEBUG off and no key it stays empty: commands still run, serving refuses (config/startup.py).
    """
    configured = env.str("SECRET_KEY", default="")
    if configured or not DEBUG:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "auditlog",
    "ninja",
    "core",
    "audit",
    "accounts",
    "notifications",
    "events",
    "label",
    "auditions",
    "dashboard",
    "privacy",
    "showcase",
    "api",
]

MIDDLEWARE = [
    # First, so its one line per request (core.requests) times everything below, static files and cache included.
    "core.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The language reads a cookie only, so it comes first: the public pages' cache keys on it.
    "config.middleware.FrenchFirstLocaleMiddleware",
    # The read API's limit per address and its CORS headers, answers from the cache included.
    "api.middleware.ApiMiddleware",
    # Anonymous public pages answered from the cache here skip everything below.
    "core.pages.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Which second factor verified this session (django-otp), then what each page demands of it.
    "django_otp.middleware.OTPMiddleware",
    "accounts.second_factor.SecondFactorMiddleware",
    # Signs the audit trail's entries with the signed-in person and their address (core.clients).
    "audit.middleware.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: refuses logins from a locked-out account and address.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "auditions.jury.context_processors.jury_space",
            ],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL, else a SQLite file under var/.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share the file: WAL and immediate transactions avoid "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
# PostgreSQL: each thread keeps its connection a minute (a new one costs more than most pages), checked before reuse.
_persistent = 60 if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else 0
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=_persistent))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis serves as both cache and Celery broker when REDIS_URL is set.
REDIS_URL = env.str("REDIS_URL", default="")
# A stopped or frozen Redis must never hold a request: every connect and every reply gives up after this.
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=0.25)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lti",
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
        # One connection attempt per publish: by default kombu retries, sleeping 2 s then 4 s (6 s per e-mail).
        "max_retries": 0,
        # Several queues are read in turn (the default, stated because the mail queues rely on it).
        "queue_order_strategy": "round_robin",
        "visibility_timeout": 3600,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    BROKER_DIR = VAR_DIR / "broker"
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Where the exchanges of the several queues are recorded (by default a folder in the working directory).
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }

# Seconds an anonymous public page lives in the cache and in browsers (core.pages); an organiser's edit drops it.
PUBLIC_PAGES_MAX_AGE = env.int("PUBLIC_PAGES_MAX_AGE", default=60)

CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Paris"


def celery_queues(*names):
    """Direct queues, each bound to an exchange of its own name, as Celery declares its default queue."""
    return [Queue(name, Exchange(name), routing_key=name) for name in names]


# Mail has queues of its own, read in turn with the others: a burst of reminders never holds a password reset.
CELERY_TASK_DEFAULT_QUEUE = "celery"
NOTIFICATIONS_QUEUE = env.str("NOTIFICATIONS_QUEUE", default="mail")
NOTIFICATIONS_BULK_QUEUE = env.str("NOTIFICATIONS_BULK_QUEUE", default="mail-bulk")
CELERY_TASK_QUEUES = celery_queues(NOTIFICATIONS_QUEUE, CELERY_TASK_DEFAULT_QUEUE, NOTIFICATIONS_BULK_QUEUE)

CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "notifications.sweep_outbox", "schedule": 60.0},
    "worker-heartbeat": {"task": "notifications.heartbeat", "schedule": 30.0},
    "draft-reminders": {"task": "label.remind_drafts", "schedule": 3600.0},
    "event-reminders": {"task": "events.remind_registrants", "schedule": 900.0},
    "jury-reminders": {"task": "auditions.remind_jurors", "schedule": 3600.0},
    "availability-reminders": {"task": "auditions.remind_availability", "schedule": 3600.0},
    "audition-reminders": {"task": "auditions.remind_auditions", "schedule": 3600.0},
    # Each night at 03:30 (Paris), what the privacy page promises: see RETENTION.
    "personal-data-purge": {"task": "privacy.purge_personal_data", "schedule": crontab(hour=3, minute=30)},
}

# The outbox: how often and how patiently a failing e-mail is retried.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)
NOTIFICATIONS_REDISPATCH_AFTER_SECONDS = 300
# After a broker failure, this process leaves new mail to the sweep for this long instead of trying again.
NOTIFICATIONS_BROKER_PAUSE_SECONDS = 30
# A send slower than the SMTP timeout is interrupted (soft limit, retried later), then its process killed (hard).
NOTIFICATIONS_SEND_SOFT_TIME_LIMIT = 45
NOTIFICATIONS_SEND_TIME_LIMIT = 60
# Above the hard limit, so a row still "sending" after this was left by a dead worker: the sweep queues it again.
NOTIFICATIONS_SENDING_TIMEOUT_SECONDS = 120
WORKER_STALE_AFTER_SECONDS = 120

# E-mail: EMAIL_URL (smtp://, smtp+tls://, consolemail://), else files under var/mail/.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Label Territoire Innovant <ne-pas-repondre@label-territoire-innovant.fr>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))  # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT…
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# How long the link that confirms the address of a new account stays valid (accounts.verification).
EMAIL_CONFIRMATION_TIMEOUT = 60 * 60 * 24 * 3
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins (django-axes, every form that checks a password: the site's, the admin's): five wrong passwords for
# one account from one address lock that pair for 15 minutes. The account stays open from other addresses, so a
# stranger cannot lock an organiser out; an address failing on many accounts is held by LOGIN_FAILURES_PER_ADDRESS,
# and an account failing from many addresses is held a few minutes only (LOGIN_FAILURES_PER_ACCOUNT).
AUTHENTICATION_BACKENDS = [
    "accounts.throttling.AddressThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.clients.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.throttling.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
# The account counted as the login finds it: "Agent@X.fr " and "agent@x.fr" are one account, one count.
AXES_USERNAME_CALLABLE = "accounts.throttling.login_username"
AXES_VERBOSE = False
# Failed logins from one address over all accounts within an hour before it must wait (password spraying).
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=30)
# Failed logins on one account within an hour, each address counting at most LOGIN_FAILURE_LIMIT, before the account
# is held LOGIN_ACCOUNT_COOLOFF_MINUTES (one address alone never holds it; a new password or an organiser lifts it).
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=20)
LOGIN_ACCOUNT_COOLOFF_MINUTES = env.int("LOGIN_ACCOUNT_COOLOFF_MINUTES", default=5)

# The second factor (django-otp): TOTP codes from any authenticator app, and one-time recovery codes.
OTP_TOTP_ISSUER = "Label Territoire Innovant"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files: candidates' documents and archives ("private", never under a public URL, served only through a permission
# check) and public images ("public", served under /medias/), each in a local folder by default. With
# AWS_STORAGE_BUCKET_NAME set, both go to that S3-compatible bucket instead (django-storages), under the prefixes
# private/ and public/; no object is ever public-read (core.storage). The other AWS_* settings are the library's.
PRIVATE_STORAGE_ROOT = env.path("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private"))
PUBLIC_MEDIA_ROOT = env.path("PUBLIC_MEDIA_ROOT", default=str(VAR_DIR / "media"))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
AWS_S3_ADDRESSING_STYLE = env.str("AWS_S3_ADDRESSING_STYLE", default="") or None
# Credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment (or the host's role), read by boto3.
AWS_DEFAULT_ACL = None
AWS_QUERYSTRING_AUTH = True
AWS_QUERYSTRING_EXPIRE = 60
AWS_S3_FILE_OVERWRITE = False
# A file read back (a download, a thumbnail) stays in memory up to this size, then spills to a temporary file.
AWS_S3_MAX_MEMORY_SIZE = 2 * 1024 * 1024
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as BotoConfig  # here only: boto takes a while to import

    # A bucket that does not answer fails the request in seconds, well within gunicorn's 30 s, not in minutes.
    AWS_S3_CLIENT_CONFIG = BotoConfig(
        connect_timeout=3, read_timeout=20, retries={"mode": "standard", "max_attempts": 3}
    )


def _file_storage(folder, base_url, prefix):
    if AWS_STORAGE_BUCKET_NAME:
        backend = "core.bucket_storage.PublicBucketStorage" if base_url else "storages.backends.s3.S3Storage"
        return {"BACKEND": backend, "OPTIONS": {"location": prefix}}
    return {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": folder, "base_url": base_url},
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    "private": _file_storage(PRIVATE_STORAGE_ROOT, None, "private"),
    "public": _file_storage(PUBLIC_MEDIA_ROOT, "/medias/", "public"),
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/medias/"
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_MAX_COUNT = 5
# A file past DOCUMENT_MAX_BYTES is cut off while it streams (core.upload_handlers): nothing past the limit reaches
# memory or a temporary file. A request longer than the limit plus this margin (the form's other fields) is refused
# from its first byte.
DOCUMENT_REQUEST_MARGIN = 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "core.upload_handlers.SizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Office documents (DOCX, PPTX, ODT, ODP) are zip archives, judged from their central directory alone, never
# inflated: refused when their members declare more than 100 MiB in all, when there are more than 10,000 of them,
# or when they declare over 1 MiB at a compression ratio above 100 (text compresses about 10 to 20 times).
DOCUMENT_ARCHIVE_MAX_BYTES = 100 * 1024 * 1024
DOCUMENT_ARCHIVE_MAX_MEMBERS = 10_000
DOCUMENT_ARCHIVE_RATIO_FROM_BYTES = 1024 * 1024
DOCUMENT_ARCHIVE_MAX_RATIO = 100

# How long personal data is kept, in years: the privacy page states these figures and the nightly purge
# (privacy.retention) applies them. Accounts count from the last login (or the sign-up when never used),
# candidatures and evaluations from the close of their edition, registrations from the end of their event,
# the e-mail log and the security journal from the day written, the audit trail from the day of each entry.
RETENTION = {
    "accounts": env.int("RETENTION_ACCOUNT_YEARS", default=3),
    "candidatures": env.int("RETENTION_CANDIDATURE_YEARS", default=5),
    "registrations": env.int("RETENTION_REGISTRATION_YEARS", default=1),
    "outbox": env.int("RETENTION_OUTBOX_YEARS", default=1),
    "audit": env.int("RETENTION_AUDIT_YEARS", default=5),
}
# An inactive account is warned by e-mail this many days before it is anonymised.
RETENTION_WARNING_DAYS = env.int("RETENTION_WARNING_DAYS", default=30)
# A personal data archive ("Mes données") can be downloaded for this many days, then it is deleted.
DATA_EXPORT_VALID_DAYS = env.int("DATA_EXPORT_VALID_DAYS", default=7)

# The audit trail (django-auditlog): the models whose every create, change and delete is recorded with who,
# when, from which address, before and after (their own columns, less "exclude"; "m2m": many-to-many fields
# recorded too). Registered by audit.apps; writes that bypass save() are recorded by audit.trail.
AUDITLOG_STORE_JSON_CHANGES = True
AUDIT_TRAIL_MODELS = {
    "label.Edition": {"exclude": ["last_reference_number"]},
    "label.Criterion": {},
    "label.Milestone": {},
    "auditions.Jury": {"m2m": ["regions"]},
    "auditions.JuryMember": {},
    "auditions.ConflictOfInterest": {},
    "auditions.Assignment": {},
    "auditions.Evaluation": {"exclude": ["updated_at"]},
    "auditions.Score": {},
    "auditions.AuditionSession": {},
    "auditions.Slot": {},
}

# How many reverse proxies stand in front of the site, each appending to X-Forwarded-For (core.clients):
# 0 when browsers reach it directly, 1 behind one nginx. Every limit and every login record reads the client from it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# The read API (/api/v1/): requests per client address and minute before a 429.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=120)

# Event registrations: at most this many accepted per address and hour (automated sign-ups).
REGISTRATION_RATE_LIMIT = env.int("REGISTRATION_RATE_LIMIT", default=10)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: safe by default once DEBUG is off; HSTS is configurable.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A refused form token gets the site's own page, in the layout and language of the others.
CSRF_FAILURE_VIEW = "config.errors.csrf_failure"
# Browser features the site never uses, denied to its pages and anything they embed (Permissions-Policy header).
PERMISSIONS_POLICY_DENIED = (
    "accelerometer",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "local-fonts",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
# /healthz gives the state of each part to staff and to "Authorization: Bearer <HEALTHZ_TOKEN>"; empty: no token.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")
SESSION_COOKIE_HTTPONLY = True

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

from core.observability import init_sentry, logging_config  # noqa: E402  (beside the settings it builds)

# Logs: every record on stderr, one line each, plain text or (LOG_FORMAT=json) one JSON object; one line per
# request (core.requests) and per task run (core.tasks), never with a query string, an e-mail or task arguments.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

# Error reports (and, above a zero sample rate, performance traces) to Sentry when SENTRY_DSN is set, scrubbed of
# personal data before they leave (core.observability.scrub_event). Without it the SDK is not started.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    init_sentry(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
