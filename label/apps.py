from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabelConfig(AppConfig):
    name = "label"
    verbose_name = _("Label : éditions et candidatures")
