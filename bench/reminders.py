"""The J-7 draft reminders to 10,000 drafts, in a process of their own: time, SQL statements, rows queued, re-run.

``python -m bench.reminders`` (bench settings) prints its figures as JSON on its
last line; ``measure`` runs it and turns them into rows.
"""

import json
import os
import subprocess
import sys
import time

from .environment import BASE_DIR
from .report import Row, bound, seconds

BOUND = 10.0  # seconds


def run_once(remind_drafts, now):
    """One call of the service: its time, its SQL statements, what it reports and what it queued."""
    from django.db import connection

    from notifications.models import Notification

    statements = 0

    def counting(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    before = Notification.objects.filter(kind="draft_reminder").count()
    started = time.perf_counter()
    with connection.execute_wrapper(counting):
        reported = remind_drafts(now=now)
    elapsed = time.perf_counter() - started
    queued = Notification.objects.filter(kind="draft_reminder").count() - before
    return {"seconds": elapsed, "statements": statements, "reported": reported, "queued": queued}


def main():
    import django

    django.setup()
    from label.services import remind_drafts
    from notifications.models import Notification

    from .cleanup import purge_bench_queues
    from .dataset import REMINDER_NOW

    # Each run starts from an outbox without reminders: the first call has all 10,000 to queue.
    Notification.objects.filter(kind="draft_reminder").delete()
    first = run_once(remind_drafts, REMINDER_NOW)
    again = run_once(remind_drafts, REMINDER_NOW)
    purge_bench_queues()
    print(json.dumps({"first": first, "again": again}))


def measure(environment, drafts):
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "bench.reminders"],
        cwd=BASE_DIR,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"The reminders process failed:\n{completed.stderr[-4000:]}")
    found = json.loads(completed.stdout.strip().splitlines()[-1])
    first, again = found["first"], found["again"]
    found["process_seconds"] = time.monotonic() - started
    return [
        Row(
            work=f"J-7 reminders to {drafts:,} drafts, rendered and queued (`remind_drafts`, own process)",
            median=f"{seconds(first['seconds'])} ({first['statements']:,} SQL statements)",
            reference="—",
            reference_median="—",
            target=f"< {bound(BOUND)}, all {drafts:,} queued",
            passed=first["seconds"] < BOUND and first["queued"] == drafts,
            details=found,
        ),
        Row(
            work="J-7 reminders, run again at the same instant",
            median=(
                f"{again['queued']:,} queued, {again['reported']:,} reported sent "
                f"({seconds(again['seconds'])}, {again['statements']:,} SQL statements)"
            ),
            reference="—",
            reference_median="—",
            target="queues 0, reports 0",
            passed=again["queued"] == 0 and again["reported"] == 0,
        ),
    ]


if __name__ == "__main__":
    main()
