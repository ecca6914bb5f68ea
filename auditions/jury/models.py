"""The jury's data: juries and their members, conflicts of interest, assignments, evaluations and scores."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import clock
from events.models import Region
from label.models import Candidature, Criterion, Edition, HistoryEntry, Status

from .queries import AssignmentQuerySet, JuryMemberQuerySet


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
        now = clock.now(now)
        return self.scoring_opens_at <= now < self.scoring_closes_at

    def candidatures(self):
        """The candidatures this jury scores: shortlisted or further, of its edition and regions."""
        # A plain IN: evaluated once as a hashed set, where EXISTS would be looked up again for each row.
        shortlisted_once = HistoryEntry.objects.filter(to_status=Status.SHORTLISTED).values("candidature_id")
        queryset = Candidature.objects.filter(edition_id=self.edition_id).filter(
            Q(status__in=SCORED_STATUSES) | Q(pk__in=shortlisted_once, status=Status.NOT_RETAINED)
        )
        if self.pk and self.regions.exists():
            queryset = queryset.filter(region__in=self.regions.all())
        return queryset


# Not retained dossiers count only when they had been shortlisted (see Jury.candidatures).
SCORED_STATUSES = (Status.SHORTLISTED, Status.AUDITIONED, Status.LAUREATE)


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

    objects = JuryMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("membre du jury")
        verbose_name_plural = _("membres du jury")
        ordering = ["jury", "-role", "user__full_name"]
        constraints = [models.UniqueConstraint(fields=["jury", "user"], name="one_membership_per_jury")]

    def __str__(self):
        return f"{self.user} — {self.jury}"

    def get_additional_data(self):
        """Read by the audit trail: the jury's history shows its members' changes."""
        return {"jury": self.jury_id}


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

    class Meta:
        verbose_name = _("conflit d'intérêts")
        verbose_name_plural = _("conflits d'intérêts")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["juror", "candidature"], name="one_conflict_per_pair")]

    def __str__(self):
        return f"{self.juror} × {self.candidature}"

    def get_additional_data(self):
        """Read by the audit trail: the candidature's history shows its conflicts."""
        return {"candidature": self.candidature_id}


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

    def get_additional_data(self):
        """Read by the audit trail: the candidature's and the jury's histories show this assignment."""
        return {"candidature": self.candidature_id, "jury": self.jury_id}


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

    def get_additional_data(self):
        """Read by the audit trail: the candidature's history shows its evaluations' changes."""
        return {"candidature": self.assignment.candidature_id}


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

    def get_additional_data(self):
        """Read by the audit trail: the evaluation's history shows its scores' changes."""
        return {"evaluation": self.evaluation_id}
