"""Organisers answering a written request: a person's data archive, or their account erased, from the user list."""

from django.contrib import admin, messages
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin
from accounts.models import User
from accounts.roles import is_organiser
from audit.admin import ask_reason
from core.errors import Refused
from core.read_only_admin import ReadOnlyAdmin

from . import export
from .erasure import erase_account
from .models import DataExport


class PersonalDataUserAdmin(UserAdmin):
    actions = [*UserAdmin.actions, "export_personal_data", "erase_personal_data"]

    def has_personal_data_permission(self, request):
        return is_organiser(request.user)

    @admin.action(description=_("Exporter les données personnelles"), permissions=["personal_data"])
    def export_personal_data(self, request, queryset):
        people = []
        for person in queryset:
            try:
                export.request_export(person, requested_by=request.user)
            except Refused as refusal:
                self.message_user(request, f"{person} : {refusal.message}", messages.ERROR)
            else:
                people.append(person)
        if not people:
            return
        # Each request is in the audit trail already, signed by the organiser (privacy.export).
        self.message_user(
            request,
            ngettext(
                "L'archive des données de %(count)d personne est en préparation : le lien de téléchargement "
                "vous parviendra par courriel.",
                "Les archives des données de %(count)d personnes sont en préparation : les liens de "
                "téléchargement vous parviendront par courriel.",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Effacer le compte (demande écrite)"), permissions=["personal_data"])
    def erase_personal_data(self, request, queryset):
        reason = ask_reason(
            self,
            request,
            queryset,
            "erase_personal_data",
            gettext("Effacer le compte (demande écrite)"),
            gettext(
                "Nom, adresse e-mail, mot de passe, brouillons, double authentification, courriels et inscriptions "
                "de ces personnes sont supprimés ; leurs candidatures déposées et leurs évaluations soumises restent, "
                "sans leur nom. C'est définitif. Indiquez la demande à laquelle vous répondez (sa date, son moyen) : "
                "le motif est gardé dans le journal d'audit."
            ),
        )
        if not isinstance(reason, str):
            return reason
        erased = 0
        for person in queryset:
            try:
                erased += erase_account(person, by=request.user, reason=reason).accounts
            except Refused as refusal:
                self.message_user(request, f"{person} : {refusal.message}", messages.ERROR)
        if erased:
            self.message_user(
                request,
                ngettext("%(count)d compte effacé.", "%(count)d comptes effacés.", erased) % {"count": erased},
                messages.SUCCESS,
            )


admin.site.unregister(User)
admin.site.register(User, PersonalDataUserAdmin)


@admin.register(DataExport)
class DataExportAdmin(ReadOnlyAdmin):
    """The archives prepared, for whom and by whom: read only, they expire by themselves."""

    list_display = ("created_at", "person", "requested_by", "status", "size", "expires_at")
    list_filter = ("status",)
    list_select_related = ("person", "requested_by")
    search_fields = ("person__email", "person__full_name")
    date_hierarchy = "created_at"
    fields = ("person", "requested_by", "status", "size", "created_at", "ready_at", "expires_at")
    readonly_fields = fields
