"""The audition sessions' data: sessions, breaks, slots being prepared, published convocations, availability."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from core.clock import in_paris
from events.models import Region
from label.models import Candidature, Edition, Status


class AuditionSession(models.Model):
    """A video-conference audition session, e.g. 23 June 2020, 14:00–17:00, cut into pitch slots."""

    edition = models.ForeignKey(
        Edition, on_delete=models.CASCADE, related_name="audition_sessions", verbose_name=_("édition")
    )
    title = models.CharField(_("titre"), max_length=200)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="audition_sessions",
        verbose_name=_("régions"),
        help_text=_("Les candidatures de ces régions y sont auditionnées ; aucune : toutes les régions."),
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    pitch_minutes = models.PositiveSmallIntegerField(_("durée du pitch (minutes)"), default=10)
    questions_minutes = models.PositiveSmallIntegerField(_("durée des questions (minutes)"), default=10)
    buffer_minutes = models.PositiveSmallIntegerField(_("battement entre deux créneaux (minutes)"), default=5)
    video_url = models.URLField(_("lien de la visioconférence"), blank=True)
    broadcast_event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audition_sessions",
        verbose_name=_("événement de diffusion"),
        help_text=_("L'événement dont la web TV diffuse ces auditions."),
    )
    availability_deadline = models.DateTimeField(_("réponse aux disponibilités avant le"), null=True, blank=True)
    published = models.BooleanField(_("publiée"), default=False)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version de l'ordre de passage"), default=0, editable=False)

    class Meta:
        verbose_name = _("session d'auditions")
        verbose_name_plural = _("sessions d'auditions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="session_starts_before_end"),
            models.CheckConstraint(condition=Q(pitch_minutes__gte=1), name="session_pitch_not_empty"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("La fin doit être postérieure au début.")})

    @property
    def slot_minutes(self):
        return self.pitch_minutes + self.questions_minutes

    def spans_clock_change(self):
        """Whether Paris changes its clocks during the session (then 02:30 may happen twice)."""
        return in_paris(self.starts_at).utcoffset() != in_paris(self.ends_at).utcoffset()

    def candidatures(self):
        """The shortlisted candidatures of the session's edition and regions."""
        queryset = Candidature.objects.filter(
            edition_id=self.edition_id, status__in=(Status.SHORTLISTED, Status.AUDITIONED)
        )
        if self.pk and self.regions.exists():
            queryset = queryset.filter(region__in=self.regions.all())
        return queryset


class SessionBreak(models.Model):
    session = models.ForeignKey(AuditionSession, on_delete=models.CASCADE, related_name="breaks")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    label = models.CharField(_("intitulé"), max_length=100, default=_("Pause"))

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["starts_at"]
        constraints = [models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="break_ordered")]

    def __str__(self):
        return self.label


class Slot(models.Model):
    """One pitch being prepared: a time in a session and the candidature placed there.

    Editing a slot tells nobody; ``auditions.sessions.convocations.publish`` turns the slots into convocations.
    """

    session = models.ForeignKey(
        AuditionSession, on_delete=models.CASCADE, related_name="slots", verbose_name=_("session")
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    candidature = models.ForeignKey(
        Candidature,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("candidature"),
    )
    video_url = models.URLField(_("lien de visioconférence propre"), blank=True)

    class Meta:
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="slot_ordered"),
            models.UniqueConstraint(
                fields=["session", "candidature"],
                condition=Q(candidature__isnull=False),
                name="one_slot_per_candidature_and_session",
            ),
        ]

    def __str__(self):
        return f"{self.session} · {in_paris(self.starts_at):%d/%m %H:%M}"

    def get_additional_data(self):
        """Read by the audit trail: the session's and the candidature's histories show this slot's changes."""
        return {"session": self.session_id, "candidature": self.candidature_id}

    @property
    def effective_video_url(self):
        return self.video_url or self.session.video_url

    @property
    def terms(self):
        """What a convocation to this slot states, to compare with ``Convocation.terms``."""
        return (self.starts_at, self.ends_at, self.effective_video_url)


class Convocation(models.Model):
    """What a candidature was last told about its audition in a session: written by publishing only.

    It belongs to the candidature in the session, not to a slot, so a move to another slot keeps the
    calendar UID and is sent as an update (higher SEQUENCE); candidates, the public programme and its
    feed read this, never the slots being edited. The candidate confirms receiving the terms in force
    (``acknowledged_at``); each new SEQUENCE clears it, as the time it confirmed has changed.
    """

    session = models.ForeignKey(
        AuditionSession, on_delete=models.CASCADE, related_name="convocations", verbose_name=_("session")
    )
    candidature = models.ForeignKey(
        Candidature, on_delete=models.CASCADE, related_name="convocations", verbose_name=_("candidature")
    )
    slot = models.ForeignKey(
        Slot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="convocations",
        verbose_name=_("créneau publié"),
    )
    uid = models.CharField(_("UID du calendrier"), max_length=255, unique=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    video_url = models.URLField(_("lien de la visioconférence"), blank=True)
    sequence = models.PositiveIntegerField(_("SEQUENCE du calendrier"), default=0)
    cancelled = models.BooleanField(_("annulée"), default=False)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    updated_at = models.DateTimeField(_("dernier envoi le"), default=timezone.now)
    acknowledged_at = models.DateTimeField(
        _("réception confirmée le"),
        null=True,
        blank=True,
        help_text=_("Le candidat a confirmé avoir reçu ces horaires ; vide de nouveau à chaque modification envoyée."),
    )

    class Meta:
        verbose_name = _("convocation")
        verbose_name_plural = _("convocations")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "candidature"], name="one_convocation_per_session"),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="convocation_ordered"),
        ]

    def __str__(self):
        return f"{self.candidature} — {self.session}"

    @property
    def terms(self):
        return (self.starts_at, self.ends_at, self.video_url)


class Availability(models.Model):
    """A shortlisted candidature's answer for one session: available or not, and within which time ranges."""

    candidature = models.ForeignKey(
        Candidature, on_delete=models.CASCADE, related_name="availabilities", verbose_name=_("candidature")
    )
    session = models.ForeignKey(
        AuditionSession, on_delete=models.CASCADE, related_name="availabilities", verbose_name=_("session")
    )
    available = models.BooleanField(_("disponible"), default=True)
    ranges = models.JSONField(
        _("plages horaires"),
        default=list,
        blank=True,
        help_text=_("Liste de [début, fin] (ISO 8601) ; vide : toute la session."),
    )
    answered_at = models.DateTimeField(_("répondu le"), default=timezone.now)

    class Meta:
        verbose_name = _("disponibilité")
        verbose_name_plural = _("disponibilités")
        constraints = [models.UniqueConstraint(fields=["candidature", "session"], name="one_answer_per_session")]

    def __str__(self):
        return f"{self.candidature} — {self.session}"

    def ticked_ranges(self):
        """The ticked ranges as aware (start, end) pairs in time order; an unreadable pair is left out."""
        parsed = []
        for start, end in self.ranges or []:
            start, end = parse_datetime(start or ""), parse_datetime(end or "")
            if start and end:
                parsed.append((start, end))
        return sorted(parsed)
