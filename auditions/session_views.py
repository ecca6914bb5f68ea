"""Audition sessions as candidates and the public see them: availability, public programme, calendar files."""

from datetime import UTC
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.templatetags.paris_time import deadline_phrase, paris_time
from label.models import Candidature, Edition, Status

from .convocations import (
    convocation_calendar,
    open_sessions_for,
    running_order,
    save_availability,
    session_ics,
    time_ranges,
)
from .models import AuditionSession, Availability, Convocation

YES, NO = "yes", "no"


def _paris(value):
    return timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))


def spans_clock_change(session):
    """Whether Paris changes its clocks during the session (then 02:30 may happen twice)."""
    return _paris(session.starts_at).utcoffset() != _paris(session.ends_at).utcoffset()


def clock(value, with_season=False):
    """ "14:00" in Paris time; "02:30 (heure d'hiver)" inside a session that spans a clock change."""
    text = paris_time(value)
    if not with_season:
        return text
    if _paris(value).dst():
        return _("%(time)s (heure d'été)") % {"time": text}
    return _("%(time)s (heure d'hiver)") % {"time": text}


def _range_key(start):
    return start.astimezone(UTC).isoformat()


# --- availability ----------------------------------------------------------------------------


class SessionAnswerForm(forms.Form):
    """One candidature's answer for one session: can it attend, and within which hour ranges."""

    available = forms.ChoiceField(
        label=gettext_lazy("Pouvez-vous participer à cette session ?"),
        choices=[(YES, gettext_lazy("Je peux participer")), (NO, gettext_lazy("Je ne peux pas"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": gettext_lazy("Indiquez si vous pouvez participer à cette session.")},
    )
    ranges = forms.MultipleChoiceField(
        label=gettext_lazy("Plages horaires"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "invalid_choice": gettext_lazy(
                "Cette plage horaire ne fait pas partie de la session : cochez l'une des plages proposées."
            ),
            "invalid_list": gettext_lazy("Cochez l'une des plages horaires proposées."),
        },
    )

    def __init__(self, *args, session, availability=None, **kwargs):
        self.session = session
        with_season = spans_clock_change(session)
        self.time_ranges = {_range_key(start): (start, end) for start, end in time_ranges(session)}
        if availability is not None:
            chosen = {_range_key(start) for start, _end in _parsed(availability.ranges)}
            kwargs["initial"] = {
                "available": YES if availability.available else NO,
                "ranges": [key for key in self.time_ranges if key in chosen],
            }
        super().__init__(*args, **kwargs)
        self.fields["ranges"].choices = [
            (key, f"{clock(start, with_season)} – {clock(end, with_season)}")
            for key, (start, end) in self.time_ranges.items()
        ]

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "class": "form-check-input is-invalid",
                        "aria-invalid": "true",
                        "aria-describedby": f"{self[name].auto_id}-error",
                    }
                )

    def answer(self):
        """(available, [(start, end), …]) as ``save_availability`` takes it; no range ticked = the whole session."""
        available = self.cleaned_data["available"] == YES
        ranges = [self.time_ranges[key] for key in self.cleaned_data["ranges"]] if available else []
        return available, ranges


def _parsed(ranges):
    parsed = []
    for start, end in ranges or []:
        start, end = parse_datetime(start or ""), parse_datetime(end or "")
        if start and end:
            parsed.append((start, end))
    return parsed


def _sessions_in_scope(candidature, now):
    """The sessions of the candidature's edition and region that have not ended, answer deadline passed or not."""
    sessions = AuditionSession.objects.filter(edition_id=candidature.edition_id, ends_at__gt=now)
    if candidature.region_id:
        sessions = sessions.filter(Q(regions__isnull=True) | Q(regions=candidature.region_id))
    return sessions.distinct().order_by("starts_at", "pk")


def _answer_blocks(candidature, now, data=None):
    """One entry per session in scope: the form when answers are open, else the answer already given."""
    open_ids = set(open_sessions_for(candidature, now).values_list("pk", flat=True))
    answers = {answer.session_id: answer for answer in Availability.objects.filter(candidature=candidature)}
    blocks = []
    for session in _sessions_in_scope(candidature, now):
        answer = answers.get(session.pk)
        prefix = f"c{candidature.pk}-s{session.pk}"
        season = spans_clock_change(session)
        block = {
            "session": session,
            "answer": answer,
            "prefix": prefix,
            "form": None,
            "clock_start": clock(session.starts_at, season),
            "clock_end": clock(session.ends_at, season),
        }
        if session.pk in open_ids:
            block["form"] = SessionAnswerForm(data, prefix=prefix, session=session, availability=answer)
        elif answer is not None and answer.available:
            block["answer_ranges"] = [
                f"{clock(start, season)} – {clock(end, season)}" for start, end in _parsed(answer.ranges)
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
    edition = get_object_or_404(Edition.objects.filter(published=True), slug=edition)
    candidatures = list(
        Candidature.objects.owned_by(request.user)
        .filter(edition=edition, status=Status.SHORTLISTED)
        .select_related("region")
        .order_by("reference", "pk")
    )
    now = timezone.now()
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
    season = spans_clock_change(session)
    rows = [
        {"starts_at": pitch.starts_at, "clock": clock(pitch.starts_at, season), "pitch": pitch}
        for pitch in session.pitches
    ]
    rows += [
        {"starts_at": pause.starts_at, "clock": clock(pause.starts_at, season), "pause": pause}
        for pause in session.breaks.all()
    ]
    return sorted(rows, key=lambda row: row["starts_at"])


def programme(request, edition):
    edition = get_object_or_404(Edition.objects.filter(published=True), slug=edition)
    sessions = list(_published_sessions(edition))
    for session in sessions:
        session.running_order = _running_order(session) if session.pitches else []
        session.spans_clock_change = spans_clock_change(session)
        season = session.spans_clock_change
        session.clock_start, session.clock_end = clock(session.starts_at, season), clock(session.ends_at, season)
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


@login_required
def convocation_ics(request, pk):
    # Only the candidature's owner, as last published; anyone else gets the same 404.
    convocation = get_object_or_404(
        Convocation.objects.filter(
            candidature__owner=request.user, session__published=True, cancelled=False
        ).select_related("session__edition"),
        pk=pk,
    )
    response = HttpResponse(convocation_calendar(convocation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audition-{convocation.pk}.ics"'
    return response
