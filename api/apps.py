from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read API (``/api/v1/``) and the public feeds: what the site shows, for other tools; it only reads."""

    name = "api"
    verbose_name = _("API publique")
