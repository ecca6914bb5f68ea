"""The jury's ranking for organisers: the page, one dossier's deliberation and the decisions (the exports are in
``ranking_exports``)."""

import heapq
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_organiser
from events.regions import collation_key
from label import services, workflow
from label.feedback import report_refused
from label.models import Candidature, Level, Status

from .models import Assignment, ConflictOfInterest, Jury
from .ranking import (
    DISAGREEMENT_SHARE,
    ranking,
    scale_share,
    spreads,
    strong_disagreement,
    submitted_evaluations,
)

LAUREATE = "select_laureate"
NOT_RETAINED = "not_retain"
# The value of the decision <select> when the edition gives no level.
LAUREATE_WITHOUT_LEVEL = Status.LAUREATE.value
DECISION_PREFIX = "decision-"


def organiser_required(view):
    """Anonymous people are sent to the log-in page; signed-in people who are not organisers get a 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_organiser(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def all_juries():
    return list(Jury.objects.select_related("edition").order_by("-scoring_closes_at", "-pk"))


def chosen_jury(wanted, juries):
    """The jury whose primary key is ``wanted``, else the most recent one; None when there is no jury."""
    if not wanted:
        return juries[0] if juries else None
    jury = next((jury for jury in juries if str(jury.pk) == wanted), None)
    if jury is None:
        raise Http404
    return jury


def _jury_or_404(wanted):
    if not str(wanted or "").isdigit():
        raise Http404
    return get_object_or_404(Jury.objects.select_related("edition"), pk=wanted)


# --- decisions as the <select> of each row shows them ---------------------------------------------


def decision_choices(edition):
    if edition.laureate_levels:
        laureate = [(level.value, level.label) for level in Level]
    else:
        laureate = [(LAUREATE_WITHOUT_LEVEL, workflow.TRANSITIONS[LAUREATE].label)]
    return [("", "—"), *laureate, (NOT_RETAINED, workflow.TRANSITIONS[NOT_RETAINED].label)]


def current_choice(candidature):
    if candidature.staged_transition == LAUREATE:
        return candidature.staged_level or LAUREATE_WITHOUT_LEVEL
    if candidature.staged_transition == NOT_RETAINED:
        return NOT_RETAINED
    return ""


def decision_of(choice):
    """(transition name, level) for a <select> value; None for "—"."""
    if not choice:
        return None
    if choice == NOT_RETAINED:
        return NOT_RETAINED, ""
    if choice == LAUREATE_WITHOUT_LEVEL:
        return LAUREATE, ""
    return LAUREATE, choice


def staged_label(candidature):
    transition = workflow.TRANSITIONS.get(candidature.staged_transition)
    if transition is None:
        return ""
    if candidature.staged_level:
        return f"{transition.label} · {candidature.staged_level_label}"
    return str(transition.label)


# --- the page: totals for the whole jury, a filtered and paginated table, the distribution -------------

PER_PAGE = 50
DECIDED = (Status.LAUREATE, Status.NOT_RETAINED)
UNDECIDED, STAGED, PUBLISHED = "undecided", "staged", "published"
DECISION_FILTERS = (
    ("", _("Toutes")),
    (UNDECIDED, _("Sans décision")),
    (STAGED, _("Préparée, à publier")),
    (PUBLISHED, _("Publiée")),
)
ELIMINATION_FILTERS = (("", _("Toutes")), ("no", _("Non éliminées")), ("yes", _("Éliminées")))
DISPUTED, NOT_DISPUTED = "yes", "no"
DISAGREEMENT_FILTERS = (
    ("", _("Tous")),
    (DISPUTED, _("À discuter")),
    (NOT_DISPUTED, _("Sans désaccord fort")),
)
BY_NORMALISED, BY_DISAGREEMENT = "normalised", "disagreement"
SORTS = (
    ("", _("Rang brut")),
    (BY_NORMALISED, _("Rang normalisé")),
    (BY_DISAGREEMENT, _("Plus grands écarts d'abord")),
)
FILTER_PARAMETERS = ("region", "status", "decision", "eliminated", "disagreement", "rank_from", "rank_to")
# What the decisions forms and the deliberation links carry along, so that one comes back to the same rows.
LIST_PARAMETERS = (*FILTER_PARAMETERS, "sort")
KEPT_PARAMETERS = (*LIST_PARAMETERS, "page")
# The dossiers listed first for discussion at the top of the page.
TO_DISCUSS = 5


class RankingFilters(forms.Form):
    """Which rows of the ranking to show; the ranks stay those of the whole jury."""

    region = forms.ChoiceField(label=_("Région"), required=False)
    status = forms.ChoiceField(label=_("État"), required=False)
    decision = forms.ChoiceField(label=_("Décision"), required=False, choices=DECISION_FILTERS)
    eliminated = forms.ChoiceField(label=_("Élimination"), required=False, choices=ELIMINATION_FILTERS)
    disagreement = forms.ChoiceField(label=_("Désaccord entre jurés"), required=False, choices=DISAGREEMENT_FILTERS)
    rank_from = forms.IntegerField(label=_("Du rang"), required=False, min_value=1)
    rank_to = forms.IntegerField(label=_("Au rang"), required=False, min_value=1)
    sort = forms.ChoiceField(label=_("Trier par"), required=False, choices=SORTS)

    def __init__(self, data, rows):
        super().__init__(data)
        self.fields["region"].choices = [("", _("Toutes")), *_regions(rows)]
        self.fields["status"].choices = [("", _("Tous")), *_statuses(rows)]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("rank_from"), cleaned.get("rank_to")
        if low and high and high < low:
            self.add_error("rank_to", _("Le rang de fin doit être supérieur ou égal au rang de début."))
        return cleaned

    def rows(self, rows):
        """The rows every valid filter keeps, in the order asked; a filter with an error is left out and shown with
        its message."""
        self.is_valid()
        wanted = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        tests = []
        if "region" in wanted:
            tests.append(lambda row: row.candidature.region_code == wanted["region"])
        if "status" in wanted:
            tests.append(lambda row: row.candidature.status == wanted["status"])
        if wanted.get("decision") == UNDECIDED:
            tests.append(lambda row: not row.candidature.staged_transition and row.candidature.status not in DECIDED)
        elif wanted.get("decision") == STAGED:
            tests.append(lambda row: bool(row.candidature.staged_transition))
        elif wanted.get("decision") == PUBLISHED:
            tests.append(lambda row: row.candidature.status in DECIDED)
        if "eliminated" in wanted:
            tests.append(lambda row: row.eliminated == (wanted["eliminated"] == "yes"))
        if "disagreement" in wanted:
            tests.append(lambda row: row.disputed == (wanted["disagreement"] == DISPUTED))
        if "rank_from" in wanted:
            tests.append(lambda row: row.rank is not None and row.rank >= wanted["rank_from"])
        if "rank_to" in wanted:
            tests.append(lambda row: row.rank is not None and row.rank <= wanted["rank_to"])
        return ordered([row for row in rows if all(test(row) for test in tests)], wanted.get("sort", ""))

    def order(self):
        """The order asked, "" (the raw rank) when none or an unknown one."""
        self.is_valid()
        return self.cleaned_data.get("sort") or ""


def ordered(rows, sort):
    """``rows`` (in raw rank order) in the order asked; ties keep their raw rank order, rows without the figure last."""
    if sort == BY_NORMALISED:
        return sorted(rows, key=lambda row: (row.normalised_rank is None, row.normalised_rank or 0))
    if sort == BY_DISAGREEMENT:
        return sorted(rows, key=lambda row: (row.disagreement is None, -(row.disagreement or 0)))
    return rows


def _regions(rows):
    names = {row.candidature.region_code: row.candidature.region_name for row in rows if row.candidature.region_code}
    return sorted(names.items(), key=lambda item: collation_key(item[1]))


def _statuses(rows):
    present = {row.candidature.status for row in rows}
    return [(status.value, status.label) for status in Status if status.value in present]


def figure(value, places=2):
    """Rounded half up to ``places`` decimals, as a Decimal: a number in the spreadsheet, "12,35" in French."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# A page writes a few hundred figures taking few distinct values: each is written once per language and process.
@lru_cache(maxsize=4096)
def _written(value, places, language):
    return formats.number_format(figure(value, places), places)


def shown(value, places=2):
    """A figure as the page writes it: rounded as in the exports, in the reader's language; "—" for none."""
    return "—" if value is None else _written(value, places, get_language())


def percent(share):
    """A share of a scale as a whole percentage, "60 %"; "—" for none."""
    return "—" if share is None else f"{shown(share * 100, 0)}\N{NO-BREAK SPACE}%"


@lru_cache(maxsize=256)
def _points(gap, language):
    return ngettext("%(count)s point", "%(count)s points", gap) % {"count": formats.number_format(gap)}


def points(gap):
    """A gap on a criterion's scale: "3 points"; "—" for none."""
    return "—" if gap is None else _points(gap, get_language())


def scale(criterion):
    return gettext("de %(low)d à %(high)d") % {"low": criterion.scale_min, "high": criterion.scale_max}


def decided_label(candidature):
    """The published decision of a candidature, e.g. "Lauréate · Or"; "" while none is published."""
    if candidature.status not in DECIDED:
        return ""
    label = str(Status(candidature.status).label)
    return f"{label} · {candidature.outcome_level_label}" if candidature.outcome_level else label


@dataclass(frozen=True)
class CriterionLine:
    """A criterion of a row, folded into its details: its mean on its scale and the jurors' widest gap."""

    name: str
    mean: str
    gap: str
    disputed: bool
    eliminated: bool


@dataclass(frozen=True)
class Line:
    """A row of the table as shown, its numbers written out once."""

    row: object
    mean: str
    median: str
    spread: str
    normalised: str
    disagreement: str
    criteria: list  # CriterionLine, in the edition's order
    eliminated_by: str
    staged: str
    decided: str
    choice: str
    url: str  # the dossier's deliberation, "" for a reader in conflict of interest with it

    @property
    def candidature(self):
        return self.row.candidature


def line(row, gaps, url=""):
    criteria = [
        CriterionLine(
            name=criterion.name,
            mean=f"{shown(mean)} /{criterion.scale_max}",
            gap=points(gap),
            disputed=gap is not None and strong_disagreement(scale_share(gap, criterion)),
            eliminated=criterion in row.eliminated_by,
        )
        for criterion, mean, gap in zip(row.criteria, row.means, gaps, strict=True)
    ]
    return Line(
        row=row,
        mean=shown(row.mean),
        median=shown(row.median),
        spread=shown(row.spread),
        normalised=shown(row.normalised),
        disagreement=percent(row.disagreement),
        criteria=criteria,
        eliminated_by=", ".join(criterion.name for criterion in row.eliminated_by),
        staged=staged_label(row.candidature),
        decided=decided_label(row.candidature),
        choice=current_choice(row.candidature),
        url=url,
    )


@dataclass(frozen=True)
class Totals:
    """Counts over a set of rows: the whole jury, or every row the filters keep (all pages)."""

    candidatures: int
    scored: int
    eliminated: int
    staged: int
    published: int
    disputed: int


def totals(rows):
    return Totals(
        candidatures=len(rows),
        scored=sum(1 for row in rows if row.count),
        eliminated=sum(1 for row in rows if row.eliminated),
        staged=sum(1 for row in rows if row.candidature.staged_transition),
        published=sum(1 for row in rows if row.candidature.status in DECIDED),
        disputed=sum(1 for row in rows if row.disputed),
    )


def to_discuss(rows):
    """The dossiers whose jurors disagree most (strongly only), not yet decided: where deliberation starts."""
    open_rows = (row for row in rows if row.disputed and row.candidature.status not in DECIDED)
    return heapq.nlargest(TO_DISCUSS, open_rows, key=lambda row: row.disagreement)


BANDS = 20  # one band per point on 20


def distribution(rows):
    """How many of ``rows`` have a mean in each one-point band on 20, the eliminated ones apart; 20 falls in 19–20.

    The chart's data (JSON) and the same counts as table rows, each band named in words.
    """
    kept, eliminated = [0] * BANDS, [0] * BANDS
    for row in rows:
        if row.mean is not None:
            (eliminated if row.eliminated else kept)[min(int(row.mean), BANDS - 1)] += 1
    chart = {
        "labels": [f"{low}–{low + 1}" for low in range(BANDS)],
        "kept": kept,
        "eliminated": eliminated,
        "total": sum(kept) + sum(eliminated),
        "keptLabel": gettext("Non éliminées"),
        "eliminatedLabel": gettext("Éliminées"),
        "axisLabel": gettext("Moyenne /20, par tranche d'un point"),
        "countLabel": gettext("Candidatures"),
    }
    bands = [
        (
            (gettext("%(low)d à 20") if low == BANDS - 1 else gettext("%(low)d à moins de %(high)d"))
            % {"low": low, "high": low + 1},
            kept[low],
            eliminated[low],
            kept[low] + eliminated[low],
        )
        for low in range(BANDS)
    ]
    return chart, bands


def _jurors_shown(result):
    return [
        (
            figures,
            shown(figures.mean),
            "—" if figures.severity is None else ("+" if figures.severity > 0 else "") + shown(figures.severity),
        )
        for figures in result.jurors
    ]


def _agreements_shown(result):
    return [(agreement, shown(agreement.alpha, 3)) for agreement in result.agreements]


def _conflicted(user, jury):
    """The candidatures of the jury's edition ``user`` declared a conflict of interest with: an organiser may also
    sit on a jury, and a conflicted person never deliberates on the dossier. One query, whatever the rows."""
    conflicts = ConflictOfInterest.objects.filter(juror=user, candidature__edition_id=jury.edition_id)
    return set(conflicts.values_list("candidature_id", flat=True))


def _list_query(data, *extra):
    """The ranking's filters and order in ``data`` as a query string, ``extra`` pairs appended."""
    return urlencode([(name, data[name]) for name in LIST_PARAMETERS if data.get(name)] + list(extra))


def deliberation_url(jury, row, conflicted=(), query=""):
    """The deliberation of ``row``'s dossier, keeping the ranking's filters and order; "" for a dossier in
    ``conflicted`` (the reader declared a conflict of interest with it)."""
    if row.candidature.pk in conflicted:
        return ""
    url = reverse("jury:deliberation", kwargs={"jury_pk": jury.pk, "pk": row.candidature.pk})
    return f"{url}?{query}" if query else url


@organiser_required
@require_GET
def ranking_page(request):
    juries = all_juries()
    jury = chosen_jury(request.GET.get("jury"), juries)
    context = {"juries": juries, "jury": jury}
    if jury is not None:
        result = ranking(jury)
        filters = RankingFilters(request.GET, result.rows)
        selected = filters.rows(result.rows)
        page = Paginator(selected, PER_PAGE).get_page(request.GET.get("page"))
        rows, discuss = list(page), to_discuss(result.rows)
        conflicted = _conflicted(request.user, jury)
        chart, bands = distribution(selected)
        filtering = any(request.GET.get(name) for name in FILTER_PARAMETERS)
        query = _list_query(request.GET)
        context.update(
            ranking=result,
            overall_mean=shown(result.overall_mean),
            overall_spread=shown(result.overall_spread),
            totals=totals(result.rows),
            selected_totals=totals(selected) if filtering else None,
            to_discuss=[(row, percent(row.disagreement), deliberation_url(jury, row, conflicted)) for row in discuss],
            disagreement_share=percent(DISAGREEMENT_SHARE),
            filters=filters,
            filtering=filtering,
            sort=filters.order(),
            sort_label=dict(SORTS)[filters.order()],
            page=page,
            page_links=page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            lines=[line(row, result.gaps(row), deliberation_url(jury, row, conflicted, query)) for row in rows],
            kept=[(name, request.GET[name]) for name in KEPT_PARAMETERS if request.GET.get(name)],
            choices=decision_choices(jury.edition),
            chart=chart,
            bands=bands,
            jurors=_jurors_shown(result),
            agreements=_agreements_shown(result),
        )
    return render(request, "jury/ranking.html", context)


# --- one dossier in deliberation: each juror's scores and comment side by side ----------------------


@dataclass(frozen=True)
class JurorColumn:
    """A juror's submitted evaluation of the dossier, as its column and its comment show it."""

    evaluation: object
    juror: object
    total: str
    severity: str
    reading: str

    @property
    def name(self):
        return self.juror.full_name or self.juror.email


@dataclass(frozen=True)
class CriterionRow:
    """A criterion across the jurors: their scores in the columns' order, then how far apart they are."""

    spread: object
    scores: list  # (score as written, its juror's column)
    mean: str
    gap: str
    reading: str

    @property
    def criterion(self):
        return self.spread.criterion


def _reading(spread):
    """What the jurors' scores on a criterion say, in words; a strong disagreement is also flagged « à discuter »."""
    if not spread.values:
        return gettext("aucune note")
    if spread.gap is None:
        return gettext("une seule note : pas d'écart à mesurer")
    extent = {"gap": points(spread.gap), "scale": scale(spread.criterion), "share": percent(spread.share)}
    return gettext("écart de %(gap)s sur une échelle %(scale)s (%(share)s)") % extent


def _criterion_rows(criteria, evaluations, columns):
    return [
        CriterionRow(
            spread=spread,
            scores=[
                ("—" if value is None else formats.number_format(value), column)
                for value, column in zip(spread.scores, columns, strict=True)
            ],
            mean=shown(spread.mean),
            gap=points(spread.gap),
            reading=_reading(spread),
        )
        for spread in spreads(criteria, evaluations)
    ]


def _juror_columns(result, evaluations):
    columns = []
    for evaluation in evaluations:
        figures = result.juror_figures(evaluation.assignment.juror)
        severity = figures.severity
        columns.append(
            JurorColumn(
                evaluation=evaluation,
                juror=evaluation.assignment.juror,
                total=shown(evaluation.weighted_total),
                severity="—" if severity is None else ("+" if severity > 0 else "") + shown(severity),
                reading=figures.reading,
            )
        )
    return columns


def _neighbours(rows, row):
    """``row``'s position in ``rows`` and the rows before and after it; all None when it is not among them."""
    position = next((index for index, candidate in enumerate(rows) if candidate is row), None)
    if position is None:
        return None, None, None
    before = rows[position - 1] if position else None
    after = rows[position + 1] if position + 1 < len(rows) else None
    return position, before, after


@organiser_required
@require_GET
def deliberation(request, jury_pk, pk):
    """One dossier of the ranking: each juror's submitted scores and comment side by side, the gaps highlighted."""
    jury = get_object_or_404(Jury.objects.select_related("edition"), pk=jury_pk)
    conflicted = _conflicted(request.user, jury)
    if pk in conflicted:
        raise PermissionDenied
    result = ranking(jury)
    row = next((row for row in result.rows if row.candidature.pk == pk), None)
    if row is None:
        raise Http404
    selected = RankingFilters(request.GET, result.rows).rows(result.rows)
    position, before, after = _neighbours(selected, row)
    evaluations = list(submitted_evaluations(jury, pk))
    query = _list_query(request.GET)
    back_page = [("page", position // PER_PAGE + 1)] if position is not None and position >= PER_PAGE else []
    assigned = Assignment.objects.filter(jury=jury, candidature_id=pk).without_conflicts().count()
    totals_of = [evaluation.weighted_total for evaluation in evaluations if evaluation.weighted_total is not None]
    columns = _juror_columns(result, evaluations)
    criteria = _criterion_rows(result.criteria, evaluations, columns)
    context = {
        "jury": jury,
        "line": line(row, result.gaps(row)),
        "row": row,
        "candidature": row.candidature,
        "ranked": sum(1 for ranked in result.rows if ranked.rank is not None),
        "columns": columns,
        "criteria": criteria,
        "disputed": [criterion for criterion in criteria if criterion.spread.disputed],
        "totals_gap": shown(max(totals_of) - min(totals_of)) if len(totals_of) >= 2 else "—",
        "pending": max(assigned - len(evaluations), 0),
        "disagreement_share": percent(DISAGREEMENT_SHARE),
        "choices": decision_choices(jury.edition),
        "kept": [(name, request.GET[name]) for name in LIST_PARAMETERS if request.GET.get(name)],
        "back_query": _list_query(request.GET, *back_page),
        "position": None if position is None else position + 1,
        "selected_count": len(selected),
        # Each neighbour with its link, none for one the reader declared a conflict of interest with.
        "neighbours": [
            (label, other, deliberation_url(jury, other, conflicted, query), relation)
            for label, other, relation in ((_("Précédent"), before, "prev"), (_("Suivant"), after, "next"))
            if other is not None
        ],
    }
    return render(request, "jury/deliberation.html", context)


def _posted_candidatures(request):
    """The keys of the candidatures whose <select> the post carries: the rows the page showed, no other."""
    keys = (name.removeprefix(DECISION_PREFIX) for name in request.POST if name.startswith(DECISION_PREFIX))
    return [int(key) for key in keys if key.isdigit()]


def _stage(request, jury):
    valid = {value for value, _label in decision_choices(jury.edition)}
    unknown, to_clear, choices = [], [], []
    posted = jury.candidatures().filter(pk__in=_posted_candidatures(request))
    for candidature in posted.select_related("edition").order_by("reference", "pk"):
        choice = request.POST.get(f"{DECISION_PREFIX}{candidature.pk}")
        if choice == current_choice(candidature):
            continue
        if choice not in valid:
            unknown.append(candidature)
        elif (decision := decision_of(choice)) is None:
            to_clear.append(candidature.pk)
        else:
            choices.append((candidature, *decision))
    cleared = services.clear_staged(Candidature.objects.filter(pk__in=to_clear), request.user) if to_clear else 0
    outcome = services.stage_decisions(choices, request.user)
    for candidature in unknown:
        outcome.refuse(candidature, gettext("cette décision n'existe pas."))
    staged = len(outcome.done)
    if staged:
        messages.success(
            request,
            ngettext(
                "%(count)d décision préparée, à publier.",
                "%(count)d décisions préparées, à publier.",
                staged,
            )
            % {"count": staged},
        )
    if cleared:
        messages.success(
            request,
            ngettext("%(count)d décision préparée annulée.", "%(count)d décisions préparées annulées.", cleared)
            % {"count": cleared},
        )
    if not (staged or cleared or outcome.refused):
        messages.info(request, gettext("Aucune décision modifiée."))
    report_refused(request, outcome)


def _publish(request, jury):
    reason = request.POST.get("reason", "").strip()[:500]
    if not reason:
        messages.error(
            request,
            gettext(
                "Indiquez le motif de la publication (la délibération qui fonde ces décisions) : rien n'a été publié."
            ),
        )
        return
    outcome = services.publish_decisions(jury.candidatures(), request.user, reason)
    done = len(outcome.done)
    statuses = [candidature.status for candidature in outcome.done]
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)d décision publiée (lauréates : %(laureates)d, non retenues : %(not_retained)d) ; "
                "la candidature est prévenue par courriel.",
                "%(count)d décisions publiées (lauréates : %(laureates)d, non retenues : %(not_retained)d) ; "
                "chaque candidature est prévenue par courriel.",
                done,
            )
            % {
                "count": done,
                "laureates": statuses.count(Status.LAUREATE),
                "not_retained": statuses.count(Status.NOT_RETAINED),
            },
        )
    elif not outcome.refused:
        messages.info(request, gettext("Aucune décision préparée à publier."))
    report_refused(request, outcome)


@organiser_required
@require_POST
def decisions(request):
    """Stage the decisions of the rows posted, or publish every staged one of the jury; back to the same rows."""
    jury = _jury_or_404(request.POST.get("jury"))
    if request.POST.get("action") == "publish":
        _publish(request, jury)
    else:
        _stage(request, jury)
    kept = [(name, request.POST[name]) for name in KEPT_PARAMETERS if request.POST.get(name)]
    dossier = request.POST.get("deliberation", "")
    if dossier.isdigit():
        # Staged from a dossier's deliberation: back to it, with the ranking's filters and order it came with.
        listed = [(name, value) for name, value in kept if name != "page"]
        url = reverse("jury:deliberation", kwargs={"jury_pk": jury.pk, "pk": int(dossier)})
        return redirect(f"{url}?{urlencode(listed)}" if listed else url)
    return redirect(f"{reverse('jury:ranking')}?{urlencode([('jury', jury.pk), *kept])}")
