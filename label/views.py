from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.errors import Refused
from core.pages import expires_by, public_page
from events.models import Event

from . import consents, home_blocks, panels, services, workflow
from .edition_pages import published_edition
from .models import Candidature, CriterionAnswer, Document, Edition, Status
from .queries import ordered_laureates
from .steps import RECAP, STEP_BY_SLUG, STEPS, following, missing_for_submission

# The home shows this many laureates of the newest edition that has some, Or first; its page lists them all.
HOME_LAUREATES = 6


@public_page
def home(request):
    now = clock.now()
    laureates_of = Candidature.objects.filter(edition=OuterRef("pk"), status=Status.LAUREATE)
    editions = list(
        Edition.objects.filter(published=True).annotate(has_laureates=Exists(laureates_of)).order_by("-closes_at")
    )
    crowned = next((edition for edition in editions if edition.has_laureates), None)
    laureates = list(ordered_laureates(crowned.candidatures.all())[:HOME_LAUREATES]) if crowned else []
    context = {
        "open_editions": [edition for edition in editions if edition.is_open(now)],
        "upcoming_editions": [edition for edition in editions if not edition.has_opened(now)],
        "past_editions": [edition for edition in editions if edition.closes_at <= now],
        "crowned_edition": crowned,
        "laureates": laureates,
        "blocks": home_blocks.rendered(request),
    }
    response = render(request, "label/home.html", context)
    return expires_by(response, *(moment for edition in editions for moment in (edition.opens_at, edition.closes_at)))


@public_page
def call(request, edition):
    edition = get_object_or_404(
        Edition.objects.filter(published=True)
        .select_related("forum")
        .prefetch_related("criteria", "milestones", Prefetch("regional_meetings", queryset=Event.objects.published())),
        slug=edition,
    )
    mine = None
    if request.user.is_authenticated:
        mine = (
            Candidature.objects.owned_by(request.user).filter(edition=edition).exclude(status=Status.WITHDRAWN).first()
        )
    response = render(
        request,
        "label/call.html",
        {"edition": edition, "is_open": edition.is_open(), "has_opened": edition.has_opened(), "mine": mine},
    )
    return expires_by(response, edition.opens_at, edition.closes_at)


def _active_candidature(edition, user):
    return (
        Candidature.objects.owned_by(user)
        .filter(edition=edition)
        .exclude(status=Status.WITHDRAWN)
        .select_related("edition", "region")
        .first()
    )


@login_required
def apply(request, edition):
    edition = published_edition(edition)
    candidature = _active_candidature(edition, request.user)
    if candidature is None:
        if not edition.is_open():
            return render(request, "label/apply_closed.html", {"edition": edition}, status=200)
        return redirect("label:step", edition=edition.slug, step=STEPS[0].slug)
    if not workflow.can("edit", request.user, candidature):
        return redirect("label:candidature", pk=candidature.pk)
    first_incomplete = next((step for step in STEPS if step.missing(candidature)), None)
    if first_incomplete is None or candidature.submitted_at:
        return redirect("label:recap", edition=edition.slug)
    return redirect("label:step", edition=edition.slug, step=first_incomplete.slug)


def _next_url(edition, step):
    after = following(step)
    if after is None:
        return reverse("label:recap", kwargs={"edition": edition.slug})
    return reverse("label:step", kwargs={"edition": edition.slug, "step": after.slug})


def _shown(form_field, value):
    """A stored value as the person reads it in the form."""
    if value in (None, ""):
        return _("(vide)")
    if isinstance(form_field, forms.BooleanField):
        return _("coché") if value else _("non coché")
    if isinstance(form_field, forms.ChoiceField | forms.ModelChoiceField):
        for key, label in form_field.choices:
            if str(key) == str(value):
                return str(label)
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return Truncator(str(value)).chars(300)


def _show_conflict(form, conflict):
    """Keep what was typed, and say at each field what was saved meanwhile."""
    form.add_error(None, conflict.message)
    for name, value in conflict.current.items():
        if name in form.fields:
            form.add_error(
                name,
                _("Enregistré entre-temps : « %(value)s ». Votre saisie est ci-dessus.")
                % {"value": _shown(form.fields[name], value)},
            )


def _unfilled_values(names, unfilled):
    """What ``unfilled`` holds under ``names``: its fields' values, no answer to any criterion."""
    fields = {field.name for field in Candidature._meta.concrete_fields}
    stored = services.field_values(unfilled, [name for name in names if name in fields])
    return {name: stored.get(name, "") for name in names}


def _unfilled_base(current, candidature, edition, user):
    """The edit token of ``current``'s form showing the candidature as it was started, before anyone filled it.

    The first step carries it before the candidature exists, so that two tabs starting it check each
    other's save. A save that comes without a token is checked against it too: it may fill in what nobody
    has saved yet, never replace a value saved since without showing it first.
    """
    unfilled = services.new_draft(edition, user)
    shown = current.shown(candidature or unfilled, edition)
    if shown is None:
        return ""
    return services.edit_base(unfilled, _unfilled_values(shown, unfilled))


def _opened_base(current, candidature, edition, user):
    """The edit token of ``current``'s form as the page shows it now."""
    if candidature is None:
        return _unfilled_base(current, None, edition, user)
    shown = current.shown(candidature, edition)
    return services.edit_base(candidature, shown) if shown is not None else ""


@login_required
def step(request, edition, step):
    edition = published_edition(edition)
    current = STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404
    candidature = _active_candidature(edition, request.user)
    if candidature is None:
        if not edition.is_open():
            return render(request, "label/apply_closed.html", {"edition": edition})
        if current != STEPS[0]:
            return redirect("label:step", edition=edition.slug, step=STEPS[0].slug)
    elif request.method != "POST" and not workflow.can("edit", request.user, candidature):
        messages.info(request, _("Cette candidature n'est plus modifiable : voici ce qui a été déposé."))
        return redirect("label:candidature", pk=candidature.pk)

    action = request.POST.get("action", "save")
    # After the submission every required field stays required, draft or not.
    complete = action == "next" or (candidature is not None and candidature.submitted_at is not None)
    if request.method == "POST":
        base = request.POST.get("base", "")
        if not services.readable_base(base):
            # No token (an old page, a script) or a tampered one: checked as if the form showed the fresh draft.
            base = _unfilled_base(current, candidature, edition, request.user)
        form = current.form(candidature, edition, request.POST, request.FILES, complete=complete)
        if current.goes_on_unsaved(action, request.FILES):
            return redirect(_next_url(edition, current))
        if form.is_valid():
            try:
                if candidature is None:
                    candidature = services.start(edition, request.user)
                said = current.save(candidature, form, request.user, base)
            except services.EditConflict as conflict:
                _show_conflict(form, conflict)
                base = conflict.base
            except Refused as refusal:
                form.add_error(current.error_field, refusal.message)
            else:
                if current.stays:
                    messages.success(request, said)
                    return redirect("label:step", edition=edition.slug, step=current.slug)
                if action == "next":
                    return redirect(_next_url(edition, current))
                if candidature.submitted_at:
                    messages.success(request, _("Modifications enregistrées."))
                else:
                    messages.success(request, _("Brouillon enregistré. Vous pourrez reprendre plus tard."))
                return redirect("label:step", edition=edition.slug, step=current.slug)
    else:
        form = current.form(candidature, edition)
        base = _opened_base(current, candidature, edition, request.user)

    return render(
        request,
        "label/apply_step.html",
        {
            "edition": edition,
            "candidature": candidature,
            "steps": STEPS,
            "current": current,
            "form": form,
            "base": base,
            "next_url": _next_url(edition, current),
            **current.context(candidature),
        },
        status=200,
    )


def _summary_queryset():
    return Candidature.objects.select_related("edition", "region", "owner").prefetch_related(
        Prefetch("answers", queryset=CriterionAnswer.objects.select_related("criterion")),
        "documents",
        "edition__criteria",
        "history",
    )


@login_required
def recap(request, edition):
    if request.method == "POST":
        # At a deadline's rush every query counts: the submission finds the candidature as it locks it.
        try:
            submitted = services.submit_own(request.user, edition)
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            if submitted is not None:
                messages.success(request, _("Votre candidature est déposée. Un accusé de réception vous a été envoyé."))
                return redirect("label:candidature", pk=submitted.pk)
    edition = published_edition(edition)
    candidature = _active_candidature(edition, request.user)
    if candidature is None:
        return redirect("label:apply", edition=edition.slug)
    candidature = _summary_queryset().get(pk=candidature.pk)
    if not workflow.can("edit", request.user, candidature):
        return redirect("label:candidature", pk=candidature.pk)
    return render(request, "label/recap.html", _summary_context(request, candidature, steps_links=True))


def _summary_context(request, candidature, steps_links=False):
    answers = {answer.criterion_id: answer.text for answer in candidature.answers.all()}
    return {
        "edition": candidature.edition,
        "candidature": candidature,
        "steps": STEPS,
        "current": RECAP,
        "criteria": [(criterion, answers.get(criterion.pk, "")) for criterion in candidature.edition.criteria.all()],
        "missing": missing_for_submission(candidature),
        "can_submit": workflow.can("submit", request.user, candidature),
        "can_withdraw": workflow.can("withdraw", request.user, candidature),
        "can_edit": workflow.can("edit", request.user, candidature),
        "steps_links": steps_links,
        "next_step": workflow.next_step(candidature),
    }


@login_required
def my_candidatures(request):
    candidatures = panels.prefetched(Candidature.objects.owned_by(request.user).for_listing().order_by("-created_at"))
    now = clock.now()
    for candidature in candidatures:
        candidature.next_step = workflow.next_step(candidature, now)
    return render(
        request,
        "label/my_candidatures.html",
        {"candidatures": candidatures, "now": now, "panels": panels.panels()},
    )


@login_required
def candidature(request, pk):
    candidature = get_object_or_404(_summary_queryset().visible_to(request.user), pk=pk)
    # The full dossier, contact details included: the workflow's "see" (jurors read theirs under /jury/).
    if not workflow.can("see", request.user, candidature):
        raise Http404
    return render(request, "label/candidature.html", _summary_context(request, candidature))


@login_required
def withdraw(request, pk):
    candidature = get_object_or_404(Candidature.objects.owned_by(request.user).select_related("edition"), pk=pk)
    if request.method == "POST":
        try:
            services.fire(candidature, "withdraw", request.user, note=request.POST.get("reason", "")[:1000])
        except Refused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Votre candidature est retirée."))
        return redirect("label:my_candidatures")
    refusal = workflow.refusal("withdraw", request.user, candidature)
    return render(request, "label/withdraw.html", {"candidature": candidature, "refusal": refusal})


@login_required
@require_POST
def withdraw_publication(request, pk):
    # The owner's own decision at any time, deadline and status aside: not the workflow's "edit".
    candidature = get_object_or_404(Candidature.objects.owned_by(request.user), pk=pk)
    try:
        withdrawn = consents.withdraw_publication(candidature, request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        if withdrawn:
            messages.success(
                request,
                _(
                    "Votre accord de publication est retiré : le titre et le résumé du projet n'apparaissent plus "
                    "sur les pages publiques."
                ),
            )
        else:
            messages.info(request, _("La publication du projet n'était déjà plus autorisée."))
    return redirect("label:my_candidatures")


@login_required
@require_POST
def delete_document(request, pk):
    document = get_object_or_404(
        Document.objects.filter(candidature__owner=request.user).select_related("candidature__edition"), pk=pk
    )
    edition = document.candidature.edition
    try:
        services.remove_document(document, request.user)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Document « %(name)s » supprimé.") % {"name": document.original_name})
    return redirect("label:step", edition=edition.slug, step="documents")


@login_required
def download(request, pk):
    document = get_object_or_404(Document.objects.visible_to(request.user), pk=pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.safe_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@public_page
@require_GET
def laureates(request, edition):
    edition = get_object_or_404(Edition.objects.filter(published=True).select_related("forum"), slug=edition)
    return render(
        request,
        "label/laureates.html",
        {"edition": edition, "laureates": list(ordered_laureates(edition.candidatures.all()))},
    )
