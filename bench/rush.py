"""100 candidates pressing "Déposer" in the same second, against one candidate submitting at a time."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.contrib.contenttypes.models import ContentType
from django.test import Client

from label.models import Candidature, Status
from notifications.models import Notification

from . import dataset
from .client import Browser, csrf_token
from .report import Row, bound, median, p95, ratio, seconds

SOLO_SUBMISSIONS = 10
P95_BOUND = 1.0  # seconds


def session_browser(port, user):
    """A browser holding a real session of ``user``, opened as Django's log-in does (no password hashing)."""
    client = Client()
    client.force_login(user)
    return Browser("127.0.0.1", port, {"sessionid": client.cookies["sessionid"].value})


def ready(browser, recap):
    """Open the recap page as the candidate would; returns the CSRF token of its "Déposer" form."""
    page = browser.get(recap)
    if page.status != 200 or "Déposer ma candidature" not in page.body.decode():
        raise RuntimeError(f"The recap page offers no submission (HTTP {page.status})")
    return csrf_token(page)


def answered_right(answer, draft):
    return answer.status == 302 and answer.location == f"/mes-candidatures/{draft.pk}/"


def solo(port, drafts, recap):
    """Submit ``drafts`` one after the other, each alone on the server: the uncontended reference."""
    latencies = []
    for draft in drafts:
        browser = session_browser(port, draft.owner)
        answer = browser.post_form(recap, {}, ready(browser, recap))
        if not answered_right(answer, draft):
            raise RuntimeError(f"An uncontended submission failed (HTTP {answer.status} {answer.location})")
        latencies.append(answer.seconds)
    return latencies


def rush(port, drafts, recap):
    """Every candidate opens the recap page, then all press "Déposer" together behind a barrier."""
    browsers = [session_browser(port, draft.owner) for draft in drafts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        tokens = list(pool.map(lambda browser: ready(browser, recap), browsers))
    barrier = threading.Barrier(len(drafts))
    outcomes = [None] * len(drafts)

    def press(index):
        barrier.wait()
        sent_at = time.perf_counter()
        try:
            answer = browsers[index].post_form(recap, {}, tokens[index])
        except OSError as error:
            outcomes[index] = (sent_at, None, repr(error))
        else:
            outcomes[index] = (sent_at, answer, "")

    threads = [threading.Thread(target=press, args=(index,)) for index in range(len(drafts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def check(drafts, outcomes):
    """What the database says after the rush: submissions, distinct references, receipts to each owner."""
    pks = [draft.pk for draft in drafts]
    rows = Candidature.objects.filter(pk__in=pks)
    references = [reference for reference in rows.values_list("reference", flat=True) if reference]
    receipts = Counter(
        Notification.objects.filter(
            kind="candidature_submitted",
            content_type=ContentType.objects.get_for_model(Candidature),
            object_id__in=[str(pk) for pk in pks],
        ).values_list("object_id", "recipient")
    )
    owners = {str(draft.pk): draft.owner.email for draft in drafts}
    errors = [
        error or f"HTTP {answer.status} {answer.location}"
        for (_sent_at, answer, error), draft in zip(outcomes, drafts, strict=True)
        if answer is None or not answered_right(answer, draft)
    ]
    return {
        "errors": len(errors),
        "error_samples": errors[:5],
        "submitted": rows.filter(status=Status.SUBMITTED).count(),
        "distinct_references": len(set(references)),
        "receipts_once": sum(1 for pk, email in owners.items() if receipts[(pk, email)] == 1),
        "receipts_total": sum(receipts.values()),
    }


def measure(port):
    owners = dataset.rush_owners()
    edition = dataset.open_call()
    recap = f"/label/{edition.slug}/candidater/recapitulatif/"
    drafts = dataset.reset_rush_drafts(owners)
    alone = solo(port, drafts[:SOLO_SUBMISSIONS], recap)
    drafts[:SOLO_SUBMISSIONS] = dataset.reset_rush_drafts(owners[:SOLO_SUBMISSIONS])
    outcomes = rush(port, drafts, recap)
    latencies = [answer.seconds for _sent_at, answer, _error in outcomes if answer is not None]
    sent = [sent_at for sent_at, _answer, _error in outcomes]
    found = check(drafts, outcomes)
    size = len(drafts)
    correct = (
        found["errors"] == 0
        and found["submitted"] == size
        and found["distinct_references"] == size
        and found["receipts_once"] == size
        and found["receipts_total"] == size
    )
    reference = median(alone)
    worst = p95(latencies) if latencies else None
    spread = max(sent) - min(sent)
    details = {
        "latencies": latencies,
        "solo_latencies": alone,
        "start_spread_seconds": spread,
        "max_seconds": max(latencies) if latencies else None,
        **found,
    }
    return [
        Row(
            work=(
                f"{size} candidates press “Déposer” together (sent within {seconds(spread)}; gunicorn 4 workers × 2 "
                "threads): p50, p95 / max"
            ),
            median=seconds(median(latencies)) if latencies else "—",
            p95=f"{seconds(worst)} / max {seconds(max(latencies))}" if latencies else "—",
            reference=f"one submission at a time, {SOLO_SUBMISSIONS} in turn (ratio: the p95 over it)",
            reference_median=seconds(reference),
            ratio=ratio(worst / reference) if worst else "",
            target=f"p95 < {bound(P95_BOUND)}",
            passed=worst is not None and worst < P95_BOUND,
            details=details,
        ),
        Row(
            work=f"{size} submissions: correctness in the database",
            median=(
                f"{found['errors']} errors, {found['distinct_references']} distinct references, "
                f"{found['receipts_once']} receipts exactly once ({found['receipts_total']} in all)"
            ),
            reference="—",
            reference_median="—",
            target=f"0 errors, {size} distinct references, each receipt once",
            passed=correct,
        ),
    ]
