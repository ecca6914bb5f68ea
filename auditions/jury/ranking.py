"""The jury's ranking: per candidature in SQL, then normalisation, severity and agreement on the fetched rows.

Totals are on 20 (``services.weighted_total``). The database computes, each
in one grouped query, the mean, median, standard deviation and number of
submitted evaluations per candidature, and the number, sum and sum of squares
of the scores per candidature × criterion, pivoted here into each criterion's
mean and summed into the agreement. No figure is computed by a subquery per
candidature: at national scale that multiplies the plan's cost past
PostgreSQL's JIT threshold. Each juror's mean and spread, the normalised
score (every juror's totals as z-scores, averaged per candidature and mapped
back onto 20 with the jury's overall mean and spread: shown beside the raw
mean, never instead of it) and each juror's severity come from the submitted
totals, with numpy. The grouped query of the scores also gives each
criterion's lowest and highest score per candidature: the widest gap, as a
share of the criterion's scale, is how strongly its jurors disagree on the
dossier. All that depends only on the submitted evaluations, which never
change once submitted: a process computes it once per state of that set
(``scored``) and the page, re-read during deliberation, costs the rows only.
"""

import hashlib
import math
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Avg, Count, IntegerField, Max, Min, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from core.throttle import ask_cache
from label.models import Candidature, Level, Status

from .aggregates import Median, SampleStdDev
from .models import Evaluation, Score

SUBMITTED = Evaluation.Status.SUBMITTED
# The juries whose figures a process keeps (see ``scored``), the least recently ranked dropped first.
KEPT_JURIES = 16
_kept = OrderedDict()
_kept_lock = threading.Lock()
# Beyond the process, the figures are shared through the cache (Redis in production): the first worker to rank a
# jury after a change computes them, the others read them. ``forget_scored`` moves every process to a new generation.
SHARED_PREFIX = "jury-scored"
SHARED_GENERATION = f"{SHARED_PREFIX}:generation"
SHARED_SECONDS = 60 * 60
SEVERITY_NOTICE = 1.0  # points on 20 from the others before a juror is called severe or lenient
# From this gap between the highest and the lowest score of a criterion, as a share of its scale (2 points on
# 0–5), the jurors disagree strongly on it: the dossier is to be discussed.
DISAGREEMENT_SHARE = 0.4


def scale_share(gap, criterion):
    """A gap in points on ``criterion``'s scale as a share of that scale (0 to 1)."""
    return gap / (criterion.scale_max - criterion.scale_min)


def strong_disagreement(share):
    # Rounded first: 2 points on 0–5 is 0.4, not 0.39999….
    return share is not None and round(share, 9) >= DISAGREEMENT_SHARE


@dataclass(frozen=True, slots=True, eq=False)
class RankedCandidature:
    """What the ranking shows of a candidature: read as plain values, a model instance per row costs too much."""

    pk: int
    reference: str
    territory_name: str
    project_title: str
    status: str
    staged_transition: str
    staged_level: str
    region_code: str | None
    region_name: str | None
    outcome_level: str

    FIELDS = (
        "pk",
        "reference",
        "territory_name",
        "project_title",
        "status",
        "staged_transition",
        "staged_level",
        "region__code",
        "region__name",
        "outcome_level",
    )

    def __eq__(self, other):
        """The same candidature, whether read here as values or elsewhere as a model instance."""
        if isinstance(other, RankedCandidature | Candidature):
            return self.pk == other.pk
        return NotImplemented

    def __hash__(self):
        return hash(self.pk)

    @property
    def status_label(self):
        return str(Status(self.status).label)

    @property
    def staged_level_label(self):
        return str(Level(self.staged_level).label) if self.staged_level else ""

    @property
    def outcome_level_label(self):
        return str(Level(self.outcome_level).label) if self.outcome_level else ""


@dataclass(slots=True)
class Row:
    candidature: RankedCandidature
    count: int
    mean: float | None
    median: float | None
    spread: float | None
    criteria: list  # the edition's criteria, shared by every row
    means: list  # each criterion's mean, in the order of ``criteria``; None when nobody scored it
    eliminated_by: list = field(default_factory=list)  # criteria whose mean is below their threshold
    normalised: float | None = None
    rank: int | None = None
    normalised_rank: int | None = None
    # The widest gap between two jurors' scores on one criterion, as a share of its scale, and that criterion.
    disagreement: float | None = None
    disagreement_criterion: object = None

    @property
    def criterion_means(self):
        return list(zip(self.criteria, self.means, strict=True))

    @property
    def eliminated(self):
        return bool(self.eliminated_by)

    @property
    def disputed(self):
        return strong_disagreement(self.disagreement)


@dataclass
class JurorFigures:
    juror: object
    evaluations: int
    mean: float | None
    severity: float | None  # mean offset from the other jurors on shared dossiers; negative: severer

    @property
    def reading(self):
        if self.severity is None:
            return _("pas de dossier noté en commun avec un autre juré")
        if self.severity <= -SEVERITY_NOTICE:
            return _("note plus sévèrement que les autres jurés")
        if self.severity >= SEVERITY_NOTICE:
            return _("note plus favorablement que les autres jurés")
        return _("note comme les autres jurés")


@dataclass
class Agreement:
    criterion: object
    alpha: float | None
    uniform: bool = False  # every score the same: nothing varies, alpha is undefined

    @property
    def reading(self):
        if self.uniform:
            return _("toutes les notes sont identiques : accord complet, sans variation à mesurer")
        if self.alpha is None:
            return _("pas assez de notes communes pour mesurer l'accord")
        if self.alpha >= 0.8:
            return _("accord solide : les jurés lisent ce critère de la même façon")
        if self.alpha >= 0.667:
            return _("accord suffisant pour des conclusions prudentes")
        return _("accord faible : les jurés ne lisent pas ce critère de la même façon, à discuter en délibération")


class CriterionScores:
    """One criterion's submitted scores, summed one candidature (unit) at a time: what the agreement needs.

    Krippendorff's interval alpha only needs, per unit, the number of values m, their sum S1 and the sum of their
    squares S2. With n the pairable values (those of units scored at least twice) and S1, S2 their sums,
    alpha = 1 − (n − 1) · Σ_u (m_u·S2_u − S1_u²) / (m_u − 1) / (n·S2 − S1²): the coincidence-matrix definition
    with the squared difference, summed in closed form, so no raters × units matrix is ever built.
    """

    def __init__(self):
        self.scores = self.total = self.squares = 0  # every score, pairable or not
        self.units = self.values = self.pairable_total = self.pairable_squares = 0
        self.within = defaultdict(int)  # per number of values in a unit: Σ (m·S2 − S1²), divided once each

    def add(self, count, total, squares):
        self.scores += count
        self.total += total
        self.squares += squares
        if count >= 2:
            self.units += 1
            self.values += count
            self.pairable_total += total
            self.pairable_squares += squares
            self.within[count] += count * squares - total * total

    @property
    def uniform(self):
        """Every score the same (no variance): nothing to agree or disagree on."""
        return self.scores > 1 and self.scores * self.squares == self.total * self.total

    @property
    def alpha(self):
        """The interval alpha, or None when undefined: fewer than two pairable units, or no variation in them."""
        expected = self.values * self.pairable_squares - self.pairable_total**2
        if self.units < 2 or expected == 0:
            return None
        observed = sum(Fraction(value) / (count - 1) for count, value in self.within.items())
        return float(1 - (self.values - 1) * observed / Fraction(expected))


class Ranking:
    """The rows in rank order and the jury's overall figures; the jurors' figures and the agreement on first read."""

    def __init__(self, criteria, rows, scored):
        self.criteria = criteria
        self.rows = rows
        self.evaluation_count = scored.evaluation_count
        self.overall_mean = scored.overall_mean
        self.overall_spread = scored.overall_spread
        self._scored = scored

    def juror_figures(self, juror):
        """``juror``'s figures in this jury, from what the ranking already holds: no query."""
        mean, _spread, count, severity = self._scored.jurors.get(juror.pk, (None, None, 0, None))
        return JurorFigures(juror=juror, evaluations=count, mean=mean, severity=severity)

    @cached_property
    def jurors(self):
        users = get_user_model().objects.in_bulk(list(self._scored.jurors))
        figures = [
            JurorFigures(juror=users[juror_id], evaluations=count, mean=mean, severity=severity)
            for juror_id, (mean, _spread, count, severity) in self._scored.jurors.items()
        ]
        return sorted(figures, key=lambda figure: figure.juror.full_name)

    def gaps(self, row):
        """Per criterion of ``row``, in order, the gap in points between its highest and lowest score (None when
        fewer than two jurors scored it)."""
        gaps = self._scored.gaps.get(row.candidature.pk, {})
        return [gaps.get(criterion.pk) for criterion in self.criteria]

    @cached_property
    def agreements(self):
        agreements = []
        for criterion in self.criteria:
            scores = self._scored.scores.get(criterion.pk) or CriterionScores()
            agreements.append(Agreement(criterion=criterion, alpha=scores.alpha, uniform=scores.uniform))
        return agreements


@dataclass
class Scored:
    """What a jury's submitted evaluations say, per candidature and per juror, in plain values.

    Submitted evaluations never change (a juror must have one reopened, which takes it out of the set), so this
    is computed once per state of the set and kept by the process: deliberation reads it many times.
    """

    evaluation_count: int
    overall_mean: float | None
    overall_spread: float | None
    figures: dict  # candidature id -> (count, mean, median, spread)
    means: dict  # candidature id -> {criterion id: mean}
    scores: dict  # criterion id -> CriterionScores
    normalised_z: dict  # candidature id -> mean z-score of its evaluations
    jurors: dict  # juror id -> (mean, spread, count, severity)
    gaps: dict  # candidature id -> {criterion id: highest − lowest score}, for criteria scored at least twice
    disagreements: dict  # candidature id -> (widest gap as a share of its criterion's scale, that criterion's id)


def _float(value):
    return None if value is None else float(value)


def competition_ranks(values):
    """1, 2, 2, 4…: equal values share a rank; None values get none."""
    ordered = sorted((value for value in values if value is not None), reverse=True)
    first_position = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return [first_position.get(value) if value is not None else None for value in values]


def _submitted(jury):
    return Evaluation.objects.filter(assignment__jury=jury, status=SUBMITTED)


def _evaluation_figures(jury):
    """(candidature id, count, mean, median, spread) of each candidature's submitted evaluations' totals."""
    total = "weighted_total"
    return (
        _submitted(jury)
        .order_by()
        .values_list("assignment__candidature_id")
        .annotate(count=Count("pk"), mean=Avg(total), median=Median(total), spread=SampleStdDev(total))
    )


def _criterion_units(jury):
    """(candidature id, criterion id, count, sum, sum of squares, lowest, highest) of the submitted scores, per
    candidature × criterion; the criterion's mean is the exact sum divided by the count, the sums feed the
    agreement, the lowest and highest the disagreement."""
    # Integer sums keep PostgreSQL's aggregate on integers (hashable, no numeric arithmetic); a smallint squared fits.
    value = Cast("value", IntegerField())
    return (
        Score.objects.filter(evaluation__assignment__jury=jury, evaluation__status=SUBMITTED, value__isnull=False)
        .order_by()
        .values_list("evaluation__assignment__candidature_id", "criterion_id")
        .annotate(
            count=Count("pk"), total=Sum("value"), squares=Sum(value * value), low=Min("value"), high=Max("value")
        )
    )


def _jury_state(jury):
    """What tells one set of submitted evaluations from another: it changes when one enters, leaves or comes back."""
    state = _submitted(jury).aggregate(count=Count("pk"), ids=Sum("pk"), last=Max("updated_at"))
    return state["count"], state["ids"], state["last"]


def _score(jury, criteria):
    figures = {
        candidature_id: (count, _float(mean), _float(median), _float(spread))
        for candidature_id, count, mean, median, spread in _evaluation_figures(jury)
    }
    by_pk = {criterion.pk: (position, criterion) for position, criterion in enumerate(criteria)}
    means, scores, gaps, disagreements = defaultdict(dict), defaultdict(CriterionScores), defaultdict(dict), {}
    for candidature_id, criterion_id, count, total, squares, low, high in _criterion_units(jury):
        means[candidature_id][criterion_id] = total / count
        scores[criterion_id].add(count, total, squares)
        if count < 2 or criterion_id not in by_pk:
            continue
        gaps[candidature_id][criterion_id] = high - low
        position, criterion = by_pk[criterion_id]
        share = scale_share(high - low, criterion)
        widest = disagreements.get(candidature_id)
        # Equal shares: the criterion that comes first in the edition's order.
        if widest is None or (share, -position) > (widest[0], -by_pk[widest[1]][0]):
            disagreements[candidature_id] = (share, criterion_id)
    evaluations = list(
        _submitted(jury)
        .filter(weighted_total__isnull=False)
        .values_list("assignment__juror_id", "assignment__candidature_id", "weighted_total")
    )
    if not evaluations:
        return Scored(0, None, None, figures, dict(means), dict(scores), {}, {}, dict(gaps), disagreements)
    juror_ids, candidature_ids, totals = zip(*evaluations, strict=True)
    totals = numpy.array([float(total) for total in totals])
    jurors, by_juror = numpy.unique(numpy.array(juror_ids), return_inverse=True)
    candidatures, by_candidature = numpy.unique(numpy.array(candidature_ids), return_inverse=True)
    # Each juror's mean and population spread, then each evaluation as a z-score within its juror's totals.
    juror_count = numpy.bincount(by_juror)
    juror_mean = numpy.bincount(by_juror, weights=totals) / juror_count
    juror_spread = numpy.sqrt(numpy.bincount(by_juror, weights=(totals - juror_mean[by_juror]) ** 2) / juror_count)
    spread = juror_spread[by_juror]
    z = numpy.divide(totals - juror_mean[by_juror], spread, out=numpy.zeros_like(totals), where=spread > 0)
    z_mean = numpy.bincount(by_candidature, weights=z) / numpy.bincount(by_candidature)
    # Severity: each total against the mean of the other jurors' totals on the same dossier.
    unit_count = numpy.bincount(by_candidature)[by_candidature]
    unit_total = numpy.bincount(by_candidature, weights=totals)[by_candidature]
    shared = unit_count > 1
    offsets = totals[shared] - (unit_total[shared] - totals[shared]) / (unit_count[shared] - 1)
    offset_sum = numpy.bincount(by_juror[shared], weights=offsets, minlength=len(jurors))
    offset_count = numpy.bincount(by_juror[shared], minlength=len(jurors))
    return Scored(
        evaluation_count=len(totals),
        overall_mean=float(totals.mean()),
        overall_spread=float(totals.std()),
        figures=figures,
        means=dict(means),
        scores=dict(scores),
        normalised_z={int(pk): float(value) for pk, value in zip(candidatures, z_mean, strict=True)},
        jurors={
            int(juror): (
                float(juror_mean[index]),
                float(juror_spread[index]),
                int(juror_count[index]),
                float(offset_sum[index] / offset_count[index]) if offset_count[index] else None,
            )
            for index, juror in enumerate(jurors)
        },
        gaps=dict(gaps),
        disagreements=disagreements,
    )


def scored(jury, criteria):
    """The jury's ``Scored``, kept by this process and shared through the cache while its submitted evaluations
    and its criteria's scales stay the same."""
    scales = tuple((criterion.pk, criterion.scale_min, criterion.scale_max) for criterion in criteria)
    state = (*_jury_state(jury), scales)
    with _kept_lock:
        kept = _kept.get(jury.pk)
        if kept is not None and kept[0] == state:
            _kept.move_to_end(jury.pk)
            return kept[1]
    key = _shared_key(jury, state)
    summary = _shared_get(key)
    if summary is None:
        summary = _score(jury, criteria)
        _shared_set(key, summary)
    with _kept_lock:
        _kept[jury.pk] = (state, summary)
        _kept.move_to_end(jury.pk)
        while len(_kept) > KEPT_JURIES:
            _kept.popitem(last=False)
    return summary


def _shared_key(jury, state):
    """The cache key of ``jury``'s figures in ``state``, or None when the cache does not answer."""
    generation = ask_cache(
        lambda: cache.get_or_set(SHARED_GENERATION, 0, timeout=None), SHARED_PREFIX, "figures not shared", None
    )
    if generation is None:
        return None
    digest = hashlib.sha256(repr(state).encode()).hexdigest()[:32]
    return f"{SHARED_PREFIX}:{generation}:{jury.pk}:{digest}"


def _shared_get(key):
    if key is None:
        return None
    return ask_cache(lambda: cache.get(key), SHARED_PREFIX, "figures computed again", None)


def _shared_set(key, summary):
    if key is not None:
        ask_cache(lambda: cache.set(key, summary, timeout=SHARED_SECONDS), SHARED_PREFIX, "figures not shared", None)


def forget_scored():
    """Drop what this process keeps and what the cache shares (tests whose rows reuse the identifiers and instants
    of others)."""
    with _kept_lock:
        _kept.clear()

    def next_generation():
        cache.add(SHARED_GENERATION, 0, timeout=None)
        return cache.incr(SHARED_GENERATION)

    ask_cache(next_generation, SHARED_PREFIX, "shared figures not forgotten", None)


def ranking(jury):
    # Few objects are kept per unit or row: at national scale the garbage collector's passes cost as much as SQL.
    criteria = list(jury.edition.criteria.all())
    thresholds = [_float(criterion.eliminatory_threshold) for criterion in criteria]
    summary = scored(jury, criteria)
    by_pk = {criterion.pk: criterion for criterion in criteria}
    rows = []
    no_evaluation, no_means = (0, None, None, None), {}
    for values in jury.candidatures().order_by("reference", "pk").values_list(*RankedCandidature.FIELDS):
        candidature = RankedCandidature(*values)
        count, mean, median, spread = summary.figures.get(candidature.pk, no_evaluation)
        by_criterion = summary.means.get(candidature.pk, no_means)
        row_means = [by_criterion.get(criterion.pk) for criterion in criteria]
        eliminated_by = [
            criterion
            for criterion, threshold, criterion_mean in zip(criteria, thresholds, row_means, strict=True)
            if criterion_mean is not None and threshold is not None and criterion_mean < threshold
        ]
        row = Row(candidature, count, mean, median, spread, criteria, row_means, eliminated_by)
        z = summary.normalised_z.get(candidature.pk)
        if z is not None:
            row.normalised = summary.overall_mean + z * summary.overall_spread
        widest = summary.disagreements.get(candidature.pk)
        if widest is not None:
            row.disagreement, row.disagreement_criterion = widest[0], by_pk[widest[1]]
        rows.append(row)
    for row, rank in zip(rows, competition_ranks([row.mean for row in rows]), strict=True):
        row.rank = rank
    for row, rank in zip(rows, competition_ranks([row.normalised for row in rows]), strict=True):
        row.normalised_rank = rank
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.candidature.reference or ""))
    return Ranking(criteria, rows, summary)


# --- one dossier in deliberation: its jurors' scores side by side --------------------------------------


@dataclass(slots=True)
class CriterionSpread:
    """One criterion of a dossier: each juror's score, in the order of the evaluations, and how far apart they are."""

    criterion: object
    scores: list  # None where the juror left the criterion without a score

    @property
    def values(self):
        return [value for value in self.scores if value is not None]

    @property
    def mean(self):
        values = self.values
        return sum(values) / len(values) if values else None

    @property
    def low(self):
        return min(self.values, default=None)

    @property
    def high(self):
        return max(self.values, default=None)

    @property
    def gap(self):
        """Highest − lowest score, in points on the criterion's scale; None under two scores."""
        values = self.values
        return max(values) - min(values) if len(values) >= 2 else None

    @property
    def share(self):
        gap = self.gap
        return None if gap is None else scale_share(gap, self.criterion)

    @property
    def disputed(self):
        return strong_disagreement(self.share)

    @property
    def eliminated(self):
        threshold, mean = self.criterion.eliminatory_threshold, self.mean
        return threshold is not None and mean is not None and mean < threshold


def submitted_evaluations(jury, candidature_id):
    """The dossier's submitted evaluations in ``jury``, with their juror and scores: two queries, whatever their
    number. Drafts are never shown: a juror's scores count once submitted."""
    return (
        Evaluation.objects.filter(assignment__jury=jury, assignment__candidature_id=candidature_id, status=SUBMITTED)
        .select_related("assignment__juror")
        .prefetch_related("scores")
        .order_by("assignment__juror__full_name", "assignment__juror_id")
    )


def spreads(criteria, evaluations):
    """Per criterion, in order, the scores of ``evaluations`` (scores prefetched), one per evaluation in order."""
    by_evaluation = [{score.criterion_id: score.value for score in each.scores.all()} for each in evaluations]
    return [CriterionSpread(criterion, [each.get(criterion.pk) for each in by_evaluation]) for criterion in criteria]


def krippendorff_alpha(matrix):
    """Interval alpha of a raters × units ``matrix`` (NaN: no value), through the same sums as the ranking."""
    scores = CriterionScores()
    for unit in zip(*matrix, strict=True):
        values = [value for value in unit if not math.isnan(value)]
        if values:
            scores.add(len(values), sum(values), sum(value * value for value in values))
    return scores.alpha
