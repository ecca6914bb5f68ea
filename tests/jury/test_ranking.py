"""The ranking against numbers computed by hand (see the comments), and alpha against a published example."""

import math
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from auditions.jury.models import ConflictOfInterest
from auditions.jury.ranking import (
    competition_ranks,
    krippendorff_alpha,
    ranking,
    spreads,
    strong_disagreement,
    submitted_evaluations,
)
from auditions.jury.services import reopen_evaluation, weighted_total
from label.models import Criterion
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
    reopen_evaluation(evaluation, by=None, reason="Note mal saisie")
    assert by_territory(ranking(jury))["W"].count == 0
    clock.set(evaluation.updated_at + timedelta(minutes=5))
    scored(jury, jurors["c"], candidatures["W"], [1, 1])
    assert by_territory(ranking(jury))["W"].mean == approx(4.0, abs=1e-3)


# --- how strongly the jurors disagree on a dossier -----------------------------------------------------


def test_the_widest_gap_of_each_dossier_as_a_share_of_its_criterions_scale(case):
    """On 0–5 (a scale of 5 points), the highest minus the lowest score of each criterion:
    X: Innovation 5, 4, 3 → 2 (40 %), Usagers 4, 4, 5 → 1       widest: Innovation, 0.4, to discuss
    Y: Innovation 2, 1, 2 → 1,         Usagers 2, 3, 1 → 2 (40 %) widest: Usagers, 0.4, to discuss
    Z: Innovation 4, 5    → 1,         Usagers 2, 5    → 3 (60 %) widest: Usagers, 0.6, to discuss
    W: nothing submitted.
    """
    jury, _jurors, _candidatures = case
    result = ranking(jury)
    rows = by_territory(result)
    assert {
        name: (row.disagreement, getattr(row.disagreement_criterion, "name", None), row.disputed)
        for name, row in rows.items()
    } == {
        "X": (approx(0.4), "Innovation", True),
        "Y": (approx(0.4), "Usagers", True),
        "Z": (approx(0.6), "Usagers", True),
        "W": (None, None, False),
    }
    assert {name: result.gaps(row) for name, row in rows.items()} == {
        "X": [2, 1],
        "Y": [1, 2],
        "Z": [1, 3],
        "W": [None, None],
    }


def test_a_gap_under_the_threshold_is_no_disagreement_and_equal_gaps_name_the_first_criterion():
    """On 0–10, 3 points (30 %) is under 40 %; 1–5 is a scale of 4 points: 2 points there are 50 %."""
    jury, (a, b) = jury_with_members(2)
    CriterionFactory(edition=jury.edition, name="Innovation", order=1, scale_min=0, scale_max=10)
    CriterionFactory(edition=jury.edition, name="Usagers", order=2, scale_min=1, scale_max=5)
    CriterionFactory(edition=jury.edition, name="Mutualisation", order=3, scale_min=1, scale_max=5)
    calm, split = shortlisted(jury.edition, territory_name="Calme"), shortlisted(jury.edition, territory_name="Partagé")
    scored(jury, a, calm, [7, 3, 3])
    scored(jury, b, calm, [4, 3, 3])
    scored(jury, a, split, [5, 1, 5])
    scored(jury, b, split, [5, 3, 3])
    rows = by_territory(ranking(jury))
    assert (rows["Calme"].disagreement, rows["Calme"].disagreement_criterion.name) == (approx(0.3), "Innovation")
    assert rows["Calme"].disputed is False
    assert (rows["Partagé"].disagreement, rows["Partagé"].disagreement_criterion.name) == (approx(0.5), "Usagers")
    assert rows["Partagé"].disputed is True
    assert strong_disagreement(2 / 5) and not strong_disagreement(0.39) and not strong_disagreement(None)


def test_a_single_juror_leaves_no_gap_to_measure():
    jury, (a, _b) = jury_with_members(2)
    CriterionFactory(edition=jury.edition, name="Innovation")
    alone = shortlisted(jury.edition, territory_name="Seul")
    scored(jury, a, alone, [1])
    result = ranking(jury)
    (row,) = result.rows
    assert (row.disagreement, row.disagreement_criterion, row.disputed, result.gaps(row)) == (None, None, False, [None])


def test_the_kept_figures_follow_a_change_of_a_criterions_scale(case):
    jury, _jurors, _candidatures = case
    assert by_territory(ranking(jury))["Z"].disagreement == approx(0.6)
    Criterion.objects.filter(edition=jury.edition, name="Usagers").update(scale_max=10)
    assert by_territory(ranking(jury))["Z"].disagreement == approx(0.3)


def test_a_dossiers_scores_side_by_side_each_jurors_in_the_order_of_the_evaluations(case):
    """Y, criterion by criterion: Innovation A 2, B 1, C 2 (mean 1.667, gap 1); Usagers A 2, B 3, C 1 (gap 2)."""
    jury, jurors, candidatures = case
    for name, juror in jurors.items():
        juror.full_name = f"Juré {name.upper()}"
        juror.save()
    with CaptureQueriesContext(connection) as captured:
        evaluations = list(submitted_evaluations(jury, candidatures["Y"].pk))
    assert len(captured.captured_queries) == 2  # the evaluations with their jurors, then their scores
    assert [evaluation.assignment.juror for evaluation in evaluations] == [jurors["a"], jurors["b"], jurors["c"]]
    innovation, usagers = spreads(list(jury.edition.criteria.all()), evaluations)
    assert (innovation.criterion.name, innovation.scores) == ("Innovation", [2, 1, 2])
    assert (innovation.low, innovation.high) == (1, 2)
    assert (innovation.mean, innovation.gap, innovation.share) == (approx(5 / 3), 1, approx(0.2))
    assert (innovation.disputed, innovation.eliminated) == (False, True)  # 1.667 under its threshold of 2
    assert (usagers.scores, usagers.gap, usagers.share, usagers.disputed, usagers.eliminated) == (
        [2, 3, 1],
        2,
        approx(0.4),
        True,
        False,
    )
    # Drafts are never side by side with the submitted scores: W has C's draft only.
    assert list(submitted_evaluations(jury, candidatures["W"].pk)) == []
    none = spreads(list(jury.edition.criteria.all()), [])
    assert [(spread.scores, spread.mean, spread.gap, spread.disputed) for spread in none] == [
        ([], None, None, False),
        ([], None, None, False),
    ]
