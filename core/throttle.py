"""Counting attempts in the shared cache: how many times a key was spent within its window.

Limits guard against scripts; without their cache, people must still be served. When the cache fails,
this process lets every request through without asking the cache again for ``PAUSE_SECONDS``: a hung
Redis costs one request one timeout, not each of its calls one, and the warning is logged once.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Part of every key; the test suite gives each test its own, so no count outlives the test that made it.
namespace = ""

PAUSE_SECONDS = 30
# When the cache at each location last failed, as read on time.monotonic().
_failures = {}


def _key(scope, subject):
    return f"throttle:{namespace}{scope}:{subject}"


def _location():
    return str(settings.CACHES["default"].get("LOCATION", ""))


def _paused():
    failed_at = _failures.get(_location())
    return failed_at is not None and time.monotonic() - failed_at < PAUSE_SECONDS


def resume():
    """Ask the cache again at the next call, whatever failed moments ago (Redis repaired, a new test)."""
    _failures.clear()


def ask_cache(call, scope, unanswered, fallback):
    """``call()``'s answer, or ``fallback`` when the cache fails now or failed less than PAUSE_SECONDS ago.

    For any use of the shared cache that may go without it (limits here, the jury's shared figures).
    """
    if _paused():
        return fallback
    try:
        return call()
    except Exception:
        _failures[_location()] = time.monotonic()
        logger.warning(
            "Cache unreachable: %s %s; not asked again for the next %s s.",
            scope,
            unanswered,
            PAUSE_SECONDS,
            exc_info=True,
        )
        return fallback


def spent(scope, subject):
    """How many times ``subject`` spent ``scope`` in the current window (0 when the cache is unreachable)."""
    return ask_cache(lambda: cache.get(_key(scope, subject), 0), scope, "not checked, let through", 0)


def _count(key, window):
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:
        # The key expired between add and incr.
        cache.set(key, 1, timeout=window)
        return 1


def spend(scope, subject, window):
    """Count one more for ``subject``; the window starts with the first count. Returns the new count
    (0 when the cache is unreachable)."""
    return ask_cache(lambda: _count(_key(scope, subject), window), scope, "not counted", 0)


def take(scope, subject, limit, window):
    """Count one more for ``subject`` unless that passes ``limit``: True when counted. The count is one atomic
    increment in the shared cache, so requests arriving together on several servers never pass the limit between
    them (a check, then a count, would let them all through)."""
    if spend(scope, subject, window) > limit:
        give_back(scope, subject)
        return False
    return True


def _decrement(key):
    try:
        cache.decr(key)
    except ValueError:
        pass  # the window ended meanwhile: nothing left to give back


def give_back(scope, subject):
    """Undo one count of ``subject`` (taken for an attempt that was then refused)."""
    ask_cache(lambda: _decrement(_key(scope, subject)), scope, "not given back", None)


def exhausted(scope, subject, limit):
    """True when ``subject`` already spent ``limit`` of ``scope`` in the window."""
    return spent(scope, subject) >= limit


def forget(scope, subject):
    ask_cache(lambda: cache.delete(_key(scope, subject)), scope, "not reset", None)
