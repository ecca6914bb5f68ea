"""The J-7 and J-1 draft reminders: who is due, each once, read in SQL and queued in batches."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from label import services
from label.models import Candidature, Status
from notifications.models import Notification
from notifications.services import muted
from tests.factories import UserFactory
from tests.label.factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db


def reminders():
    """(recipient, milestone, deadline in the key) of every draft reminder, oldest first."""
    rows = Notification.objects.filter(kind="draft_reminder").order_by("pk")
    return [(n.recipient, *n.idempotency_key.split(":", 3)[2:]) for n in rows]


@pytest.fixture
def now(clock):
    instant = timezone.now().replace(microsecond=0)
    clock.set(instant)
    return instant


def test_a_second_run_queues_nothing_and_returns_0(now, django_capture_on_commit_callbacks):
    edition = EditionFactory(closes_at=now + timedelta(days=5))
    CandidatureFactory.create_batch(3, edition=edition)

    with django_capture_on_commit_callbacks(execute=True) as first:
        first_run = services.remind_drafts()
    with django_capture_on_commit_callbacks(execute=True) as second:
        second_run = services.remind_drafts()

    assert (first_run, second_run) == (3, 0)
    assert (len(first), second) == (1, [])
    assert Notification.objects.filter(kind="draft_reminder", status=Notification.Status.SENT).count() == 3


def test_each_draft_is_reminded_by_its_own_deadline_extension_included(now):
    soon = EditionFactory(closes_at=now + timedelta(days=3))
    later = EditionFactory(closes_at=now + timedelta(days=20))
    closed = EditionFactory(opens_at=now - timedelta(days=40), closes_at=now - timedelta(hours=1))
    not_open = EditionFactory(opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=5))
    due = CandidatureFactory(edition=soon, owner=UserFactory(email="due@ville.example"))
    shorter = CandidatureFactory(
        edition=soon, owner=UserFactory(email="shorter@ville.example"), extended_until=now + timedelta(hours=2)
    )
    extended = CandidatureFactory(
        edition=closed, owner=UserFactory(email="extended@ville.example"), extended_until=now + timedelta(hours=20)
    )
    CandidatureFactory(edition=later)
    CandidatureFactory(edition=closed)
    CandidatureFactory(edition=not_open)
    CandidatureFactory(edition=soon, status=Status.SUBMITTED, reference="LTI-2030-0001", submitted_at=now)
    CandidatureFactory(edition=soon, status=Status.WITHDRAWN)

    assert services.remind_drafts() == 3

    # An extension earlier than the close does not shorten the call: the draft keeps the edition's deadline.
    assert reminders() == [
        ("due@ville.example", "j7", soon.closes_at.isoformat()),
        ("shorter@ville.example", "j7", soon.closes_at.isoformat()),
        ("extended@ville.example", "j1", extended.extended_until.isoformat()),
    ]
    assert [due.deadline, shorter.deadline, extended.deadline] == [
        soon.closes_at,
        soon.closes_at,
        extended.extended_until,
    ]


def test_the_deadline_in_sql_is_the_candidatures_deadline(now):
    edition = EditionFactory(closes_at=now + timedelta(days=3))
    candidatures = [
        CandidatureFactory(edition=edition),
        CandidatureFactory(edition=edition, extended_until=now + timedelta(days=9)),
        CandidatureFactory(edition=edition, extended_until=now + timedelta(days=1)),
    ]

    annotated = Candidature.objects.annotate(due_at=Candidature.deadline_expression()).order_by("pk")

    assert [row.due_at for row in annotated] == [
        Candidature.objects.get(pk=candidature.pk).deadline for candidature in candidatures
    ]


def test_the_reminders_cost_the_same_queries_for_1_and_40_drafts(now):
    def run_with(count):
        Notification.objects.all().delete()
        edition = EditionFactory(closes_at=now + timedelta(days=2))
        CandidatureFactory.create_batch(count, edition=edition)
        with CaptureQueriesContext(connection) as captured:
            assert services.remind_drafts() == count
        Candidature.objects.filter(edition=edition).update(status=Status.WITHDRAWN)
        return len(captured.captured_queries)

    assert run_with(1) == run_with(40)


def test_an_english_owner_is_reminded_in_english_on_the_bulk_queue(now):
    edition = EditionFactory(closes_at=now + timedelta(hours=10))
    CandidatureFactory(edition=edition, owner=UserFactory(email="ann@city.example", language="en"))

    services.remind_drafts()

    reminder = Notification.objects.get(kind="draft_reminder")
    assert (reminder.recipient, reminder.language, reminder.bulk, reminder.subject.split(":")[0]) == (
        "ann@city.example",
        "en",
        True,
        "Action required",
    )


def test_muted_reminds_nobody(now):
    CandidatureFactory(edition=EditionFactory(closes_at=now + timedelta(days=1)))

    with muted():
        assert services.remind_drafts() == 0

    assert Notification.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_the_same_time_queue_each_reminder_once_and_count_it_once():
    edition = EditionFactory(closes_at=timezone.now() + timedelta(days=4))
    CandidatureFactory.create_batch(30, edition=edition)
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            barrier.wait()
            counts.append(services.remind_drafts())
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert (sum(counts), Notification.objects.filter(kind="draft_reminder").count()) == (30, 30)
