"""The demo's data files, ``data/*.toml``, and how their dates read.

A date-time is a Paris wall-clock time (a TOML local date-time such as 2020-06-20T10:00:00), or
``{ days = N, time = HH:MM:SS }``: N days after the day the demo is seeded, at that time (midnight when
none), for what must stay ahead of today. A date is a TOML date or ``{ days = N }``.
"""

import tomllib
from datetime import datetime, time, timedelta
from functools import cache
from pathlib import Path

from core import clock

FOLDER = Path(__file__).resolve().parent / "data"


@cache
def load(name):
    """The parsed ``data/<name>.toml``, read once per process; callers never change it."""
    with (FOLDER / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


def email(local_part):
    """A demo address: every demo account and registration is on the demo domain."""
    return f"{local_part}@{load('accounts')['domain']}"


def day(value, today):
    if isinstance(value, dict):
        return today + timedelta(days=value["days"])
    return value


def on(a_day, at):
    """The aware instant of wall-clock time ``at`` in Paris on ``a_day``."""
    return datetime.combine(a_day, at, tzinfo=clock.paris_zone())


def instant(value, today=None):
    if isinstance(value, dict):
        return on(day(value, today), value.get("time", time()))
    return value.replace(tzinfo=clock.paris_zone())
