from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Événements")

    def ready(self):
        # The public pages' cache is told of the changes the event pages show.
        from . import signals  # noqa: F401
