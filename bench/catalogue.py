"""The showcase's catalogue at 5,000 published projects: as many queries as at one, and its cost uncached.

Counted in this process with the test client, the public pages' cache dropped before each request, as the
suite's ``count_queries`` does; "at one" is the same address narrowed to the year that has a single project.
"""

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.pages import forget_public_pages

from .dataset import SHOWCASE_LONE_YEAR, SHOWCASE_PROJECTS
from .report import Row, bound, median, seconds

PAGES = (
    ("Catalogue `/projets/`", {}),
    ("Search `/projets/?q=eclairage`", {"q": "eclairage"}),
)
RENDERS = 7
# A search nobody made before is not in the public pages' cache: it is rendered in full, and must still be quick.
UNCACHED_BOUND = 0.2  # seconds


def rendered(client, params):
    """(queries, seconds) of one uncached answer to ``/projets/`` with ``params``."""
    forget_public_pages()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get("/projets/", params)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET /projets/ {params} answered HTTP {response.status_code}")
    return len(captured.captured_queries), elapsed


def measure():
    client = Client()
    rows = []
    for label, params in PAGES:
        at_one, _elapsed = rendered(client, {**params, "annee": str(SHOWCASE_LONE_YEAR)})
        runs = [rendered(client, params) for _ in range(RENDERS)]
        at_all = runs[0][0]
        rows.append(
            Row(
                work=f"{label}: SQL queries at {SHOWCASE_PROJECTS:,} projects",
                median=str(at_all),
                reference="queries at 1 (its year's only project)",
                reference_median=str(at_one),
                target="the same",
                passed=all(queries == at_one for queries, _elapsed in runs),
                details={"queries": {"1": at_one, str(SHOWCASE_PROJECTS): at_all}},
            )
        )
        typical = median([elapsed for _queries, elapsed in runs])
        rows.append(
            Row(
                work=f"{label}: rendered without the public pages' cache, {SHOWCASE_PROJECTS:,} projects",
                median=seconds(typical),
                reference="—",
                reference_median="—",
                target=f"< {bound(UNCACHED_BOUND)}",
                passed=typical < UNCACHED_BOUND,
                details={"seconds": [elapsed for _queries, elapsed in runs]},
            )
        )
    return rows
