"""Counting attempts in the shared cache: how many times a key was spent within its window."""

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Part of every key; the test suite gives each test its own, so no count outlives the test that made it.
namespace = ""


def _key(scope, subject):
    return f"throttle:{namespace}{scope}:{subject}"


def spent(scope, subject):
    """How many times ``subject`` spent ``scope`` in the current window (0 when the cache is unreachable)."""
    try:
        return cache.get(_key(scope, subject), 0)
    except Exception:
        logger.warning("Throttle cache unreachable: %s not checked, let through.", scope, exc_info=True)
        return 0


def spend(scope, subject, window):
    """Count one more for ``subject``; the window starts with the first count. Returns the new count."""
    key = _key(scope, subject)
    try:
        cache.add(key, 0, timeout=window)
        try:
            return cache.incr(key)
        except ValueError:
            # The key expired between add and incr.
            cache.set(key, 1, timeout=window)
            return 1
    except Exception:
        # Limits guard against scripts; without their cache, people must still be served.
        logger.warning("Throttle cache unreachable: %s not counted.", scope, exc_info=True)
        return 0


def take(scope, subject, limit, window):
    """Count one more for ``subject`` unless that passes ``limit``: True when counted. The count is one atomic
    increment in the shared cache, so requests arriving together on several servers never pass the limit between
    them (a check, then a count, would let them all through)."""
    if spend(scope, subject, window) > limit:
        give_back(scope, subject)
        return False
    return True


def give_back(scope, subject):
    """Undo one count of ``subject`` (taken for an attempt that was then refused)."""
    try:
        cache.decr(_key(scope, subject))
    except ValueError:
        pass  # the window ended meanwhile: nothing left to give back
    except Exception:
        logger.warning("Throttle cache unreachable: %s not given back.", scope, exc_info=True)


def exhausted(scope, subject, limit):
    """True when ``subject`` already spent ``limit`` of ``scope`` in the window."""
    return spent(scope, subject) >= limit


def forget(scope, subject):
    try:
        cache.delete(_key(scope, subject))
    except Exception:
        logger.warning("Throttle cache unreachable: %s not reset.", scope, exc_info=True)
