"""The one clock and the one time zone: every "now" and every reading of a date in Paris comes from here."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def now(at=None):
    """``at`` when a caller fixes the instant (tests, replays), else the current time, aware."""
    return at or timezone.now()


def paris_zone():
    return ZoneInfo(settings.TIME_ZONE)


def in_paris(value):
    """An aware instant as read on a clock in Paris."""
    return timezone.localtime(value, paris_zone())


def paris(day, at=time()):
    """The aware instant of wall-clock time ``at`` (midnight when none) in Paris on ``day``."""
    return datetime.combine(day, at, tzinfo=paris_zone())
