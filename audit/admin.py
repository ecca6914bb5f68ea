"""The audit trail in the admin, in French and read-only: one filterable list of every entry, each audited
object's own history behind its "Historique" button, and the reason asked before an action that needs one."""

from auditlog.models import LogEntry
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin_cells import clipped, unbroken
from core.clock import in_paris
from core.read_only_admin import ReadOnlyAdmin

from . import display, trail
from .models import AuditEntry

# The newest entries an object's history shows; the whole trail stays in the list, filterable.
HISTORY_LENGTH = 200

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("Création"),
    LogEntry.Action.UPDATE: _("Modification"),
    LogEntry.Action.DELETE: _("Suppression"),
    LogEntry.Action.ACCESS: _("Consultation"),
}


def audited_models():
    """The models of ``AUDIT_TRAIL_MODELS``, the candidature (its decisions) and the account (its erasure)."""
    return [apps.get_model(label) for label in [*settings.AUDIT_TRAIL_MODELS, "label.Candidature", "accounts.User"]]


def actor_name(entry):
    """Who wrote the entry: the account as it is now (anonymised once deleted), or the system."""
    if entry.actor is not None:
        return entry.actor.full_name or entry.actor.email
    return entry.actor_email or gettext("Système")


def reason_of(entry):
    return (entry.additional_data or {}).get("reason", "") if isinstance(entry.additional_data, dict) else ""


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(str(value), label) for value, label in ACTION_LABELS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(action=int(self.value())) if self.value() in {"0", "1", "2", "3"} else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("type d'objet")
    parameter_name = "type"

    def lookups(self, request, model_admin):
        types = ContentType.objects.get_for_models(*audited_models())
        return sorted(
            ((str(content_type.pk), capfirst(model._meta.verbose_name)) for model, content_type in types.items()),
            key=lambda item: str(item[1]),
        )

    def queryset(self, request, queryset):
        return queryset.filter(content_type_id=self.value()) if (self.value() or "").isdigit() else queryset


class ActorFilter(admin.SimpleListFilter):
    title = _("auteur")
    parameter_name = "par"

    def lookups(self, request, model_admin):
        return [("staff", _("Organisateurs")), ("others", _("Autres comptes")), ("system", _("Système"))]

    def queryset(self, request, queryset):
        if self.value() == "staff":
            return queryset.filter(actor__is_staff=True)
        if self.value() == "others":
            return queryset.filter(actor__isnull=False, actor__is_staff=False)
        if self.value() == "system":
            return queryset.filter(actor__isnull=True)
        return queryset


class ReasonFilter(admin.SimpleListFilter):
    title = _("motif")
    parameter_name = "motif"

    def lookups(self, request, model_admin):
        return [("yes", _("Avec un motif"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(additional_data__has_key="reason").exclude(Q(additional_data__reason=""))
        return queryset


def admin_link(entry):
    """A link to the object's admin page while it exists, else its name as recorded."""
    if entry.action != LogEntry.Action.DELETE:
        try:
            url = reverse(
                f"admin:{entry.content_type.app_label}_{entry.content_type.model}_change", args=[entry.object_pk]
            )
        except NoReverseMatch:
            url = ""
        if url:
            return format_html('<a href="{}">{}</a>', url, clipped(entry.object_repr))
    return clipped(entry.object_repr)


# django-auditlog registers an English list of its own, with deletion open to cascades: ours replaces it.
if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Every entry of the trail: nobody adds, changes or deletes one here (the nightly purge alone removes them)."""

    list_display = ("when", "object_type", "object_link", "action_label", "changed_fields", "actor_name", "reason")
    list_filter = (ActionFilter, ObjectTypeFilter, ActorFilter, ReasonFilter)
    list_select_related = ("content_type", "actor")
    search_fields = ("object_repr", "actor_email", "actor__full_name")
    date_hierarchy = "timestamp"
    ordering = ("-timestamp", "-pk")
    list_per_page = 50
    actions = None
    fields = ("when", "object_type", "object_link", "action_label", "actor_name", "address", "reason", "changes_table")
    readonly_fields = fields

    @admin.display(description=_("le"), ordering="timestamp")
    def when(self, entry):
        return unbroken(in_paris(entry.timestamp).strftime("%d/%m/%Y %H:%M:%S"))

    @admin.display(description=_("type d'objet"))
    def object_type(self, entry):
        model = entry.content_type.model_class()
        return capfirst(model._meta.verbose_name) if model else entry.content_type.model

    @admin.display(description=_("objet"))
    def object_link(self, entry):
        return admin_link(entry)

    @admin.display(description=_("action"), ordering="action")
    def action_label(self, entry):
        return ACTION_LABELS.get(entry.action, entry.action)

    @admin.display(description=_("champs"))
    def changed_fields(self, entry):
        if entry.action != LogEntry.Action.UPDATE:
            return "—"
        return clipped(", ".join(display.field_labels(entry)) or "—")

    @admin.display(description=_("par"))
    def actor_name(self, entry):
        return actor_name(entry)

    @admin.display(description=_("adresse IP"))
    def address(self, entry):
        return entry.remote_addr or "—"

    @admin.display(description=_("motif"))
    def reason(self, entry):
        reason = reason_of(entry)
        return clipped(reason) if reason else "—"

    @admin.display(description=_("valeurs avant et après"))
    def changes_table(self, entry):
        rows = display.describe([entry])[entry.pk]
        if not rows:
            return "—"
        return render_to_string("admin/audit/_changes.html", {"rows": rows})


class AuditedAdmin(admin.ModelAdmin):
    """A model admin whose "Historique" shows the audit trail of the object: who, when, from where, before, after."""

    object_history_template = "admin/audit/object_history.html"
    # ``(model label, key)``: the entries of related rows shown with the object's own (see ``trail.for_object``).
    audit_children = ()

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        children = [(apps.get_model(label), key) for label, key in self.audit_children]
        entries = list(trail.for_object(obj, children)[:HISTORY_LENGTH])
        rows = display.describe(entries)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Historique : %s") % obj,
            "subtitle": None,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "entries": [
                {
                    "entry": entry,
                    "when": in_paris(entry.timestamp),
                    "action": ACTION_LABELS.get(entry.action, entry.action),
                    "actor": actor_name(entry),
                    "reason": reason_of(entry),
                    "rows": rows[entry.pk],
                }
                for entry in entries
            ],
            "trail_url": reverse("admin:audit_auditentry_changelist"),
            "cut": len(entries) == HISTORY_LENGTH,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Gardé dans le journal d'audit avec votre nom, la date et l'adresse IP."),
    )


def ask_reason(modeladmin, request, queryset, action, title, intro):
    """The reason the organiser gives for ``action`` on ``queryset``: a string once given, else the page asking it."""
    form = ReasonForm(request.POST if "reason" in request.POST else None)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["reason"]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "form": form,
        "objects": list(queryset[:100]),
        "count": queryset.count(),
        "action": action,
        "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        "opts": modeladmin.opts,
    }
    return TemplateResponse(request, "admin/audit/reason.html", context)
