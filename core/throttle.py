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


def exhausted(scope, subject, limit):
    """True when ``subject`` already spent ``limit`` of ``scope`` in the window."""
    return spent(scope, subject) >= limit


def forget(scope, subject):
    try:
        cache.delete(_key(scope, subject))
    except Exception:
        logger.warning("Throttle cache unreachable: %s not reset.", scope, exc_info=True)
