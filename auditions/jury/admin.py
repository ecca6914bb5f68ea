"""Organiser screens of the jury: juries and their members, conflicts of interest, assignments, evaluations."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdmin, ask_reason
from core.admin_cells import badge, clipped, moment, moment_column, unbroken

from . import services
from .models import Assignment, ConflictOfInterest, Evaluation, Jury, JuryMember, Score

SUBMITTED = Evaluation.Status.SUBMITTED
EVALUATION_TONES = {Evaluation.Status.DRAFT: "progress", SUBMITTED: "good"}
# A read-only detail page: no save buttons (the "change" permission is kept for the actions).
READ_ONLY_PAGE = {"show_save": False, "show_save_and_continue": False, "show_save_and_add_another": False}


def _count_per_jury(queryset, jury_path="jury"):
    """A correlated COUNT per jury: three plain joined Counts would multiply each other's rows."""
    counted = queryset.filter(**{jury_path: OuterRef("pk")}).order_by().values(jury_path).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0)


def _ranking_url(jury):
    return reverse("jury:ranking") + f"?jury={jury.pk}"


def _short_datetime(value):
    return moment(value, "SHORT_DATETIME_FORMAT")


def _person(user):
    """A juror in a list: the name, or the address of someone who has none yet."""
    return user.full_name or user.email


def _reference(candidature):
    return unbroken(candidature.reference or gettext("sans référence"))


def _state_badge(status):
    """An evaluation's state in words, the tone only helping the eye (static/css/admin.css); None: not started."""
    if status is None:
        tone, label = "muted", gettext("Pas commencée")
    else:
        tone, label = EVALUATION_TONES[status], Evaluation.Status(status).label
    return badge(tone, label)


# --- juries ---------------------------------------------------------------------------


class JuryMemberInline(admin.TabularInline):
    model = JuryMember
    fields = ("user", "role", "state", "invited_at", "answered_at")
    readonly_fields = ("state", "invited_at", "answered_at")
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request):
        # Each row is labelled by its member and jury: fetched with it, not once per row.
        return super().get_queryset(request).select_related("user", "jury")


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        error_messages={
            "required": _("Indiquez l'adresse e-mail de la personne à inviter."),
            "invalid": _("Saisissez une adresse e-mail valide, par exemple prenom.nom@collectivite.fr."),
        },
    )
    full_name = forms.CharField(
        label=_("Nom complet"),
        max_length=150,
        required=False,
        help_text=_("Sert à créer son compte si la personne n'en a pas encore."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=JuryMember.Role.choices, initial=JuryMember.Role.MEMBER)

    def clean(self):
        cleaned = super().clean()
        email, full_name = cleaned.get("email"), cleaned.get("full_name")
        if email and not full_name and not get_user_model().objects.filter(email__iexact=email).exists():
            self.add_error("full_name", _("Indiquez le nom complet : cette personne n'a pas encore de compte."))
        return cleaned


@admin.register(Jury)
class JuryAdmin(AuditedAdmin):
    audit_children = (("auditions.JuryMember", "jury"), ("auditions.Assignment", "jury"))

    list_display = (
        "name",
        "edition",
        "scoring_period",
        "member_count",
        "assignment_count",
        "submitted_count",
        "ranking_link",
    )
    list_filter = ("edition",)
    list_select_related = ("edition",)
    search_fields = ("name",)
    autocomplete_fields = ("regions",)
    readonly_fields = ("jury_tools",)
    fieldsets = (
        (_("Travaux du jury"), {"fields": ("jury_tools",)}),
        (None, {"fields": ("edition", "name", "regions", "jurors_per_candidature")}),
        (_("Notation"), {"fields": (("scoring_opens_at", "scoring_closes_at"),)}),
    )
    inlines = (JuryMemberInline,)
    actions = ("assign_dossiers", "send_pending_invitations")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=_count_per_jury(JuryMember.objects.all()),
                assignment_count=_count_per_jury(Assignment.objects.all()),
                submitted_count=_count_per_jury(Evaluation.objects.filter(status=SUBMITTED), "assignment__jury"),
            )
        )

    @admin.display(description=_("période de notation"), ordering="scoring_opens_at")
    def scoring_period(self, obj):
        return f"{_short_datetime(obj.scoring_opens_at)} → {_short_datetime(obj.scoring_closes_at)}"

    @admin.display(description=_("membres"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    @admin.display(description=_("attributions"), ordering="assignment_count")
    def assignment_count(self, obj):
        return obj.assignment_count

    @admin.display(description=_("évaluations soumises"), ordering="submitted_count")
    def submitted_count(self, obj):
        return obj.submitted_count

    @admin.display(description=_("classement"))
    def ranking_link(self, obj):
        return format_html('<a href="{}">{}</a>', _ranking_url(obj), gettext("Voir le classement"))

    @admin.display(description=_("liens"))
    def jury_tools(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Disponibles une fois le jury enregistré.")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a><br>{}',
            reverse("admin:auditions_jury_invite", args=[obj.pk]),
            gettext("Inviter un juré"),
            _ranking_url(obj),
            gettext("Voir le classement"),
            gettext(
                "Un membre ajouté dans la liste ci-dessous n'est pas prévenu : envoyez-lui son invitation avec "
                "l'action « Envoyer les invitations en attente » de la liste des jurys."
            ),
        )

    # --- inviting someone by e-mail

    def get_urls(self):
        return [
            path(
                "<path:object_id>/inviter/",
                self.admin_site.admin_view(self.invite_view),
                name="auditions_jury_invite",
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request, object_id):
        jury = self.get_object(request, unquote(object_id))
        if jury is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, jury):
            raise PermissionDenied
        form = InvitationForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            member = services.invite(
                jury,
                form.cleaned_data["email"],
                form.cleaned_data["full_name"],
                form.cleaned_data["role"],
                request.user,
            )
            self.message_user(
                request,
                gettext("Invitation envoyée à %(person)s pour le jury « %(jury)s ».")
                % {"person": member.user, "jury": jury},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:auditions_jury_change", args=[jury.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Inviter un juré"),
            "subtitle": str(jury),
            "opts": self.opts,
            "jury": jury,
            "form": form,
        }
        return TemplateResponse(request, "admin/auditions/jury/invite.html", context)

    # --- actions

    @admin.action(description=_("Attribuer automatiquement les dossiers (compléter)"), permissions=["change"])
    def assign_dossiers(self, request, queryset):
        for jury in queryset.select_related("edition"):
            report = services.assign(jury)
            created = len(report.created)
            self.message_user(
                request,
                ngettext(
                    "%(jury)s : %(count)d attribution créée.",
                    "%(jury)s : %(count)d attributions créées.",
                    created,
                )
                % {"jury": jury, "count": created},
                messages.SUCCESS if created else messages.INFO,
            )
            for candidature, missing, reason in report.shortfalls:
                self.message_user(
                    request,
                    ngettext(
                        "%(jury)s — %(reference)s : %(missing)d juré manque. %(reason)s",
                        "%(jury)s — %(reference)s : %(missing)d jurés manquent. %(reason)s",
                        missing,
                    )
                    % {"jury": jury, "reference": candidature.reference, "missing": missing, "reason": reason},
                    messages.WARNING,
                )
            if not report.balanced:
                self.message_user(
                    request,
                    gettext("%(jury)s : répartition déséquilibrée. %(reason)s")
                    % {"jury": jury, "reason": report.imbalance_reason},
                    messages.WARNING,
                )
            if report.loads:
                loads = ", ".join(f"{juror.full_name or juror.email} {count}" for juror, count in report.loads.items())
                self.message_user(
                    request, gettext("%(jury)s : dossiers par juré : %(loads)s.") % {"jury": jury, "loads": loads}
                )

    @admin.action(description=_("Envoyer les invitations en attente"), permissions=["change"])
    def send_pending_invitations(self, request, queryset):
        pending = JuryMember.objects.filter(jury__in=queryset, state=JuryMember.State.INVITED).select_related(
            "jury__edition", "user"
        )
        sent = 0
        for member in pending:
            services.invite(member.jury, member.user.email, member.user.full_name, member.role, request.user)
            sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%(count)d invitation envoyée : la personne reçoit un lien pour accepter ou décliner.",
                    "%(count)d invitations envoyées : chaque personne reçoit un lien pour accepter ou décliner.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, gettext("Aucune invitation en attente dans les jurys sélectionnés."))


# --- conflicts of interest ------------------------------------------------------------


class PairCells:
    """The juror and candidature columns of a juror-and-dossier pair (a conflict, an assignment)."""

    @admin.display(description=_("juré"), ordering="juror__full_name")
    def juror_name(self, obj):
        return _person(obj.juror)

    @admin.display(description=_("référence"), ordering="candidature__reference")
    def reference(self, obj):
        return _reference(obj.candidature)

    @admin.display(description=_("collectivité"), ordering="candidature__territory_name")
    def territory(self, obj):
        return obj.candidature.territory_name


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(PairCells, AuditedAdmin):
    list_display = (
        "juror_name",
        "reference",
        "territory",
        "declared_by_name",
        "short_reason",
        moment_column(ConflictOfInterest, "created_at"),
    )
    list_display_links = ("juror_name", "reference")
    list_filter = ("candidature__edition", ("juror", admin.RelatedOnlyFieldListFilter), "created_at")
    search_fields = (
        "juror__full_name",
        "juror__email",
        "candidature__reference",
        "candidature__territory_name",
        "reason",
    )
    list_select_related = ("juror", "candidature", "declared_by")
    autocomplete_fields = ("juror", "candidature")

    @admin.display(description=_("déclaré par"), ordering="declared_by__full_name")
    def declared_by_name(self, obj):
        return self.get_empty_value_display() if obj.declared_by is None else _person(obj.declared_by)

    @admin.display(description=_("motif"), ordering="reason")
    def short_reason(self, obj):
        if not obj.reason:
            return self.get_empty_value_display()
        return clipped(obj.reason)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("juror", "candidature", "reason")
        return ("juror", "candidature", "reason", "declared_by", "created_at")

    def get_readonly_fields(self, request, obj=None):
        # A conflict names a pair: to correct one, delete it and declare the right pair.
        return () if obj is None else ("juror", "candidature", "declared_by", "created_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        withdrawn = (
            Assignment.objects.filter(juror=obj.juror, candidature=obj.candidature).select_related("evaluation").first()
        )
        conflict = services.declare_conflict(obj.juror, obj.candidature, request.user, obj.reason)
        obj.pk, obj.declared_by, obj.created_at = conflict.pk, conflict.declared_by, conflict.created_at
        obj._state.adding = False
        if withdrawn is not None:
            scored = getattr(withdrawn, "evaluation", None) is not None
            message = (
                gettext("Le dossier a été retiré à ce juré, avec l'évaluation qu'il avait commencée ou soumise.")
                if scored
                else gettext("Le dossier a été retiré à ce juré.")
            )
            self.message_user(request, message, messages.WARNING)


# --- assignments ----------------------------------------------------------------------


class AssignmentForm(forms.ModelForm):
    class Meta:
        model = Assignment
        fields = ("jury", "juror", "candidature")

    def clean(self):
        cleaned = super().clean()
        jury, juror, candidature = cleaned.get("jury"), cleaned.get("juror"), cleaned.get("candidature")
        if jury is None or juror is None or candidature is None:
            return cleaned
        if ConflictOfInterest.objects.filter(juror=juror, candidature=candidature).exists():
            raise forms.ValidationError(
                _("Un conflit d'intérêts est déclaré entre ce juré et ce dossier : il ne peut pas lui être attribué.")
            )
        member = jury.members.filter(user=juror).first()
        if member is None:
            self.add_error(
                "juror",
                gettext("Cette personne n'est pas membre du jury « %(jury)s » : invitez-la d'abord.") % {"jury": jury},
            )
        elif member.state == JuryMember.State.DECLINED:
            self.add_error(
                "juror", gettext("Cette personne a décliné l'invitation au jury « %(jury)s ».") % {"jury": jury}
            )
        if not jury.candidatures().filter(pk=candidature.pk).exists():
            self.add_error(
                "candidature",
                gettext(
                    "Ce dossier n'est pas noté par le jury « %(jury)s » : il doit être de son édition et de ses "
                    "régions, et présélectionné ou au-delà."
                )
                % {"jury": jury},
            )
        return cleaned


class EvaluationStateFilter(admin.SimpleListFilter):
    title = _("évaluation")
    parameter_name = "evaluation"
    NOT_STARTED = "none"

    def lookups(self, request, model_admin):
        return [(self.NOT_STARTED, _("Pas commencée")), *Evaluation.Status.choices]

    def queryset(self, request, queryset):
        if self.value() == self.NOT_STARTED:
            return queryset.filter(evaluation__isnull=True)
        if self.value() in Evaluation.Status.values:
            return queryset.filter(evaluation__status=self.value())
        return queryset


@admin.register(Assignment)
class AssignmentAdmin(PairCells, AuditedAdmin):
    form = AssignmentForm
    list_display = (
        "juror_name",
        "reference",
        "territory",
        "jury",
        "evaluation_state",
        moment_column(Assignment, "created_at"),
    )
    list_display_links = ("juror_name", "reference")
    list_filter = ("jury", ("juror", admin.RelatedOnlyFieldListFilter), EvaluationStateFilter)
    search_fields = ("juror__full_name", "juror__email", "candidature__reference", "candidature__territory_name")
    list_select_related = ("juror", "candidature", "jury")
    autocomplete_fields = ("juror", "candidature")
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(evaluation_status=F("evaluation__status"))

    @admin.display(description=_("évaluation"), ordering="evaluation_status")
    def evaluation_state(self, obj):
        return _state_badge(obj.evaluation_status)

    def get_fields(self, request, obj=None):
        return ("jury", "juror", "candidature") if obj is None else ("jury", "juror", "candidature", "created_at")

    def get_readonly_fields(self, request, obj=None):
        # An assignment is a pair with its evaluation: withdraw it (delete) rather than repoint it.
        return () if obj is None else ("jury", "juror", "candidature", "created_at")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**READ_ONLY_PAGE, **(extra_context or {})})


# --- evaluations ----------------------------------------------------------------------


class ScoreInline(admin.TabularInline):
    model = Score
    fields = ("criterion_name", "weight", "value", "scale")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")

    @admin.display(description=_("critère"))
    def criterion_name(self, obj):
        return obj.criterion.name

    @admin.display(description=_("poids"))
    def weight(self, obj):
        return obj.criterion.weight

    @admin.display(description=_("échelle"))
    def scale(self, obj):
        return f"{obj.criterion.scale_min}–{obj.criterion.scale_max}"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(AuditedAdmin):
    audit_children = (("auditions.Score", "evaluation"),)

    list_display = (
        "juror_name",
        "candidature_reference",
        "territory",
        "jury",
        "status_badge",
        "weighted_total",
        moment_column(Evaluation, "submitted_at"),
    )
    list_display_links = ("juror_name", "candidature_reference")
    list_filter = ("status", "assignment__jury", ("assignment__juror", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "assignment__juror__full_name",
        "assignment__juror__email",
        "assignment__candidature__reference",
        "assignment__candidature__territory_name",
    )
    list_select_related = ("assignment__juror", "assignment__candidature", "assignment__jury")
    ordering = ("assignment__candidature__reference", "assignment__juror__full_name", "pk")
    fields = ("juror", "candidature", "jury", "status", "weighted_total", "submitted_at", "updated_at", "comment")
    readonly_fields = fields
    inlines = (ScoreInline,)
    actions = ("reopen_submitted",)
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.display(description=_("juré"), ordering="assignment__juror__full_name")
    def juror(self, obj):
        return obj.assignment.juror

    @admin.display(description=_("juré"), ordering="assignment__juror__full_name")
    def juror_name(self, obj):
        return _person(obj.assignment.juror)

    @admin.display(description=_("référence"), ordering="assignment__candidature__reference")
    def candidature_reference(self, obj):
        return _reference(obj.assignment.candidature)

    @admin.display(description=_("état"), ordering="status")
    def status_badge(self, obj):
        return _state_badge(obj.status)

    @admin.display(description=_("collectivité"), ordering="assignment__candidature__territory_name")
    def territory(self, obj):
        return obj.assignment.candidature.territory_name

    @admin.display(description=_("candidature"))
    def candidature(self, obj):
        return obj.assignment.candidature

    @admin.display(description=_("jury"), ordering="assignment__jury__name")
    def jury(self, obj):
        return obj.assignment.jury

    def has_add_permission(self, request):
        return False  # jurors score on their own pages

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw the assignment instead

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, {**READ_ONLY_PAGE, **(extra_context or {})})

    @admin.action(description=_("Rouvrir les évaluations soumises"), permissions=["change"])
    def reopen_submitted(self, request, queryset):
        reason = ask_reason(
            self,
            request,
            queryset,
            "reopen_submitted",
            gettext("Rouvrir des évaluations soumises"),
            gettext(
                "Le juré pourra modifier son évaluation et devra la soumettre de nouveau. "
                "Dites pourquoi : le motif est gardé dans le journal d'audit."
            ),
        )
        if not isinstance(reason, str):
            return reason
        skipped = queryset.exclude(status=SUBMITTED).count()
        submitted = list(queryset.filter(status=SUBMITTED).select_related("assignment__jury"))
        for evaluation in submitted:
            services.reopen_evaluation(evaluation, by=request.user, reason=reason)
        if submitted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d évaluation rouverte : le juré peut la modifier et la soumettre de nouveau.",
                    "%(count)d évaluations rouvertes : chaque juré peut modifier la sienne et la soumettre de nouveau.",
                    len(submitted),
                )
                % {"count": len(submitted)},
                messages.SUCCESS,
            )
        closed = sorted({str(e.assignment.jury) for e in submitted if not e.assignment.jury.scoring_is_open()})
        if closed:
            self.message_user(
                request,
                gettext(
                    "La période de notation est close pour %(juries)s : les jurés ne pourront modifier ces "
                    "évaluations qu'une fois la période prolongée."
                )
                % {"juries": ", ".join(closed)},
                messages.WARNING,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d évaluation n'était pas soumise : rien à rouvrir.",
                    "%(count)d évaluations n'étaient pas soumises : rien à rouvrir.",
                    skipped,
                )
                % {"count": skipped},
                messages.INFO,
            )
