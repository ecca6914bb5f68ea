"""The header's navigation by role: each person sees the sections they use, and their account in one menu."""

import pytest
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice
from lxml import html

from accounts.roles import ORGANISER_GROUP
from auditions.jury.models import JuryMember
from tests.factories import OrganiserFactory, UserFactory
from tests.jury.factories import JuryMemberFactory
from tests.label.factories import CandidatureFactory, EditionFactory

pytestmark = pytest.mark.django_db

HOME = "/"
PUBLIC = ["Accueil", "Projets", "Événements"]


def header(client, url=HOME):
    response = client.get(url)
    assert response.status_code == 200
    return html.fromstring(response.content).xpath("//header")[0]


MAIN_ROW = ".//ul[contains(@class, 'site-nav-main')]"
TOOLS_ROW = ".//ul[contains(@class, 'site-nav-tools')]"
# What the account row offers to read or press: links, buttons other than the languages, the signed-in address.
OFFERED = ".//a | .//button[not(@name='language')] | .//*[contains(@class, 'dropdown-item-text')]"


def sections(client, url=HOME):
    """The labels of the main row of the navigation, in order."""
    return [link.text_content().strip() for link in header(client, url).xpath(f"{MAIN_ROW}//a")]


def tools(client, url=HOME):
    """What the account row offers: its links and buttons, in order."""
    row = header(client, url).xpath(TOOLS_ROW)[0]
    return [" ".join(element.text_content().split()) for element in row.xpath(OFFERED)]


def test_a_visitor_sees_the_public_sections_and_how_to_sign_in(client):
    assert sections(client) == PUBLIC
    assert tools(client) == ["Se connecter", "Créer un compte"]


def test_a_candidate_sees_their_candidatures_and_their_account_in_one_menu(client):
    client.force_login(UserFactory(full_name="Sophie Leroy", email="sophie@ville.example"))
    assert sections(client) == [*PUBLIC, "Mes candidatures"]
    assert tools(client) == [
        "Mon compte : Sophie",
        "sophie@ville.example",
        "Sécurité du compte",
        "Mes données",
        "Se déconnecter",
    ]


def test_the_account_menu_is_a_bootstrap_dropdown_and_logging_out_is_a_post(client):
    client.force_login(UserFactory(full_name="Sophie Leroy"))
    menu = header(client).xpath(".//li[contains(@class, 'dropdown')]")[0]
    toggle = menu.xpath("./button")[0]
    assert [toggle.get(name) for name in ("type", "data-bs-toggle", "aria-expanded")] == ["button", "dropdown", "false"]
    logout = menu.xpath(".//form[.//button[normalize-space()='Se déconnecter']]")[0]
    assert (logout.get("method"), logout.get("action")) == ("post", "/compte/deconnexion/")
    assert logout.xpath(".//input[@name='csrfmiddlewaretoken']")


def test_a_juror_without_a_candidature_sees_the_jury_space_only(client):
    juror = JuryMemberFactory().user
    client.force_login(juror)
    assert sections(client) == [*PUBLIC, "Espace jury"]


def test_a_juror_who_owns_a_candidature_keeps_the_link_to_it(client):
    juror = JuryMemberFactory().user
    CandidatureFactory(owner=juror)
    client.force_login(juror)
    assert sections(client) == [*PUBLIC, "Mes candidatures", "Espace jury"]


def test_an_organiser_sees_the_dashboard_the_ranking_and_the_admin_but_no_candidatures(client):
    client.force_login(OrganiserFactory(full_name="Claire Martin"))
    assert sections(client) == [*PUBLIC, "Tableau de bord", "Classement", "Administration"]
    links = header(client).xpath(f"{MAIN_ROW}//a/@href")
    assert links[-3:] == ["/organisation/", "/jury/classement/", "/admin/"]


def test_an_organiser_who_sits_on_a_jury_also_gets_the_jury_space(client):
    organiser = OrganiserFactory()
    JuryMemberFactory(user=organiser)
    client.force_login(organiser)
    assert sections(client) == [*PUBLIC, "Espace jury", "Tableau de bord", "Classement", "Administration"]


def test_an_organiser_whose_jury_invitation_was_declined_gets_no_jury_space(client):
    organiser = OrganiserFactory()
    JuryMemberFactory(user=organiser, state=JuryMember.State.DECLINED)
    client.force_login(organiser)
    assert sections(client) == [*PUBLIC, "Tableau de bord", "Classement", "Administration"]


def test_staff_outside_the_organisers_group_get_the_admin_but_not_the_organisers_pages(client):
    client.force_login(UserFactory(is_staff=True))
    assert Group.objects.get(name=ORGANISER_GROUP).user_set.count() == 0
    assert sections(client) == [*PUBLIC, "Administration"]


def test_a_session_still_owing_its_code_shows_only_the_public_sections_and_log_out(client):
    organiser = OrganiserFactory()
    TOTPDevice.objects.create(user=organiser, name="application", confirmed=True)
    client.force_login(organiser, second_factor=False)
    assert client.session["second_factor_pending"] is True
    # Every page sends such a session to the code; that page's header offers nothing the code would guard.
    assert sections(client, "/compte/connexion/code/") == PUBLIC
    assert tools(client, "/compte/connexion/code/") == ["Se déconnecter"]


def test_the_current_section_is_marked(client):
    client.force_login(UserFactory())
    current = header(client, "/mes-candidatures/").xpath(".//a[@aria-current='page']")
    assert [link.text_content().strip() for link in current] == ["Mes candidatures"]


def test_the_navigation_costs_the_same_with_one_candidature_or_many(client, count_queries):
    juror = JuryMemberFactory().user
    edition = EditionFactory()
    CandidatureFactory(owner=juror, edition=edition)
    client.force_login(juror)
    one = count_queries(client, "/evenements/")
    for _ in range(4):
        CandidatureFactory(owner=juror)
    assert count_queries(client, "/evenements/") == one
