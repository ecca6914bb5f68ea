from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_cells import address, clipped, moment_column

from . import services
from .health import worker_state
from .models import Notification

HIDDEN_BODY = _("Contenu masqué : ce courriel contient un lien personnel.")
ERROR_SHOWN_CHARS = 60
Status = Notification.Status
# A status in words; the tone of its badge only helps the eye (static/css/admin.css).
STATUS_TONES = {
    Status.QUEUED: "info",
    Status.SENDING: "progress",
    Status.SENT: "good",
    Status.FAILED: "bad",
    Status.CANCELLED: "muted",
}


class ErrorKindFilter(admin.SimpleListFilter):
    """The kinds of error the outbox holds ("SMTP 550", "ConnectionRefusedError"…), to find who is refused."""

    title = _("type d'erreur")
    parameter_name = "error_kind"

    def lookups(self, request, model_admin):
        kinds = (
            Notification.objects.exclude(error_kind="")
            .order_by("error_kind")
            .values_list("error_kind", flat=True)
            .distinct()
        )
        return [(kind, kind) for kind in kinds]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(error_kind=self.value())
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        moment_column(Notification, "created_at"),
        "kind_code",
        "recipient_address",
        "short_subject",
        "status_badge",
        "short_error",
        moment_column(Notification, "sent_at"),
    )
    list_filter = ("status", ErrorKindFilter, "kind", "bulk", ("created_at", admin.DateFieldListFilter))
    search_fields = ("recipient", "subject", "last_error")
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ("resend_action", "cancel_action")
    fields = (
        "kind",
        "recipient",
        "language",
        "subject",
        "status",
        "bulk",
        "attempts",
        "error_kind",
        "last_error",
        "created_at",
        "send_after",
        "dispatched_at",
        "sent_at",
        "idempotency_key",
        "related_object",
        "text_body",
        "attachment_names",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("type"), ordering="kind")
    def kind_code(self, obj):
        # "convocation_updated" may break after its underscores, never inside a word.
        return format_html_join(mark_safe("_<wbr>"), "{}", ((part,) for part in obj.kind.split("_")))

    @admin.display(description=_("destinataire"), ordering="recipient")
    def recipient_address(self, obj):
        return address(obj.recipient)

    @admin.display(description=_("objet"), ordering="subject")
    def short_subject(self, obj):
        return clipped(obj.subject)

    @admin.display(description=_("état"), ordering="status")
    def status_badge(self, obj):
        # The attempts under the status they explain, rather than a column of their own.
        return format_html(
            '<span class="lti-badge lti-badge--{}">{}</span><span class="lti-quiet">{}</span>',
            STATUS_TONES[obj.status],
            obj.get_status_display(),
            ngettext("%(count)d tentative", "%(count)d tentatives", obj.attempts) % {"count": obj.attempts},
        )

    @admin.display(description=_("dernière erreur"), ordering="error_kind")
    def short_error(self, obj):
        if not obj.last_error:
            return "—"
        return format_html(
            '<span title="{}">{}</span>', obj.last_error, Truncator(obj.last_error).chars(ERROR_SHOWN_CHARS)
        )

    @admin.display(description=_("objet lié"))
    def related_object(self, obj):
        if obj.content_type_id is None:
            return "—"
        return f"{obj.content_type.name} #{obj.object_id}"

    @admin.display(description=_("texte"))
    def text_body(self, obj):
        if obj.sensitive:
            return HIDDEN_BODY
        return format_html('<pre class="lti-mail-body">{}</pre>', obj.body_text)

    @admin.display(description=_("pièces jointes"))
    def attachment_names(self, obj):
        return ", ".join(attachment["filename"] for attachment in obj.attachments) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        last_seen = services.worker_last_seen()
        extra_context = {
            **(extra_context or {}),
            "worker_state": worker_state(last_seen),
            "worker_last_seen": last_seen,
        }
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Renvoyer les courriels sélectionnés"), permissions=["change"])
    def resend_action(self, request, queryset):
        count = services.resend(queryset)
        self.message_user(
            request,
            ngettext("%(count)d courriel remis en file d'envoi.", "%(count)d courriels remis en file d'envoi.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Annuler les courriels sélectionnés"), permissions=["change"])
    def cancel_action(self, request, queryset):
        count = services.cancel(queryset)
        self.message_user(
            request,
            ngettext("%(count)d courriel annulé.", "%(count)d courriels annulés.", count) % {"count": count},
            messages.SUCCESS,
        )
