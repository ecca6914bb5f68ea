"""Organiser screens: partners and their logos, events with programme and seats, registrations."""

from django import forms
from django.contrib import admin, messages
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core import uploads
from core.admin_cells import address, badge, collated_filter, moment_column
from core.errors import Refused
from core.read_only_admin import ReadOnlyAdmin

from . import services
from .models import Event, EventPartner, Partner, ProgrammeItem, Region, Registration
from .regions import collation_key

Status = Registration.Status
Attendance = Registration.Attendance
# A registration's status in words; the tone of its badge only helps the eye (static/css/admin.css).
STATUS_TONES = {Status.CONFIRMED: "good", Status.WAITLISTED: "progress", Status.CANCELLED: "muted"}


# --- partners ------------------------------------------------------------------------

LOGO_TYPES = ("image/png", "image/jpeg", "image/webp")
LOGO_MAX_BYTES = 1024 * 1024


class PartnerForm(forms.ModelForm):
    """The admin gives the fields; this judges an uploaded logo by its content."""

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged or cleared
        if logo.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(_("Le logo dépasse 1 Mo : réduisez sa taille avant de l'envoyer."))
        logo.seek(0)
        head = logo.read(8192)
        logo.seek(0)
        # Judged by content, never by name: the logos are served as they are on the public site.
        if uploads.looks_like_svg(head):
            raise forms.ValidationError(
                _("Les images SVG ne sont pas acceptées : envoyez le logo en PNG, JPEG ou WebP.")
            )
        if uploads.sniff(logo, LOGO_TYPES) is None:
            raise forms.ValidationError(_("Ce fichier n'est pas une image PNG, JPEG ou WebP, d'après son contenu."))
        return logo


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    form = PartnerForm
    list_display = ("name", "website", "has_logo", "event_count")
    search_fields = ("name",)
    ordering = ("name",)  # said again: a GROUP BY query drops the model's default ordering
    fields = ("name", "website", "logo", "logo_preview")
    readonly_fields = ("logo_preview",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("partnerships"))

    @admin.display(description=_("logo"), boolean=True)
    def has_logo(self, obj):
        return bool(obj.logo)

    @admin.display(description=_("événements"), ordering="event_count")
    def event_count(self, obj):
        return obj.event_count

    @admin.display(description=_("aperçu du logo"))
    def logo_preview(self, obj):
        if not obj.logo:
            return self.get_empty_value_display()
        # An attribute, not a style: the Content-Security-Policy refuses inline styles.
        return format_html('<img src="{}" alt="" height="80">', obj.logo.url)


# --- events --------------------------------------------------------------------------


class EventPartnerInline(admin.TabularInline):
    model = EventPartner
    fields = ("partner", "role", "order")
    autocomplete_fields = ("partner",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner")


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    fields = ("starts_at", "ends_at", "kind", "title", "speakers", "description")
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}}
    extra = 0


class RegistrationInline(admin.TabularInline):
    """Read only: registrations come from the public form, cancellations go through the service."""

    model = Registration
    fields = ("full_name", "email", "organisation", "attendance", "status", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("inscriptions (annuler depuis la liste des inscriptions)")

    def get_queryset(self, request):
        # The row's label names its event: fetched with it, not once per row.
        return super().get_queryset(request).select_related("event")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _registrations(status, attendance=None):
    condition = Q(registrations__status=status)
    if attendance is not None:
        condition &= Q(registrations__attendance=attendance)
    return Count("registrations", filter=condition)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "region",
        "city",
        moment_column(Event, "starts_at"),
        "publication",
        "on_site_count",
        "online_count",
        "waitlisted_count",
    )
    list_filter = ("kind", ("region", collated_filter(collation_key)), "published", "mode")
    search_fields = ("title", "city")
    list_select_related = ("region",)
    ordering = ("-starts_at",)
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ("title",)}
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ("registration_figures", "registration_documents")
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "theme", "published")}),
        (_("Date et lieu"), {"fields": (("starts_at", "ends_at"), "region", "city", "venue", "address")}),
        (_("Diffusion"), {"fields": ("mode", "webtv_url")}),
        (_("Présentation"), {"fields": ("description",)}),
        (
            _("Inscriptions"),
            {
                "fields": (
                    "capacity",
                    ("registration_opens_at", "registration_closes_at"),
                    "registration_figures",
                    "registration_documents",
                )
            },
        ),
    )
    inlines = (EventPartnerInline, ProgrammeItemInline, RegistrationInline)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                on_site_count=_registrations(Status.CONFIRMED, Attendance.ON_SITE),
                online_count=_registrations(Status.CONFIRMED, Attendance.ONLINE),
                waitlisted_count=_registrations(Status.WAITLISTED),
            )
        )

    @admin.display(description=_("publication"), ordering="published")
    def publication(self, obj):
        return badge("good", gettext("Publié")) if obj.published else badge("muted", gettext("Non publié"))

    @admin.display(description=_("sur place"), ordering="on_site_count")
    def on_site_count(self, obj):
        return obj.on_site_count

    @admin.display(description=_("en ligne"), ordering="online_count")
    def online_count(self, obj):
        return obj.online_count

    @admin.display(description=_("liste d'attente"), ordering="waitlisted_count")
    def waitlisted_count(self, obj):
        return obj.waitlisted_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = services.promote_waiting(obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)d personne en liste d'attente a obtenu une place et en est informée.",
                        "%(count)d personnes en liste d'attente ont obtenu une place et en sont informées.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                    messages.SUCCESS,
                )

    @admin.display(description=_("inscrits"))
    def registration_figures(self, obj):
        if obj.pk is None:
            return self.get_empty_value_display()
        if obj.capacity is None:
            on_site = gettext("%(count)d sur place (sans limite)") % {"count": obj.on_site_count}
        else:
            on_site = gettext("%(count)d sur place sur %(capacity)d places") % {
                "count": obj.on_site_count,
                "capacity": obj.capacity,
            }
        return gettext("%(on_site)s, %(online)d en ligne, %(waitlisted)d en liste d'attente") % {
            "on_site": on_site,
            "online": obj.online_count,
            "waitlisted": obj.waitlisted_count,
        }

    @admin.display(description=_("émargement et export"))
    def registration_documents(self, obj):
        if obj.pk is None:
            return gettext("Disponibles une fois l'événement enregistré.")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("events:attendance", args=[obj.slug]),
            gettext("Liste d'émargement à imprimer"),
            reverse("events:registrations_csv", args=[obj.slug]),
            gettext("Inscriptions (CSV)"),
            reverse("events:detail", args=[obj.slug]),
            gettext("Page publique"),
        )


# --- registrations -------------------------------------------------------------------


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = (
        "event_title",
        "full_name",
        "email_address",
        "organisation",
        "attendance",
        "status_badge",
        moment_column(Registration, "created_at"),
    )
    list_display_links = ("full_name",)
    list_filter = ("event", "status", "attendance")
    search_fields = ("full_name", "email", "organisation")
    list_select_related = ("event",)
    list_per_page = 100
    actions = ("cancel_registrations",)
    fields = (
        "event",
        "full_name",
        "organisation",
        "email",
        "attendance",
        "status",
        "language",
        "created_at",
        "promoted_at",
        "cancelled_at",
    )
    # Only typos in a name may be fixed here: the cancel link signs the e-mail, and seats move through the service.
    readonly_fields = tuple(name for name in fields if name not in ("full_name", "organisation"))

    @admin.display(description=_("événement"), ordering="event__starts_at")
    def event_title(self, obj):
        return obj.event.title

    @admin.display(description=_("adresse e-mail"), ordering="email")
    def email_address(self, obj):
        return address(obj.email)

    @admin.display(description=_("état"), ordering="status")
    def status_badge(self, obj):
        return badge(STATUS_TONES[obj.status], obj.get_status_display())

    def has_add_permission(self, request):
        return False  # registrations come from the public form

    def has_delete_permission(self, request, obj=None):
        return False  # a deleted seat would not go to the waiting list: cancel instead

    @admin.action(description=_("Annuler les inscriptions sélectionnées"), permissions=["change"])
    def cancel_registrations(self, request, queryset):
        # The waiting list first, so that nobody selected is promoted by a cancellation and then cancelled.
        selected = sorted(
            queryset.select_related("event"), key=lambda r: (r.status != Status.WAITLISTED, r.created_at, r.pk)
        )
        cancelled = promoted = already = 0
        for registration in selected:
            try:
                promoted_one = services.cancel(registration)
            except Refused:
                already += 1
            else:
                cancelled += 1
                promoted += promoted_one is not None
        if cancelled:
            self.message_user(
                request,
                ngettext(
                    "%(count)d inscription annulée ; la personne est prévenue par courriel.",
                    "%(count)d inscriptions annulées ; chaque personne est prévenue par courriel.",
                    cancelled,
                )
                % {"count": cancelled},
                messages.SUCCESS,
            )
        if promoted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d personne de la liste d'attente a obtenu une place et en est prévenue.",
                    "%(count)d personnes de la liste d'attente ont obtenu une place et en sont prévenues.",
                    promoted,
                )
                % {"count": promoted},
                messages.SUCCESS,
            )
        if already:
            self.message_user(
                request,
                ngettext(
                    "%(count)d inscription était déjà annulée.",
                    "%(count)d inscriptions étaient déjà annulées.",
                    already,
                )
                % {"count": already},
                messages.INFO,
            )


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    """Reference data loaded by a migration: visible, not editable."""

    list_display = ("name", "code")
    search_fields = ("name", "code")
