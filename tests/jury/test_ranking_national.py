"""The ranking at national scale: its SQL plans, the paginated and filtered page, the posts from a later page."""

import json
import math
import random
from decimal import Decimal

import krippendorff
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from auditions.jury.models import Assignment, Evaluation, Score
from auditions.jury.ranking import krippendorff_alpha, ranking
from auditions.jury.ranking_views import Totals
from auditions.jury.services import weighted_total
from events.models import Region
from label.models import Candidature, Level, Status
from tests.jury.factories import jury_with_members
from tests.jury.test_ranking_pages import table
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory

pytestmark = pytest.mark.django_db

HAUTS_DE_FRANCE, BRETAGNE = "32", "53"


def bulk_scored(jury, scores):
    """Submitted evaluations written in bulk: ``scores`` is [(juror, candidature, [values in criterion order])]."""
    criteria = list(jury.edition.criteria.all())
    assignments = Assignment.objects.bulk_create(
        [Assignment(jury=jury, juror=juror, candidature=candidature) for juror, candidature, _values in scores]
    )
    values_of = [dict(zip([c.pk for c in criteria], values, strict=True)) for _j, _c, values in scores]
    evaluations = Evaluation.objects.bulk_create(
        [
            Evaluation(
                assignment=assignment,
                status=Evaluation.Status.SUBMITTED,
                weighted_total=weighted_total(values, criteria),
                submitted_at=timezone.now(),
            )
            for assignment, values in zip(assignments, values_of, strict=True)
        ]
    )
    Score.objects.bulk_create(
        [
            Score(evaluation=evaluation, criterion_id=criterion_id, value=value)
            for evaluation, values in zip(evaluations, values_of, strict=True)
            for criterion_id, value in values.items()
        ]
    )


def national_jury(number, year=2040):
    """``number`` candidatures, the i-th (from 1) ranked i-th: both jurors give it 100 − i on a 0–100 criterion
    (threshold 50, so from the 51st on they are eliminated). Odd ones are in Hauts-de-France, even ones in
    Bretagne; every tenth has a staged Gold; the third is already laureate."""
    edition = EditionFactory(year=year, slug=f"national-{year}")
    CriterionFactory(edition=edition, name="Innovation", scale_max=100, eliminatory_threshold=Decimal(50))
    jury, jurors = jury_with_members(2, edition=edition, name="Jury national")
    regions = {code: Region.objects.get(code=code) for code in (HAUTS_DE_FRANCE, BRETAGNE)}
    candidatures = {}
    for index in range(1, number + 1):
        candidatures[index] = CandidatureFactory(
            edition=edition,
            status=Status.LAUREATE if index == 3 else Status.AUDITIONED,
            outcome_level=Level.GOLD if index == 3 else "",
            reference=f"LTI-{year}-{index:04d}",
            territory_name=f"Commune {index}",
            region=regions[HAUTS_DE_FRANCE if index % 2 else BRETAGNE],
            submitted_at=timezone.now(),
            staged_transition="select_laureate" if index % 10 == 0 else "",
            staged_level=Level.GOLD if index % 10 == 0 else "",
        )
    bulk_scored(jury, [(juror, c, [100 - index]) for index, c in candidatures.items() for juror in jurors])
    return jury, candidatures


def ranks(response):
    return [line.row.rank for line in response.context["lines"]]


@pytest.fixture
def sixty(db):
    return national_jury(60)


# --- the SQL ----------------------------------------------------------------------------------------


def per_row_aggregates(node, under_subplan=False):
    """The aggregate nodes of a JSON plan run once per outer row: under a correlated SubPlan, or looped."""
    correlated = node.get("Parent Relationship") == "SubPlan" and not node.get("Subplan Name", "").startswith("hashed")
    under_subplan = under_subplan or correlated
    found = []
    if node["Node Type"] == "Aggregate" and (under_subplan or node["Actual Loops"] > 1):
        found.append(node.get("Subplan Name") or node["Node Type"])
    for child in node.get("Plans", []):
        found += per_row_aggregates(child, under_subplan)
    return found


@pytest.mark.postgres
def test_no_figure_of_the_ranking_is_computed_by_a_subquery_per_candidature():
    jury, _candidatures = national_jury(4)
    CriterionFactory(edition=jury.edition, name="Usagers")
    with CaptureQueriesContext(connection) as captured:
        result = ranking(jury)
        assert (len(result.jurors), len(result.agreements)) == (2, 2)  # computed on first read: explained too
    plans = {}
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
            plan = cursor.fetchone()[0]
            plans[query["sql"]] = per_row_aggregates((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    assert {sql: found for sql, found in plans.items() if found} == {}


# --- the page -----------------------------------------------------------------------------------


def test_the_page_shows_fifty_rows_at_a_time_with_the_ranks_of_the_whole_jury(organiser_client, sixty):
    jury, candidatures = sixty
    url = reverse("jury:ranking")

    first = organiser_client.get(url, {"jury": jury.pk})
    second = organiser_client.get(url, {"jury": jury.pk, "page": "2"})

    assert ranks(first) == list(range(1, 51))
    assert ranks(second) == list(range(51, 61))
    assert [row[2] for row in table(second)] == [candidatures[index].reference for index in range(51, 61)]
    page = second.content.decode()
    assert f'<a class="page-link" href="?jury={jury.pk}&amp;page=1">Précédente</a>' in page
    assert f'href="?jury={jury.pk}&amp;page=2" aria-current="page" aria-label="Page 2">2</a>' in page
    assert "Lignes 51 à 60 ; les rangs sont ceux de tout le jury." in page
    assert organiser_client.get(url, {"jury": jury.pk, "page": "99"}).context["page"].number == 2


def test_the_totals_are_those_of_the_whole_jury_whatever_the_filters(organiser_client, sixty):
    jury, _candidatures = sixty
    response = organiser_client.get(reverse("jury:ranking"), {"jury": jury.pk, "region": BRETAGNE, "page": "2"})
    assert response.context["totals"] == Totals(
        candidatures=60, scored=60, eliminated=10, staged=6, published=1, disputed=0
    )
    assert response.context["ranking"].evaluation_count == 120


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"region": BRETAGNE}, list(range(2, 61, 2))),
        ({"region": HAUTS_DE_FRANCE, "rank_to": "10"}, [1, 3, 5, 7, 9]),
        ({"decision": "staged"}, [10, 20, 30, 40, 50, 60]),
        ({"decision": "published"}, [3]),
        ({"decision": "undecided", "rank_to": "12"}, [1, 2, 4, 5, 6, 7, 8, 9, 11, 12]),
        ({"eliminated": "yes"}, list(range(51, 61))),
        ({"eliminated": "no", "rank_from": "46"}, [46, 47, 48, 49, 50]),
        ({"rank_from": "5", "rank_to": "8"}, [5, 6, 7, 8]),
    ],
)
def test_the_filters_keep_the_rows_organisers_deliberate_on(organiser_client, sixty, filters, expected):
    jury, _candidatures = sixty
    response = organiser_client.get(reverse("jury:ranking"), {"jury": jury.pk, **filters})
    assert ranks(response) == expected
    assert response.context["filtering"] is True


def test_a_wrong_filter_is_explained_next_to_its_field_and_the_others_still_apply(organiser_client, sixty):
    jury, _candidatures = sixty
    url = reverse("jury:ranking")

    response = organiser_client.get(url, {"jury": jury.pk, "region": BRETAGNE, "rank_from": "trois"})

    assert response.context["filters"].errors == {"rank_from": ["Saisissez un nombre entier."]}
    assert ranks(response) == list(range(2, 61, 2))
    assert 'value="trois"' in response.content.decode()
    response = organiser_client.get(url, {"jury": jury.pk, "rank_from": "9", "rank_to": "3"})
    assert response.context["filters"].errors == {
        "rank_to": ["Le rang de fin doit être supérieur ou égal au rang de début."]
    }


def test_no_row_matching_says_so(organiser_client, sixty):
    jury, _candidatures = sixty
    response = organiser_client.get(reverse("jury:ranking"), {"jury": jury.pk, "rank_from": "61"})
    assert table(response) == [["Aucune candidature ne correspond à ces filtres."]]
    assert "Préparer les décisions" not in response.content.decode()


def test_a_post_from_a_later_page_touches_its_rows_only_and_comes_back_to_them(organiser_client, sixty):
    jury, candidatures = sixty
    shown = candidatures[55]
    other_jury, _members = jury_with_members(1)
    elsewhere = CandidatureFactory(edition=other_jury.edition, status=Status.AUDITIONED, reference="LTI-2099-0001")

    response = organiser_client.post(
        reverse("jury:decisions"),
        {
            "jury": jury.pk,
            "region": HAUTS_DE_FRANCE,
            "page": "2",
            f"decision-{shown.pk}": "not_retain",
            f"decision-{candidatures[57].pk}": "",
            f"decision-{elsewhere.pk}": "gold",
        },
    )

    assert response["Location"] == f"/jury/classement/?jury={jury.pk}&region={HAUTS_DE_FRANCE}&page=2"
    staged = dict(Candidature.objects.exclude(staged_transition="").values_list("reference", "staged_transition"))
    assert staged == {
        **{candidatures[index].reference: "select_laureate" for index in (10, 20, 30, 40, 50, 60)},
        shown.reference: "not_retain",
    }


def test_publishing_from_a_filtered_page_publishes_the_whole_jury(organiser_client, sixty):
    jury, candidatures = sixty
    response = organiser_client.post(
        reverse("jury:decisions"),
        {"jury": jury.pk, "action": "publish", "eliminated": "yes", "reason": "Délibération"},
        follow=True,
    )
    assert response.redirect_chain == [(f"/jury/classement/?jury={jury.pk}&eliminated=yes", 302)]
    assert sorted(Candidature.objects.filter(status=Status.LAUREATE).values_list("reference", flat=True)) == [
        candidatures[index].reference for index in (3, 10, 20, 30, 40, 50, 60)
    ]


def test_the_paginated_and_filtered_page_costs_the_same_with_1_and_60_candidatures(organiser_client, count_queries):
    jury, _candidatures = national_jury(1, year=2041)
    url = reverse("jury:ranking")
    pages = [
        {"jury": jury.pk, "page": "2"},
        {"jury": jury.pk, "region": HAUTS_DE_FRANCE, "decision": "undecided", "eliminated": "no", "page": "2"},
        {"jury": jury.pk, "rank_from": "2", "rank_to": "55"},
        {"jury": jury.pk, "sort": "disagreement", "disagreement": "no", "status": "auditioned", "page": "2"},
        {"jury": jury.pk, "sort": "normalised", "disagreement": "yes"},
    ]
    organiser_client.get(url, pages[0])
    one = [count_queries(organiser_client, url, data) for data in pages]

    more, _candidatures = national_jury(60, year=2042)
    for data in pages:
        data["jury"] = more.pk

    assert [count_queries(organiser_client, url, data) for data in pages] == one
    assert ranks(organiser_client.get(url, pages[0])) == list(range(51, 61))


# --- the agreement, without a raters × units matrix --------------------------------------------------


def test_the_agreement_is_krippendorffs_on_sparse_scores():
    """30 jurors, 300 dossiers, 3 scores each on 0–5: the package's value on the dense matrix, to rounding."""
    generator = random.Random(2020)
    matrix = [[math.nan] * 300 for _juror in range(30)]
    for unit in range(300):
        for juror in generator.sample(range(30), 3):
            matrix[juror][unit] = generator.randint(0, 5)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert krippendorff_alpha(matrix) == pytest.approx(expected, abs=1e-12)
