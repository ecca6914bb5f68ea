from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.models import Region
from label.models import Candidature, Criterion, Edition, HistoryEntry

from .queries import AssignmentQuerySet, ConflictQuerySet


class Jury(models.Model):
    """A jury of an edition (e.g. "Jury Hauts-de-France") with its scoring period."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="juries", verbose_name=_("édition"))
    name = models.CharField(_("nom"), max_length=200)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="juries",
        verbose_name=_("régions"),
        help_text=_("Les candidatures de ces régions ; aucune : toutes les régions."),
    )
    scoring_opens_at = models.DateTimeField(_("ouverture de la notation"))
    scoring_closes_at = models.DateTimeField(_("clôture de la notation"))
    jurors_per_candidature = models.PositiveSmallIntegerField(_("jurés par candidature"), default=3)

    class Meta:
        verbose_name = _("jury")
        verbose_name_plural = _("jurys")
        ordering = ["edition", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scoring_opens_at__lt=F("scoring_closes_at")), name="jury_period_ordered"
            ),
            models.CheckConstraint(condition=Q(jurors_per_candidature__gte=1), name="jury_at_least_one_juror"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.scoring_opens_at and self.scoring_closes_at and self.scoring_closes_at <= self.scoring_opens_at:
            raise ValidationError({"scoring_closes_at": _("La clôture de la notation doit suivre son ouverture.")})

    def scoring_is_open(self, now=None):
        now = now or timezone.now()
        return self.scoring_opens_at <= now < self.scoring_closes_at

    def candidatures(self):
        """The candidatures this jury scores: shortlisted or further, of its edition and regions."""
        shortlisted_once = HistoryEntry.objects.filter(candidature=OuterRef("pk"), to_status="shortlisted")
        queryset = Candidature.objects.filter(edition_id=self.edition_id).filter(
            Q(status__in=SCORED_STATUSES) | Q(Exists(shortlisted_once), status="not_retained")
        )
        if self.pk and self.regions.exists():
            queryset = queryset.filter(region__in=self.regions.all())
        return queryset


# Not retained dossiers count only when they had been shortlisted (see Jury.candidatures).
SCORED_STATUSES = ("shortlisted", "auditioned", "laureate")


class JuryMember(models.Model):
    class Role(models.TextChoices):
        PRESIDENT = "president", _("Président·e")
        MEMBER = "member", _("Membre")

    class State(models.TextChoices):
        INVITED = "invited", _("Invité·e")
        ACCEPTED = "accepted", _("A accepté")
        DECLINED = "declined", _("A décliné")

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="members", verbose_name=_("jury"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jury_memberships", verbose_name=_("juré")
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("invitation"), max_length=10, choices=State.choices, default=State.INVITED)
    invited_at = models.DateTimeField(_("invité le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    class Meta:
        verbose_name = _("membre du jury")
        verbose_name_plural = _("membres du jury")
        ordering = ["jury", "-role", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["jury", "user"], name="one_membership_per_jury")]

    def __str__(self):
        return f"{self.user} — {self.jury}"


class ConflictOfInterest(models.Model):
    """A juror must never see, be assigned or score this candidature."""

    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("juré")
    )
    candidature = models.ForeignKey(
        Candidature, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("candidature")
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("déclaré par"),
    )
    reason = models.CharField(_("raison"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("déclaré le"), default=timezone.now)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("conflit d'intérêts")
        verbose_name_plural = _("conflits d'intérêts")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["juror", "candidature"], name="one_conflict_per_pair")]

    def __str__(self):
        return f"{self.juror} × {self.candidature}"


class Assignment(models.Model):
    """A candidature given to a juror of a jury to score."""

    jury = models.ForeignKey(Jury, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("jury"))
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("juré")
    )
    candidature = models.ForeignKey(
        Candidature, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("candidature")
    )
    created_at = models.DateTimeField(_("attribué le"), default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attribution")
        verbose_name_plural = _("attributions")
        ordering = ["candidature__reference", "pk"]
        constraints = [models.UniqueConstraint(fields=["juror", "candidature"], name="one_assignment_per_pair")]

    def __str__(self):
        return f"{self.juror} → {self.candidature}"


class Evaluation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("Soumise")

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("attribution")
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    comment = models.TextField(_("commentaire"), max_length=4000, blank=True)
    weighted_total = models.DecimalField(
        _("note pondérée (sur 20)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Moyenne des critères pondérée par leur poids, chaque note ramenée sur 20."),
    )
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")

    def __str__(self):
        return str(self.assignment)


class Score(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("évaluation")
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("critère"))
    value = models.SmallIntegerField(pgettext_lazy("score given by a juror", "note"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("score given by a juror", "note")
        verbose_name_plural = pgettext_lazy("scores given by jurors", "notes")
        ordering = ["criterion__order", "criterion__pk"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "criterion"], name="one_score_per_criterion")]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


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

    def candidatures(self):
        """The shortlisted candidatures of the session's edition and regions."""
        queryset = Candidature.objects.filter(edition_id=self.edition_id, status__in=("shortlisted", "auditioned"))
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

    Editing a slot tells nobody; ``auditions.convocations.publish`` turns the slots into convocations.
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
        return f"{self.session} · {timezone.localtime(self.starts_at):%d/%m %H:%M}"

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
    feed read this, never the slots being edited.
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
