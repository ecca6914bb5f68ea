"""The jury's ranking page and its exports, at 20 and at 2,000 candidatures, over HTTP as an organiser."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from .report import Row, bound, median, ratio, seconds, size

REQUESTS = 7
PAGE_BOUND = 0.3  # seconds at 2,000
PAGE_SCALING = 3.0  # times the time at 20
EXPORT_BOUND = 0.5  # seconds at 2,000

KINDS = (
    ("page", "/jury/classement/?jury={pk}"),
    ("csv", "/jury/classement/export.csv?jury={pk}"),
    ("xlsx", "/jury/classement/export.xlsx?jury={pk}"),
)


def timings(browser, small, large):
    """{kind: {size: [seconds…], "bytes": {size: n}}}: the sizes alternate, request after request."""
    found = {}
    for kind, pattern in KINDS:
        urls = {size_: pattern.format(pk=jury.pk) for size_, jury in (("20", small), ("2000", large))}
        figures = {"20": [], "2000": [], "bytes": {}}
        for round_ in range(REQUESTS + 1):
            for size_, url in urls.items():
                answer = browser.get(url)
                if answer.status != 200:
                    raise RuntimeError(f"GET {url} answered HTTP {answer.status}")
                figures["bytes"][size_] = len(answer.body)
                # The first round warms the workers up and is not counted.
                if round_:
                    figures[size_].append(answer.seconds)
        found[kind] = figures
    return found


def queries(organiser, small, large):
    """{kind: {size: (queries, streamed)}} counted in this process with the test client, streamed bodies read."""
    client = Client()
    client.force_login(organiser)
    # A complete organiser's session has passed the second factor: the device the bench logged in with.
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=organiser, name="bench").persistent_id
    session.save()
    counted = {}
    for kind, pattern in KINDS:
        counted[kind] = {}
        for size_, jury in (("20", small), ("2000", large)):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(pattern.format(pk=jury.pk))
                if response.streaming:
                    b"".join(response.streaming_content)
            if response.status_code != 200:
                raise RuntimeError(f"{kind} of jury {jury.pk} answered HTTP {response.status_code} in process")
            counted[kind][size_] = (len(captured.captured_queries), response.streaming)
    return counted


def rows(found, counted):
    page = found["page"]
    small, large = median(page["20"]), median(page["2000"])
    scaling = large / small
    page_queries = counted["page"]
    result = [
        Row(
            work="Ranking page `/jury/classement/?jury=` at 2,000 candidatures (organiser)",
            median=seconds(large),
            reference="same page at 20 candidatures",
            reference_median=seconds(small),
            ratio=ratio(scaling),
            target=f"< {bound(PAGE_BOUND)} and ≤ {PAGE_SCALING:g} × the time at 20",
            passed=large < PAGE_BOUND and scaling <= PAGE_SCALING,
            details={"seconds": page, "requests": REQUESTS},
        ),
        Row(
            work="Ranking page: SQL queries at 2,000",
            median=str(page_queries["2000"][0]),
            reference="queries at 20",
            reference_median=str(page_queries["20"][0]),
            target="same count",
            passed=page_queries["2000"][0] == page_queries["20"][0],
            details={"queries": {size_: count for size_, (count, _streamed) in page_queries.items()}},
        ),
        Row(
            work="Ranking page: HTML at 2,000",
            median=size(page["bytes"]["2000"]),
            reference="HTML at 20",
            reference_median=size(page["bytes"]["20"]),
            ratio=ratio(page["bytes"]["2000"] / page["bytes"]["20"]),
            target="—",
            passed=None,
            details={"bytes": page["bytes"]},
        ),
    ]
    for kind, label in (("csv", "CSV"), ("xlsx", "XLSX")):
        figures = found[kind]
        small, large = median(figures["20"]), median(figures["2000"])
        count, streamed = counted[kind]["2000"]
        result.append(
            Row(
                work=f"Ranking {label} export at 2,000 ({'streamed' if streamed else 'not streamed'})",
                median=seconds(large),
                reference=f"{label} export at 20",
                reference_median=seconds(small),
                ratio=ratio(large / small),
                target=f"< {bound(EXPORT_BOUND)}, streamed",
                passed=large < EXPORT_BOUND and streamed,
                details={
                    "seconds": figures,
                    "requests": REQUESTS,
                    "streamed": streamed,
                    "queries": {size_: queries_ for size_, (queries_, _streamed) in counted[kind].items()},
                },
            )
        )
    return result


def measure(browser, organiser, small, large):
    found = timings(browser, small, large)
    return rows(found, queries(organiser, small, large))
