"""The jury's ranking for organisers: the page and its decisions (the exports are in ``ranking_exports``)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps
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
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_organiser
from label import services, workflow
from label.feedback import report_refused
from label.models import Candidature, Level, Status

from .models import Jury
from .ranking import ranking

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
FILTER_PARAMETERS = ("region", "decision", "eliminated", "rank_from", "rank_to")
# What the decisions forms carry along, so that a post comes back to the same rows.
KEPT_PARAMETERS = (*FILTER_PARAMETERS, "page")


class RankingFilters(forms.Form):
    """Which rows of the ranking to show; the ranks stay those of the whole jury."""

    region = forms.ChoiceField(label=_("Région"), required=False)
    decision = forms.ChoiceField(label=_("Décision"), required=False, choices=DECISION_FILTERS)
    eliminated = forms.ChoiceField(label=_("Élimination"), required=False, choices=ELIMINATION_FILTERS)
    rank_from = forms.IntegerField(label=_("Du rang"), required=False, min_value=1)
    rank_to = forms.IntegerField(label=_("Au rang"), required=False, min_value=1)

    def __init__(self, data, regions):
        super().__init__(data)
        self.fields["region"].choices = [("", _("Toutes")), *regions]

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("rank_from"), cleaned.get("rank_to")
        if low and high and high < low:
            self.add_error("rank_to", _("Le rang de fin doit être supérieur ou égal au rang de début."))
        return cleaned

    def rows(self, rows):
        """The rows every valid filter keeps; a filter with an error is left out and shown with its message."""
        self.is_valid()
        wanted = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        tests = []
        if "region" in wanted:
            tests.append(lambda row: row.candidature.region_code == wanted["region"])
        if wanted.get("decision") == UNDECIDED:
            tests.append(lambda row: not row.candidature.staged_transition and row.candidature.status not in DECIDED)
        elif wanted.get("decision") == STAGED:
            tests.append(lambda row: bool(row.candidature.staged_transition))
        elif wanted.get("decision") == PUBLISHED:
            tests.append(lambda row: row.candidature.status in DECIDED)
        if "eliminated" in wanted:
            tests.append(lambda row: row.eliminated == (wanted["eliminated"] == "yes"))
        if "rank_from" in wanted:
            tests.append(lambda row: row.rank is not None and row.rank >= wanted["rank_from"])
        if "rank_to" in wanted:
            tests.append(lambda row: row.rank is not None and row.rank <= wanted["rank_to"])
        return [row for row in rows if all(test(row) for test in tests)]


def _regions(rows):
    names = {row.candidature.region_code: row.candidature.region_name for row in rows if row.candidature.region_code}
    return sorted(names.items(), key=lambda item: item[1])


def figure(value, places=2):
    """Rounded half up to ``places`` decimals, as a Decimal: a number in the spreadsheet, "12,35" in French."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def shown(value, places=2):
    """A figure as the page writes it: rounded as in the exports, in the reader's language; "—" for none."""
    return "—" if value is None else formats.number_format(figure(value, places), places)


@dataclass(frozen=True)
class Line:
    """A row of the table as shown, its numbers written out once."""

    row: object
    mean: str
    median: str
    spread: str
    normalised: str
    criterion_means: list
    eliminated_by: str
    staged: str
    choice: str

    @property
    def candidature(self):
        return self.row.candidature


def line(row):
    return Line(
        row=row,
        mean=shown(row.mean),
        median=shown(row.median),
        spread=shown(row.spread),
        normalised=shown(row.normalised),
        criterion_means=[shown(mean) for mean in row.means],
        eliminated_by=", ".join(criterion.name for criterion in row.eliminated_by),
        staged=staged_label(row.candidature),
        choice=current_choice(row.candidature),
    )


@dataclass(frozen=True)
class Totals:
    """The whole jury, whatever the filters."""

    candidatures: int
    scored: int
    eliminated: int
    staged: int
    published: int


def totals(rows):
    return Totals(
        candidatures=len(rows),
        scored=sum(1 for row in rows if row.count),
        eliminated=sum(1 for row in rows if row.eliminated),
        staged=sum(1 for row in rows if row.candidature.staged_transition),
        published=sum(1 for row in rows if row.candidature.status in DECIDED),
    )


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


@organiser_required
@require_GET
def ranking_page(request):
    juries = all_juries()
    jury = chosen_jury(request.GET.get("jury"), juries)
    context = {"juries": juries, "jury": jury}
    if jury is not None:
        result = ranking(jury)
        filters = RankingFilters(request.GET, _regions(result.rows))
        selected = filters.rows(result.rows)
        page = Paginator(selected, PER_PAGE).get_page(request.GET.get("page"))
        chart, bands = distribution(selected)
        context.update(
            ranking=result,
            overall_mean=shown(result.overall_mean),
            overall_spread=shown(result.overall_spread),
            totals=totals(result.rows),
            filters=filters,
            filtering=any(request.GET.get(name) for name in FILTER_PARAMETERS),
            page=page,
            page_links=page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            lines=[line(row) for row in page],
            kept=[(name, request.GET[name]) for name in KEPT_PARAMETERS if request.GET.get(name)],
            choices=decision_choices(jury.edition),
            chart=chart,
            bands=bands,
            jurors=_jurors_shown(result),
            agreements=_agreements_shown(result),
        )
    return render(request, "jury/ranking.html", context)


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
    cleared = services.clear_staged(Candidature.objects.filter(pk__in=to_clear)) if to_clear else 0
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
    outcome = services.publish_decisions(jury.candidatures(), request.user)
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
    return redirect(f"{reverse('jury:ranking')}?{urlencode([('jury', jury.pk), *kept])}")
