"""The read API: what each endpoint returns, that it is what the public pages show, the rules all answers share."""

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse
from openapi_spec_validator import validate

from label.models import Level, Status, TerritoryKind, Theme
from showcase.models import ProjectProfile, PublishedProject
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory

from . import data
from .data import paris

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def stopped_clock(clock):
    clock.set(data.NOW)


def site(path):
    return settings.SITE_URL + path


def answer(url, client=None, **params):
    response = (client or Client()).get(url, params)
    return response.status_code, response.json()


def page(results, count=None, next=None, previous=None):
    return {"count": len(results) if count is None else count, "next": next, "previous": previous, "results": results}


NOT_FOUND = (404, {"detail": "Introuvable."})
HAUTS_DE_FRANCE = {"code": "32", "name": "Hauts-de-France"}
BRITTANY = {"code": "53", "name": "Bretagne"}
EDITION_2031 = {"slug": "lti-2031", "name": "Label Territoire Innovant 2031", "year": 2031}
EDITION_2030 = {"slug": "lti-2030", "name": "Label Territoire Innovant 2030", "year": 2030}


def test_the_index_links_every_list_the_schema_and_the_documentation():
    assert answer("/api/v1/") == (
        200,
        {
            "editions": site("/api/v1/editions/"),
            "projects": site("/api/v1/projects/"),
            "events": site("/api/v1/events/"),
            "laureates": site("/api/v1/laureates/"),
            "openapi": site("/api/v1/openapi.json"),
            "docs": site("/api/v1/docs"),
        },
    )


# --- editions -------------------------------------------------------------------------------------------------


def test_the_published_editions_come_with_their_criteria_and_milestones_in_paris_time():
    data.edition_2031()
    data.edition_2030()
    EditionFactory(slug="en-preparation", published=False)
    edition_2031 = {
        **EDITION_2031,
        "code": "HDF",
        "tagline": "Comment opérer une ville durable et intelligente ?",
        "opens_at": "2031-03-01T09:00:00+01:00",
        "closes_at": "2031-06-20T00:00:00+02:00",
        "rules_url": "https://label.example/reglement-2031.pdf",
        "url": site("/label/lti-2031/"),
        "laureates_url": site("/laureats/lti-2031/"),
        "criteria": [
            {
                "code": "innovation",
                "name": "Innovation",
                "guidance": "Ce qui est nouveau.",
                "weight": 30.0,
                "scale_min": 0,
                "scale_max": 5,
                "eliminatory_threshold": 1.5,
            },
            {
                "code": "usagers",
                "name": "Usagers",
                "guidance": "",
                "weight": 20.0,
                "scale_min": 0,
                "scale_max": 5,
                "eliminatory_threshold": None,
            },
        ],
        "milestones": [
            {
                "title": "Clôture",
                "detail": "Avant minuit",
                "starts_at": "2031-06-20T00:00:00+02:00",
                "ends_at": None,
                "url": "",
            },
            {
                "title": "Auditions",
                "detail": "",
                "starts_at": "2031-06-23T14:00:00+02:00",
                "ends_at": "2031-06-23T17:00:00+02:00",
                "url": "https://label.example/auditions",
            },
        ],
    }
    edition_2030 = {
        **EDITION_2030,
        "code": "",
        "tagline": "",
        "opens_at": "2030-03-01T09:00:00+01:00",
        "closes_at": "2030-06-20T00:00:00+02:00",
        "rules_url": "",
        "url": site("/label/lti-2030/"),
        "laureates_url": site("/laureats/lti-2030/"),
        "criteria": [],
        "milestones": [],
    }

    assert answer("/api/v1/editions/") == (200, page([edition_2031, edition_2030]))
    assert answer("/api/v1/editions/lti-2031/") == (200, edition_2031)
    assert answer("/api/v1/editions/en-preparation/") == NOT_FOUND


# --- projects -------------------------------------------------------------------------------------------------


def route_or_none(name, *args):
    """The address of a page the showcase may not serve yet (its documents)."""
    try:
        return site(reverse(name, args=args))
    except NoReverseMatch:
        return None


def test_a_project_reads_as_its_public_page_and_the_list_gives_its_summary():
    edition = data.edition_2031()
    candidature = data.laureate(
        edition, territory_name="Lille", project_title="Éclairage public intelligent", summary="Des rues sûres."
    )
    shown = data.document(candidature, "Bilan 2031.pdf")
    data.document(candidature, "Budget interne.pdf")
    project = data.publish(
        candidature,
        "lille-eclairage",
        paris(2031, 7, 1, 10, 0),
        theme=Theme.objects.get(slug="energie"),
        inhabitants="Des rues éclairées quand on y passe.",
        results="40 % d'énergie en moins.",
        cost="120 000 € HT",
        funding="Ville, Région",
        licences="EUPL 1.2",
        data_needed="Le plan des rues",
        skills="Un électricien",
        partners="Enedis",
        website="https://lille.example/eclairage",
        contact_name="Claire Martin",
        contact_role="Cheffe de projet",
        contact_email="eclairage@lille.example",
        contact_phone="03 20 00 00 00",
    )
    project.documents.set([shown])
    summary = {
        "slug": "lille-eclairage",
        "title": "Éclairage public intelligent",
        "summary": "Des rues sûres.",
        "territory": {"name": "Lille", "kind": "commune"},
        "region": HAUTS_DE_FRANCE,
        "edition": EDITION_2031,
        "level": "gold",
        "distinction": "laureate",
        "theme": {"slug": "energie", "name": "Énergie et climat"},
        "published_at": "2031-07-01T10:00:00+02:00",
        "updated_at": "2031-09-01T12:00:00+02:00",
        "url": site("/projets/lille-eclairage/"),
        "badge_url": site("/projets/lille-eclairage/badge.svg"),
    }

    assert answer("/api/v1/projects/") == (200, page([summary]))
    assert answer("/api/v1/projects/lille-eclairage/") == (
        200,
        {
            **summary,
            "inhabitants": "Des rues éclairées quand on y passe.",
            "results": "40 % d'énergie en moins.",
            "cost": "120 000 € HT",
            "funding": "Ville, Région",
            "licences": "EUPL 1.2",
            "data_needed": "Le plan des rues",
            "skills": "Un électricien",
            "partners": "Enedis",
            "website": "https://lille.example/eclairage",
            "contact": {
                "name": "Claire Martin",
                "role": "Cheffe de projet",
                "email": "eclairage@lille.example",
                "phone": "03 20 00 00 00",
            },
            "documents": [
                {
                    "name": "Bilan 2031.pdf",
                    "kind": "presentation",
                    "content_type": "application/pdf",
                    "size": 48213,
                    "url": route_or_none("showcase:document", "lille-eclairage", shown.pk),
                }
            ],
        },
    )


def test_a_project_without_a_published_contact_has_none_and_one_without_level_or_theme_says_null():
    shortlisted = CandidatureFactory(edition=data.edition_2031(), status=Status.NOT_RETAINED, consent_publication=True)
    data.publish(shortlisted, "presel", paris(2031, 7, 2, 9, 0), distinction=PublishedProject.Distinction.SHORTLISTED)

    status, body = answer("/api/v1/projects/presel/")

    assert (status, body["level"], body["theme"], body["distinction"], body["contact"], body["documents"]) == (
        200,
        None,
        None,
        "shortlisted",
        None,
        [],
    )


def catalogue_slugs(params):
    response = Client().get(reverse("showcase:catalogue"), params)
    assert response.status_code == 200
    return [project.slug for project in response.context["page"].object_list]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"annee": "2031"},
        {"region": "53"},
        {"niveau": "gold"},
        {"type": "commune", "niveau": "bronze"},
        {"theme": "donnees"},
        {"distinction": "shortlisted"},
        {"q": "éclairage"},
        {"q": "eclairage", "annee": "2031", "region": "32"},
    ],
)
def test_the_api_lists_the_projects_of_the_catalogue_in_its_order(params):
    data.catalogue_dataset()

    status, body = answer("/api/v1/projects/", **params)

    expected = catalogue_slugs(params)
    assert (status, [project["slug"] for project in body["results"]], body["count"]) == (200, expected, len(expected))
    assert expected


def test_the_filters_select_what_they_name():
    data.catalogue_dataset()

    def slugs(**params):
        return [project["slug"] for project in answer("/api/v1/projects/", **params)[1]["results"]]

    assert [
        slugs(),
        slugs(annee=2030),
        slugs(region="53"),
        slugs(type="commune", niveau="bronze"),
        slugs(distinction="shortlisted"),
        sorted(slugs(q="éclairage")),
    ] == [
        ["tourcoing", "roubaix", "rennes", "lille", "douai", "brest"],
        ["douai", "brest"],
        ["rennes", "brest"],
        ["roubaix"],
        ["tourcoing"],
        ["lille", "roubaix", "tourcoing"],
    ]


def test_a_filter_outside_its_choices_is_refused_in_json():
    status, body = answer("/api/v1/projects/", niveau="platine")

    assert (status, [error["loc"] for error in body["detail"]]) == (422, [["query", "niveau"]])


def test_nothing_personal_and_nothing_unpublished_is_given():
    edition = data.edition_2031()
    public = data.laureate(edition, territory_name="Lille", description="Le dossier complet, jamais publié.")
    data.document(public, "Budget interne.pdf")
    data.publish(public, "lille", paris(2031, 7, 1, 10, 0))
    withdrawn = data.laureate(edition, territory_name="Roubaix")
    data.publish(withdrawn, "roubaix", paris(2031, 7, 2, 10, 0))
    withdrawn.consent_publication = False
    withdrawn.save()
    draft = data.laureate(edition, territory_name="Tourcoing")
    ProjectProfile.objects.create(candidature=draft, slug="tourcoing", title="Brouillon", summary="Pas encore relu.")

    listed = Client().get("/api/v1/projects/")
    detail = Client().get("/api/v1/projects/lille/")
    laureates = Client().get("/api/v1/laureates/")

    assert [project["slug"] for project in listed.json()["results"]] == ["lille"]
    assert answer("/api/v1/projects/roubaix/") == NOT_FOUND
    assert answer("/api/v1/projects/tourcoing/") == NOT_FOUND
    everything = b"".join(response.content for response in (listed, detail, laureates)).decode()
    private = [
        public.owner.email,
        public.contact_email,
        public.contact_name,
        "Le dossier complet",
        "Budget interne",
        public.reference or "LTI-",
        withdrawn.owner.email,
        draft.owner.email,
        "Pas encore relu",
    ]
    assert [value for value in private if value in everything] == []


# --- events ---------------------------------------------------------------------------------------------------


def test_the_published_events_past_and_upcoming_without_their_registrations():
    data.events_dataset()

    def meeting(slug, **fields):
        return {
            "slug": slug,
            "kind": "regional_meeting",
            "title": f"Rencontre {slug}",
            "theme": "",
            "region": HAUTS_DE_FRANCE,
            "mode": "hybrid",
            "city": "Dunkerque",
            "venue": "Halle aux sucres",
            "address": "9003 route du Quai Freycinet 3, 59140 Dunkerque",
            "broadcast_url": f"https://webtv.label.example/{slug}",
            "registration_opens_at": None,
            "registration_closes_at": None,
            "capacity": None,
            "description": "",
            "url": site(f"/evenements/{slug}/"),
            "calendar_url": site(f"/evenements/{slug}/calendrier.ics"),
            **fields,
        }

    forum = meeting(
        "forum-2032",
        kind="national_forum",
        region={"code": "11", "name": "Île-de-France"},
        city="Paris",
        venue="Cité des sciences",
        address="30 avenue Corentin-Cariou",
        starts_at="2032-02-03T09:00:00+01:00",
        ends_at="2032-02-04T18:00:00+01:00",
        registration_opens_at="2031-11-01T09:00:00+01:00",
        capacity=300,
    )
    expected = [
        meeting(
            "lille-2031",
            mode="on_site",
            starts_at="2031-05-12T09:00:00+02:00",
            ends_at="2031-05-12T12:00:00+02:00",
            broadcast_url="",
        ),
        meeting(
            "dunkerque-2031",
            theme="Ville durable",
            starts_at="2031-06-30T09:30:00+02:00",
            ends_at="2031-06-30T17:00:00+02:00",
        ),
        meeting(
            "webinaire-2031",
            mode="online",
            city="",
            venue="",
            address="",
            starts_at="2031-10-02T14:00:00+02:00",
            ends_at="2031-10-02T16:00:00+02:00",
            registration_closes_at="2031-10-01T12:00:00+02:00",
        ),
        forum,
    ]

    listed = Client().get("/api/v1/events/")
    assert (listed.status_code, listed.json()) == (200, page(expected))
    assert answer("/api/v1/events/forum-2032/") == (200, forum)
    assert answer("/api/v1/events/brouillon-2032/") == NOT_FOUND
    assert answer("/api/v1/events/", kind="national_forum", region="11") == (200, page([forum]))
    assert [name for name in ("inscrite@commune.example", "Inès", "Victor") if name in listed.content.decode()] == []


# --- laureates ------------------------------------------------------------------------------------------------


def test_the_laureates_of_published_editions_with_their_project_only_by_consent():
    edition, older = data.edition_2031(), data.edition_2030()
    gold = data.laureate(edition, territory_name="Lille", project_title="Éclairage", summary="Des rues sûres.")
    data.publish(gold, "lille", paris(2031, 7, 1, 10, 0))
    data.laureate(edition, level=Level.SILVER, consent=False, territory_name="Arras", project_title="Secret")
    data.laureate(edition, level=Level.BRONZE, territory_name="Amiens", project_title="Bus", summary="À la demande.")
    data.laureate(older, territory_name="Brest", territory_kind=TerritoryKind.COMMUNE, project_title="Cantines")
    CandidatureFactory(edition=edition, status=Status.NOT_RETAINED, consent_publication=True)
    CandidatureFactory(edition=edition, status=Status.SHORTLISTED, staged_transition="laureate", staged_level="gold")
    data.laureate(EditionFactory(published=False), territory_name="Cachée")

    def laureate(edition, name, level, title, summary, project_url=None):
        return {
            "edition": edition,
            "territory": {"name": name, "kind": "commune"},
            "region": HAUTS_DE_FRANCE,
            "level": level,
            "title": title,
            "summary": summary,
            "project_url": project_url,
        }

    of_2031 = [
        laureate(EDITION_2031, "Lille", "gold", "Éclairage", "Des rues sûres.", site("/projets/lille/")),
        laureate(EDITION_2031, "Arras", "silver", None, None),
        laureate(EDITION_2031, "Amiens", "bronze", "Bus", "À la demande."),
    ]
    of_2030 = [laureate(EDITION_2030, "Brest", "gold", "Cantines", "Un éclairage qui s'adapte aux passages.")]

    assert answer("/api/v1/laureates/") == (200, page(of_2031 + of_2030))
    assert answer("/api/v1/laureates/", edition="lti-2030") == (200, page(of_2030))
    assert answer("/api/v1/laureates/", edition="inconnue") == NOT_FOUND


# --- pages, validators, CORS, limits, errors ------------------------------------------------------------------


def test_lists_come_in_pages_linked_to_each_other_with_the_filters_kept():
    data.projects(5)
    base = site("/api/v1/projects/?annee=2031")

    def slugs_and_links(**params):
        body = answer("/api/v1/projects/", annee=2031, **params)[1]
        return [project["slug"][-1] for project in body["results"]], body["count"], body["previous"], body["next"]

    assert [
        slugs_and_links(limit=2),
        slugs_and_links(limit=2, offset=2),
        slugs_and_links(limit=2, offset=3),
        slugs_and_links(limit=2, offset=4),
        slugs_and_links(offset=9),
    ] == [
        (["4", "3"], 5, None, f"{base}&limit=2&offset=2"),
        (["2", "1"], 5, f"{base}&limit=2", f"{base}&limit=2&offset=4"),
        (["1", "0"], 5, f"{base}&limit=2&offset=1", None),
        (["0"], 5, f"{base}&limit=2&offset=2", None),
        ([], 5, f"{base}&limit=20", None),
    ]
    assert answer("/api/v1/projects/", limit=101)[0] == 422
    assert answer("/api/v1/projects/", limit=100)[0] == 200


def test_an_unchanged_answer_is_not_sent_again(user):
    data.projects(2)
    anonymous = Client()
    first = anonymous.get("/api/v1/projects/")
    again = anonymous.get("/api/v1/projects/", headers={"if-none-match": first["ETag"]})

    signed_in = Client()
    signed_in.force_login(user)
    own = signed_in.get("/api/v1/projects/")
    own_again = signed_in.get("/api/v1/projects/", headers={"if-none-match": own["ETag"]})

    assert [first.status_code, again.status_code, own.status_code, own_again.status_code] == [200, 304, 200, 304]
    assert [first.has_header("Last-Modified"), again.content, own_again.content] == [True, b"", b""]
    assert own["ETag"] == first["ETag"]


def test_any_site_may_read_the_api_from_a_browser_and_only_the_api():
    client = Client()
    read = client.get("/api/v1/editions/")
    head = client.head("/api/v1/editions/")
    preflight = client.options(
        "/api/v1/editions/", headers={"origin": "https://ailleurs.example", "access-control-request-method": "GET"}
    )
    write = client.post("/api/v1/editions/", {}, headers={"origin": "https://ailleurs.example"})
    page_of_the_site = client.get(reverse("events:list"))

    assert [
        (read.status_code, read.get("Access-Control-Allow-Origin")),
        (head.status_code, head.get("Access-Control-Allow-Origin"), head.content),
        (preflight.status_code, preflight["Access-Control-Allow-Origin"], preflight["Access-Control-Allow-Methods"]),
        (write.status_code, write.get("Access-Control-Allow-Origin"), write.json(), write["Allow"]),
        (page_of_the_site.status_code, page_of_the_site.get("Access-Control-Allow-Origin")),
    ] == [
        (200, "*"),
        (200, "*", b""),
        (204, "*", "GET, HEAD, OPTIONS"),
        (405, None, {"detail": "Méthode non permise : l'API se lit seulement (GET)."}, "GET"),
        (200, None),
    ]


def test_an_address_asking_too_often_waits_and_the_others_do_not(settings):
    settings.API_RATE_LIMIT = 3
    one, other = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")

    statuses = [one.get("/api/v1/events/").status_code for _ in range(4)]
    refused = one.get("/api/v1/editions/")

    assert statuses == [200, 200, 200, 429]
    assert (refused.status_code, refused["Retry-After"], refused.json(), refused["Access-Control-Allow-Origin"]) == (
        429,
        "60",
        {"detail": "Trop de requêtes depuis cette adresse : réessayez dans une minute."},
        "*",
    )
    assert other.get("/api/v1/events/").status_code == 200


def test_errors_are_json():
    assert answer("/api/v1/inconnu/") == NOT_FOUND
    assert answer("/api/v1/projects/inconnu/") == NOT_FOUND


# --- the schema and its documentation -------------------------------------------------------------------------


def test_the_schema_is_valid_openapi_and_documents_every_endpoint():
    response = Client().get("/api/v1/openapi.json")
    schema = response.json()

    validate(schema)
    operations = {
        (path, method): (operation["operationId"], bool(operation.get("summary")), "200" in operation["responses"])
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert operations == {
        ("/api/v1/", "get"): ("index", True, True),
        ("/api/v1/editions/", "get"): ("list_editions", True, True),
        ("/api/v1/editions/{slug}/", "get"): ("get_edition", True, True),
        ("/api/v1/projects/", "get"): ("list_projects", True, True),
        ("/api/v1/projects/{slug}/", "get"): ("get_project", True, True),
        ("/api/v1/events/", "get"): ("list_events", True, True),
        ("/api/v1/events/{slug}/", "get"): ("get_event", True, True),
        ("/api/v1/laureates/", "get"): ("list_laureates", True, True),
    }
    project_filters = [parameter["name"] for parameter in schema["paths"]["/api/v1/projects/"]["get"]["parameters"]]
    assert project_filters == ["q", "annee", "region", "niveau", "type", "theme", "distinction", "limit", "offset"]
    assert schema["info"]["title"] == "API du Label Territoire Innovant"


def test_the_documentation_runs_from_the_site_s_own_files_without_inline_script():
    response = Client().get("/api/v1/docs")
    html = response.content.decode()
    scripts = [tag.split(">", 1)[0] for tag in html.split("<script")[1:]]

    assert response.status_code == 200
    assert [tag for tag in scripts if "src=" not in tag and 'type="application/json"' not in tag] == []
    assert json.loads(html.split('id="swagger-settings" type="application/json">')[1].split("</script>")[0]) == {
        "layout": "BaseLayout",
        "deepLinking": False,
        "validatorUrl": None,
        "defaultModelsExpandDepth": 0,
        "url": "/api/v1/openapi.json",
    }
    for asset in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css", "api/docs.css"):
        assert Client().get(f"/static/{asset}").status_code == 200, asset
    assert "https://" not in "".join(scripts)


# --- cost -----------------------------------------------------------------------------------------------------


def rows(edition, start, count):
    """``count`` laureates of ``edition`` (one in three without consent), each with its page and two documents,
    and as many events."""
    for index in range(start, start + count):
        candidature = data.laureate(edition, consent=index % 3 != 2, project_title="Éclairage")
        project = data.publish(candidature, f"projet-{index}", paris(2031, 7, 1, 10, 0), theme=Theme.objects.first())
        project.documents.set([data.document(candidature), data.document(candidature, "Photo.pdf")])
        data.event(f"rencontre-{index}", paris(2031, 10, 1 + index, 9, 0), ends_at=paris(2031, 10, 1 + index, 12, 0))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/editions/",
        "/api/v1/editions/lti-2031/",
        "/api/v1/projects/",
        "/api/v1/projects/?q=eclairage&annee=2031",
        "/api/v1/projects/projet-0/",
        "/api/v1/events/",
        "/api/v1/events/rencontre-0/",
        "/api/v1/laureates/",
        "/api/v1/laureates/?edition=lti-2031",
    ],
)
def test_each_endpoint_costs_the_same_queries_for_one_row_and_many(url, client, count_queries):
    edition = data.edition_2031()
    rows(edition, 0, 1)
    one = count_queries(client, url)
    rows(edition, 1, 5)
    rows(data.edition_2030(), 6, 5)
    first = PublishedProject.objects.get(slug="projet-0")
    first.documents.add(*(data.document(first.candidature, f"Annexe {index}.pdf") for index in range(3)))
    CriterionFactory.create_batch(3, edition=edition)

    assert count_queries(client, url) == one
