"""Organiser screens: editions with their criteria and figures; candidatures with decisions and exports."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Prefetch, prefetch_related_objects
from django.db.models.functions import TruncDate
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.urls import path, reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.roles import is_organiser
from audit.admin import AuditedAdmin, ask_reason
from core.admin_cells import badge, clipped, collated_filter, moment, moment_column, unbroken
from core.hooks import Hook
from core.read_only_admin import ReadOnlyAdmin
from events.regions import collation_key

from . import services, workflow
from .exports import CandidatureExport, csv_lines, export_name, xlsx_bytes
from .feedback import report_refused
from .models import Candidature, Consent, Criterion, Edition, HistoryEntry, Milestone, Status, Theme

# --- editions ------------------------------------------------------------------------


class CriterionForm(forms.ModelForm):
    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        if weight is not None and weight <= 0:
            # Said here once: the model would add its validator's generic "≥ 0,01" next to Criterion.clean()'s.
            raise forms.ValidationError(_("Le poids doit être strictement positif."))
        return weight


class CriterionInline(admin.TabularInline):
    model = Criterion
    form = CriterionForm
    fields = ("order", "code", "name", "weight", "scale_min", "scale_max", "eliminatory_threshold", "guidance")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})}}
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = ("starts_at", "ends_at", "title", "detail", "url")
    extra = 0


def edition_figures(edition):
    """Candidatures of ``edition`` by status, by region and submitted per day (Paris days), counted in SQL."""
    candidatures = Candidature.objects.filter(edition=edition).order_by()
    by_status = dict(candidatures.values_list("status").annotate(count=Count("pk")))
    by_region = candidatures.values("region__name").annotate(count=Count("pk")).order_by("region__name")
    per_day = list(
        candidatures.filter(submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    days = [(formats.date_format(row["day"], "SHORT_DATE_FORMAT"), row["count"]) for row in per_day]
    return {
        "total": sum(by_status.values()),
        "by_status": [(status.label, by_status.get(status.value, 0)) for status in Status],
        "by_region": [(row["region__name"] or _("Région non renseignée"), row["count"]) for row in by_region],
        "per_day": days,
        "chart": {
            "label": _("Candidatures déposées"),
            "days": [label for label, _count in days],
            "counts": [count for _label, count in days],
        },
    }


@admin.register(Edition)
class EditionAdmin(AuditedAdmin):
    audit_children = (("label.Criterion", "edition"), ("label.Milestone", "edition"))

    list_display = (
        "name",
        "year",
        "code",
        moment_column(Edition, "opens_at"),
        moment_column(Edition, "closes_at"),
        "published",
        "candidature_count",
    )
    list_filter = ("published", "year")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("last_reference_number",)
    # An address typed without a scheme is a secure one (Django 6's default, stated now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "slug", ("year", "code"), "tagline", "published")}),
        (_("Calendrier"), {"fields": ("opens_at", "closes_at")}),
        (_("Textes de l'appel"), {"fields": ("description", "eligibility", "contact_email")}),
        (_("Règlement"), {"fields": ("rules_text", "rules_url")}),
        (_("Lauréats"), {"fields": ("laureate_levels", "target_laureates", "last_reference_number")}),
    )
    inlines = (CriterionInline, MilestoneInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(candidature_count=Count("candidatures"))

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.last_reference_number:
            # References already issued carry year and code: changing them could issue one twice.
            return (*fields, "year", "code")
        return fields

    @admin.display(description=_("candidatures"), ordering="candidature_count")
    def candidature_count(self, obj):
        return obj.candidature_count

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["figures"] = edition_figures(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)


# --- candidatures --------------------------------------------------------------------

EDITABLE_FIELDS = ("extended_until", "pitch_video_url")


class CandidatureAdminForm(forms.ModelForm):
    """The few fields organisers edit, checked at save against what others changed since the page opened."""

    base = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["base"] = self._base(self.instance)

    @staticmethod
    def _base(candidature):
        return services.edit_base(candidature, services.field_values(candidature, EDITABLE_FIELDS))

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        wanted = {name: cleaned.get(name) for name in self.changed_data if name in EDITABLE_FIELDS}
        fresh = Candidature.objects.get(pk=self.instance.pk)
        found = services.conflicts(fresh, cleaned.get("base"), services.field_values(fresh, wanted), wanted)
        if found:
            # Shown again with a fresh base: saving once more deliberately keeps this organiser's value.
            self.data = self.data.copy()
            self.data["base"] = self._base(fresh)
            for name, value in found.items():
                shown = formats.localize(timezone.localtime(value)) if hasattr(value, "tzinfo") else value
                self.add_error(
                    name,
                    gettext(
                        "Modifié entre-temps par quelqu'un d'autre : « %(value)s ». "
                        "Enregistrez à nouveau pour le remplacer."
                    )
                    % {"value": shown or gettext("(vide)")},
                )
        return cleaned


# Admin action → the workflow transition it fires or stages.
ACTION_TRANSITIONS = {
    "stage_eligible": "mark_eligible",
    "stage_ineligible": "mark_ineligible",
    "stage_shortlisted": "shortlist",
    "stage_not_retained": "not_retain",
    "reopen": "reopen",
}


class StagedDecisionFilter(admin.SimpleListFilter):
    title = _("décision préparée")
    parameter_name = "staged"

    def lookups(self, request, model_admin):
        return [(name, workflow.TRANSITIONS[name].label) for name in workflow.DECISIONS]

    def queryset(self, request, queryset):
        if self.value() in workflow.DECISIONS:
            return queryset.filter(staged_transition=self.value())
        return queryset


# The rows of higher rooms (the jury's assignments, the sessions' slots…) whose audit entries a candidature's
# "Historique" shows with its own: each provider, registered from its room's hooks, returns
# ``(model label, key of the candidature)`` pairs.
candidature_audit_children = Hook()


@admin.register(Candidature)
class CandidatureAdmin(AuditedAdmin):
    @property
    def audit_children(self):
        return tuple(child for provider in candidature_audit_children for child in provider())

    # Fits 1280 px beside the filters; the region is a filter, and a column of the exports.
    list_display = (
        "reference_code",
        "territory_name",
        "title",
        "status_badge",
        "staged_decision",
        moment_column(Candidature, "submitted_at"),
    )
    list_display_links = ("reference_code", "territory_name")
    list_filter = (
        "edition",
        "status",
        "outcome_level",
        StagedDecisionFilter,
        ("region", collated_filter(collation_key)),
        "territory_kind",
    )
    search_fields = ("reference", "territory_name", "project_title", "contact_name", "contact_email")
    list_select_related = ("region",)
    list_per_page = 50
    form = CandidatureAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = (
        "stage_eligible",
        "stage_ineligible",
        "stage_shortlisted",
        "stage_not_retained",
        "clear_staged",
        "publish_staged",
        "reopen",
    )
    fieldsets = (
        (
            _("Territoire"),
            {"fields": ("reference", "edition", "territory_name", "territory_kind", "region", "population")},
        ),
        (
            _("Projet"),
            {
                "fields": (
                    "project_title",
                    "summary",
                    "theme",
                    "description",
                    "stage",
                    ("started_on", "ends_on"),
                    "budget",
                    "partners",
                    "website",
                    "pitch_video_url",
                )
            },
        ),
        (
            _("Contact et engagements"),
            {
                "fields": (
                    "account",
                    "contact_name",
                    "contact_role",
                    "contact_email",
                    "contact_phone",
                    "consent_rules",
                    "consent_publication",
                )
            },
        ),
        (
            _("Suivi"),
            {
                "fields": (
                    "status",
                    "staged_decision",
                    "outcome_level",
                    "submitted_at",
                    "extended_until",
                    "created_at",
                    "updated_at",
                    "base",
                )
            },
        ),
    )

    def has_add_permission(self, request):
        return False  # candidatures come from the public form

    def has_delete_permission(self, request, obj=None):
        return False  # a candidature leaves through the workflow ("withdraw"), its history kept

    def get_readonly_fields(self, request, obj=None):
        fields = [field.name for field in Candidature._meta.fields if field.name not in EDITABLE_FIELDS]
        return [*fields, "staged_decision", "account"]

    @admin.display(description=_("référence"), ordering="reference")
    def reference_code(self, obj):
        return unbroken(obj.reference or gettext("sans référence"))

    @admin.display(description=_("titre du projet"), ordering="project_title")
    def title(self, obj):
        if not obj.project_title:
            return self.get_empty_value_display()
        return clipped(obj.project_title)

    @admin.display(description=_("état"), ordering="status")
    def status_badge(self, obj):
        # In words; the tone the workflow declares for the status only helps the eye (static/css/admin.css).
        return badge(workflow.STATES[obj.status].tone, obj.get_status_display())

    @admin.display(description=_("décision préparée"), ordering="staged_transition")
    def staged_decision(self, obj):
        transition = workflow.TRANSITIONS.get(obj.staged_transition)
        if transition is None:
            return self.get_empty_value_display()
        if obj.staged_level:
            return f"{transition.label} ({obj.get_staged_level_display()})"
        return transition.label

    @admin.display(description=_("compte de la candidature"))
    def account(self, obj):
        if obj.owner_id is None:
            return self.get_empty_value_display()
        return format_html('<a href="{}">{}</a>', reverse("admin:accounts_user_change", args=[obj.owner_id]), obj.owner)

    # --- the change page

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            prefetch_related_objects(
                [obj],
                "owner",
                "region",
                "edition__criteria",
                "answers",
                "documents",
                Prefetch("history", queryset=HistoryEntry.objects.select_related("actor")),
                Prefetch("consents", queryset=Consent.objects.select_related("person")),
            )
        return obj

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            answers = {answer.criterion_id: answer.text for answer in obj.answers.all()}
            context["answers"] = [
                (criterion, answers.get(criterion.pk, "")) for criterion in obj.edition.criteria.all()
            ]
            context["documents"] = [
                (document, services.ACCEPTED_TYPES.get(document.content_type, document.content_type))
                for document in obj.documents.all()
            ]
            context["history"] = obj.history.all()
            context["consents"] = obj.consents.all()
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        # Only what the form edits, under the row's lock: never a status or a text someone else just changed.
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in EDITABLE_FIELDS and name != "extended_until"
        }
        try:
            if changes:
                services.edit_as_organiser(obj, changes, request.user, base=form.cleaned_data.get("base"))
        except services.EditConflict as conflict:
            self.message_user(request, conflict.message, messages.ERROR)
        if "extended_until" in form.changed_data:
            services.grant_extension(obj, obj.extended_until, request.user)

    # --- actions through the status machine

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_organiser(request.user):
            return {}
        # Offer only what the workflow lets an organiser fire on the statuses listed.
        status = request.GET.get("status__exact")
        for action, name in ACTION_TRANSITIONS.items():
            transition = workflow.TRANSITIONS[name]
            if workflow.ORGANISER not in transition.roles or (status and status not in transition.sources):
                actions.pop(action, None)
        return actions

    def _stage(self, request, queryset, name):
        outcome = services.stage_decisions(((candidature, name, "") for candidature in queryset), request.user)
        if outcome.done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d décision « %(decision)s » préparée, à publier.",
                    "%(count)d décisions « %(decision)s » préparées, à publier.",
                    len(outcome.done),
                )
                % {"count": len(outcome.done), "decision": workflow.TRANSITIONS[name].label},
                messages.SUCCESS,
            )
        report_refused(request, outcome)

    @admin.action(description=_("Préparer : recevable"), permissions=["change"])
    def stage_eligible(self, request, queryset):
        self._stage(request, queryset, "mark_eligible")

    @admin.action(description=_("Préparer : non recevable"), permissions=["change"])
    def stage_ineligible(self, request, queryset):
        self._stage(request, queryset, "mark_ineligible")

    @admin.action(description=_("Préparer : présélectionnée"), permissions=["change"])
    def stage_shortlisted(self, request, queryset):
        self._stage(request, queryset, "shortlist")

    @admin.action(description=_("Préparer : non retenue"), permissions=["change"])
    def stage_not_retained(self, request, queryset):
        self._stage(request, queryset, "not_retain")

    @admin.action(description=_("Annuler les décisions préparées"), permissions=["change"])
    def clear_staged(self, request, queryset):
        count = services.clear_staged(queryset, request.user)
        self.message_user(
            request,
            ngettext("%(count)d décision préparée annulée.", "%(count)d décisions préparées annulées.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publier les décisions préparées"), permissions=["change"])
    def publish_staged(self, request, queryset):
        reason = ask_reason(
            self,
            request,
            queryset.exclude(staged_transition=""),
            "publish_staged",
            gettext("Publier les décisions préparées"),
            gettext(
                "Chaque candidature change d'état et reçoit un courriel. Indiquez ce qui fonde ces décisions "
                "(la délibération du jury, sa date) : le motif est gardé dans le journal d'audit."
            ),
        )
        if not isinstance(reason, str):
            return reason
        outcome = services.publish_decisions(queryset, request.user, reason)
        done = len(outcome.done)
        self.message_user(
            request,
            ngettext(
                "%(count)d décision publiée, la candidate ou le candidat est prévenu par courriel.",
                "%(count)d décisions publiées, chaque candidate ou candidat est prévenu par courriel.",
                done,
            )
            % {"count": done},
            messages.SUCCESS if done else messages.INFO,
        )
        report_refused(request, outcome)

    @admin.action(description=_("Rouvrir en brouillon"), permissions=["change"])
    def reopen(self, request, queryset):
        outcome = services.fire_many(queryset, "reopen", request.user)
        if outcome.done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d candidature rouverte en brouillon.",
                    "%(count)d candidatures rouvertes en brouillon.",
                    len(outcome.done),
                )
                % {"count": len(outcome.done)},
                messages.SUCCESS,
            )
        report_refused(request, outcome)

    # --- exports of the filtered list

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("export.csv", self.admin_site.admin_view(self.export_csv_view), name=f"{prefix}_export_csv"),
            path("export.xlsx", self.admin_site.admin_view(self.export_xlsx_view), name=f"{prefix}_export_xlsx"),
            *super().get_urls(),
        ]

    def _export(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return CandidatureExport(self.get_changelist_instance(request).get_queryset(request))

    def _bad_filters(self):
        return HttpResponseRedirect(reverse("admin:label_candidature_changelist") + "?e=1")

    def export_csv_view(self, request):
        try:
            export = self._export(request)
        except IncorrectLookupParameters:
            return self._bad_filters()
        response = StreamingHttpResponse(
            csv_lines(export, translation.get_language()), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{export_name("csv")}"'
        return response

    def export_xlsx_view(self, request):
        try:
            export = self._export(request)
        except IncorrectLookupParameters:
            return self._bad_filters()
        response = HttpResponse(
            xlsx_bytes(export), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{export_name("xlsx")}"'
        return response


# --- consents ------------------------------------------------------------------------


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    """Each consent given or withdrawn, as recorded: nobody adds, changes or deletes one here."""

    list_display = ("moment", "candidature", "purpose", "given", "person", "text_version")
    list_filter = ("purpose", "given", "text_version")
    search_fields = ("candidature__reference", "candidature__territory_name", "person__email")
    list_select_related = ("candidature", "person")
    ordering = ("-at", "-pk")
    date_hierarchy = "at"
    list_per_page = 50
    fields = ("candidature", "purpose", "given", "person", "at", "text_version", "text")
    readonly_fields = fields

    @admin.display(description=_("le"), ordering="at")
    def moment(self, obj):
        return unbroken(moment(obj.at))


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    """The controlled list of themes: candidates choose one, organisers correct it on the candidature."""

    list_display = ("name", "slug", "order", "active", "project_count")
    list_editable = ("order", "active")
    search_fields = ("name",)

    def get_readonly_fields(self, request, obj=None):
        # Shared ?theme= links carry the slug: it is given once, at creation.
        return ("slug",) if obj is not None else ()

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(project_count=Count("candidatures"))

    @admin.display(description=_("candidatures"), ordering="project_count")
    def project_count(self, obj):
        return obj.project_count

    def has_delete_permission(self, request, obj=None):
        # A theme chosen by candidatures is retired ("proposé aux candidats"), never deleted.
        return super().has_delete_permission(request, obj) and (obj is None or not obj.candidatures.exists())
