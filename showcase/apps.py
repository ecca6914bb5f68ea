from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShowcaseConfig(AppConfig):
    """The label's public showcase: the catalogue of labelled projects, their pages, the map and the badges.

    It reads the label and the events and writes only its own rows: the public profile a laureate writes and
    an organiser approves, and the published copy the catalogue searches.
    """

    name = "showcase"
    verbose_name = _("Vitrine des projets")

    def ready(self):
        from . import hooks  # noqa: F401
