"""Audition sessions as candidates and the public see them: availability, public programme, calendar files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import clock
from core.errors import Refused
from core.templatetags.paris_time import deadline_phrase
from label.edition_pages import published_edition
from label.models import Candidature, Status

from .convocations import acknowledge, convocation_calendar, running_order, session_ics
from .forms import SessionAnswerForm, wall_clock
from .models import AuditionSession, Availability, Convocation
from .queries import open_sessions_for, sessions_in_scope
from .services import save_availability

# --- availability ----------------------------------------------------------------------------


def _answer_blocks(candidature, now, data=None):
    """One entry per session in scope: the form when answers are open, else the answer already given."""
    open_ids = set(open_sessions_for(candidature, now).values_list("pk", flat=True))
    answers = {answer.session_id: answer for answer in Availability.objects.filter(candidature=candidature)}
    blocks = []
    for session in sessions_in_scope(candidature, now):
        answer = answers.get(session.pk)
        prefix = f"c{candidature.pk}-s{session.pk}"
        season = session.spans_clock_change()
        block = {
            "session": session,
            "answer": answer,
            "prefix": prefix,
            "form": None,
            "clock_start": wall_clock(session.starts_at, season),
            "clock_end": wall_clock(session.ends_at, season),
        }
        if session.pk in open_ids:
            block["form"] = SessionAnswerForm(data, prefix=prefix, session=session, availability=answer)
        elif answer is not None and answer.available:
            block["answer_ranges"] = [
                f"{wall_clock(start, season)} – {wall_clock(end, season)}" for start, end in answer.ticked_ranges()
            ]
        blocks.append(block)
    return blocks


def _posted_to_closed(data, blocks):
    """Sessions the visitor answered although their answers are closed (the deadline passed while the page was open)."""
    return [
        block["session"]
        for block in blocks
        if block["form"] is None and any(key.startswith(block["prefix"] + "-") for key in data)
    ]


@login_required
def availability(request, edition):
    edition = published_edition(edition)
    candidatures = list(
        Candidature.objects.owned_by(request.user)
        .filter(edition=edition, status=Status.SHORTLISTED)
        .select_related("region")
        .order_by("reference", "pk")
    )
    now = clock.now()
    data = request.POST if request.method == "POST" else None
    entries = [
        {"candidature": candidature, "blocks": _answer_blocks(candidature, now, data)} for candidature in candidatures
    ]
    forms_shown = [block["form"] for entry in entries for block in entry["blocks"] if block["form"] is not None]
    if data is not None and entries:
        closed = [session for entry in entries for session in _posted_to_closed(data, entry["blocks"])]
        for session in closed:
            messages.error(
                request,
                _(
                    "Les réponses pour « %(session)s » sont closes depuis le %(deadline)s : "
                    "votre réponse pour cette session n'a pas été enregistrée."
                )
                % {"session": session.title, "deadline": deadline_phrase(session.availability_deadline)},
            )
        if all(form.is_valid() for form in forms_shown):
            for entry in entries:
                answers = {
                    block["session"]: block["form"].answer() for block in entry["blocks"] if block["form"] is not None
                }
                if answers:
                    save_availability(entry["candidature"], answers, request.user, now)
            if forms_shown:
                messages.success(
                    request, _("Vos disponibilités sont enregistrées. Vous pouvez les modifier jusqu'à la date limite.")
                )
            return redirect("auditions:availability", edition=edition.slug)
    errors = [
        (form, form[name], error)
        for form in forms_shown
        if form.is_bound
        for name, field_errors in form.errors.items()
        for error in field_errors
    ]
    return render(
        request,
        "auditions/availability.html",
        {"edition": edition, "entries": entries, "has_forms": bool(forms_shown), "errors": errors},
    )


# --- public programme ------------------------------------------------------------------------


def _published_sessions(edition):
    # The running order as last published, never the slots being edited.
    told = (
        Convocation.objects.filter(cancelled=False)
        .select_related("candidature")
        # Only what the public programme shows: never the candidature's contact details.
        .only("session_id", "starts_at", "ends_at", "candidature__territory_name", "candidature__project_title")
        .order_by("starts_at", "pk")
    )
    return (
        AuditionSession.objects.filter(edition=edition, published=True)
        .select_related("broadcast_event")
        .prefetch_related(Prefetch("convocations", queryset=told, to_attr="pitches"), "breaks", "regions")
        .order_by("starts_at", "pk")
    )


def _running_order(session):
    """Pitches and breaks in time order, each with its Paris clock time."""
    season = session.spans_clock_change()
    rows = [
        {"starts_at": pitch.starts_at, "clock": wall_clock(pitch.starts_at, season), "pitch": pitch}
        for pitch in session.pitches
    ]
    rows += [
        {"starts_at": pause.starts_at, "clock": wall_clock(pause.starts_at, season), "pause": pause}
        for pause in session.breaks.all()
    ]
    return sorted(rows, key=lambda row: row["starts_at"])


def programme(request, edition):
    edition = published_edition(edition)
    sessions = list(_published_sessions(edition))
    for session in sessions:
        session.running_order = _running_order(session) if session.pitches else []
        season = session.spans_clock_change()
        session.clock_start = wall_clock(session.starts_at, season)
        session.clock_end = wall_clock(session.ends_at, season)
        event = session.broadcast_event
        session.public_event = event if event is not None and event.published else None
    return render(request, "auditions/programme.html", {"edition": edition, "sessions": sessions})


def session_feed(request, edition, pk):
    session = get_object_or_404(
        AuditionSession.objects.filter(published=True, edition__published=True, edition__slug=edition),
        pk=pk,
    )
    response = HttpResponse(session_ics(session, running_order(session)), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="auditions-{session.pk}.ics"'
    return response


# --- convocation -----------------------------------------------------------------------------


def _own_convocation(user, pk):
    """The convocation in force, as last published, if ``user`` owns its candidature; anyone else gets a 404."""
    return get_object_or_404(
        Convocation.objects.filter(candidature__owner=user, session__published=True, cancelled=False).select_related(
            "session__edition", "candidature"
        ),
        pk=pk,
    )


@login_required
def convocation_ics(request, pk):
    convocation = _own_convocation(request.user, pk)
    response = HttpResponse(convocation_calendar(convocation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audition-{convocation.pk}.ics"'
    return response


@require_POST
@login_required
def acknowledge_convocation(request, pk):
    """ "J'ai bien reçu ma convocation": the owner confirms the time shown; posting it again changes nothing."""
    convocation = _own_convocation(request.user, pk)
    shown = request.POST.get("sequence", "")
    try:
        acknowledge(convocation, request.user, int(shown) if shown.isdigit() else -1)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Merci : la réception de votre convocation est confirmée."))
    return redirect(reverse("label:my_candidatures") + f"#convocation-{convocation.pk}")
