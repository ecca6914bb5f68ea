from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditionsConfig(AppConfig):
    """One app, two rooms: the jury (``auditions.jury``) and the audition sessions (``auditions.sessions``)."""

    name = "auditions"
    verbose_name = _("Auditions et jury")

    def ready(self):
        # Each registers itself: the SQLite aggregates, the hooks into lower rooms, the periodic tasks.
        from .jury import aggregates, hooks, tasks  # noqa: F401
        from .sessions import hooks as session_hooks  # noqa: F401
        from .sessions import tasks as session_tasks  # noqa: F401
