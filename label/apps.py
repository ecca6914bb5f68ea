from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelConfig(AppConfig):
    name = "label"
    verbose_name = _("Label : éditions et candidatures")

    def ready(self):
        # The forum page's laureates section (events.sections hook) and the public pages' invalidation connect.
        from . import sections, signals  # noqa: F401
