"""Exports of candidatures for organisers: CSV for a French Excel and XLSX, one column per criterion."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import exports
from core.exports import csv_lines

from .models import Criterion, CriterionAnswer

# The admin's export actions read the CSV writer from here, beside the candidatures' columns.
__all__ = ["EXPORT_COLUMNS", "CandidatureExport", "csv_lines", "export_name", "xlsx_bytes"]

EXPORT_CHUNK = 2000
EXPORT_COLUMNS = (
    _("référence"),
    _("édition"),
    _("état"),
    _("collectivité"),
    _("type de collectivité"),
    _("région"),
    _("population"),
    _("titre du projet"),
    _("résumé"),
    _("avancement"),
    _("budget (€ HT)"),
    _("personne à contacter"),
    _("adresse e-mail de contact"),
    _("déposée le (heure de Paris)"),
)


class CandidatureExport:
    """The rows of a candidature queryset, with one column per criterion, in a constant number of queries."""

    def __init__(self, queryset):
        answers = CriterionAnswer.objects.order_by().only("candidature_id", "criterion_id", "text")
        self.queryset = queryset.select_related("edition", "region").prefetch_related(
            Prefetch("answers", queryset=answers)
        )
        # Editions of a label reuse criterion codes: one column per code, named after the newest edition.
        criteria = Criterion.objects.filter(edition__in=queryset.values("edition_id")).order_by(
            "-edition__opens_at", "order", "pk"
        )
        self.criterion_names = {}
        self.column_of = {}
        columns = {}
        for criterion in criteria:
            if criterion.code not in columns:
                columns[criterion.code] = len(columns)
                self.criterion_names[criterion.code] = criterion.name
            self.column_of[criterion.pk] = columns[criterion.code]

    def header(self):
        return [*EXPORT_COLUMNS, *self.criterion_names.values()]

    def rows(self):
        for candidature in self.queryset.iterator(chunk_size=EXPORT_CHUNK):
            answers = [""] * len(self.criterion_names)
            for answer in candidature.answers.all():
                answers[self.column_of[answer.criterion_id]] = answer.text
            submitted_at = candidature.submitted_at
            yield [
                candidature.reference,
                candidature.edition.name,
                candidature.get_status_display(),
                candidature.territory_name,
                candidature.get_territory_kind_display(),
                candidature.region.name if candidature.region else "",
                candidature.population,
                candidature.project_title,
                candidature.summary,
                candidature.get_stage_display(),
                candidature.budget,
                candidature.contact_name,
                candidature.contact_email,
                timezone.localtime(submitted_at).replace(tzinfo=None) if submitted_at else None,
                *answers,
            ]


def export_name(extension):
    return f"candidatures-{timezone.localdate():%Y-%m-%d}.{extension}"


def xlsx_bytes(export):
    return exports.xlsx_bytes(export, gettext("Candidatures"))
