"""A laureate's public profile (written by the laureate, approved by an organiser) and its published copy."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Region
from label.models import Candidature, Document, Edition, Level, TerritoryKind, Theme


class ProfileFields(models.Model):
    """What a project's public page says, beyond the candidature's territory, region, edition and level."""

    title = models.CharField(_("titre du projet"), max_length=200)
    summary = models.TextField(_("résumé"), max_length=600)
    inhabitants = models.TextField(_("ce qui a changé pour les habitants"), max_length=3000, blank=True)
    results = models.TextField(_("résultats et indicateurs"), max_length=3000, blank=True)
    cost = models.TextField(_("ce que le projet a coûté"), max_length=1000, blank=True)
    funding = models.TextField(_("qui l'a financé"), max_length=1000, blank=True)
    licences = models.TextField(_("licences (logiciels, contenus, données)"), max_length=1000, blank=True)
    data_needed = models.TextField(_("données nécessaires pour le reproduire"), max_length=1000, blank=True)
    skills = models.TextField(_("compétences nécessaires pour le reproduire"), max_length=1000, blank=True)
    partners = models.TextField(_("partenaires"), max_length=2000, blank=True)
    website = models.URLField(_("site du projet"), blank=True)
    contact_name = models.CharField(_("contact publié : nom"), max_length=150, blank=True)
    contact_role = models.CharField(_("contact publié : fonction"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact publié : adresse e-mail"), blank=True)
    contact_phone = models.CharField(_("contact publié : téléphone"), max_length=30, blank=True)

    class Meta:
        abstract = True


# The fields copied from a profile into its published version when an organiser approves it.
PROFILE_FIELDS = [field.name for field in ProfileFields._meta.local_fields]


class ProjectProfile(ProfileFields):
    """The public profile of a laureate's project as its owner writes it; public only once approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("En relecture")
        APPROVED = "approved", _("Publié")
        RETURNED = "returned", _("À reprendre")

    candidature = models.OneToOneField(
        Candidature, on_delete=models.CASCADE, related_name="profile", verbose_name=_("candidature")
    )
    # Given once, from the year, the territory and the title: links to the project page never break.
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=120, unique=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    documents = models.ManyToManyField(
        Document,
        blank=True,
        related_name="+",
        verbose_name=_("documents et images publiés"),
        help_text=_("Parmi les pièces jointes de la candidature, celles que la collectivité choisit de montrer."),
    )
    review_comment = models.TextField(_("commentaire de relecture"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("envoyé en relecture le"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("relu le"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relu par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("fiche projet")
        verbose_name_plural = _("fiches projet")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.title

    @property
    def is_returned(self):
        """Sent back by the team: the owner has changes to make."""
        return self.status == self.Status.RETURNED


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL; elsewhere (SQLite, where the catalogue searches ``search_text``) a plain one."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


class PublishedProjectQuerySet(models.QuerySet):
    def public(self):
        """What the public may see, everywhere (pages, map, badges, files, API, feeds): the candidature keeps its
        publication consent and its edition is published."""
        return self.filter(candidature__consent_publication=True, edition__published=True)


class PublishedProject(ProfileFields):
    """The approved version of a profile with what the catalogue filters on: the public reads only this."""

    class Distinction(models.TextChoices):
        LAUREATE = "laureate", _("Lauréat")
        SHORTLISTED = "shortlisted", _("Présélectionné")

    profile = models.OneToOneField(
        ProjectProfile, on_delete=models.CASCADE, related_name="published", verbose_name=_("fiche projet")
    )
    candidature = models.OneToOneField(
        Candidature, on_delete=models.CASCADE, related_name="published_project", verbose_name=_("candidature")
    )
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=120, unique=True)
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+", verbose_name=_("édition"))
    year = models.PositiveSmallIntegerField(_("année"), db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("région")
    )
    territory_name = models.CharField(_("collectivité"), max_length=200)
    territory_kind = models.CharField(
        _("type de collectivité"), max_length=20, choices=TerritoryKind.choices, blank=True
    )
    level = models.CharField(_("niveau du label"), max_length=10, choices=Level.choices, blank=True)
    distinction = models.CharField(
        _("distinction"), max_length=12, choices=Distinction.choices, default=Distinction.LAUREATE
    )
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("thème")
    )
    documents = models.ManyToManyField(Document, blank=True, related_name="+", verbose_name=_("documents publiés"))
    published_at = models.DateTimeField(_("publié le"), db_index=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    # Both kept by showcase.search.refresh(): the weighted French vector PostgreSQL searches, and the same words
    # lower-cased without accents, which other databases search.
    search_vector = SearchVectorField(null=True, editable=False)
    search_text = models.TextField(_("texte recherché"), blank=True, default="", editable=False)

    objects = PublishedProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet publié")
        verbose_name_plural = _("projets publiés")
        ordering = ["-year", "-published_at", "pk"]
        indexes = [
            models.Index(fields=["year", "region", "level"], name="published_project_filters"),
            SearchIndex(fields=["search_vector"], name="published_project_search"),
        ]

    def __str__(self):
        return f"{self.territory_name} — {self.title}"

    @property
    def is_laureate(self):
        return self.distinction == self.Distinction.LAUREATE

    @property
    def is_shortlisted(self):
        return self.distinction == self.Distinction.SHORTLISTED
