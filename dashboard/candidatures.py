"""An edition's candidatures counted in SQL: the funnel, the regions, the submissions per day, the drafts left."""

import operator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce
from urllib.parse import urlencode

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import clock
from core.templatetags.french_dates import format_day
from events.regions import collation_key
from label.models import REQUIRED_TO_SUBMIT, Candidature, Criterion, CriterionAnswer, Edition, Level, Status

# The way through the call, then the ways out of it, in the order organisers read them.
PATH = (Status.DRAFT, Status.SUBMITTED, Status.ELIGIBLE, Status.SHORTLISTED, Status.AUDITIONED, Status.LAUREATE)
EXITS = (Status.NOT_RETAINED, Status.INELIGIBLE, Status.WITHDRAWN)
# Every status a candidature reaches by being submitted, a withdrawal aside.
SUBMITTED_STATUSES = tuple(status for status in Status if status not in (Status.DRAFT, Status.WITHDRAWN))

CHANGELIST = "admin:label_candidature_changelist"


def changelist_url(edition, **lookups):
    """The admin's candidature list of ``edition`` filtered by ``lookups``, as its own filters write them."""
    params = {"edition__id__exact": edition.pk}
    for lookup, value in lookups.items():
        params[lookup] = ",".join(value) if isinstance(value, tuple | list) else value
    return f"{reverse(CHANGELIST)}?{urlencode(params)}"


def _empty(name):
    """SQL for ``Candidature.missing_fields``: the field holds None, "" or False (and 0, which equals False)."""
    model_field = Candidature._meta.get_field(name)
    conditions = [Q(**{f"{model_field.attname}__isnull": True})] if model_field.null else []
    if isinstance(model_field, models.BooleanField):
        conditions.append(Q(**{name: False}))
    elif isinstance(model_field, models.IntegerField | models.DecimalField | models.FloatField):
        conditions.append(Q(**{name: 0}))
    elif isinstance(model_field, models.CharField | models.TextField):
        conditions.append(Q(**{name: ""}))
    return conditions


def incomplete():
    """SQL for ``not Candidature.is_complete()``: a required field empty, or a criterion without a written answer."""
    written = CriterionAnswer.objects.filter(criterion=OuterRef("pk"), candidature=OuterRef(OuterRef("pk"))).exclude(
        text__regex=r"^\s*$"
    )
    unanswered = Criterion.objects.filter(edition=OuterRef("edition")).exclude(Exists(written))
    conditions = [condition for name in REQUIRED_TO_SUBMIT for condition in _empty(name)]
    return reduce(operator.or_, conditions, Q(Exists(unanswered)))


@dataclass
class Figure:
    """A number with what it counts and, when the admin can list them, the link to that list."""

    label: str
    count: int
    url: str = ""
    parts: list = field(default_factory=list)


@dataclass
class RegionRow:
    name: str
    drafts: int = 0
    submitted: int = 0
    laureates: int = 0


@dataclass
class Counts:
    """What the grouped query says: by status, by laureate level, by region, and the incomplete drafts."""

    by_status: dict
    by_level: dict
    regions: list
    incomplete_drafts: int

    @property
    def submitted(self):
        return sum(self.by_status.get(status, 0) for status in SUBMITTED_STATUSES)

    @property
    def total(self):
        return sum(self.by_status.values())


def counts(edition):
    """One grouped query for the funnel, the regions' table and the drafts' panel."""
    rows = (
        Candidature.objects.filter(edition=edition)
        .values("region_id", "region__name", "status", "outcome_level")
        .annotate(count=Count("pk"), incomplete=Count("pk", filter=Q(status=Status.DRAFT) & incomplete()))
        .order_by()
    )
    by_status, by_level, regions, incomplete_drafts = {}, {}, {}, 0
    for row in rows:
        status, count = row["status"], row["count"]
        by_status[status] = by_status.get(status, 0) + count
        incomplete_drafts += row["incomplete"]
        region = regions.setdefault(row["region_id"], RegionRow(row["region__name"] or _("Région non renseignée")))
        if status == Status.DRAFT:
            region.drafts += count
        elif status in SUBMITTED_STATUSES:
            region.submitted += count
        if status == Status.LAUREATE:
            region.laureates += count
            by_level[row["outcome_level"]] = by_level.get(row["outcome_level"], 0) + count
    # Regions in French order (Île-de-France among the I), the candidatures without one last.
    named = sorted((row for key, row in regions.items() if key is not None), key=lambda row: collation_key(row.name))
    return Counts(by_status, by_level, named + ([regions[None]] if None in regions else []), incomplete_drafts)


def _status_figure(edition, figures, status):
    return Figure(status.label, figures.by_status.get(status, 0), changelist_url(edition, status__exact=status.value))


def funnel(edition, figures):
    """(the way through, the ways out): each count with its filtered admin list; laureates by level when used."""
    path = [_status_figure(edition, figures, status) for status in PATH]
    laureates = path[-1]
    levels = list(Level) if edition.laureate_levels else []
    for level in levels:
        laureates.parts.append(
            Figure(
                level.label,
                figures.by_level.get(level.value, 0),
                changelist_url(edition, status__exact=Status.LAUREATE.value, outcome_level__exact=level.value),
            )
        )
    without_level = sum(count for level, count in figures.by_level.items() if level not in Level.values)
    if levels and without_level:
        laureates.parts.append(
            Figure(
                _("Sans niveau"),
                without_level,
                changelist_url(edition, status__exact=Status.LAUREATE.value, outcome_level__exact=""),
            )
        )
    exits = [_status_figure(edition, figures, status) for status in EXITS]
    return path, exits


def submitted_figure(edition, figures):
    """Every candidature submitted and not withdrawn, whatever became of it since."""
    return Figure(
        _("Candidatures déposées"),
        figures.submitted,
        changelist_url(edition, status__in=tuple(status.value for status in SUBMITTED_STATUSES)),
    )


def last_day(edition):
    """The last Paris day on which candidates may submit: 19 June for a call closing on 20 June at 00:00."""
    return clock.in_paris(edition.closes_at - timedelta(microseconds=1)).date()


@dataclass
class Day:
    day: object
    label: str
    count: int
    running_total: int


def submissions_per_day(edition):
    """Candidatures submitted each Paris day, as the edition's admin page counts them, and the chart's data.

    The chart runs without a gap from the first day (the opening, or an earlier submission) to the last
    (the deadline's day, or a later submission made under an extension), so that a quiet day shows as one.
    """
    rows = (
        Candidature.objects.filter(edition=edition, submitted_at__isnull=False)
        .order_by()
        .annotate(day=TruncDate("submitted_at", tzinfo=clock.paris_zone()))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    per_day = {row["day"]: row["count"] for row in rows}
    deadline_day = last_day(edition)
    days, running_total = [], 0
    for day, count in per_day.items():
        running_total += count
        days.append(Day(day, format_day(day, "j F Y"), count, running_total))
    chart = None
    if per_day:
        first = min(clock.in_paris(edition.opens_at).date(), *per_day)
        last = max(deadline_day, *per_day)
        span = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
        chart = {
            "label": str(_("Candidatures déposées")),
            "days": [format_day(day, "j F") for day in span],
            "counts": [per_day.get(day, 0) for day in span],
            "deadline": span.index(deadline_day),
            "deadlineLabel": str(_("Clôture")),
        }
    return days, chart


@dataclass
class Drafts:
    """The drafts not yet submitted: how many still lack something, how many could be submitted now."""

    total: int
    incomplete: int
    url: str

    @property
    def complete(self):
        return self.total - self.incomplete


def drafts(edition, figures):
    return Drafts(
        figures.by_status.get(Status.DRAFT, 0),
        figures.incomplete_drafts,
        changelist_url(edition, status__exact=Status.DRAFT.value),
    )


# --- the editions' list ------------------------------------------------------------------------------


def editions_overview():
    """Every edition, newest first, with its key counts from one grouped query."""

    def among(*statuses):
        return Count("candidatures", filter=Q(candidatures__status__in=statuses))

    return list(
        Edition.objects.annotate(
            draft_count=among(Status.DRAFT),
            submitted_count=among(*SUBMITTED_STATUSES),
            laureate_count=among(Status.LAUREATE),
        ).order_by("-opens_at", "-pk")
    )


def call_state(edition, now=None):
    """ "upcoming", "open" or "closed": where the edition's call stands at ``now``."""
    now = clock.now(now)
    if not edition.has_opened(now):
        return "upcoming"
    return "open" if edition.is_open(now) else "closed"
