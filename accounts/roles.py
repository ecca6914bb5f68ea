"""Who is who on the platform: organisers are staff in the "Organisateurs" group."""

from django.contrib.auth.models import Group, Permission

ORGANISER_GROUP = "Organisateurs"

# Organisers run the label: every permission on the models of these apps…
ORGANISER_APPS = ("notifications", "events", "label", "auditions", "axes")
# …and these, enough to find people without editing their rights.
# The audit trail and the personal data exports are read, never written, from the admin.
ORGANISER_EXTRA_PERMISSIONS = (
    "accounts.view_user",
    "accounts.view_securityevent",
    "audit.view_auditentry",
    "privacy.view_dataexport",
)


def is_organiser(user):
    """Staff in the organisers' group (or superuser); remembered on the user object, asked many times a request."""
    if not (user.is_authenticated and user.is_staff):
        return False
    if not hasattr(user, "_is_organiser"):
        user._is_organiser = user.is_superuser or user.groups.filter(name=ORGANISER_GROUP).exists()
    return user._is_organiser


def organiser_permissions():
    extra = [codename.split(".", 1) for codename in ORGANISER_EXTRA_PERMISSIONS]
    by_app = Permission.objects.filter(content_type__app_label__in=ORGANISER_APPS)
    extra_ids = [
        permission.pk
        for app_label, codename in extra
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    ]
    return list(by_app) + list(Permission.objects.filter(pk__in=extra_ids))


def grant_organiser_permissions(sender=None, **kwargs):
    """Keep the group's permissions complete as apps add models (runs after migrate)."""
    group = Group.objects.filter(name=ORGANISER_GROUP).first()
    if group is not None:
        group.permissions.add(*organiser_permissions())
