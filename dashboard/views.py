"""The organisers' dashboard: the editions, then one edition at a glance, and the jurors' reminder."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from auditions.jury.models import Jury
from auditions.jury.ranking_views import organiser_required
from core import clock
from core.errors import Refused
from label.models import Edition

from . import auditions, candidatures, juries, outbox, timeline


@require_GET
@organiser_required
def index(request):
    now = clock.now()
    editions = [(edition, candidatures.call_state(edition, now)) for edition in candidatures.editions_overview()]
    return render(request, "dashboard/index.html", {"editions": editions})


@require_GET
@organiser_required
def edition(request, edition):
    now = clock.now()
    edition = get_object_or_404(Edition.objects.select_related("forum"), slug=edition)
    figures = candidatures.counts(edition)
    path, exits = candidatures.funnel(edition, figures)
    days, chart = candidatures.submissions_per_day(edition)
    jury_progress = juries.progress(edition, now)
    edition_sessions = auditions.sessions(edition)
    upcoming, past = timeline.split(timeline.steps(edition, [row.jury for row in jury_progress], edition_sessions), now)
    context = {
        "edition": edition,
        "now": now,
        "state": candidatures.call_state(edition, now),
        "figures": figures,
        "path": path,
        "exits": exits,
        "submitted": candidatures.submitted_figure(edition, figures),
        "days": days,
        "chart": chart,
        "deadline_day": candidatures.last_day(edition),
        "drafts": candidatures.drafts(edition, figures),
        "juries": jury_progress,
        "sessions": edition_sessions,
        "unplaced": auditions.unplaced(edition, edition_sessions, now),
        "outbox": outbox.outbox(now),
        "upcoming": upcoming,
        "past": past,
    }
    return render(request, "dashboard/edition.html", context)


@require_POST
@organiser_required
def remind(request, edition, jury):
    """Queue the reminder for the jury's late jurors, or for the one juror named in the form."""
    jury = get_object_or_404(Jury.objects.select_related("edition"), pk=jury, edition__slug=edition)
    juror = None
    wanted = request.POST.get("juror", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        juror = get_object_or_404(get_user_model(), pk=wanted, jury_memberships__jury=jury)
    try:
        queued = juries.remind(jury, juror)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        if queued:
            messages.success(
                request,
                ngettext("%(count)d relance mise en file d'envoi.", "%(count)d relances mises en file d'envoi.", queued)
                % {"count": queued},
            )
        else:
            messages.info(
                request,
                gettext("Aucune relance à envoyer : chaque juré en retard a déjà reçu celle de cette échéance."),
            )
    return redirect(reverse("dashboard:edition", kwargs={"edition": jury.edition.slug}) + f"#jury-{jury.pk}")
