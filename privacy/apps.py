from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """What the privacy page promises, done: retention enforced each night, "Mes données" (see and download
    one's data, delete one's account) and the same export and erasure for organisers answering a written
    request. It reads and anonymises every room below it; nothing below imports it."""

    name = "privacy"
    verbose_name = _("Données personnelles")
