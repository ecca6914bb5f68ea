import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One e-mail of the outbox: written with the change that causes it, sent by a worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")
        CANCELLED = "cancelled", _("Annulé")

    kind = models.CharField(_("type"), max_length=100, db_index=True)
    recipient = models.EmailField(_("destinataire"), max_length=254, db_index=True)
    language = models.CharField(_("langue"), max_length=8)
    subject = models.CharField(_("objet"), max_length=300)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    sensitive = models.BooleanField(
        _("contenu personnel"),
        default=False,
        help_text=_("Contient un lien personnel (réinitialisation, invitation) : le corps n'est pas affiché."),
    )
    idempotency_key = models.CharField(_("clé d'unicité"), max_length=255, unique=True, default=uuid.uuid4)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    bulk = models.BooleanField(
        _("envoi en nombre"),
        default=False,
        help_text=_("Rappel ou envoi groupé : passe par une file à part pour ne jamais retarder les autres courriels."),
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    error_kind = models.CharField(
        _("type d'erreur"),
        max_length=60,
        blank=True,
        help_text=_("Par exemple « SMTP 550 » ou « ConnectionRefusedError »."),
    )
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField(max_length=64, blank=True)
    related = GenericForeignKey("content_type", "object_id")
    send_after = models.DateTimeField(_("pas avant"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("confié au worker le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "send_after"], name="notif_status_due_idx")]

    def __str__(self):
        return f"{self.get_status_display()} · {self.recipient} · {self.subject}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of each Celery worker, read by /healthz."""

    hostname = models.CharField(max_length=255, unique=True)
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = _("signal de vie d'un worker")
        verbose_name_plural = _("signaux de vie des workers")

    def __str__(self):
        return self.hostname
