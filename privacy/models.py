import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from label.models import private_storage


def archive_path(instance, filename):
    return f"exports/{uuid.uuid4().hex}.zip"


class DataExport(models.Model):
    """One archive of everything the platform holds about a person, built by a task, downloadable for a while."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En préparation")
        READY = "ready", _("Prête")
        FAILED = "failed", _("Échec")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports", verbose_name=_("personne")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandée par"),
        help_text=_("L'organisateur qui l'a préparée pour répondre à une demande écrite ; vide : la personne."),
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("archive"), storage=private_storage, upload_to=archive_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(_("taille (octets)"), null=True, blank=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    ready_at = models.DateTimeField(_("prête le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("téléchargeable jusqu'au"), null=True, blank=True)

    class Meta:
        verbose_name = _("export de données personnelles")
        verbose_name_plural = _("exports de données personnelles")
        ordering = ["-created_at"]

    def __str__(self):
        return str(_("Export du %(date)s") % {"date": self.created_at.strftime("%d/%m/%Y %H:%M")})
