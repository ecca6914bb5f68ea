"""The jury's ranking: per candidature in SQL, then normalisation, severity and agreement on the fetched rows.

Totals are on 20 (``services.weighted_total``). Per candidature the database
computes the mean, median, standard deviation and number of submitted
evaluations and each criterion's mean; each juror's mean and spread come from
one grouped query. The normalised score turns every juror's totals into
z-scores, averages them per candidature and maps the result back onto 20 with
the jury's overall mean and spread: it is shown beside the raw mean, never
instead of it.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

import krippendorff
import numpy
from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, FloatField, OuterRef, Q, StdDev, Subquery
from django.utils.translation import gettext_lazy as _

from .aggregates import Median, SampleStdDev
from .models import Evaluation, Score

SUBMITTED = Evaluation.Status.SUBMITTED
SEVERITY_NOTICE = 1.0  # points on 20 from the others before a juror is called severe or lenient


@dataclass
class Row:
    candidature: object
    count: int
    mean: float | None
    median: float | None
    spread: float | None
    normalised: float | None = None
    criterion_means: list = field(default_factory=list)  # [(criterion, mean or None)]
    eliminated_by: list = field(default_factory=list)  # criteria whose mean is below their threshold
    rank: int | None = None
    normalised_rank: int | None = None

    @property
    def eliminated(self):
        return bool(self.eliminated_by)


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


@dataclass
class Ranking:
    criteria: list
    rows: list
    jurors: list
    agreements: list
    overall_mean: float | None
    overall_spread: float | None


def _float(value):
    return None if value is None else float(value)


def competition_ranks(values):
    """1, 2, 2, 4…: equal values share a rank; None values get none."""
    ordered = sorted((value for value in values if value is not None), reverse=True)
    first_position = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return [first_position.get(value) if value is not None else None for value in values]


def annotated_candidatures(jury, criteria):
    submitted = Q(assignments__jury=jury, assignments__evaluation__status=SUBMITTED)
    total = "assignments__evaluation__weighted_total"
    annotations = {
        "evaluation_count": Count("assignments__evaluation", filter=submitted),
        "mean_total": Avg(total, filter=submitted),
        "median_total": Median(total, filter=submitted),
        "spread_total": SampleStdDev(total, filter=submitted),
    }
    for criterion in criteria:
        scores = (
            Score.objects.filter(
                evaluation__assignment__candidature=OuterRef("pk"),
                evaluation__assignment__jury=jury,
                evaluation__status=SUBMITTED,
                criterion=criterion,
            )
            .order_by()
            .values("criterion")
            .annotate(mean=Avg("value"))
            .values("mean")
        )
        annotations[f"criterion_{criterion.pk}"] = Subquery(scores, output_field=FloatField())
    return jury.candidatures().select_related("region").annotate(**annotations).order_by("reference", "pk")


def ranking(jury):
    criteria = list(jury.edition.criteria.all())
    rows = []
    for candidature in annotated_candidatures(jury, criteria):
        row = Row(
            candidature=candidature,
            count=candidature.evaluation_count,
            mean=_float(candidature.mean_total),
            median=_float(candidature.median_total),
            spread=_float(candidature.spread_total),
        )
        for criterion in criteria:
            mean = _float(getattr(candidature, f"criterion_{criterion.pk}"))
            row.criterion_means.append((criterion, mean))
            threshold = criterion.eliminatory_threshold
            if mean is not None and threshold is not None and mean < float(threshold):
                row.eliminated_by.append(criterion)
        rows.append(row)

    evaluations = list(
        Evaluation.objects.filter(assignment__jury=jury, status=SUBMITTED, weighted_total__isnull=False).values_list(
            "assignment__juror_id", "assignment__candidature_id", "weighted_total"
        )
    )
    juror_stats = {
        row["assignment__juror"]: (_float(row["mean"]), _float(row["spread"]), row["count"])
        for row in Evaluation.objects.filter(assignment__jury=jury, status=SUBMITTED, weighted_total__isnull=False)
        .values("assignment__juror")
        .annotate(mean=Avg("weighted_total"), spread=StdDev("weighted_total"), count=Count("pk"))
        .order_by("assignment__juror")
    }
    totals = [float(total) for _juror, _candidature, total in evaluations]
    overall_mean = sum(totals) / len(totals) if totals else None
    overall_spread = math.sqrt(sum((t - overall_mean) ** 2 for t in totals) / len(totals)) if totals else None

    z_by_candidature = defaultdict(list)
    totals_by_candidature = defaultdict(list)
    for juror_id, candidature_id, total in evaluations:
        mean, spread, _count = juror_stats[juror_id]
        z = (float(total) - mean) / spread if spread else 0.0
        z_by_candidature[candidature_id].append(z)
        totals_by_candidature[candidature_id].append((juror_id, float(total)))
    for row in rows:
        zs = z_by_candidature.get(row.candidature.pk)
        if zs:
            row.normalised = overall_mean + (sum(zs) / len(zs)) * overall_spread
    for row, rank in zip(rows, competition_ranks([row.mean for row in rows]), strict=True):
        row.rank = rank
    for row, rank in zip(rows, competition_ranks([row.normalised for row in rows]), strict=True):
        row.normalised_rank = rank
    rows.sort(key=lambda row: (row.rank is None, row.rank or 0, row.candidature.reference or ""))

    return Ranking(
        criteria=criteria,
        rows=rows,
        jurors=_juror_figures(juror_stats, totals_by_candidature),
        agreements=_agreements(jury, criteria),
        overall_mean=overall_mean,
        overall_spread=overall_spread,
    )


def _juror_figures(juror_stats, totals_by_candidature):
    offsets = defaultdict(list)
    for scored in totals_by_candidature.values():
        for juror_id, total in scored:
            others = [other for other_id, other in scored if other_id != juror_id]
            if others:
                offsets[juror_id].append(total - sum(others) / len(others))
    users = get_user_model().objects.in_bulk(list(juror_stats))
    figures = [
        JurorFigures(
            juror=users[juror_id],
            evaluations=count,
            mean=mean,
            severity=sum(offsets[juror_id]) / len(offsets[juror_id]) if offsets[juror_id] else None,
        )
        for juror_id, (mean, _spread, count) in juror_stats.items()
    ]
    return sorted(figures, key=lambda figure: figure.juror.full_name)


def krippendorff_alpha(matrix):
    """Interval alpha of a raters × units matrix (NaN where a rater did not score), or None when undefined."""
    data = numpy.array(matrix, dtype=float)
    pairable = (~numpy.isnan(data)).sum(axis=0) >= 2
    if data.shape[0] < 2 or pairable.sum() < 2:
        return None
    values = data[:, pairable]
    if numpy.nanmax(values) == numpy.nanmin(values):
        return None
    alpha = krippendorff.alpha(reliability_data=values, level_of_measurement="interval")
    return None if math.isnan(alpha) else float(alpha)


def _agreements(jury, criteria):
    scores = Score.objects.filter(
        evaluation__assignment__jury=jury, evaluation__status=SUBMITTED, value__isnull=False
    ).values_list("criterion_id", "evaluation__assignment__juror_id", "evaluation__assignment__candidature_id", "value")
    by_criterion = defaultdict(dict)
    for criterion_id, juror_id, candidature_id, value in scores:
        by_criterion[criterion_id][(juror_id, candidature_id)] = value
    agreements = []
    for criterion in criteria:
        cells = by_criterion.get(criterion.pk, {})
        jurors = sorted({juror for juror, _candidature in cells})
        candidatures = sorted({candidature for _juror, candidature in cells})
        matrix = [[cells.get((juror, candidature), math.nan) for candidature in candidatures] for juror in jurors]
        uniform = len(set(cells.values())) == 1 and len(cells) > 1
        agreements.append(
            Agreement(criterion=criterion, alpha=krippendorff_alpha(matrix) if matrix else None, uniform=uniform)
        )
    return agreements
