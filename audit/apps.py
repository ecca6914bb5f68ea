from django.apps import AppConfig, apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Who changed what, when, from where, before and after: django-auditlog's entries, read in French.

    The models it watches are listed once, in ``AUDIT_TRAIL_MODELS`` (settings); what a
    queryset update or a service writes without ``save()`` is recorded by ``audit.trail``.
    """

    name = "audit"
    verbose_name = _("Journal d'audit")

    def ready(self):
        from auditlog.registry import auditlog

        for label, options in settings.AUDIT_TRAIL_MODELS.items():
            model = apps.get_model(label)
            excluded = set(options.get("exclude", ()))
            # The model's own columns only: reading a reverse relation would cache "none" on the saved object.
            fields = [field.name for field in model._meta.concrete_fields if field.name not in excluded]
            auditlog.register(model, include_fields=fields, m2m_fields=set(options.get("m2m", ())))
