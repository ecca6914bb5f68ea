from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditionsConfig(AppConfig):
    name = "auditions"
    verbose_name = _("Auditions et jury")

    def ready(self):
        from label.queries import register_reader

        # SQLite aggregates, demo seeder, conflict rule, forum laureates section: all register themselves.
        from . import aggregates, demo, sections, signals  # noqa: F401
        from .queries import candidatures_assigned_to

        register_reader(candidatures_assigned_to)
