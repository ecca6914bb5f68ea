import os
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import clock

from .storage import public_storage


class Region(models.Model):
    """A French region, with its official (INSEE) code."""

    code = models.CharField(_("code officiel"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self):
        return self.name


LOGO_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")


def logo_path(instance, filename):
    """A random name; the extension (checked against the content on upload) lets the file be served right."""
    extension = os.path.splitext(filename)[1].lower()
    return f"logos/{uuid.uuid4().hex}{extension if extension in LOGO_EXTENSIONS else ''}"


class Partner(models.Model):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    logo = models.FileField(
        _("logo"),
        storage=public_storage,
        upload_to=logo_path,
        blank=True,
        help_text=_("PNG, JPEG ou WebP, reconnu par son contenu ; 1 Mo au plus."),
    )
    website = models.URLField(_("site web"), blank=True)

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]

    def __str__(self):
        return self.name


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def upcoming(self, now=None):
        return self.filter(ends_at__gte=clock.now(now)).order_by("starts_at")

    def past(self, now=None):
        return self.filter(ends_at__lt=clock.now(now)).order_by("-starts_at")


class Event(models.Model):
    class Kind(models.TextChoices):
        REGIONAL_MEETING = "regional_meeting", _("Rencontre régionale")
        NATIONAL_FORUM = "national_forum", _("Forum national")
        OTHER = "other", _("Autre événement")

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("Sur place")
        ONLINE = "online", _("En ligne")
        HYBRID = "hybrid", _("Sur place et en ligne")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.REGIONAL_MEETING)
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=120, unique=True)
    theme = models.CharField(_("thème"), max_length=300, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("région")
    )
    city = models.CharField(_("ville"), max_length=120, blank=True)
    venue = models.CharField(_("lieu"), max_length=200, blank=True)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    mode = models.CharField(_("format"), max_length=10, choices=Mode.choices, default=Mode.HYBRID)
    webtv_url = models.URLField(_("lien de la web TV (diffusion)"), blank=True)
    description = models.TextField(_("présentation"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places sur place"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Vide : sans limite. Au-delà, les inscrits sur place passent en liste d'attente."),
    )
    registration_opens_at = models.DateTimeField(_("ouverture des inscriptions"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("clôture des inscriptions"), null=True, blank=True)
    published = models.BooleanField(_("publié"), default=False)
    partners = models.ManyToManyField(Partner, through="EventPartner", blank=True, verbose_name=_("partenaires"))

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="event_starts_before_end")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("La fin doit être postérieure au début.")
        opens_at, closes_at = self.registration_opens_at, self.registration_closes_at
        if opens_at and closes_at and closes_at <= opens_at:
            errors["registration_closes_at"] = _("La clôture des inscriptions doit suivre leur ouverture.")
        if errors:
            raise ValidationError(errors)

    @property
    def has_venue(self):
        return self.mode != self.Mode.ONLINE

    @property
    def has_broadcast(self):
        return self.mode != self.Mode.ON_SITE

    def is_live(self, now=None):
        now = clock.now(now)
        return self.starts_at <= now < self.ends_at

    def is_past(self, now=None):
        return clock.now(now) >= self.ends_at

    def registration_state(self, now=None):
        """ "open", "not_yet" or "closed" (the window, or the start of the event, has passed)."""
        now = clock.now(now)
        if self.registration_opens_at and now < self.registration_opens_at:
            return "not_yet"
        closes_at = self.registration_closes_at or self.starts_at
        if now >= min(closes_at, self.ends_at):
            return "closed"
        return "open"


class EventPartner(models.Model):
    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organisateur")
        PARTNER = "partner", _("Partenaire")
        MEDIA = "media", _("Partenaire média")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partnerships")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="partnerships")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("partenaire de l'événement")
        verbose_name_plural = _("partenaires de l'événement")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["event", "partner"], name="partner_once_per_event")]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()})"


class ProgrammeItem(models.Model):
    class Kind(models.TextChoices):
        TALK = "talk", _("Intervention")
        ROUNDTABLE = "roundtable", _("Table ronde")
        BROADCAST = "broadcast", _("Diffusion")
        CEREMONY = "ceremony", _("Remise des labels")
        BREAK = "break", _("Pause")
        OTHER = "other", _("Autre")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    title = models.CharField(_("titre"), max_length=250)
    speakers = models.CharField(_("intervenants"), max_length=500, blank=True)
    kind = models.CharField(_("nature"), max_length=12, choices=Kind.choices, default=Kind.TALK)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("séquence du programme")
        verbose_name_plural = _("programme")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return self.title


class RegistrationStatus(models.TextChoices):
    """A registration's state; at module level so that ``Registration.Meta``'s constraint can name it."""

    CONFIRMED = "confirmed", _("Confirmée")
    WAITLISTED = "waitlisted", _("Liste d'attente")
    CANCELLED = "cancelled", _("Annulée")


class Registration(models.Model):
    class Attendance(models.TextChoices):
        ON_SITE = "on_site", _("Sur place")
        ONLINE = "online", _("En ligne")

    Status = RegistrationStatus

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    full_name = models.CharField(_("prénom et nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    attendance = models.CharField(_("participation"), max_length=10, choices=Attendance.choices)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    created_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    promoted_at = models.DateTimeField(_("sorti de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="one_registration_per_email_and_event",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}> — {self.event}"
