from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from . import second_factor, throttling  # noqa: F401  (their signal receivers)
        from .roles import grant_organiser_permissions

        post_migrate.connect(grant_organiser_permissions, dispatch_uid="accounts.organiser_permissions")
