import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import clock, storage, uploads
from events.models import Region

from .queries import CandidatureQuerySet, DocumentQuerySet


class Edition(models.Model):
    """One year's call for candidatures, with its own dates, criteria and texts."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant dans l'adresse"), unique=True)
    year = models.PositiveSmallIntegerField(_("année"))
    code = models.CharField(
        _("code de l'édition"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Z][A-Z0-9]*$",
                _("Des majuscules sans accent et des chiffres, en commençant par une lettre (ex. HDF)."),
            )
        ],
        help_text=_(
            "Repris dans les références des candidatures : HDF donne LTI-2020-HDF-0001. "
            "Indispensable quand plusieurs appels ont lieu la même année ; figé dès la première référence."
        ),
    )
    tagline = models.CharField(_("accroche"), max_length=300, blank=True)
    description = models.TextField(_("présentation de l'appel"), blank=True)
    eligibility = models.TextField(_("qui peut candidater"), blank=True)
    opens_at = models.DateTimeField(_("ouverture des candidatures"))
    closes_at = models.DateTimeField(
        _("clôture des candidatures"),
        help_text=_("Instant exact de clôture, heure de Paris : « avant le 19 juin à minuit » = 20 juin 00:00."),
    )
    contact_email = models.EmailField(_("adresse de contact"))
    rules_url = models.URLField(
        _("règlement de l'appel (lien)"),
        blank=True,
        help_text=_(
            "Adresse publique du règlement (page ou PDF) : lien « Lire le règlement » de la page de l'appel "
            "et de l'engagement que le candidat coche."
        ),
    )
    rules_text = models.TextField(
        _("règlement de l'appel (texte)"),
        blank=True,
        help_text=_(
            "Publié par le site sur sa propre page, que le lien « Lire le règlement » ouvre alors à la place de "
            "l'adresse ci-dessous. Un paragraphe par bloc séparé d'une ligne vide ; une ligne qui commence par "
            "« ## » devient un titre (## Article 1 – Objet)."
        ),
    )
    forum = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="editions_presented",
        verbose_name=_("forum national"),
        help_text=_("L'événement où les résultats sont présentés et les labels remis."),
    )
    regional_meetings = models.ManyToManyField(
        "events.Event", blank=True, related_name="editions", verbose_name=_("rencontres régionales")
    )
    jurors_see_other_scores = models.BooleanField(
        _("les jurés voient les notes des autres"),
        default=False,
        help_text=_("Une fois leur propre évaluation soumise, et seulement pour les dossiers qu'ils ont notés."),
    )
    laureate_levels = models.BooleanField(_("lauréats par niveau (Or, Argent, Bronze)"), default=True)
    target_laureates = models.PositiveSmallIntegerField(_("nombre de lauréats visé"), default=25)
    published = models.BooleanField(_("publiée"), default=True)
    last_reference_number = models.PositiveIntegerField(_("dernier numéro de référence attribué"), default=0)

    class Meta:
        verbose_name = _("édition")
        verbose_name_plural = _("éditions")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(opens_at__lt=F("closes_at")), name="edition_opens_before_close"),
            # Year and code make the references' prefix: two editions sharing both would issue the same ones.
            models.UniqueConstraint(
                fields=["year", "code"],
                name="edition_code_unique_per_year",
                violation_error_message=_(
                    "Une autre édition de cette année porte déjà ce code : donnez-lui un code distinct "
                    "(ex. HDF, BRE) pour que les références des candidatures ne se confondent pas."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"closes_at": _("La clôture doit être postérieure à l'ouverture.")})

    def is_open(self, now=None):
        now = clock.now(now)
        return self.opens_at <= now < self.closes_at

    def has_opened(self, now=None):
        return clock.now(now) >= self.opens_at

    def rules_link(self):
        """Where "Lire le règlement" leads: the site's rules page when the edition carries its text, else
        ``rules_url``; "" when the edition has neither."""
        if self.rules_text.strip():
            return reverse("label:rules", kwargs={"edition": self.slug})
        return self.rules_url

    def reference_for(self, number):
        """The human reference of this edition's ``number``-th submission: LTI-2020-0042 or LTI-2020-HDF-0042."""
        prefix = f"LTI-{self.year}-{self.code}-" if self.code else f"LTI-{self.year}-"
        return f"{prefix}{number:04d}"


class Milestone(models.Model):
    """A step of the edition's year shown on the call page (deadline, auditions, meeting, forum)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("édition"))
    starts_at = models.DateTimeField(_("date"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    title = models.CharField(_("titre"), max_length=200)
    detail = models.CharField(_("précision"), max_length=300, blank=True)
    url = models.URLField(_("lien"), blank=True)

    class Meta:
        verbose_name = _("étape de l'année")
        verbose_name_plural = _("étapes de l'année")
        ordering = ["starts_at"]

    def __str__(self):
        return self.title

    def get_additional_data(self):
        """Read by the audit trail: the edition's history shows its milestones' changes."""
        return {"edition": self.edition_id}


class Criterion(models.Model):
    """An evaluation criterion of an edition: weight, scale and optional eliminatory threshold."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("édition"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=200)
    guidance = models.TextField(_("ce qui est attendu"), blank=True)
    weight = models.DecimalField(
        _("poids"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    scale_min = models.SmallIntegerField(_("note minimale"), default=0)
    scale_max = models.SmallIntegerField(_("note maximale"), default=5)
    eliminatory_threshold = models.DecimalField(
        _("seuil éliminatoire"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Un dossier dont la moyenne sur ce critère est inférieure à ce seuil est éliminé."),
    )

    class Meta:
        verbose_name = _("critère")
        verbose_name_plural = _("critères")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="criterion_code_unique_per_edition"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="criterion_scale_ordered"),
            models.CheckConstraint(
                condition=Q(eliminatory_threshold__isnull=True)
                | (Q(eliminatory_threshold__gte=F("scale_min")) & Q(eliminatory_threshold__lte=F("scale_max"))),
                name="criterion_threshold_in_scale",
            ),
        ]

    def __str__(self):
        return self.name

    def get_additional_data(self):
        """Read by the audit trail: the edition's history shows its criteria's changes."""
        return {"edition": self.edition_id}

    @property
    def answer_key(self):
        """How a candidature's answer to this criterion is named in forms and edit checks."""
        return f"criterion_{self.pk}"

    def clean(self):
        errors = {}
        if self.weight is not None and self.weight <= 0:
            errors["weight"] = _("Le poids doit être strictement positif.")
        if self.scale_min is not None and self.scale_max is not None and self.scale_min >= self.scale_max:
            errors["scale_max"] = _("La note maximale doit être supérieure à la note minimale.")
        elif self.eliminatory_threshold is not None and not (
            self.scale_min <= self.eliminatory_threshold <= self.scale_max
        ):
            errors["eliminatory_threshold"] = _(
                "Le seuil doit être compris entre la note minimale et la note maximale."
            )
        if errors:
            raise ValidationError(errors)


class Theme(models.Model):
    """A theme of the small list organisers keep (mobilité, données, énergie…): each project has one."""

    name = models.CharField(_("nom"), max_length=80, unique=True)
    slug = models.SlugField(_("identifiant dans l'adresse"), unique=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    active = models.BooleanField(
        _("proposé aux candidats"), default=True, help_text=_("Un thème retiré reste sur les projets qui l'ont.")
    )

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Receivers of post_save, called inside, still see whether this save renames the theme.
        super().save(*args, **kwargs)
        self._name_as_read = self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        theme = super().from_db(db, field_names, values)
        theme._name_as_read = theme.name if "name" in field_names else None
        return theme

    def renamed(self):
        """Whether the name differs from the one read from the database (a theme never read counts as renamed)."""
        return getattr(self, "_name_as_read", None) != self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée")
    ELIGIBLE = "eligible", _("Recevable")
    INELIGIBLE = "ineligible", _("Non recevable")
    SHORTLISTED = "shortlisted", _("Présélectionnée")
    AUDITIONED = "auditioned", _("Auditionnée")
    LAUREATE = "laureate", _("Lauréate")
    NOT_RETAINED = "not_retained", _("Non retenue")
    WITHDRAWN = "withdrawn", _("Retirée")


class TerritoryKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    INTERCOMMUNALITY = "intercommunality", _("Intercommunalité")
    METROPOLIS = "metropolis", _("Métropole")
    DEPARTMENT = "department", _("Département")
    REGION = "region", _("Région")
    OTHER = "other", _("Autre organisme public")


class ProjectStage(models.TextChoices):
    IDEA = "idea", _("Idée ou étude")
    PILOT = "pilot", _("Expérimentation")
    DEPLOYMENT = "deployment", _("Déploiement")
    ROUTINE = "routine", _("Généralisé, en fonctionnement")


class Level(models.TextChoices):
    GOLD = "gold", _("Or")
    SILVER = "silver", _("Argent")
    BRONZE = "bronze", _("Bronze")


# What a candidature must hold to be submitted, besides an answer to each criterion of its edition.
REQUIRED_TO_SUBMIT = (
    "territory_name",
    "territory_kind",
    "region",
    "population",
    "project_title",
    "summary",
    "description",
    "stage",
    "contact_name",
    "contact_email",
    "consent_rules",
)


class Candidature(models.Model):
    """A local government's application to an edition."""

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="candidatures", verbose_name=_("édition")
    )
    # Empty only once the retention period has passed and a laureate's public results are all that is kept.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidatures",
        verbose_name=_("compte de la candidature"),
    )
    reference = models.CharField(_("référence"), max_length=32, blank=True)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.DRAFT)

    territory_name = models.CharField(_("nom de la collectivité"), max_length=200, blank=True)
    territory_kind = models.CharField(
        _("type de collectivité"), max_length=20, choices=TerritoryKind.choices, blank=True
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("région"))
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    project_title = models.CharField(_("titre du projet"), max_length=200, blank=True)
    summary = models.TextField(_("résumé"), max_length=600, blank=True)
    description = models.TextField(_("description du projet"), max_length=8000, blank=True)
    stage = models.CharField(_("avancement"), max_length=20, choices=ProjectStage.choices, blank=True)
    started_on = models.DateField(_("date de début"), null=True, blank=True)
    ends_on = models.DateField(_("date de fin prévue"), null=True, blank=True)
    budget = models.DecimalField(_("budget (€ HT)"), max_digits=12, decimal_places=2, null=True, blank=True)
    partners = models.TextField(_("partenaires"), max_length=2000, blank=True)
    website = models.URLField(_("site du projet"), blank=True)
    theme = models.ForeignKey(
        Theme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidatures",
        verbose_name=_("thème principal"),
    )

    contact_name = models.CharField(_("nom de la personne à contacter"), max_length=150, blank=True)
    contact_role = models.CharField(_("fonction"), max_length=150, blank=True)
    contact_email = models.EmailField(_("adresse e-mail de contact"), blank=True)
    contact_phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    consent_rules = models.BooleanField(_("acceptation du règlement"), default=False)
    consent_publication = models.BooleanField(_("accord de publication"), default=False)

    submitted_at = models.DateTimeField(_("déposée le"), null=True, blank=True)
    extended_until = models.DateTimeField(
        _("délai accordé jusqu'au"),
        null=True,
        blank=True,
        help_text=_("Prolongation accordée à cette seule candidature (heure de Paris)."),
    )
    staged_transition = models.CharField(_("décision préparée"), max_length=30, blank=True)
    staged_level = models.CharField(_("niveau préparé"), max_length=10, choices=Level.choices, blank=True)
    outcome_level = models.CharField(_("niveau du label"), max_length=10, choices=Level.choices, blank=True)
    pitch_video_url = models.URLField(_("vidéo du pitch"), blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    # Raised by every write: a form opened at an older version checks what changed meanwhile before saving.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    objects = CandidatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidature")
        verbose_name_plural = _("candidatures")
        ordering = [F("submitted_at").desc(nulls_last=True), "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="candidature_reference_unique"
            ),
            models.UniqueConstraint(
                fields=["edition", "owner"],
                condition=~Q(status=Status.WITHDRAWN),
                name="one_active_candidature_per_owner_and_edition",
            ),
        ]
        indexes = [models.Index(fields=["edition", "status"], name="candidature_edition_status")]

    def __str__(self):
        label = self.project_title or _("Projet sans titre")
        return f"{self.reference or _('Brouillon')} · {self.territory_name or '—'} · {label}"

    @property
    def deadline(self):
        """The instant after which the candidate can no longer write."""
        if self.extended_until and self.extended_until > self.edition.closes_at:
            return self.extended_until
        return self.edition.closes_at

    @staticmethod
    def deadline_expression():
        """``deadline`` in SQL, for filtering candidatures by their own deadline."""
        return Greatest("edition__closes_at", Coalesce("extended_until", "edition__closes_at"))

    def is_writable(self, now=None):
        now = clock.now(now)
        return self.edition.has_opened(now) and now < self.deadline

    def missing_fields(self, names=REQUIRED_TO_SUBMIT):
        """Which of the fields ``names`` required to submit are still empty."""
        return [
            name
            for name in names
            if name in REQUIRED_TO_SUBMIT and self._meta.get_field(name).value_from_object(self) in (None, "", False)
        ]

    def unanswered_criteria(self):
        """The edition's criteria without a written answer (reads prefetched answers and criteria when present)."""
        answered = {answer.criterion_id for answer in self.answers.all() if answer.text.strip()}
        return [criterion for criterion in self.edition.criteria.all() if criterion.pk not in answered]

    def is_complete(self):
        return not self.missing_fields() and not self.unanswered_criteria()


class CriterionAnswer(models.Model):
    """The candidate's narrative answer to one criterion of the edition."""

    candidature = models.ForeignKey(
        Candidature, on_delete=models.CASCADE, related_name="answers", verbose_name=_("candidature")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="answers", verbose_name=_("critère")
    )
    text = models.TextField(_("réponse"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("réponse à un critère")
        verbose_name_plural = _("réponses aux critères")
        ordering = ["criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["candidature", "criterion"], name="one_answer_per_criterion"),
        ]

    def __str__(self):
        return f"{self.criterion} — {self.candidature}"


def private_storage():
    """A callable, so that migrations name it instead of freezing this machine's folder (core.storage)."""
    return storage.private_storage()


def document_path(instance, filename):
    """A random name: nothing of the candidate's file name reaches the disk."""
    return f"documents/{uuid.uuid4().hex}"


class DocumentKind(models.TextChoices):
    PRESENTATION = "presentation", _("Présentation du projet")
    ANNEX = "annex", _("Annexe")
    PHOTO = "photo", _("Photo ou visuel")
    LETTER = "letter", _("Lettre de soutien ou délibération")


class Document(models.Model):
    """A file attached to a candidature, kept in private storage and served only after a check."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    candidature = models.ForeignKey(
        Candidature, on_delete=models.CASCADE, related_name="documents", verbose_name=_("candidature")
    )
    kind = models.CharField(_("nature"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.ANNEX)
    file = models.FileField(_("fichier"), storage=private_storage, upload_to=document_path, max_length=200)
    original_name = models.CharField(_("nom d'origine"), max_length=255)
    size = models.PositiveIntegerField(_("taille (octets)"))
    content_type = models.CharField(_("type reconnu"), max_length=120)
    uploaded_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.safe_name

    @property
    def safe_name(self):
        """The name the file is served under, recomputed so that rows kept before names were cleaned are safe too."""
        return uploads.safe_name(self.original_name, self.content_type)


class HistoryEntry(models.Model):
    """What happened to a candidature, by whom and when: status changes, edits, extensions."""

    class Action(models.TextChoices):
        STATUS = "status", _("Changement d'état")
        EDIT = "edit", _("Modification après dépôt")
        EXTENSION = "extension", _("Prolongation du délai")
        STAGED = "staged", _("Décision préparée")

    candidature = models.ForeignKey(
        Candidature, on_delete=models.CASCADE, related_name="history", verbose_name=_("candidature")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("de"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("vers"), max_length=20, choices=Status.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("par")
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("historique")
        verbose_name_plural = _("historique")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"


class Consent(models.Model):
    """A consent given or withdrawn, as it happened: by whom, when, and the very wording with its version.

    Rows are only ever added; the candidature's ``consent_*`` flags hold the current state the pages read.
    """

    class Purpose(models.TextChoices):
        PUBLICATION = "publication", _("Publication du projet")
        RULES = "rules", _("Acceptation du règlement")
        PROJECT_PAGE = "project_page", _("Publication de la fiche projet")

    candidature = models.ForeignKey(
        Candidature, on_delete=models.CASCADE, related_name="consents", verbose_name=_("candidature")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_records",
        verbose_name=_("personne"),
    )
    purpose = models.CharField(_("finalité"), max_length=20, choices=Purpose.choices)
    given = models.BooleanField(_("accord donné"), help_text=_("Décoché : l'accord a été retiré."))
    text_version = models.CharField(_("version du texte"), max_length=20)
    text = models.TextField(_("texte présenté"), help_text=_("Mot pour mot, dans la langue où il a été lu."))
    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_purpose_display()} · {self.at:%Y-%m-%d %H:%M}"
