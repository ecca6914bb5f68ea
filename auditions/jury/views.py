"""The jury's pages: its dossiers, conflicts of interest, scoring, invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.views import redirect_to_login
from django.db import models, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts.verification import mark_verified
from core import clock, throttle
from core.clients import client_address
from core.errors import Refused
from label.models import Candidature, CriterionAnswer

from . import home_blocks, services
from .forms import ConflictForm, ScoringForm
from .models import Assignment, ConflictOfInterest, Evaluation, Jury, JuryMember


def _memberships(user):
    return JuryMember.objects.active().filter(user=user)


def _count_of(assignments):
    """A per-jury count of ``assignments`` (the juror's, conflicts excluded), as a SQL subquery."""
    counted = assignments.filter(jury=OuterRef("jury")).order_by().values("jury").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class ScoringProgress(models.TextChoices):
    """Where the juror stands on an assigned dossier: no evaluation yet, or its evaluation's status."""

    TODO = "todo", gettext_lazy("à évaluer")
    DRAFT = Evaluation.Status.DRAFT.value, gettext_lazy("brouillon")
    SUBMITTED = Evaluation.Status.SUBMITTED.value, gettext_lazy("soumise")

    @property
    def tone(self):
        return PROGRESS_TONES[self]


# The Bootstrap colour of each state's badge: the word says the state, the colour only helps the eye.
PROGRESS_TONES = {
    ScoringProgress.TODO: "secondary",
    ScoringProgress.DRAFT: "warning",
    ScoringProgress.SUBMITTED: "success",
}


def _state(assignment):
    evaluation = getattr(assignment, "evaluation", None)
    if evaluation is None:
        return ScoringProgress.TODO
    return ScoringProgress(evaluation.status)


@login_required
def home(request):
    mine = Assignment.objects.for_juror(request.user)
    memberships = list(
        _memberships(request.user)
        .select_related("jury__edition")
        .annotate(
            assigned=_count_of(mine),
            submitted=_count_of(mine.filter(evaluation__status=Evaluation.Status.SUBMITTED)),
        )
        .order_by("-jury__scoring_closes_at", "jury__name")
    )
    assignments = (
        mine.filter(jury__in=[membership.jury_id for membership in memberships])
        .select_related("evaluation", "candidature", "candidature__region")
        .order_by("candidature__reference", "pk")
    )
    by_jury = {membership.jury_id: [] for membership in memberships}
    for assignment in assignments:
        assignment.state = _state(assignment)
        by_jury[assignment.jury_id].append(assignment)
    now = clock.now()
    juries = [
        {
            "membership": membership,
            "jury": membership.jury,
            "assignments": by_jury[membership.jury_id],
            "is_open": membership.jury.scoring_is_open(now),
            "not_open_yet": now < membership.jury.scoring_opens_at,
            "invitation_token": services.invitation_token(membership)
            if membership.state == JuryMember.State.INVITED
            else None,
        }
        for membership in memberships
    ]
    blocks = home_blocks.rendered(request) if juries else []
    return render(request, "jury/home.html", {"juries": juries, "blocks": blocks})


def _conflictable(user):
    """The candidatures of the juror's juries still scoring or to come, flagged when a conflict is declared.

    A closed jury is left out: a late declaration would delete a submitted evaluation from its results.
    """
    juries = Jury.objects.filter(pk__in=_memberships(user).values("jury"), scoring_closes_at__gt=clock.now())
    scopes = [jury.candidatures() for jury in juries.prefetch_related("regions")]
    if not scopes:
        return Candidature.objects.none()
    queryset = scopes[0]
    for scope in scopes[1:]:
        queryset |= scope
    return queryset.annotate(
        declared=Exists(ConflictOfInterest.objects.filter(juror=user, candidature=OuterRef("pk")))
    ).only("pk", "territory_name", "project_title")


@login_required
def conflicts(request):
    candidatures = _conflictable(request.user)
    errors = {}
    if request.method == "POST":
        try:
            candidature = get_object_or_404(candidatures, pk=int(request.POST.get("candidature", "")))
        except ValueError:
            raise Http404 from None
        form = ConflictForm(request.POST)
        if form.is_valid():
            services.declare_conflict(request.user, candidature, request.user, form.cleaned_data["reason"])
            messages.success(
                request,
                _("Conflit d'intérêts déclaré pour « %(territory)s » : ce dossier ne vous sera pas attribué.")
                % {"territory": candidature.territory_name},
            )
            return redirect("jury:conflicts")
        errors[candidature.pk] = form
    rows = list(candidatures.order_by("territory_name", "project_title", "pk"))
    for row in rows:
        row.form = errors.get(row.pk)
    return render(request, "jury/conflicts.html", {"candidatures": rows, "has_errors": bool(errors)})


def _dossier_queryset(user):
    return Assignment.objects.for_juror(user).select_related(
        "jury__edition", "candidature__region", "candidature__edition", "evaluation"
    )


def _others_submitted(assignment):
    """Other jurors' submitted evaluations of the dossier, for a juror who submitted theirs, if allowed."""
    return (
        Evaluation.objects.filter(
            assignment__candidature_id=assignment.candidature_id, status=Evaluation.Status.SUBMITTED
        )
        .exclude(assignment__juror_id=assignment.juror_id)
        .select_related("assignment__juror")
        .prefetch_related("scores")
        .order_by("assignment__juror__full_name", "pk")
    )


@login_required
def dossier(request, pk):
    assignment = get_object_or_404(
        _dossier_queryset(request.user).prefetch_related(
            Prefetch("candidature__answers", queryset=CriterionAnswer.objects.select_related("criterion")),
            "candidature__documents",
            "candidature__edition__criteria",
            "evaluation__scores",
        ),
        pk=pk,
    )
    candidature = assignment.candidature
    criteria = list(candidature.edition.criteria.all())
    evaluation = getattr(assignment, "evaluation", None)
    form = ScoringForm(request.POST or None, criteria=criteria, evaluation=evaluation)
    if request.method == "POST" and form.is_valid():
        submit = request.POST.get("action") == "submit"
        try:
            services.save_evaluation(
                assignment, request.user, form.values(), form.cleaned_data["comment"], submit=submit
            )
        except Refused as refusal:
            form.add_error(None, refusal.message)
        else:
            if submit:
                messages.success(request, _("Votre évaluation est soumise. Merci !"))
            else:
                messages.success(request, _("Brouillon enregistré. Vous pourrez reprendre plus tard."))
            return redirect("jury:dossier", pk=assignment.pk)
    return render(request, "jury/dossier.html", _dossier_context(assignment, criteria, evaluation, form))


def _dossier_context(assignment, criteria, evaluation, form):
    candidature = assignment.candidature
    submitted = evaluation is not None and evaluation.status == Evaluation.Status.SUBMITTED
    answers = {answer.criterion_id: answer.text for answer in candidature.answers.all()}
    own_scores = {score.criterion_id: score.value for score in evaluation.scores.all()} if evaluation else {}
    others = []
    if submitted and candidature.edition.jurors_see_other_scores:
        for other in _others_submitted(assignment):
            scores = {score.criterion_id: score.value for score in other.scores.all()}
            others.append({"evaluation": other, "scores": [(c, scores.get(c.pk)) for c in criteria]})
    now = clock.now()
    return {
        "assignment": assignment,
        "jury": assignment.jury,
        "candidature": candidature,
        "criteria": criteria,
        "answers": [(criterion, answers.get(criterion.pk, "")) for criterion in criteria],
        "evaluation": evaluation,
        "submitted": submitted,
        "own_scores": [(criterion, own_scores.get(criterion.pk)) for criterion in criteria],
        "others": others,
        "form": form,
        "scoring_open": assignment.jury.scoring_is_open(now),
        "not_open_yet": now < assignment.jury.scoring_opens_at,
    }


@login_required
@require_POST
def autosave(request, pk):
    """Save the scores typed so far as a draft (htmx, on change); answers a one-line status."""
    assignment = get_object_or_404(
        _dossier_queryset(request.user).prefetch_related("candidature__edition__criteria"), pk=pk
    )
    form = ScoringForm(request.POST, criteria=assignment.candidature.edition.criteria.all())
    context = {"saved_at": None, "error": None}
    if not form.is_valid():
        context["error"] = _("Brouillon non enregistré : vérifiez votre saisie.")
    else:
        try:
            evaluation = services.save_evaluation(
                assignment, request.user, form.values(), form.cleaned_data["comment"], submit=False
            )
        except Refused as refusal:
            context["error"] = refusal.message
        else:
            context["saved_at"] = evaluation.updated_at
    return render(request, "jury/_autosave_status.html", context)


# --- invitations ------------------------------------------------------------------------------

# Links that fail their signature, per client address and hour, before every link is refused from there.
INVITATION_GUESS_SCOPE = "jury-invitation-guess"
INVITATION_GUESSES_PER_HOUR = 20
INVITATION_GUESS_WINDOW = 60 * 60


def _after_answer(request, member, accept):
    if accept:
        messages.success(request, _("Bienvenue dans le jury « %(jury)s ».") % {"jury": member.jury.name})
        return redirect("jury:home")
    messages.info(request, _("Vous avez décliné l'invitation au jury « %(jury)s ».") % {"jury": member.jury.name})
    return redirect("home")


def _answer(request, member, user, accept):
    try:
        services.answer_invitation(member, user, accept)
    except services.InvitationClosed as refusal:
        return _closed_invitation(request, refusal)
    return _after_answer(request, member, accept)


def _invalid_invitation(request, message):
    return render(request, "jury/invitation_invalid.html", {"message": message}, status=400)


def _closed_invitation(request, refusal):
    member = refusal.member
    context = {"message": refusal.message, "jury": member.jury, "edition": member.jury.edition}
    return render(request, "jury/invitation_closed.html", context, status=410)


def _too_many_attempts(request):
    response = render(request, "jury/invitation_throttled.html", status=429)
    response["Retry-After"] = str(INVITATION_GUESS_WINDOW)
    return response


@sensitive_post_parameters("new_password1", "new_password2")
def invitation(request, token):
    address = client_address(request)
    if throttle.exhausted(INVITATION_GUESS_SCOPE, address, INVITATION_GUESSES_PER_HOUR):
        return _too_many_attempts(request)
    try:
        member = services.member_from_token(token)
    except services.InvitationLinkInvalid as refusal:
        throttle.spend(INVITATION_GUESS_SCOPE, address, INVITATION_GUESS_WINDOW)
        return _invalid_invitation(request, refusal.message)
    except services.InvitationClosed as refusal:
        return _closed_invitation(request, refusal)
    except Refused as refusal:
        return _invalid_invitation(request, refusal.message)
    invited = member.user
    if not invited.is_active:
        return _invalid_invitation(request, _("Ce lien d'invitation n'est pas valide."))
    context = {"member": member, "jury": member.jury, "edition": member.jury.edition}
    if request.user.is_authenticated and request.user.pk != invited.pk:
        # Someone else's session is never replaced by the invitee's: they log out first, on purpose.
        return render(request, "jury/invitation_other_account.html", context, status=403)
    answer = request.POST.get("answer") if request.method == "POST" else None

    if not invited.has_usable_password():
        # Until a password is chosen, the signed link stands for the account, like a reset link.
        if answer == "decline":
            return _answer(request, member, invited, accept=False)
        form = SetPasswordForm(invited, request.POST if answer == "accept" else None)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.answer_invitation(member, invited, accept=True)
                    user = form.save()
            except services.InvitationClosed as refusal:
                return _closed_invitation(request, refusal)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            # The link came by e-mail: choosing a password from it proves the address.
            mark_verified(user, request)
            return _after_answer(request, member, accept=True)
        return render(request, "jury/invitation_password.html", {**context, "form": form})

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if answer in ("accept", "decline"):
        if answer == "accept":
            mark_verified(request.user, request)
        return _answer(request, member, request.user, accept=answer == "accept")
    return render(request, "jury/invitation.html", context)
