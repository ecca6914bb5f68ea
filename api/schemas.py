"""What the read API returns: the public fields of each page, and nothing a page does not show."""

from datetime import datetime
from typing import Annotated

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import AfterValidator

from events.models import Event
from label.models import DocumentKind, Level, TerritoryKind
from showcase.models import PublishedProject

# Instants are given with the offset of Paris, as the site shows them: 2020-06-20T00:00:00+02:00.
ParisTime = Annotated[datetime, AfterValidator(timezone.localtime)]


def absolute(name, **kwargs):
    return settings.SITE_URL + reverse(name, kwargs=kwargs)


class RegionOut(Schema):
    code: str = Field(description=_("Code officiel (INSEE) de la région."))
    name: str


class TerritoryOut(Schema):
    name: str
    kind: TerritoryKind | None = Field(description=_("Type de collectivité."))

    @staticmethod
    def resolve_kind(territory):
        return territory["kind"] or None


class ThemeOut(Schema):
    slug: str
    name: str


class EditionRef(Schema):
    slug: str
    name: str
    year: int


def territory_of(row):
    return {"name": row.territory_name, "kind": row.territory_kind}


# --- editions -------------------------------------------------------------------------------------------------


class CriterionOut(Schema):
    code: str
    name: str
    guidance: str
    weight: float = Field(description=_("Poids du critère dans la note pondérée."))
    scale_min: int
    scale_max: int
    eliminatory_threshold: float | None = Field(
        description=_("Moyenne en dessous de laquelle un dossier est éliminé ; null : pas de seuil.")
    )


class MilestoneOut(Schema):
    title: str
    detail: str
    starts_at: ParisTime
    ends_at: ParisTime | None
    url: str


class EditionOut(Schema):
    slug: str
    name: str
    year: int
    code: str = Field(description=_("Code de l'appel quand plusieurs appels ont lieu la même année (ex. HDF)."))
    tagline: str
    opens_at: ParisTime = Field(description=_("Ouverture des candidatures."))
    closes_at: ParisTime = Field(description=_("Clôture des candidatures : instant exact, exclu."))
    rules_url: str
    url: str = Field(description=_("Page de l'appel."))
    laureates_url: str = Field(description=_("Page des lauréats."))
    criteria: list[CriterionOut]
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_url(edition):
        return absolute("label:call", edition=edition.slug)

    @staticmethod
    def resolve_laureates_url(edition):
        return absolute("label:laureates", edition=edition.slug)

    @staticmethod
    def resolve_criteria(edition):
        return edition.criteria.all()

    @staticmethod
    def resolve_milestones(edition):
        return edition.milestones.all()


# --- projects -------------------------------------------------------------------------------------------------


class ContactOut(Schema):
    name: str
    role: str
    email: str
    phone: str


class DocumentOut(Schema):
    name: str
    kind: DocumentKind
    content_type: str
    size: int = Field(description=_("Taille en octets."))
    url: str | None


def document_url(project, document):
    try:
        return settings.SITE_URL + reverse("showcase:document", args=[project.slug, document.pk])
    except NoReverseMatch:
        return None


class ProjectOut(Schema):
    slug: str
    title: str
    summary: str
    territory: TerritoryOut
    region: RegionOut | None
    edition: EditionRef
    level: Level | None = Field(description=_("Niveau du label ; null quand l'édition n'a pas de niveaux."))
    distinction: PublishedProject.Distinction
    theme: ThemeOut | None
    published_at: ParisTime
    updated_at: ParisTime
    url: str = Field(description=_("Page publique du projet."))
    badge_url: str = Field(description=_("Badge du label (SVG) à afficher sur le site de la collectivité."))

    @staticmethod
    def resolve_territory(project):
        return territory_of(project)

    @staticmethod
    def resolve_edition(project):
        return {"slug": project.edition.slug, "name": project.edition.name, "year": project.year}

    @staticmethod
    def resolve_level(project):
        return project.level or None

    @staticmethod
    def resolve_url(project):
        return absolute("showcase:project", slug=project.slug)

    @staticmethod
    def resolve_badge_url(project):
        return absolute("showcase:badge_svg", slug=project.slug)


class ProjectDetailOut(ProjectOut):
    inhabitants: str = Field(description=_("Ce qui a changé pour les habitants."))
    results: str = Field(description=_("Résultats et indicateurs."))
    cost: str
    funding: str
    licences: str = Field(description=_("Licences des logiciels, contenus et données du projet."))
    data_needed: str = Field(description=_("Données nécessaires pour reproduire le projet."))
    skills: str = Field(description=_("Compétences nécessaires pour reproduire le projet."))
    partners: str
    website: str
    contact: ContactOut | None = Field(description=_("Le contact que la collectivité a choisi de publier."))
    documents: list[DocumentOut] = Field(description=_("Les documents que la collectivité a choisi de publier."))

    @staticmethod
    def resolve_contact(project):
        contact = {
            "name": project.contact_name,
            "role": project.contact_role,
            "email": project.contact_email,
            "phone": project.contact_phone,
        }
        return contact if any(contact.values()) else None

    @staticmethod
    def resolve_documents(project):
        return [
            {
                "name": document.safe_name,
                "kind": document.kind,
                "content_type": document.content_type,
                "size": document.size,
                "url": document_url(project, document),
            }
            for document in project.documents.all()
        ]


# --- events ---------------------------------------------------------------------------------------------------


class EventOut(Schema):
    slug: str
    kind: Event.Kind
    title: str
    theme: str
    region: RegionOut | None
    mode: Event.Mode = Field(description=_("Sur place, en ligne ou les deux."))
    city: str
    venue: str = Field(description=_("Lieu ; vide pour un événement en ligne."))
    address: str
    starts_at: ParisTime
    ends_at: ParisTime
    broadcast_url: str = Field(description=_("Lien de la web TV ; vide pour un événement seulement sur place."))
    registration_opens_at: ParisTime | None
    registration_closes_at: ParisTime | None = Field(
        description=_("Clôture des inscriptions ; null : au début de l'événement.")
    )
    capacity: int | None = Field(description=_("Places sur place ; null : sans limite ou en ligne."))
    description: str
    url: str = Field(description=_("Page de l'événement, où l'on s'inscrit."))
    calendar_url: str = Field(description=_("L'événement au format iCalendar."))

    @staticmethod
    def resolve_venue(event):
        return event.venue if event.has_venue else ""

    @staticmethod
    def resolve_address(event):
        return event.address if event.has_venue else ""

    @staticmethod
    def resolve_broadcast_url(event):
        return event.webtv_url if event.has_broadcast else ""

    @staticmethod
    def resolve_capacity(event):
        return event.capacity if event.has_venue else None

    @staticmethod
    def resolve_url(event):
        return absolute("events:detail", slug=event.slug)

    @staticmethod
    def resolve_calendar_url(event):
        return absolute("events:ics", slug=event.slug)


# --- laureates ------------------------------------------------------------------------------------------------


class LaureateOut(Schema):
    edition: EditionRef
    territory: TerritoryOut
    region: RegionOut | None
    level: Level | None
    title: str | None = Field(description=_("Titre du projet ; null sans l'accord de publication de la collectivité."))
    summary: str | None = Field(description=_("Résumé du projet ; null sans l'accord de publication."))
    project_url: str | None = Field(description=_("Page publique du projet, quand elle est publiée."))

    @staticmethod
    def resolve_edition(candidature):
        edition = candidature.edition
        return {"slug": edition.slug, "name": edition.name, "year": edition.year}

    @staticmethod
    def resolve_territory(candidature):
        return territory_of(candidature)

    @staticmethod
    def resolve_level(candidature):
        return candidature.outcome_level or None

    @staticmethod
    def resolve_title(candidature):
        return candidature.public_title or None

    @staticmethod
    def resolve_summary(candidature):
        return candidature.public_summary or None

    @staticmethod
    def resolve_project_url(candidature):
        slug = candidature.public_project_slug
        return absolute("showcase:project", slug=slug) if slug else None


class ErrorOut(Schema):
    detail: str
