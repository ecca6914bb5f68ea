"""Before measuring: the database at the right data set version, static files collected, the open call open."""

import time

from . import database


def prepare(bench_database, rebuild):
    """Reuse the database when it holds this data set, else build it; returns what was done and how long."""
    import django

    started = time.monotonic()
    django.setup()
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import connections

    from . import dataset

    # The data set depends on the build code and on the schema it was built under (a migration may fill a column).
    version = f"{dataset.DATASET_VERSION}:{database.migrations_digest()}"
    stored = bench_database.version()
    reuse = not rebuild and stored == version
    if reuse:
        print(f"Reusing {bench_database.name} (data set {stored}).", flush=True)
        # Sessions of earlier runs' visitors: each run logs its own people in.
        Session.objects.all().delete()
    else:
        reason = "--rebuild" if rebuild else f"it holds data set {stored or 'none'}, this code builds {version}"
        print(f"Building {bench_database.name} ({reason}); the first build takes a few minutes.", flush=True)
        connections.close_all()
        bench_database.drop()
        bench_database.create()
        database.migrate()
        dataset.build()
        connections.close_all()
        bench_database.record_version(version)
    call_command("collectstatic", interactive=False, verbosity=0)
    dataset.keep_open_call_open()
    # Bulk-built tables get their planner statistics now, as autovacuum would in a while on a live server.
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"reused": reuse, "data_set": version, "seconds": round(time.monotonic() - started, 1)}
