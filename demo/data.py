"""The demo's data files, ``data/*.toml``, and how their dates read.

A date-time is a Paris wall-clock time (a TOML local date-time such as 2020-06-20T10:00:00), or
``{ days = N, time = HH:MM:SS }``: N days after the day the demo is seeded, at that time (midnight when
none), for what must stay ahead of today. A date is a TOML date or ``{ days = N }``.
"""

import tomllib
from datetime import time, timedelta
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


# ``on(day, at)``: the aware instant of wall-clock time ``at`` in Paris on ``day``, as the demo's modules read it.
on = clock.paris


def instant(value, today=None):
    if isinstance(value, dict):
        return clock.paris(day(value, today), value.get("time", time()))
    return clock.paris(value.date(), value.time())
