"""The error pages: the site's layout, the visitor's language, what happened and where to go; the 500 page even
when the database is down."""

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.test import Client
from lxml import html

from tests.factories import UserFactory
from tests.jury.factories import JuryMemberFactory

pytestmark = pytest.mark.django_db

SUFFIX = " — Label Territoire Innovant"


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


def page(response):
    """(status, <html lang>, <title>, <h1>, the addresses of the "where to go" list) of an error page."""
    tree = html.fromstring(response.content)
    return (
        response.status_code,
        tree.get("lang"),
        tree.findtext(".//title"),
        tree.xpath("normalize-space(//h1)"),
        tree.xpath("//ul[@class='where-to-go']//a/@href"),
    )


def in_english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def in_the_layout(response):
    """The site's own page: its stylesheet, its header and its footer."""
    text = response.content.decode()
    return all(part in text for part in ("/static/css/app.css", 'id="menu-principal"', 'class="site-footer'))


PUBLIC_LINKS = ["/", "/evenements/"]


def test_a_missing_page_says_so_in_french_and_where_to_go(client):
    response = client.get("/nulle-part/")
    assert page(response) == (404, "fr", "Page introuvable" + SUFFIX, "Page introuvable", PUBLIC_LINKS)
    assert in_the_layout(response)
    assert "L'adresse demandée ne correspond à aucune page du site" in response.content.decode()


def test_a_missing_page_in_the_visitors_language(client):
    response = in_english(client).get("/nulle-part/")
    assert page(response) == (404, "en", "Page not found — Label Territoire Innovant", "Page not found", PUBLIC_LINKS)
    assert in_the_layout(response)
    assert "The address asked for matches no page of the site" in response.content.decode()


def test_a_signed_in_candidate_is_offered_their_candidatures(client):
    client.force_login(UserFactory())
    response = client.get("/nulle-part/")
    assert page(response)[4] == [*PUBLIC_LINKS, "/mes-candidatures/"]


def test_a_juror_opening_the_ranking_gets_the_styled_refusal(client):
    juror = JuryMemberFactory(user=UserFactory(email="claire@jury.example")).user
    client.force_login(juror)
    response = client.get("/jury/classement/")
    assert page(response) == (403, "fr", "Accès refusé" + SUFFIX, "Accès refusé", [*PUBLIC_LINKS, "/jury/"])
    assert in_the_layout(response)
    assert "Vous êtes connecté·e avec l'adresse claire@jury.example." in response.content.decode()


def test_the_refusal_in_english(client):
    client.force_login(JuryMemberFactory().user)
    response = in_english(client).get("/jury/classement/")
    assert page(response) == (
        403,
        "en",
        "Access denied — Label Territoire Innovant",
        "Access denied",
        [*PUBLIC_LINKS, "/jury/"],
    )
    assert in_the_layout(response)


def test_a_request_for_another_host_gets_the_bad_request_page(client):
    response = client.get("/", HTTP_HOST="ailleurs.example")
    assert page(response) == (400, "fr", "Requête incorrecte" + SUFFIX, "Requête incorrecte", PUBLIC_LINKS)
    assert in_the_layout(response)


def test_the_bad_request_page_in_english(client):
    response = in_english(client).get("/", HTTP_HOST="ailleurs.example")
    assert page(response) == (400, "en", "Bad request — Label Territoire Innovant", "Bad request", PUBLIC_LINKS)
    assert in_the_layout(response)


def test_a_form_sent_without_its_token_gets_the_expired_form_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/compte/connexion/", {"username": "a@b.example", "password": "x"})
    assert page(response) == (403, "fr", "Formulaire expiré" + SUFFIX, "Formulaire expiré", PUBLIC_LINKS)
    assert in_the_layout(response)
    assert "Revenez à la page précédente, rechargez-la" in response.content.decode()


def test_the_expired_form_page_in_english():
    client = in_english(Client(enforce_csrf_checks=True))
    response = client.post("/compte/connexion/", {"username": "a@b.example", "password": "x"})
    assert page(response) == (403, "en", "Form expired — Label Territoire Innovant", "Form expired", PUBLIC_LINKS)
    assert in_the_layout(response)


class DatabaseDown:
    """Every query fails, as when PostgreSQL is unreachable; ``refused`` counts the attempts."""

    def __init__(self):
        self.refused = 0

    def __call__(self, execute, sql, params, many, context):
        self.refused += 1
        raise OperationalError("the database is down")


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_server_error_page_needs_no_database(signed_in):
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(UserFactory())
    down = DatabaseDown()
    with connection.execute_wrapper(down):
        response = client.get("/label/2030/")
    # The page (or, signed in, the session) asked the database; the error page asked it nothing more.
    assert down.refused == 1
    assert page(response) == (
        500,
        "fr",
        "Erreur du site" + SUFFIX,
        "Le site a rencontré une erreur",
        PUBLIC_LINKS,
    )
    assert in_the_layout(response)
    # No account menu: the person's name and roles come from the database.
    assert "Se connecter" not in response.content.decode() and "account-menu" not in response.content.decode()


def test_the_server_error_page_in_english():
    client = in_english(Client(raise_request_exception=False))
    down = DatabaseDown()
    with connection.execute_wrapper(down):
        response = client.get("/label/2030/")
    assert down.refused == 1
    assert page(response) == (
        500,
        "en",
        "Site error — Label Territoire Innovant",
        "The site ran into an error",
        PUBLIC_LINKS,
    )
    assert in_the_layout(response)
