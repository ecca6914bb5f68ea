"""A small public dataset for the API and the feeds: editions, published projects, laureates and events."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from events.models import Event, Region
from label.models import Document, Level, Milestone, Status, TerritoryKind, Theme
from showcase import search
from showcase.models import ProjectProfile, PublishedProject
from tests.events.factories import EventFactory, RegistrationFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory

PARIS = ZoneInfo("Europe/Paris")
# The clock of every test of the API: the 2031 edition is closed, its results published.
NOW = datetime(2031, 9, 1, 12, 0, tzinfo=PARIS)


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


def edition_2031(**fields):
    edition = EditionFactory(
        name="Label Territoire Innovant 2031",
        slug="lti-2031",
        year=2031,
        code="HDF",
        tagline="Comment opérer une ville durable et intelligente ?",
        opens_at=paris(2031, 3, 1, 9, 0),
        closes_at=paris(2031, 6, 20, 0, 0),
        rules_url="https://label.example/reglement-2031.pdf",
        **fields,
    )
    CriterionFactory(
        edition=edition,
        code="innovation",
        name="Innovation",
        guidance="Ce qui est nouveau.",
        weight=Decimal("30"),
        order=1,
        eliminatory_threshold=Decimal("1.5"),
    )
    CriterionFactory(edition=edition, code="usagers", name="Usagers", guidance="", weight=Decimal("20"), order=2)
    Milestone.objects.create(
        edition=edition, title="Clôture", starts_at=paris(2031, 6, 20, 0, 0), detail="Avant minuit", url=""
    )
    Milestone.objects.create(
        edition=edition,
        title="Auditions",
        starts_at=paris(2031, 6, 23, 14, 0),
        ends_at=paris(2031, 6, 23, 17, 0),
        url="https://label.example/auditions",
    )
    return edition


def edition_2030(**fields):
    defaults = {
        "slug": "lti-2030",
        "year": 2030,
        "name": "Label Territoire Innovant 2030",
        "opens_at": paris(2030, 3, 1, 9, 0),
        "closes_at": paris(2030, 6, 20, 0, 0),
    }
    return EditionFactory(**(defaults | fields))


def laureate(edition, level=Level.GOLD, consent=True, **fields):
    """A laureate whose results are published (its status says so), with or without the publication consent."""
    return CandidatureFactory(
        edition=edition, status=Status.LAUREATE, outcome_level=level, consent_publication=consent, **fields
    )


def publish(candidature, slug, published_at, distinction=PublishedProject.Distinction.LAUREATE, theme=None, **fields):
    """The project page of ``candidature``, as an organiser's approval leaves it: profile approved, copy published."""
    texts = {"title": candidature.project_title, "summary": candidature.summary, **fields}
    profile = ProjectProfile.objects.create(
        candidature=candidature, slug=slug, status=ProjectProfile.Status.APPROVED, **texts
    )
    project = PublishedProject.objects.create(
        profile=profile,
        candidature=candidature,
        slug=slug,
        edition=candidature.edition,
        year=candidature.edition.year,
        region=candidature.region,
        territory_name=candidature.territory_name,
        territory_kind=candidature.territory_kind,
        level=candidature.outcome_level,
        distinction=distinction,
        theme=theme,
        published_at=published_at,
        **texts,
    )
    search.refresh(project)
    return project


def document(candidature, name="Bilan 2031.pdf", kind="presentation"):
    return Document.objects.create(
        candidature=candidature,
        kind=kind,
        file=f"documents/{name}",
        original_name=name,
        size=48213,
        content_type="application/pdf",
    )


def projects(count, edition=None, start=None):
    """``count`` public projects of the edition, published a day apart (the last one newest)."""
    edition = edition or EditionFactory(year=2031)
    start = start or paris(2031, 7, 1, 10, 0)
    return [
        publish(laureate(edition), f"projet-{edition.pk}-{index}", start + timedelta(days=index))
        for index in range(count)
    ]


def catalogue_dataset():
    """Projects spread over years, regions, levels, kinds of territory, themes and distinctions."""
    edition, older = edition_2031(), edition_2030()
    brittany = Region.objects.get(code="53")
    mobility, data = Theme.objects.order_by("order")[:2]
    commune, metropolis, agglo = TerritoryKind.COMMUNE, TerritoryKind.METROPOLIS, TerritoryKind.INTERCOMMUNALITY
    rows = [
        (edition, "lille", "Lille", commune, None, Level.GOLD, "Éclairage public intelligent", mobility),
        (edition, "rennes", "Rennes Métropole", metropolis, brittany, Level.SILVER, "Données ouvertes", data),
        (edition, "roubaix", "Roubaix", commune, None, Level.BRONZE, "Éclairage des écoles", data),
        (older, "brest", "Brest", commune, brittany, Level.GOLD, "Bus à la demande", mobility),
        (older, "douai", "Douaisis Agglo", agglo, None, Level.SILVER, "Cantines", None),
    ]
    published = []
    for day, (year_edition, slug, territory, kind, region, level, title, theme) in enumerate(rows):
        candidature = laureate(
            year_edition,
            level=level,
            territory_name=territory,
            territory_kind=kind,
            project_title=title,
            summary=f"{title} : ce que {territory} a fait.",
            **({"region": region} if region else {}),
        )
        published.append(publish(candidature, slug, paris(2031, 7, 1 + day, 10, 0), theme=theme))
    shortlisted = CandidatureFactory(
        edition=edition,
        status=Status.NOT_RETAINED,
        consent_publication=True,
        territory_name="Tourcoing",
        summary="Une lumière partagée.",
    )
    published.append(
        publish(
            shortlisted,
            "tourcoing",
            paris(2031, 7, 10, 10, 0),
            distinction=PublishedProject.Distinction.SHORTLISTED,
            title="Éclairage partagé",
        )
    )
    return published


def event(slug, starts_at, **fields):
    return EventFactory(slug=slug, title=f"Rencontre {slug}", starts_at=starts_at, **fields)


def events_dataset():
    """Two past and two upcoming published events (one online, one on site only), one unpublished, registrants."""
    past = event("dunkerque-2031", paris(2031, 6, 30, 9, 30), ends_at=paris(2031, 6, 30, 17, 0), theme="Ville durable")
    event("lille-2031", paris(2031, 5, 12, 9, 0), ends_at=paris(2031, 5, 12, 12, 0), mode=Event.Mode.ON_SITE)
    online = event(
        "webinaire-2031",
        paris(2031, 10, 2, 14, 0),
        ends_at=paris(2031, 10, 2, 16, 0),
        mode=Event.Mode.ONLINE,
        venue="",
        address="",
        city="",
        registration_closes_at=paris(2031, 10, 1, 12, 0),
    )
    forum = event(
        "forum-2032",
        paris(2032, 2, 3, 9, 0),
        ends_at=paris(2032, 2, 4, 18, 0),
        kind=Event.Kind.NATIONAL_FORUM,
        region=Region.objects.get(code="11"),
        city="Paris",
        venue="Cité des sciences",
        address="30 avenue Corentin-Cariou",
        capacity=300,
        registration_opens_at=paris(2031, 11, 1, 9, 0),
    )
    event("brouillon-2032", paris(2032, 3, 1, 9, 0), ends_at=paris(2032, 3, 1, 12, 0), published=False)
    RegistrationFactory(event=forum, email="inscrite@commune.example", full_name="Inès Inscrite")
    RegistrationFactory(event=past, email="venu@commune.example", full_name="Victor Venu")
    return {"past": past, "online": online, "forum": forum}
