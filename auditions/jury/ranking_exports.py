"""The jury's ranking as files: CSV for a French Excel, streamed, and XLSX written row by row."""

import io

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core import clock
from core.exports import csv_lines, xlsx_bytes

from .ranking import ranking
from .ranking_views import all_juries, chosen_jury, figure, organiser_required, staged_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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


class RankingExport:
    """The ranking table's columns, each criterion's mean, the eliminations and the staged decision.

    It never reads the ranking's juror figures nor its agreement: those are computed only where they are shown.
    """

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
                candidature.region_name or "",
                candidature.project_title,
                candidature.status_label,
                row.count,
                figure(row.mean),
                figure(row.median),
                figure(row.spread),
                figure(row.normalised),
                *(figure(mean) for mean in row.means),
                ", ".join(criterion.name for criterion in row.eliminated_by),
                staged_label(candidature),
            ]


def _export_name(jury, extension):
    return f"classement-{jury.edition.slug}-jury-{jury.pk}-{clock.in_paris(clock.now()):%Y-%m-%d}.{extension}"


def _export_jury(request):
    jury = chosen_jury(request.GET.get("jury"), all_juries())
    if jury is None:
        raise Http404
    return jury


def _attachment(response, name):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@organiser_required
@require_GET
def export_csv(request):
    jury = _export_jury(request)
    export = RankingExport(jury)
    response = StreamingHttpResponse(csv_lines(export, get_language()), content_type="text/csv; charset=utf-8")
    return _attachment(response, _export_name(jury, "csv"))


@organiser_required
@require_GET
def export_xlsx(request):
    jury = _export_jury(request)
    export = RankingExport(jury)
    buffer = io.BytesIO(xlsx_bytes(export, gettext("Classement")))
    return _attachment(FileResponse(buffer, content_type=XLSX_TYPE), _export_name(jury, "xlsx"))
