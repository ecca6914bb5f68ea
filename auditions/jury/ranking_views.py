"""The jury's ranking for organisers: the page, its decisions and its exports."""

import io
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from openpyxl import Workbook

from accounts.roles import is_organiser
from core import clock
from label import services, workflow
from label.exports import csv_lines, xlsx_cell
from label.feedback import report_refused
from label.models import Candidature, Level, Status

from .models import Jury
from .ranking import ranking

LAUREATE = "select_laureate"
NOT_RETAINED = "not_retain"
# The value of the decision <select> when the edition gives no level.
LAUREATE_WITHOUT_LEVEL = Status.LAUREATE.value
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


def _juries():
    return list(Jury.objects.select_related("edition").order_by("-scoring_closes_at", "-pk"))


def _jury(wanted, juries):
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
        return f"{transition.label} · {candidature.get_staged_level_display()}"
    return str(transition.label)


@dataclass
class Line:
    row: object
    staged: str
    choice: str

    @property
    def candidature(self):
        return self.row.candidature


def _rounded(value):
    return None if value is None else round(value, 2)


def chart_data(result):
    """Each scored candidature's mean and mean ± standard deviation, in the order of the table."""
    rows = [row for row in result.rows if row.mean is not None]
    return {
        "labels": [f"{row.candidature.reference} · {row.candidature.territory_name}" for row in rows],
        "means": [_rounded(row.mean) for row in rows],
        "ranges": [[_rounded(row.mean - (row.spread or 0)), _rounded(row.mean + (row.spread or 0))] for row in rows],
        "meanLabel": gettext("Moyenne /20"),
        "rangeLabel": gettext("Moyenne ± écart type"),
    }


@organiser_required
@require_GET
def ranking_page(request):
    juries = _juries()
    jury = _jury(request.GET.get("jury"), juries)
    context = {"juries": juries, "jury": jury}
    if jury is not None:
        result = ranking(jury)
        lines = [Line(row, staged_label(row.candidature), current_choice(row.candidature)) for row in result.rows]
        chart = chart_data(result)
        context.update(
            ranking=result,
            lines=lines,
            choices=decision_choices(jury.edition),
            staged_count=sum(1 for line in lines if line.staged),
            chart=chart,
            chart_rows=list(zip(chart["labels"], chart["means"], chart["ranges"], strict=True)),
        )
    return render(request, "jury/ranking.html", context)


def _stage(request, jury):
    valid = {value for value, _label in decision_choices(jury.edition)}
    unknown, to_clear, choices = [], [], []
    for candidature in jury.candidatures().select_related("edition").order_by("reference", "pk"):
        choice = request.POST.get(f"decision-{candidature.pk}")
        if choice is None or choice == current_choice(candidature):
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
    jury = _jury_or_404(request.POST.get("jury"))
    if request.POST.get("action") == "publish":
        _publish(request, jury)
    else:
        _stage(request, jury)
    return redirect(f"{reverse('jury:ranking')}?jury={jury.pk}")


# --- exports --------------------------------------------------------------------------------------

RANKING_COLUMNS = (
    _("rang brut"),
    _("rang normalisé"),
    _("référence"),
    _("collectivité"),
    _("région"),
    _("titre du projet"),
    _("état"),
    _("évaluations soumises"),
    _("moyenne /20"),
    _("médiane /20"),
    _("écart type"),
    _("note normalisée /20"),
)
HUNDREDTH = Decimal("0.01")


def _figure(value):
    """Two decimals, as a Decimal: a number in the spreadsheet, "12,35" in the French CSV."""
    return None if value is None else Decimal(str(value)).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


class RankingExport:
    """The ranking table's columns, each criterion's mean, the eliminations and the staged decision."""

    def __init__(self, jury):
        self.jury = jury
        self.result = ranking(jury)

    def header(self):
        criteria = [
            gettext("%(criterion)s : moyenne /%(max)d") % {"criterion": criterion.name, "max": criterion.scale_max}
            for criterion in self.result.criteria
        ]
        return [
            *(str(title) for title in RANKING_COLUMNS),
            *criteria,
            gettext("éliminée par"),
            gettext("décision préparée"),
        ]

    def rows(self):
        for row in self.result.rows:
            candidature = row.candidature
            yield [
                row.rank,
                row.normalised_rank,
                candidature.reference,
                candidature.territory_name,
                candidature.region.name if candidature.region else "",
                candidature.project_title,
                candidature.get_status_display(),
                row.count,
                _figure(row.mean),
                _figure(row.median),
                _figure(row.spread),
                _figure(row.normalised),
                *(_figure(mean) for _criterion, mean in row.criterion_means),
                ", ".join(criterion.name for criterion in row.eliminated_by),
                staged_label(candidature),
            ]


def _export_name(jury, extension):
    return f"classement-{jury.edition.slug}-jury-{jury.pk}-{clock.in_paris(clock.now()):%Y-%m-%d}.{extension}"


def _export_jury(request):
    jury = _jury(request.GET.get("jury"), _juries())
    if jury is None:
        raise Http404
    return jury


@organiser_required
@require_GET
def export_csv(request):
    jury = _export_jury(request)
    export = RankingExport(jury)
    response = HttpResponse("".join(csv_lines(export, get_language())), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(jury, "csv")}"'
    return response


@organiser_required
@require_GET
def export_xlsx(request):
    jury = _export_jury(request)
    export = RankingExport(jury)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=gettext("Classement"))
    sheet.append(export.header())
    for row in export.rows():
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_export_name(jury, "xlsx")}"'
    return response
