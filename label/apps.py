from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelConfig(AppConfig):
    name = "label"
    verbose_name = _("Label : éditions et candidatures")

    def ready(self):
        from . import demo  # noqa: F401  (registers the label's demo seeder)
