from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelConfig(AppConfig):
    name = "label"
    verbose_name = _("Label : éditions et candidatures")

    def ready(self):
        # The demo seeder and the forum page's laureates section (the events.sections hook) register themselves.
        from . import demo, sections  # noqa: F401
