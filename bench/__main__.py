"""`python -m bench [--rebuild]` (what `make bench` runs): build or reuse the data, measure, report.

Exit status: 0 when every target is met, 1 when one is missed (or a measure failed).
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from shutil import which

from .database import BenchDatabase
from .environment import BASE_DIR, RESULTS_PATH, database_url, process_environment, redis_url
from .prepare import prepare
from .report import Row, markdown, write
from .server import THREADS, WORKERS, Gunicorn, free_port


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):  # noqa: SIM115  (read once, closed at exit)
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_loop_ms(loops=3):
    """How long a fixed pure-Python loop takes here right now, in ms (median of ``loops``): the speed the machine
    lends this run. A shared virtual machine's varies by up to twice from one minute to the next, and every
    absolute time of the table with it."""
    times = []
    for _ in range(loops):
        started = time.process_time()
        total = 0
        for number in range(1_000_000):
            total += number * number
        times.append((time.process_time() - started) * 1000)
    return round(sorted(times)[len(times) // 2])


def git(*args):
    try:
        return subprocess.run(["git", *args], cwd=BASE_DIR, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine(bench_database, redis):
    import django

    wrk_version = (
        subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines() if which("wrk") else []
    )
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpu_model": cpu_model(),
        "load_average_at_start": os.getloadavg(),
        "postgresql": bench_database.server_version(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wrk": wrk_version[0] if wrk_version else "",
        "commit": git("rev-parse", "HEAD"),
        "uncommitted_changes": bool(git("status", "--porcelain")),
        "redis": redis or "none (memory broker, local-memory cache per process)",
        "cpu_loop_ms_at_start": cpu_loop_ms(),
    }


def measured(name, function, *args):
    """The rows of one measure; a measure that breaks is a failed row, and the others still run."""
    print(f"Measuring: {name}…", flush=True)
    started = time.monotonic()
    try:
        rows = function(*args)
    except Exception as error:  # noqa: BLE001  (reported as a failed row)
        print(f"  {name} failed: {error!r}", flush=True)
        return [Row(name, f"error: {error}", "—", "—", "—", False)]
    print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="drop the bench database and build the data again")
    args = parser.parse_args(argv)
    started = time.monotonic()

    bench_database = BenchDatabase(database_url())
    redis = redis_url()
    if not redis:
        print("*** Redis not reachable: memory broker and per-process local-memory cache ***", flush=True)
    port = free_port()
    environment = process_environment(port, redis)
    os.environ.update(environment)

    with bench_database.exclusive():
        setup = prepare(bench_database, args.rebuild)

        from . import catalogue, dataset, public, ranking, reminders, rush
        from .cleanup import clear_bench_cache, purge_bench_queues
        from .client import Browser, log_in

        clear_bench_cache()
        about = machine(bench_database, redis)
        setup.update(
            database=bench_database.name,
            server=f"gunicorn config.wsgi --workers {WORKERS} --threads {THREADS}, DEBUG off, plain HTTP on loopback",
            settings="config.settings_bench",
        )
        rows = []
        with Gunicorn(port, environment) as server:
            # The rush first, though its rows come later in the table: its target is an absolute time, and the
            # throughput runs below leave a shared virtual machine slower for minutes (see cpu_loop_ms).
            about["cpu_loop_ms_before_rush"] = cpu_loop_ms()
            rush_rows = measured("submission rush", rush.measure, server.port)
            organiser = dataset.organiser()
            small, large = dataset.juries()
            browser = log_in(
                Browser("127.0.0.1", server.port),
                dataset.ORGANISER_EMAIL,
                dataset.PASSWORD,
                dataset.organiser_authenticator(),
            )
            rows += measured("ranking page and exports", ranking.measure, browser, organiser, small, large)
            rows += measured("public pages against bare views", public.measure, server.port, dataset.OPEN_CALL_SLUG)
            rows += measured("catalogue queries at 5,000 projects", catalogue.measure)
            about["cpu_loop_ms_after_throughput_runs"] = cpu_loop_ms()
            rows += rush_rows
        purge_bench_queues()
        rows += measured("draft reminders", reminders.measure, environment, dataset.REMINDER_DRAFTS)
        clear_bench_cache()

    setup["run_seconds"] = round(time.monotonic() - started)
    about["load_average_at_end"] = os.getloadavg()
    about["cpu_loop_ms_at_end"] = cpu_loop_ms()
    write(RESULTS_PATH, rows, about, setup)
    print()
    print(markdown(rows))
    print()
    print(
        f"{about['cpu_count']} × {about['cpu_model']}, PostgreSQL {about['postgresql']}, {about['date']}; "
        f"run in {setup['run_seconds']} s ({'data reused' if setup['reused'] else 'data built'}). "
        f"Written to {RESULTS_PATH.relative_to(BASE_DIR)}."
    )
    print(
        f"A fixed Python loop took {about['cpu_loop_ms_at_start']} ms at the start, "
        f"{about['cpu_loop_ms_before_rush']} ms before the rush (measured first), "
        f"{about['cpu_loop_ms_after_throughput_runs']} ms after the page and catalogue runs and "
        f"{about['cpu_loop_ms_at_end']} ms at the end "
        "(the same loop, the same code: a higher figure is a slower machine at that moment)."
    )
    busiest = max(about["load_average_at_start"][0], about["load_average_at_end"][0])
    if busiest > about["cpu_count"]:
        print(
            f"*** The machine was busy (load {busiest:.1f} on {about['cpu_count']} CPUs): absolute times are "
            "noisy; the ratios, measured side by side, hold better. ***"
        )
    missed = [row.work for row in rows if row.passed is False]
    if missed:
        print(f"{len(missed)} target(s) missed.")
        return 1
    print("Every target met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
