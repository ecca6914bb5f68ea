"""The ranking against numbers computed by hand (see the comments), and alpha against a published example."""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auditions.jury.models import ConflictOfInterest
from auditions.jury.ranking import competition_ranks, krippendorff_alpha, ranking
from auditions.jury.services import reopen_evaluation, weighted_total
from tests.jury.factories import jury_with_members, scored, shortlisted
from tests.label.factories import CriterionFactory

pytestmark = pytest.mark.django_db
approx = pytest.approx


@pytest.fixture
def case():
    """Three jurors A, B, C; criterion 1 weight 2 (threshold 2), criterion 2 weight 1, both on 0–5.

    A total on 20 is (2·s1/5·20 + 1·s2/5·20) / 3 = (8·s1 + 4·s2) / 3.
        X: A (5,4) → 18.667   B (4,4) → 16.000   C (3,5) → 14.667
        Y: A (2,2) →  8.000   B (1,3) →  6.667   C (2,1) →  6.667
        Z: A (4,2) → 13.333   B (5,5) → 20.000   (C has a conflict with Z)
        W: not scored yet
    """
    jury, (a, b, c) = jury_with_members(3)
    edition = jury.edition
    CriterionFactory(edition=edition, name="Innovation", weight=Decimal(2), order=1, eliminatory_threshold=Decimal(2))
    CriterionFactory(edition=edition, name="Usagers", weight=Decimal(1), order=2)
    x, y, z, w = (shortlisted(edition, territory_name=name) for name in ("X", "Y", "Z", "W"))
    ConflictOfInterest.objects.create(juror=c, candidature=z, declared_by=c)
    for juror, values in ((a, [5, 4]), (b, [4, 4]), (c, [3, 5])):
        scored(jury, juror, x, values)
    for juror, values in ((a, [2, 2]), (b, [1, 3]), (c, [2, 1])):
        scored(jury, juror, y, values)
    for juror, values in ((a, [4, 2]), (b, [5, 5])):
        scored(jury, juror, z, values)
    scored(jury, c, w, [4, 4], submit=False)  # a draft: never counted
    return jury, {"a": a, "b": b, "c": c}, {"X": x, "Y": y, "Z": z, "W": w}


def by_territory(result):
    return {row.candidature.territory_name: row for row in result.rows}


def test_weighted_totals_on_20():
    class Criterion:
        def __init__(self, pk, weight, scale_min=0, scale_max=5):
            self.pk, self.weight, self.scale_min, self.scale_max = pk, Decimal(weight), scale_min, scale_max

    criteria = [Criterion(1, 2), Criterion(2, 1), Criterion(3, 1, scale_min=1, scale_max=10)]
    # (2·(5/5) + 1·(0/5) + 1·((10−1)/9)) / 4 · 20 = 3 / 4 · 20 = 15
    assert weighted_total({1: 5, 2: 0, 3: 10}, criteria) == Decimal("15.000")


def test_mean_median_spread_and_count(case):
    jury, _jurors, _candidatures = case
    rows = by_territory(ranking(jury))
    x, y, z, w = rows["X"], rows["Y"], rows["Z"], rows["W"]
    assert (x.count, y.count, z.count, w.count) == (3, 3, 2, 0)
    assert x.mean == approx(16.444, abs=1e-3)  # (18.667 + 16 + 14.667) / 3
    assert x.median == approx(16.0, abs=1e-3)
    assert x.spread == approx(2.0367, abs=1e-3)  # sample standard deviation
    assert y.mean == approx(7.111, abs=1e-3)
    assert y.median == approx(6.667, abs=1e-3)
    assert z.mean == approx(16.667, abs=1e-3)
    assert z.spread == approx(4.714, abs=1e-3)  # 6.667 / √2
    assert (w.mean, w.median, w.spread, w.normalised, w.rank) == (None, None, None, None, None)


def test_criterion_means_and_elimination(case):
    jury, _jurors, _candidatures = case
    rows = by_territory(ranking(jury))
    assert [mean for _criterion, mean in rows["Y"].criterion_means] == [approx(5 / 3), approx(2.0)]
    assert [criterion.name for criterion in rows["Y"].eliminated_by] == ["Innovation"]  # 1.667 < 2
    assert rows["X"].eliminated_by == [] and rows["Z"].eliminated_by == []


def test_normalised_scores_and_both_ranks(case):
    """Per juror (population sd): A 13.333 ± 4.355, B 14.222 ± 5.587, C 10.667 ± 4.0;
    all totals 13.0 ± 4.978. X: z = (1.2247 + 0.3182 + 1.0) / 3 = 0.8476 → 13 + 0.8476·4.978 = 17.219.
    Z: z = (0 + 1.0342) / 2 = 0.5171 → 15.574. Y: z = (−1.2247 − 1.3523 − 1) / 3 → 7.065.
    """
    jury, _jurors, _candidatures = case
    result = ranking(jury)
    rows = by_territory(result)
    assert (result.overall_mean, result.overall_spread) == (approx(13.0, abs=1e-3), approx(4.978, abs=1e-3))
    assert rows["X"].normalised == approx(17.219, abs=1e-2)
    assert rows["Z"].normalised == approx(15.574, abs=1e-2)
    assert rows["Y"].normalised == approx(7.065, abs=1e-2)
    assert [(row.candidature.territory_name, row.rank, row.normalised_rank) for row in result.rows] == [
        ("Z", 1, 2),
        ("X", 2, 1),
        ("Y", 3, 3),
        ("W", None, None),
    ]


def test_juror_severity(case):
    """A: (3.333 + 1.333 − 6.667) / 3 = −0.667; B: (−0.667 − 0.667 + 6.667) / 3 = 1.778; C: (−2.667 − 0.667) / 2."""
    jury, jurors, _candidatures = case
    figures = {figure.juror: figure for figure in ranking(jury).jurors}
    assert figures[jurors["a"]].severity == approx(-0.667, abs=1e-3)
    assert figures[jurors["b"]].severity == approx(1.778, abs=1e-3)
    assert figures[jurors["c"]].severity == approx(-1.667, abs=1e-3)
    assert (figures[jurors["a"]].evaluations, figures[jurors["c"]].evaluations) == (3, 2)
    assert str(figures[jurors["c"]].reading) == "note plus sévèrement que les autres jurés"
    assert str(figures[jurors["b"]].reading) == "note plus favorablement que les autres jurés"


def test_agreement_per_criterion_is_computed_and_read(case):
    jury, _jurors, _candidatures = case
    agreements = ranking(jury).agreements
    assert [agreement.criterion.name for agreement in agreements] == ["Innovation", "Usagers"]
    assert all(agreement.alpha is not None and -1 <= agreement.alpha <= 1 for agreement in agreements)


def test_alpha_matches_krippendorffs_published_example():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units; interval α = 0.849."""
    nan = math.nan
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
    ]
    assert krippendorff_alpha(data) == approx(0.849, abs=1e-3)
    assert krippendorff_alpha([[3, 3], [3, 3]]) is None  # no variation: undefined
    assert krippendorff_alpha([[1, nan], [nan, 2]]) is None  # nothing pairable


def test_competition_ranks_share_ties():
    assert competition_ranks([12.0, 15.0, 12.0, None, 9.0]) == [2, 1, 2, None, 4]


def test_a_single_evaluation_has_no_spread_and_uniform_scores_read_as_full_agreement():
    jury, (a, b, _c) = jury_with_members(3)
    CriterionFactory(edition=jury.edition, name="Innovation")
    alone, shared = shortlisted(jury.edition, territory_name="Seul"), shortlisted(jury.edition, territory_name="Deux")
    scored(jury, a, alone, [4])
    scored(jury, a, shared, [3])
    scored(jury, b, shared, [3])
    result = ranking(jury)
    rows = by_territory(result)
    assert (rows["Seul"].count, rows["Seul"].mean, rows["Seul"].spread) == (1, approx(16.0), None)
    assert rows["Deux"].spread == approx(0.0)
    (agreement,) = result.agreements
    assert agreement.alpha is None
    assert str(agreement.reading) == "pas assez de notes communes pour mesurer l'accord"


def test_the_figures_kept_between_two_readings_follow_every_change_of_the_submitted_evaluations(case, clock):
    jury, jurors, candidatures = case
    first = by_territory(ranking(jury))
    with CaptureQueriesContext(connection) as again:
        assert by_territory(ranking(jury))["X"].mean == first["X"].mean
    # Read again unchanged: the state of the evaluations, the criteria and the rows, not the aggregates.
    assert len(again.captured_queries) == 4

    # The draft of C on W is submitted: W gets its figures at once.
    scored(jury, jurors["c"], candidatures["W"], [4, 4])
    rows = by_territory(ranking(jury))
    assert (rows["W"].count, rows["W"].mean) == (1, approx(16.0, abs=1e-3))

    # Reopened, it leaves the figures; submitted again with other scores, it comes back with them.
    evaluation = candidatures["W"].assignments.get().evaluation
    reopen_evaluation(evaluation)
    assert by_territory(ranking(jury))["W"].count == 0
    clock.set(evaluation.updated_at + timedelta(minutes=5))
    scored(jury, jurors["c"], candidatures["W"], [1, 1])
    assert by_territory(ranking(jury))["W"].mean == approx(4.0, abs=1e-3)
