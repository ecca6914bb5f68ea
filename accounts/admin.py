from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.read_only_admin import ReadOnlyAdmin

from . import second_factor, throttling
from .models import SecurityEvent, User
from .security import Kind, record


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ("full_name", "email")
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined")
    actions = ["reset_second_factor", "clear_lockouts"]
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("full_name", "language")}),
        (_("Droits"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "usable_password", "password1", "password2")}),
    )

    @admin.action(
        description=_("Réinitialiser la double authentification (téléphone et codes perdus)"), permissions=["view"]
    )
    def reset_second_factor(self, request, queryset):
        people = [person for person in queryset if person.pk != request.user.pk]
        for person in people:
            second_factor.reset_for(person, actor=request.user, request=request)
        if len(people) < queryset.count():
            self.message_user(
                request,
                _("Votre propre double authentification se change depuis « Sécurité du compte »."),
                messages.WARNING,
            )
        if people:
            self.message_user(
                request,
                ngettext(
                    "%(count)d compte devra configurer à nouveau sa double authentification.",
                    "%(count)d comptes devront configurer à nouveau leur double authentification.",
                    len(people),
                )
                % {"count": len(people)},
                messages.SUCCESS,
            )

    @admin.action(
        description=_("Lever le blocage des connexions après trop d'erreurs de mot de passe"), permissions=["view"]
    )
    def clear_lockouts(self, request, queryset):
        for person in queryset:
            throttling.unlock(person.email)
            record(person, Kind.LOCKOUT_CLEARED, request, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "Les connexions de %(count)d compte sont à nouveau possibles.",
                "Les connexions de %(count)d comptes sont à nouveau possibles.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """The record, read only: nobody edits what happened."""

    list_display = ("at", "user", "kind", "actor", "address")
    list_filter = ("kind",)
    search_fields = ("user__email", "user__full_name")
    list_select_related = ("user", "actor")
    date_hierarchy = "at"
