from auditlog.models import LogEntry
from django.utils.translation import gettext_lazy as _

from core.clock import in_paris


class AuditEntry(LogEntry):
    """django-auditlog's entry under the label's own name, in the admin's "Journal d'audit" section."""

    class Meta:
        proxy = True
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("entrées du journal d'audit")
        ordering = ["-timestamp", "-pk"]

    def __str__(self):
        return f"{self.object_repr} · {in_paris(self.timestamp):%d/%m/%Y %H:%M}"
