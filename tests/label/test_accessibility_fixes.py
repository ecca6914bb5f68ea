"""What the application form and the pages around it owe a screen-reader or keyboard user, and a French reader."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.template import Context, Template
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from lxml import html
from playwright.sync_api import expect

from events.forms import EventFilterForm
from events.regions import REGIONS, collation_key
from label.forms import TerritoryForm
from label.models import Candidature
from notifications.services import render
from tests.browser.screenshots import screenshot_path
from tests.conftest import axe_violations
from tests.events.factories import EventFactory
from tests.factories import PASSWORD, OrganiserFactory, UserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
SUFFIX = " — Label Territoire Innovant"
REQUIRED_NOTE = "Les champs marqués d'un astérisque * sont obligatoires."


def tree(response):
    assert response.status_code == 200
    return html.fromstring(response.content)


def title(response):
    return html.fromstring(response.content).findtext(".//title")


def step_url(edition, step):
    return f"/label/{edition.slug}/candidater/{step}/"


@pytest.fixture
def edition():
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031)
    CriterionFactory(edition=edition, name="Innovation", guidance="Ce qui est nouveau pour le territoire.")
    return edition


# --- required fields, marked from the first display and explained once ---------------------------------------


def required_labels(page):
    """Labels (without the asterisk) of the fields marked required, and the fields carrying ``required``."""
    marked = [
        " ".join(label.text_content().replace("*", "").split())
        for label in page.xpath("//form//label[span[@class='asteriskField']]")
    ]
    attributes = page.xpath("//form//*[@required]/@name")
    return marked, attributes


def test_the_first_display_of_a_step_marks_what_the_submission_requires(client, edition):
    client.force_login(UserFactory())
    page = tree(client.get(step_url(edition, "territoire")))
    assert required_labels(page) == (
        ["Nom de la collectivité ou de l'organisme public", "Type de collectivité", "Région", "Population"],
        ["territory_name", "territory_kind", "region", "population"],
    )
    assert [note.text_content() for note in page.xpath("//p[@class='required-note']")] == [REQUIRED_NOTE]


def test_the_criteria_are_marked_required_and_in_french_on_an_english_page(client, edition):
    owner = UserFactory()
    CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = tree(client.get(step_url(edition, "criteres")))
    marked = page.xpath("//form//label[span[@class='asteriskField']]")
    assert [" ".join(element.text_content().split()) for element in marked] == ["Innovation*"]
    assert page.xpath("//form//label/span[@lang='fr']/text()") == ["Innovation"]
    assert page.xpath("//form//*[contains(@class, 'form-text')]/span[@lang='fr']/text()") == [
        "Ce qui est nouveau pour le territoire."
    ]


def test_a_draft_may_still_leave_the_required_fields_blank(client, edition):
    client.force_login(UserFactory())
    response = client.post(step_url(edition, "territoire"), {"territory_name": "Arras", "action": "save"})
    assert response.status_code == 302
    assert Candidature.objects.get().territory_name == "Arras"


def test_continue_still_asks_for_them(client, edition):
    client.force_login(UserFactory())
    response = client.post(step_url(edition, "territoire"), {"territory_name": "Arras", "action": "next"})
    assert response.status_code == 200
    assert sorted(response.context["form"].errors) == ["population", "region", "territory_kind"]


# --- the rules of the call ------------------------------------------------------------------------------------


def test_the_call_links_to_its_rules(client, edition):
    edition.rules_url = "https://label.example/reglement-2031.pdf"
    edition.save()
    page = tree(client.get("/label/2031/"))
    assert page.xpath('//a[normalize-space()="Lire le règlement de l\'appel"]/@href') == [
        "https://label.example/reglement-2031.pdf"
    ]


def test_a_call_without_rules_has_no_such_link(client, edition):
    assert "Lire le règlement" not in client.get("/label/2031/").content.decode()


def test_the_commitment_to_the_rules_links_to_them_in_a_new_tab_said_so(client, edition):
    edition.rules_url = "https://label.example/reglement-2031.pdf"
    edition.save()
    owner = UserFactory()
    CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    page = tree(client.get(step_url(edition, "contact")))
    help_text = page.xpath("//*[@id='id_consent_rules_helptext']")[0]
    link = help_text.xpath(".//a")[0]
    assert (link.get("href"), link.get("target"), link.get("rel"), link.text_content()) == (
        "https://label.example/reglement-2031.pdf",
        "_blank",
        "noopener",
        "Lire le règlement de l'appel (nouvel onglet)",
    )
    checkbox = page.xpath("//input[@name='consent_rules']")[0]
    assert "id_consent_rules_helptext" in checkbox.get("aria-describedby")


RULES_TEXT = """## Article 1 – Objet

Le label distingue les projets innovants des collectivités.

## Article 2 – Calendrier
Les candidatures sont déposées en ligne
avant la date limite."""


def with_rules_text(edition):
    edition.rules_url = "https://label.example/reglement-2031.pdf"
    edition.rules_text = RULES_TEXT
    edition.save()
    return edition


def test_the_rules_page_shows_the_text_in_headings_and_paragraphs_marked_as_french(client, edition):
    with_rules_text(edition)
    response = client.get("/label/2031/reglement/")
    page = tree(response)
    assert title(response) == "Règlement — Label Territoire Innovant 2031" + SUFFIX
    assert page.xpath("//h1")[0].text_content() == "Label Territoire Innovant 2031"
    text = page.xpath("//div[@class='rules-text']")[0]
    assert text.get("lang") == "fr"
    # A line break typed inside a paragraph is kept (<br>).
    assert [(element.tag, " | ".join(element.itertext())) for element in text] == [
        ("h2", "Article 1 – Objet"),
        ("p", "Le label distingue les projets innovants des collectivités."),
        ("h2", "Article 2 – Calendrier"),
        ("p", "Les candidatures sont déposées en ligne | avant la date limite."),
    ]
    assert page.xpath("//a[starts-with(normalize-space(), 'Retour à l')]/@href") == ["/label/2031/"]


def test_the_rules_page_is_a_shared_public_page_dropped_when_the_rules_change(client, edition):
    with_rules_text(edition)
    first = client.get("/label/2031/reglement/")
    assert first["Cache-Control"].startswith("public")
    assert not client.get("/label/2031/reglement/").templates
    edition.rules_text = "## Article unique\n\nLe règlement a changé."
    edition.save()
    assert "Le règlement a changé." in client.get("/label/2031/reglement/").content.decode()


def test_an_edition_without_rules_text_or_unpublished_has_no_rules_page(client, edition):
    edition.rules_url = "https://label.example/reglement-2031.pdf"
    edition.save()
    assert client.get("/label/2031/reglement/").status_code == 404
    with_rules_text(edition)
    edition.published = False
    edition.save()
    assert client.get("/label/2031/reglement/").status_code == 404


def test_the_call_links_to_the_rules_page_rather_than_the_outside_document(client, edition):
    with_rules_text(edition)
    page = tree(client.get("/label/2031/"))
    assert page.xpath('//a[normalize-space()="Lire le règlement de l\'appel"]/@href') == ["/label/2031/reglement/"]


def test_the_commitment_to_the_rules_links_to_the_rules_page(client, edition):
    with_rules_text(edition)
    owner = UserFactory()
    CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    page = tree(client.get(step_url(edition, "contact")))
    assert page.xpath("//*[@id='id_consent_rules_helptext']//a/@href") == ["/label/2031/reglement/"]


def test_a_call_without_rules_offers_no_link_beside_the_commitment(client, edition):
    owner = UserFactory()
    CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    assert tree(client.get(step_url(edition, "contact"))).xpath("//*[@id='id_consent_rules_helptext']") == []


# --- « Erreur : » before the title of a refused form ---------------------------------------------------------


def test_a_refused_step_says_error_first_in_its_title(client, edition):
    client.force_login(UserFactory())
    assert title(client.get(step_url(edition, "territoire"))) == "Territoire — Label Territoire Innovant 2031" + SUFFIX
    response = client.post(step_url(edition, "territoire"), {"action": "next"})
    assert title(response) == "Erreur : Territoire — Label Territoire Innovant 2031" + SUFFIX


def test_a_refused_submission_says_error_first_in_its_title(client, edition):
    owner = UserFactory()
    CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    recap = f"/label/{edition.slug}/candidater/recapitulatif/"
    assert title(client.get(recap)) == "Vérifier et déposer — Label Territoire Innovant 2031" + SUFFIX
    # The criterion is not answered: the submission is refused and the page says so.
    response = client.post(recap)
    assert title(response) == "Erreur : Vérifier et déposer — Label Territoire Innovant 2031" + SUFFIX


def test_a_refused_login_and_sign_up_say_error_first(client):
    response = client.post("/compte/connexion/", {"username": "personne@ville.example", "password": "faux"})
    assert title(response) == "Erreur : Connexion" + SUFFIX
    response = client.post("/compte/inscription/", {"full_name": "", "email": "pas-une-adresse"})
    assert title(response) == "Erreur : Créer un compte" + SUFFIX


def test_a_refused_registration_to_an_event_says_error_first(client):
    event = EventFactory(title="Rencontre régionale de Dunkerque")
    response = client.post(f"/evenements/{event.slug}/", {"full_name": "", "email": "", "attendance": "on_site"})
    assert title(response) == "Erreur : Rencontre régionale de Dunkerque" + SUFFIX


def test_a_wrong_second_factor_code_says_error_first(client):
    organiser = OrganiserFactory(email="claire@label.example")
    TOTPDevice.objects.create(user=organiser, name="application", confirmed=True)
    client.post("/compte/connexion/", {"username": "claire@label.example", "password": PASSWORD})
    response = client.post("/compte/connexion/code/", {"otp_token": "000000"})
    assert title(response) == "Erreur : Code de vérification" + SUFFIX


# --- autofocus: on the first field, or nowhere ---------------------------------------------------------------


def autofocused(response):
    page = tree(response)
    fields = page.xpath("//main//form//input[not(@type='hidden')] | //main//form//select | //main//form//textarea")
    return [field.get("name") for field in fields if field.get("autofocus") is not None], fields[0].get("name")


@pytest.mark.parametrize("url", ["/compte/connexion/", "/compte/inscription/"])
def test_the_account_forms_focus_their_first_field(client, url):
    focused, first = autofocused(client.get(url))
    assert focused == [first]


@pytest.mark.parametrize("step", ["territoire", "projet", "criteres", "documents", "contact"])
def test_the_application_steps_focus_nothing(client, edition, step):
    owner = UserFactory()
    CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    assert autofocused(client.get(step_url(edition, step)))[0] == []


# --- the regions in French order ------------------------------------------------------------------------------


def region_names(field):
    return [label for value, label in field.choices if value != ""]


def test_regions_are_listed_in_french_dictionary_order_in_the_forms():
    expected = sorted((name for _code, name in REGIONS), key=collation_key)
    assert expected[8:11] == ["Hauts-de-France", "Île-de-France", "La Réunion"]
    candidature = Candidature(edition=EditionFactory())
    assert region_names(TerritoryForm(instance=candidature).fields["region"]) == expected
    assert region_names(EventFilterForm().fields["region"]) == expected


def test_the_french_order_sets_accents_and_case_aside_and_then_uses_them():
    names = ["Zélande", "Ile", "île", "Île", "Eure", "Écosse", "Ain"]
    assert sorted(names, key=collation_key) == ["Ain", "Écosse", "Eure", "Ile", "Île", "île", "Zélande"]


# --- « 1er » in French dates, pages and e-mails ---------------------------------------------------------------


def rendered(source, language, **context):
    with translation.override(language):
        return Template("{% load french_dates %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "value", "format_string", "expected"),
    [
        ("fr", date(2026, 12, 1), None, "1er décembre 2026"),
        ("en", date(2026, 12, 1), None, "1 December 2026"),
        ("fr", date(2026, 12, 2), None, "2 décembre 2026"),
        ("fr", date(2026, 12, 1), "l j F Y", "mardi 1er décembre 2026"),
        ("fr", date(2026, 12, 11), "l j F Y", "vendredi 11 décembre 2026"),
        ("fr", date(2026, 12, 1), r"\j j", "j 1er"),
        # An instant is read in Paris: 23:30 UTC on 30 November is already 1 December there.
        ("fr", datetime(2026, 11, 30, 23, 30, tzinfo=ZoneInfo("UTC")), "j F Y H:i", "1er décembre 2026 00:30"),
        ("fr", None, None, ""),
    ],
)
def test_date_fr(language, value, format_string, expected):
    argument = f':"{format_string}"' if format_string else ""
    assert rendered("{{ value|date_fr" + argument + " }}", language, value=value) == expected


def test_deadlines_on_the_first_say_1er(client):
    EditionFactory(
        name="Label Territoire Innovant 2031",
        slug="2031",
        opens_at=datetime(2026, 1, 1, tzinfo=PARIS),
        closes_at=datetime(2031, 6, 2, tzinfo=PARIS),
    )
    assert "dimanche 1er juin 2031 à minuit" in client.get("/label/2031/").content.decode()


def test_an_e_mail_says_1er_in_french_and_1_in_english():
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031")
    candidature = CandidatureFactory(edition=edition)
    context = {
        "site_url": "https://label.example",
        "recipient": candidature.owner,
        "candidature": candidature,
        "edition": edition,
        "deadline": datetime(2031, 6, 2, tzinfo=PARIS),
        "milestone": "j1",
    }
    assert render("draft_reminder", context, "fr")[0] == (
        "Action requise : votre candidature est à déposer avant le dimanche 1er juin 2031 à minuit"
    )
    assert "Sunday 1 June 2031" in render("draft_reminder", context, "en")[0]


@pytest.mark.django_db
def test_the_owner_reads_the_first_of_the_month_as_1er_after_the_deadline():
    from label import workflow
    from label.models import Status

    paris = ZoneInfo("Europe/Paris")
    candidature = CandidatureFactory(status=Status.SUBMITTED, submitted_at=datetime(2026, 12, 1, 10, tzinfo=paris))
    after = candidature.deadline + timedelta(days=1)
    with translation.override("fr"):
        assert "Déposée le 1er décembre 2026" in workflow.next_step(candidature, now=after)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_rules_page_reads_on_a_phone_passes_axe_and_prints_without_the_site_around_it(page):
    edition = EditionFactory(
        name="Label Territoire Innovant 2031", slug="2031", year=2031, rules_text="\n\n".join([RULES_TEXT] * 3)
    )
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"/label/{edition.slug}/")
    page.get_by_role("link", name="Lire le règlement de l'appel").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Label Territoire Innovant 2031")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
    expect(page.locator("footer.site-footer")).to_be_hidden()
    expect(page.get_by_role("heading", name="Article 2 – Calendrier").first).to_be_visible()
    page.screenshot(path=screenshot_path("visitor", "fr", "rules-print", 375), full_page=True)
