from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Courriels (boîte d'envoi)")

    def ready(self):
        from . import signals  # noqa: F401  (connects the worker start-up heartbeat)
