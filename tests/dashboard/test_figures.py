"""The edition's figures on a small known data set: the funnel (equal to the admin's filtered lists), the
regions, the drafts left, the submissions per day and the steps of the year."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from dashboard.candidatures import Day, RegionRow
from label.models import Candidature, Level, Milestone, Status
from notifications.models import WorkerHeartbeat
from tests.conftest import text
from tests.jury.factories import JuryFactory
from tests.label.factories import CandidatureFactory

from .factories import candidature, edition_2020, laureate, paris, region

pytestmark = pytest.mark.django_db

HDF, NORMANDIE, ILE_DE_FRANCE = "32", "28", "11"


@pytest.fixture
def edition():
    """19 candidatures: 4 drafts (3 incomplete), 15 submitted, of which 4 laureates and 1 withdrawn."""
    edition = edition_2020()
    hdf, normandie = region(HDF), region(NORMANDIE)
    candidature(edition, Status.DRAFT, region=hdf)
    candidature(edition, Status.DRAFT, region=hdf, answered=False)
    candidature(edition, Status.DRAFT, region=normandie, summary="")
    candidature(edition, Status.DRAFT, region=None)
    for day in (1, 18, 19):
        candidature(edition, Status.SUBMITTED, region=hdf, submitted_at=paris(2020, 6, day, 12))
    candidature(edition, Status.ELIGIBLE, region=hdf)
    candidature(edition, Status.SHORTLISTED, region=hdf)
    candidature(edition, Status.SHORTLISTED, region=hdf, submitted_at=paris(2020, 6, 19, 23, 59, 59))
    candidature(edition, Status.AUDITIONED, region=hdf)
    laureate(edition, Level.GOLD, region=hdf)
    laureate(edition, Level.GOLD, region=hdf)
    laureate(edition, Level.SILVER, region=hdf, submitted_at=paris(2020, 6, 20, 0, 30))
    laureate(edition, Level.BRONZE, region=normandie)
    candidature(edition, Status.NOT_RETAINED, region=hdf)
    candidature(edition, Status.INELIGIBLE, region=normandie)
    candidature(edition, Status.WITHDRAWN, region=normandie)
    candidature(edition, Status.SUBMITTED, region=region(ILE_DE_FRANCE))
    # Another call's candidatures count for nothing here.
    other = edition_2020(name="Bretagne 2020", slug="bretagne-2020", code="BRE")
    candidature(other, Status.SUBMITTED, region=hdf)
    candidature(other, Status.DRAFT, region=hdf)
    return edition


def page(client, edition):
    response = client.get(reverse("dashboard:edition", kwargs={"edition": edition.slug}))
    assert response.status_code == 200
    return response


def figures_of(figures):
    return [(figure.label, figure.count) for figure in figures]


def test_the_funnel_counts_each_status_and_each_level(organiser_client, edition):
    context = page(organiser_client, edition).context
    assert figures_of(context["path"]) == [
        ("Brouillon", 4),
        ("Déposée", 4),
        ("Recevable", 1),
        ("Présélectionnée", 2),
        ("Auditionnée", 1),
        ("Lauréate", 4),
    ]
    assert figures_of(context["path"][-1].parts) == [("Or", 2), ("Argent", 1), ("Bronze", 1)]
    assert figures_of(context["exits"]) == [("Non retenue", 1), ("Non recevable", 1), ("Retirée", 1)]
    assert (context["figures"].total, context["submitted"].count) == (19, 14)


def test_each_number_of_the_funnel_equals_the_count_of_the_admin_list_it_links_to(organiser_client, edition):
    context = page(organiser_client, edition).context
    figures = [*context["path"], *context["path"][-1].parts, *context["exits"], context["submitted"]]
    links = [(figure.count, figure.url) for figure in figures] + [(context["drafts"].total, context["drafts"].url)]
    admin_counts = []
    for _count, url in links:
        response = organiser_client.get(url)
        assert response.status_code == 200
        admin_counts.append(response.context["cl"].result_count)
    assert admin_counts == [count for count, _url in links] == [4, 4, 1, 2, 1, 4, 2, 1, 1, 1, 1, 1, 14, 4]


def test_laureates_without_levels_are_one_number(organiser_client, edition):
    edition.laureate_levels = False
    edition.save()
    context = page(organiser_client, edition).context
    assert (context["path"][-1].count, context["path"][-1].parts) == (4, [])


def test_the_regions_table_counts_drafts_submitted_and_laureates(organiser_client, edition):
    regions = page(organiser_client, edition).context["figures"].regions
    assert regions == [
        RegionRow("Hauts-de-France", drafts=2, submitted=11, laureates=3),
        RegionRow("Île-de-France", drafts=0, submitted=1, laureates=0),
        RegionRow("Normandie", drafts=1, submitted=2, laureates=1),
        RegionRow("Région non renseignée", drafts=1, submitted=0, laureates=0),
    ]


def test_incomplete_drafts_are_counted_in_sql_as_the_model_says(organiser_client, edition):
    drafts = page(organiser_client, edition).context["drafts"]
    in_python = [not draft.is_complete() for draft in Candidature.objects.filter(edition=edition, status="draft")]
    assert (drafts.total, drafts.incomplete, drafts.complete) == (4, 3, 1)
    assert sum(in_python) == drafts.incomplete


@pytest.mark.parametrize(
    "fields",
    [
        {"population": None},
        {"population": 0},
        {"consent_rules": False},
        {"contact_email": ""},
        {"stage": ""},
        {"answer": "   \n "},
    ],
)
def test_each_way_of_being_incomplete_is_seen(organiser_client, fields):
    edition = edition_2020()
    answer = fields.pop("answer", None)
    draft = candidature(edition, Status.DRAFT, **fields)
    if answer is not None:
        draft.answers.update(text=answer)
    assert not draft.is_complete()
    assert page(organiser_client, edition).context["drafts"].incomplete == 1


def test_submissions_per_day_are_paris_days_with_the_deadline_marked(organiser_client, edition):
    context = page(organiser_client, edition).context
    # As the edition's admin page counts them: the withdrawn candidature too, on the day it was submitted.
    assert context["days"] == [
        Day(paris(2020, 6, 1).date(), "1er juin 2020", 1, 1),
        Day(paris(2020, 6, 18).date(), "18 juin 2020", 11, 12),
        Day(paris(2020, 6, 19).date(), "19 juin 2020", 2, 14),
        Day(paris(2020, 6, 20).date(), "20 juin 2020", 1, 15),
    ]
    chart = context["chart"]
    # From the opening (1 June) to the last submission, made under an extension (20 June), without a gap.
    assert len(chart["days"]) == 20
    assert (chart["days"][0], chart["days"][18], chart["days"][-1]) == ("1er juin", "19 juin", "20 juin")
    assert chart["counts"] == [1] + [0] * 16 + [11, 2, 1]
    assert chart["deadline"] == 18
    html = page(organiser_client, edition).content.decode()
    assert 'id="submissions-per-day"' in html
    assert "<script>" not in html


def test_an_edition_without_submissions_has_no_chart(organiser_client):
    edition = edition_2020()
    CandidatureFactory(edition=edition)
    context = page(organiser_client, edition).context
    assert (context["days"], context["chart"]) == ([], None)


def test_the_steps_of_the_year_come_in_order_split_at_now(organiser_client, edition, clock):
    clock.set(paris(2020, 6, 25, 9))
    edition.milestones.add(
        Milestone(starts_at=paris(2020, 6, 30, 9, 30), ends_at=paris(2020, 6, 30, 17), title="Rencontre régionale"),
        Milestone(starts_at=paris(2021, 2, 10, 9, 30), title="Forum national"),
        bulk=False,
    )
    JuryFactory(
        edition=edition,
        name="Jury Hauts-de-France",
        scoring_opens_at=paris(2020, 6, 22),
        scoring_closes_at=paris(2020, 6, 29),
    )
    context = page(organiser_client, edition).context
    assert [step.title for step in context["past"]] == [
        "Ouverture de l'appel à candidatures",
        "Date limite de dépôt des candidatures",
    ]
    assert [(step.starts_at, step.title) for step in context["upcoming"]] == [
        (paris(2020, 6, 22), "Notation : Jury Hauts-de-France"),
        (paris(2020, 6, 30, 9, 30), "Rencontre régionale"),
        (paris(2021, 2, 10, 9, 30), "Forum national"),
    ]


def test_the_editions_list_newest_first_with_their_state_and_counts(organiser_client, edition, clock):
    clock.set(paris(2020, 6, 10))
    edition_2020(
        name="Occitanie 2020", slug="occ-2020", code="OCC", opens_at=paris(2020, 7, 1), closes_at=paris(2020, 9, 1)
    )
    response = organiser_client.get(reverse("dashboard:index"))
    rows = [
        (edition.name, state, edition.draft_count, edition.submitted_count, edition.laureate_count)
        for edition, state in response.context["editions"]
    ]
    # Opening on the same day, the edition created last comes first.
    assert rows == [
        ("Occitanie 2020", "upcoming", 0, 0, 0),
        ("Bretagne 2020", "open", 1, 1, 0),
        ("Hauts-de-France 2020", "open", 4, 14, 4),
    ]


@pytest.mark.parametrize(
    ("language", "levels"),
    [("fr", ["Or : 2", "Argent : 1", "Bronze : 1"]), ("en", ["Gold: 2", "Silver: 1", "Bronze: 1"])],
)
def test_the_laureates_per_level_read_with_the_separator_of_the_page_s_language(
    organiser_client, edition, language, levels
):
    organiser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    (parts,) = re.findall(r'<ul class="funnel-parts"[^>]*>(.*?)</ul>', text(page(organiser_client, edition)), re.S)
    assert [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in re.findall(r"<li>(.*?)</li>", parts)] == levels


def test_a_silent_worker_s_last_sign_of_life_reads_1er_on_the_first_of_the_month(organiser_client, edition, clock):
    WorkerHeartbeat.objects.create(hostname="celery@worker", last_seen=paris(2026, 11, 1, 10, 5))
    clock.set(paris(2026, 11, 2, 9))
    alert = re.search(r'<p class="alert alert-danger" role="alert">(.*?)</p>', text(page(organiser_client, edition)))
    assert alert.group(1) == (
        "Le worker Celery ne donne plus signe de vie depuis le dimanche 1er novembre 2026 à 10:05 : "
        "les courriels ne partent plus."
    )
