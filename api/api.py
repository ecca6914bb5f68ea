"""The read API, ``/api/v1/``: the editions, the catalogue of projects, the events and the laureates, as the public
pages show them.

django-ninja builds the OpenAPI schema from the type hints of these functions and of ``api.schemas``; the
middleware (``api.middleware``) adds what every answer shares: the rate limit, CORS and the validators.
"""

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, NinjaAPI, Query, Schema
from ninja.pagination import paginate

from events.models import Event
from label.models import Candidature, Edition, Level, TerritoryKind
from label.queries import ordered_laureates
from showcase import catalogue
from showcase.models import PublishedProject

from .docs import SiteDocs
from .pagination import Pages
from .schemas import EditionOut, ErrorOut, EventOut, LaureateOut, ProjectDetailOut, ProjectOut, absolute

api = NinjaAPI(
    title=_("API du Label Territoire Innovant"),
    version="1",
    description=_(
        "Les données publiques du label, en lecture seule : les éditions et leurs critères, les projets "
        "labellisés, les événements et les lauréats. Sans authentification, en JSON, par pages ; un nombre de "
        "requêtes limité par minute et par adresse. Données sous Licence Ouverte 2.0 (Etalab)."
    ),
    urls_namespace="api",
    docs=SiteDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)

NOT_FOUND = {404: ErrorOut}
EDITIONS, PROJECTS, EVENTS, LAUREATES = _("Éditions"), _("Projets"), _("Événements"), _("Lauréats")


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(_("Introuvable."))}, status=404)


class Index(Schema):
    editions: str
    projects: str
    events: str
    laureates: str
    openapi: str
    docs: str


@api.get(
    "/",
    response=Index,
    url_name="index",
    operation_id="index",
    tags=[_("Sommaire")],
    summary=_("Les points d'entrée de l'API"),
)
def index(request):
    lists = {name: absolute(f"api:{name}") for name in ("editions", "projects", "events", "laureates")}
    return lists | {"openapi": absolute("api:openapi-json"), "docs": absolute("api:openapi-view")}


# --- editions -------------------------------------------------------------------------------------------------


def published_editions():
    return Edition.objects.filter(published=True).prefetch_related("criteria", "milestones")


@api.get(
    "/editions/",
    response=list[EditionOut],
    url_name="editions",
    operation_id="list_editions",
    tags=[EDITIONS],
    summary=_("Les éditions du label"),
    description=_("Les appels publiés, du plus récent au plus ancien, avec leurs critères et leur calendrier."),
)
@paginate(Pages)
def editions(request):
    return published_editions()


@api.get(
    "/editions/{slug}/",
    response={200: EditionOut, **NOT_FOUND},
    url_name="edition",
    operation_id="get_edition",
    tags=[EDITIONS],
    summary=_("Une édition"),
)
def edition(request, slug: str):
    return get_object_or_404(published_editions(), slug=slug)


# --- projects -------------------------------------------------------------------------------------------------


class ProjectFilters(Schema):
    """The catalogue's filters, under the names of the catalogue page's address."""

    q: str = Field(
        "",
        max_length=catalogue.SEARCH_MAX_LENGTH,
        description=_("Recherche dans le titre, le résumé, la collectivité et le contenu du projet."),
    )
    annee: int | None = Field(None, description=_("Année de l'édition."))
    region: str = Field("", description=_("Code officiel de la région (ex. 32 : Hauts-de-France)."))
    niveau: Level | None = Field(None, description=_("Niveau du label."))
    type: TerritoryKind | None = Field(None, description=_("Type de collectivité."))
    theme: str = Field("", description=_("Identifiant du thème."))
    distinction: PublishedProject.Distinction | None = Field(None, description=_("Lauréat ou présélectionné."))


@api.get(
    "/projects/",
    response=list[ProjectOut],
    url_name="projects",
    operation_id="list_projects",
    tags=[PROJECTS],
    summary=_("Le catalogue des projets"),
    description=_(
        "Les projets publiés, dans l'ordre et avec les filtres du catalogue (/projets/) : la même adresse avec "
        "les mêmes paramètres donne les mêmes projets."
    ),
)
@paginate(Pages)
def projects(request, filters: Query[ProjectFilters]):
    params = {name: str(value) for name, value in filters.model_dump().items() if value not in (None, "")}
    _form, selected = catalogue.filtered(params)
    return selected


@api.get(
    "/projects/{slug}/",
    response={200: ProjectDetailOut, **NOT_FOUND},
    url_name="project",
    operation_id="get_project",
    tags=[PROJECTS],
    summary=_("Un projet"),
    description=_("Ce que dit la page publique du projet."),
)
def project(request, slug: str):
    return get_object_or_404(catalogue.public_projects().prefetch_related("documents"), slug=slug)


# --- events ---------------------------------------------------------------------------------------------------


class EventFilters(Schema):
    region: str = Field("", description=_("Code officiel de la région."))
    kind: Event.Kind | None = Field(None, description=_("Type d'événement."))


@api.get(
    "/events/",
    response=list[EventOut],
    url_name="events",
    operation_id="list_events",
    tags=[EVENTS],
    summary=_("Les événements"),
    description=_("Les événements publiés, passés et à venir, du plus ancien au plus récent."),
)
@paginate(Pages)
def events(request, filters: Query[EventFilters]):
    queryset = Event.objects.published().select_related("region").order_by("starts_at", "pk")
    if filters.region:
        queryset = queryset.filter(region__code=filters.region)
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return queryset


@api.get(
    "/events/{slug}/",
    response={200: EventOut, **NOT_FOUND},
    url_name="event",
    operation_id="get_event",
    tags=[EVENTS],
    summary=_("Un événement"),
)
def event(request, slug: str):
    return get_object_or_404(Event.objects.published().select_related("region"), slug=slug)


# --- laureates ------------------------------------------------------------------------------------------------


@api.get(
    "/laureates/",
    response=list[LaureateOut],
    url_name="laureates",
    operation_id="list_laureates",
    tags=[LAUREATES],
    summary=_("Les lauréats"),
    description=_(
        "Les collectivités lauréates des éditions publiées, de la plus récente à la plus ancienne, puis Or, "
        "Argent et Bronze ; le titre et le résumé du projet seulement avec l'accord de publication."
    ),
)
@paginate(Pages)
def laureates(
    request, edition: str = Query("", description=_("Identifiant de l'édition ; toutes les éditions sinon."))
):
    candidatures = Candidature.objects.filter(edition__published=True)
    if edition:
        candidatures = candidatures.filter(edition=get_object_or_404(Edition, published=True, slug=edition))
    public_project = catalogue.public_projects().filter(candidature=OuterRef("pk")).values("slug")[:1]
    return (
        ordered_laureates(candidatures)
        .select_related("edition")
        .annotate(public_project_slug=Subquery(public_project))
        .order_by("-edition__year", "-edition__opens_at", "edition_id", "level_order", "territory_name", "pk")
    )
