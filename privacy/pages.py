"""The privacy page, which states the retention periods the nightly purge applies: both read the settings."""

from django.conf import settings
from django.views.generic import TemplateView


class PrivacyPage(TemplateView):
    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            retention=settings.RETENTION,
            warning_days=settings.RETENTION_WARNING_DAYS,
            export_days=settings.DATA_EXPORT_VALID_DAYS,
            **kwargs,
        )
