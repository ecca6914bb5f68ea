"""The jury's figures computed once and shared: another process (a second web worker) reads them from the cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auditions.jury import ranking as ranking_module
from auditions.jury.models import Evaluation
from auditions.jury.ranking import forget_scored, scored
from tests.jury.test_ranking_national import national_jury

pytestmark = pytest.mark.django_db


def _as_another_process_would():
    """This process's own copies dropped, as in a worker that never ranked the jury; the cache kept."""
    with ranking_module._kept_lock:
        ranking_module._kept.clear()


def _queries_of_scored(jury):
    criteria = list(jury.edition.criteria.all())
    with CaptureQueriesContext(connection) as captured:
        figures = scored(jury, criteria)
    return len(captured.captured_queries), figures


def _first_evaluation(jury):
    return Evaluation.objects.filter(assignment__jury=jury).order_by("pk").values_list("pk", flat=True).first()


def test_a_second_process_reads_the_figures_instead_of_computing_them():
    jury, _candidatures = national_jury(12)
    computed_queries, computed = _queries_of_scored(jury)
    _as_another_process_would()

    shared_queries, shared = _queries_of_scored(jury)

    # Only the state of the submitted evaluations is read: none of the grouped aggregates that compute the figures.
    assert shared_queries == 1 < computed_queries
    assert shared.means == computed.means
    assert shared.normalised_z == computed.normalised_z
    assert shared.disagreements == computed.disagreements


def test_a_submitted_evaluation_changing_makes_every_process_compute_again():
    jury, _candidatures = national_jury(12)
    _queries_of_scored(jury)
    # An organiser reopens one: it leaves the submitted set.
    Evaluation.objects.filter(assignment__jury=jury).filter(pk=_first_evaluation(jury)).update(
        status=Evaluation.Status.DRAFT
    )
    _as_another_process_would()

    queries, _figures = _queries_of_scored(jury)

    assert queries > 1


def test_forgetting_drops_the_shared_figures_too():
    jury, _candidatures = national_jury(12)
    _queries_of_scored(jury)
    forget_scored()

    queries, _figures = _queries_of_scored(jury)

    assert queries > 1
