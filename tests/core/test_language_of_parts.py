"""On an English page, what organisers and candidates typed in French is marked lang="fr" (WCAG 3.1.2)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from lxml import html

from label.models import Level, Status
from tests.events.factories import EventFactory, ProgrammeItemFactory
from tests.factories import UserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory, answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def english_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def languages_of(response, datum):
    """The language a reader applies to each occurrence of ``datum`` in the page's body: its nearest lang."""
    assert response.status_code == 200
    tree = html.fromstring(response.content)
    assert tree.get("lang") == "en"
    return set(tree.xpath("//body//text()[normalize-space(.) = $datum]/ancestor::*[@lang][1]/@lang", datum=datum))


def test_the_call_page_marks_the_edition_its_description_and_its_milestones_as_french(english_client):
    edition = EditionFactory(
        name="Label Territoire Innovant 2031",
        slug="2031",
        tagline="Faites reconnaître vos projets",
        description="Un appel ouvert aux collectivités.",
        eligibility="Communes et intercommunalités.",
    )
    edition.milestones.create(
        starts_at=timezone.now() + timedelta(days=40), title="Auditions régionales", detail="En visioconférence"
    )

    response = english_client.get(reverse("label:call", args=[edition.slug]))

    assert {
        datum: languages_of(response, datum)
        for datum in (
            "Label Territoire Innovant 2031",
            "Faites reconnaître vos projets",
            "Un appel ouvert aux collectivités.",
            "Communes et intercommunalités.",
            "Auditions régionales",
            "En visioconférence",
        )
    } == {
        "Label Territoire Innovant 2031": {"fr"},
        "Faites reconnaître vos projets": {"fr"},
        "Un appel ouvert aux collectivités.": {"fr"},
        "Communes et intercommunalités.": {"fr"},
        "Auditions régionales": {"fr"},
        "En visioconférence": {"fr"},
    }


def test_the_event_page_marks_its_title_theme_description_and_programme_as_french(english_client):
    event = EventFactory(
        title="Rencontre des Hauts-de-France",
        theme="La sobriété énergétique",
        description="Une journée d'échanges entre collectivités.",
    )
    ProgrammeItemFactory(event=event, title="Table ronde des élus", description="Trois retours d'expérience.")

    response = english_client.get(reverse("events:detail", args=[event.slug]))

    assert {
        datum: languages_of(response, datum)
        for datum in (
            "Rencontre des Hauts-de-France",
            "La sobriété énergétique",
            "Une journée d'échanges entre collectivités.",
            "Table ronde des élus",
            "Trois retours d'expérience.",
        )
    } == {
        "Rencontre des Hauts-de-France": {"fr"},
        "La sobriété énergétique": {"fr"},
        "Une journée d'échanges entre collectivités.": {"fr"},
        "Table ronde des élus": {"fr"},
        "Trois retours d'expérience.": {"fr"},
    }


def test_the_event_list_marks_each_event_title_as_french(english_client):
    EventFactory(title="Rencontre des Hauts-de-France")

    response = english_client.get(reverse("events:list"))

    assert languages_of(response, "Rencontre des Hauts-de-France") == {"fr"}


def test_the_laureates_page_marks_the_edition_and_each_laureate_as_french(english_client):
    edition = EditionFactory(
        name="Label Territoire Innovant 2020",
        slug="2020",
        opens_at=timezone.now() - timedelta(days=400),
        closes_at=timezone.now() - timedelta(days=300),
    )
    CandidatureFactory(
        edition=edition,
        territory_name="Roubaix",
        project_title="Des jardins partagés sur les toits",
        summary="Des potagers sur les écoles.",
        consent_publication=True,
        status=Status.LAUREATE,
        outcome_level=Level.GOLD,
    )

    response = english_client.get(reverse("label:laureates", args=[edition.slug]))

    assert {
        datum: languages_of(response, datum)
        for datum in (
            "Label Territoire Innovant 2020",
            "Roubaix",
            "Des jardins partagés sur les toits",
            "Des potagers sur les écoles.",
        )
    } == {
        "Label Territoire Innovant 2020": {"fr"},
        "Roubaix": {"fr"},
        "Des jardins partagés sur les toits": {"fr"},
        "Des potagers sur les écoles.": {"fr"},
    }


def test_the_candidature_page_marks_what_the_candidate_wrote_as_french(english_client):
    owner = UserFactory()
    edition = EditionFactory(name="Label Territoire Innovant 2031")
    CriterionFactory(edition=edition, name="Impact pour les habitants")
    candidature = answer_all(
        CandidatureFactory(
            edition=edition,
            owner=owner,
            territory_name="Wattrelos",
            project_title="Des jardins partagés sur les toits",
            contact_role="Chargée de mission",
        ),
        text="Trois cents familles jardinent.",
    )
    english_client.force_login(owner)

    response = english_client.get(reverse("label:candidature", args=[candidature.pk]))

    assert {
        datum: languages_of(response, datum)
        for datum in (
            "Label Territoire Innovant 2031",
            "Wattrelos",
            "Des jardins partagés sur les toits",
            "Un éclairage qui s'adapte aux passages.",
            "Impact pour les habitants",
            "Trois cents familles jardinent.",
            "Chargée de mission",
        )
    } == {
        "Label Territoire Innovant 2031": {"fr"},
        "Wattrelos": {"fr"},
        "Des jardins partagés sur les toits": {"fr"},
        "Un éclairage qui s'adapte aux passages.": {"fr"},
        "Impact pour les habitants": {"fr"},
        "Trois cents familles jardinent.": {"fr"},
        "Chargée de mission": {"fr"},
    }
