"""The public pages' shared cache: what an anonymous visitor reads, rendered once and served to all.

A view marked ``@public_page`` (home, the call, events, laureates, accessibility…) has its anonymous GET
answers stored in Django's cache (Redis in production, local memory otherwise), keyed by path, query string
and language, and served by ``PublicPageCacheMiddleware`` before the session, CSRF, message and template work.
Only a visitor without a session cookie and without a messages cookie is served or stored, so a person who is
logged in (their menu differs) or has a message waiting always gets their own page. A page that sets a cookie
(one embedding a CSRF token: a form) is not stored either.

Every stored page carries the version of the public pages it was rendered under; ``forget_public_pages()``,
called when an organiser changes what those pages show, moves to a new version: every stored page is dropped
at once. Each process also keeps the pages it served, and reads the shared version again when its reading is
older than ``VERSION_CHECK_SECONDS``: a change made in one process shows there at once, in the others within
that delay. Facts that change with time (a call opening or closing, an event going live) either come from a
short life (``PUBLIC_PAGES_MAX_AGE``) or end it: ``expires_by(response, …)``.
"""

import hashlib
import logging
import time
import uuid
import weakref

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

logger = logging.getLogger(__name__)

VERSION_KEY = "pages:version"
VERSION_CHECK_SECONDS = 1.0
# Pages this process keeps beside the shared cache; beyond, it starts afresh (query strings are unbounded).
LOCAL_PAGES = 500
# After a failure the cache is left alone this long: a stopped or frozen Redis must not slow every page.
PAUSE_SECONDS = 30
# Computed at each answer from the stored page's dates, never replayed.
COMPUTED_HEADERS = {"age", "cache-control", "etag", "expires", "last-modified"}

_paused_until = weakref.WeakKeyDictionary()
_local_pages = {}
# The shared version as this process last read or set it, and when (time.monotonic()).
_local_version = (None, float("-inf"))


def public_page(view):
    """Mark ``view`` as a public page: its anonymous answers are shared (see this module's docstring)."""
    view.public_page = True
    return view


def expires_by(response, *moments):
    """End the cached life of ``response`` no later than the first of ``moments`` still to come."""
    now = time.time()
    upcoming = [moment.timestamp() for moment in moments if moment is not None and moment.timestamp() > now]
    if upcoming:
        response.public_page_expires_at = min(upcoming)
    return response


def forget_public_pages():
    """Drop every stored public page: now, and once more when the current transaction commits.

    The second time catches a page rendered meanwhile from the rows as they were before the commit.
    """
    _new_version()
    if connection.in_atomic_block:
        transaction.on_commit(_new_version)


def _new_version():
    global _local_version
    version = uuid.uuid4().hex
    _local_version = (version, time.monotonic())
    _call("set", VERSION_KEY, version, None)


def _call(operation, *args):
    """``operation`` on the default cache, or None while it fails (logged once, then left alone a while)."""
    backend = caches["default"]
    if _paused_until.get(backend, 0) > time.monotonic():
        return None
    try:
        return getattr(backend, operation)(*args)
    except Exception:
        # Without its cache a page is rendered as if the cache were empty; the site keeps answering.
        logger.warning("Public pages cache unreachable: pages rendered without it.", exc_info=True)
        _paused_until[backend] = time.monotonic() + PAUSE_SECONDS
        return None


def _lookup(key, now):
    """The public pages' version and the fresh page stored under ``key`` (or None): from this process while its
    reading of the version is recent, else from the shared cache in one round trip."""
    global _local_version
    version, read_at = _local_version
    entry = _local_pages.get(key)
    if time.monotonic() - read_at < VERSION_CHECK_SECONDS and _fresh(entry, version, now):
        return version, entry
    found = _call("get_many", [VERSION_KEY, key]) or {}
    version = found.get(VERSION_KEY)
    if version is None:
        _call("add", VERSION_KEY, uuid.uuid4().hex, None)
        version = _call("get", VERSION_KEY)
    if version is None:
        return None, None
    _local_version = (version, time.monotonic())
    entry = found.get(key)
    if not _fresh(entry, version, now):
        return version, None
    _keep(key, entry)
    return version, entry


def _keep(key, entry):
    if len(_local_pages) >= LOCAL_PAGES:
        _local_pages.clear()
    _local_pages[key] = entry


def _is_public(request):
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "public_page", False)


def _anonymous_visitor(request):
    """No session and no message waiting in a cookie: the visitor reads the anonymous page."""
    cookies = request.COOKIES
    return not cookies.get(settings.SESSION_COOKIE_NAME) and not cookies.get(CookieStorage.cookie_name)


def _key(request):
    digest = hashlib.blake2b(request.get_full_path().encode(), digest_size=16).hexdigest()
    return f"pages:{translation.get_language()}:{digest}"


def _storable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and not request.user.is_authenticated
        and len(get_messages(request)) == 0
    )


def _entry(response, version, now):
    lifetime = settings.PUBLIC_PAGES_MAX_AGE
    expires_at = min(now + lifetime, getattr(response, "public_page_expires_at", now + lifetime))
    patch_vary_headers(response, ("Cookie",))
    return {
        "version": version,
        "stored_at": now,
        "expires_at": expires_at,
        "etag": f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"',
        "headers": [(name, value) for name, value in response.items() if name.lower() not in COMPUTED_HEADERS],
        "content": response.content,
    }


def _fresh(entry, version, now):
    return entry is not None and entry["version"] == version and entry["stored_at"] <= now < entry["expires_at"]


def _validated(request, response, entry):
    """Freshness and validators of the stored page; a 304 when the browser holds the same one."""
    response.headers["Cache-Control"] = f"public, max-age={int(entry['expires_at'] - entry['stored_at'])}"
    response.headers["ETag"] = entry["etag"]
    response.headers["Last-Modified"] = http_date(entry["stored_at"])
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=int(entry["stored_at"]), response=response
    )


def _from_cache(request, entry, now):
    response = HttpResponse(entry["content"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    response.headers["Age"] = str(int(now - entry["stored_at"]))
    return _validated(request, response, entry)


class PublicPageCacheMiddleware:
    """Serve and store the anonymous answers of public pages; to be placed right after the locale middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not _is_public(request):
            return self.get_response(request)
        if not _anonymous_visitor(request):
            return self._private(self.get_response(request))
        key = _key(request)
        now = time.time()
        version, entry = _lookup(key, now)
        if entry is not None:
            return _from_cache(request, entry, now)
        response = self.get_response(request)
        if version is None or not _storable(request, response):
            return self._private(response)
        entry = _entry(response, version, now)
        _call("set", key, entry, max(1, int(entry["expires_at"] - now)))
        _keep(key, entry)
        return _validated(request, response, entry)

    @staticmethod
    def _private(response):
        """A public page rendered for one person (their menu, their message, their form's token)."""
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response
