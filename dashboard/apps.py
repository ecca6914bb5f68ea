from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The organisers' overview of each edition: it reads every room below it; its one write, the jurors'
    reminder, goes through the jury room's own."""

    name = "dashboard"
    verbose_name = _("Tableau de bord")
