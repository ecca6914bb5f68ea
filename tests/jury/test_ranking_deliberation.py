"""Deliberating on the ranking: its orders and filters, the dossiers to discuss first, a dossier's jurors side by
side, and who may see them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from auditions.jury.models import Evaluation
from auditions.jury.ranking_views import Totals
from auditions.jury.services import declare_conflict
from events.models import Event
from label.models import Candidature, Status
from tests.conftest import messages_of, text
from tests.events.factories import EventFactory
from tests.factories import OrganiserFactory
from tests.jury.factories import assign, jury_with_members, scored
from tests.jury.test_ranking_national import national_jury
from tests.jury.test_ranking_pages import Cells, make_candidature, ranked_case, table
from tests.label.factories import CriterionFactory, EditionFactory

pytestmark = pytest.mark.django_db

TO_DISCUSS = "à discuter"


@pytest.fixture
def case():
    """The ranking of ``test_ranking_pages``: S 16, Q 14, R 14, P 6 (eliminated); normalised Q = R, S, P. Widest
    gaps on 0–5: Q 2 and 5 → 3 points (60 %), S 3 and 5 → 2 (40 %), P and R 1 (20 %): Q and S to discuss."""
    forum = EventFactory(kind=Event.Kind.NATIONAL_FORUM, title="Forum national 2031", slug="forum-2031", region=None)
    jury, c = ranked_case(forum)
    for name in "ABC":
        c[name].full_name = {"A": "Anne Arnaud", "B": "Bruno Bernard", "C": "Chloé Colin"}[name]
        c[name].save()
    return jury, c


def words(response):
    """The page's text as a person reads it: entities decoded, every run of spaces one space."""
    return " ".join(text(response).split())


def discussed(response):
    return [(row.candidature, share, url) for row, share, url in response.context["to_discuss"]]


def references(response):
    return [line.candidature.reference for line in response.context["lines"]]


def deliberation_url(jury, candidature):
    return reverse("jury:deliberation", kwargs={"jury_pk": jury.pk, "pk": candidature.pk})


# --- the ranking, ordered and filtered for discussion ------------------------------------------------------


def test_the_rows_come_by_raw_rank_normalised_rank_or_widest_gap_ties_in_raw_rank_order(organiser_client, case):
    jury, c = case
    url = reverse("jury:ranking")
    ref = {name: c[name].reference for name in "PQRS"}

    by_raw = organiser_client.get(url, {"jury": jury.pk})
    by_normalised = organiser_client.get(url, {"jury": jury.pk, "sort": "normalised"})
    by_gap = organiser_client.get(url, {"jury": jury.pk, "sort": "disagreement"})

    assert references(by_raw) == [ref["S"], ref["Q"], ref["R"], ref["P"]]
    assert references(by_normalised) == [ref["Q"], ref["R"], ref["S"], ref["P"]]
    assert references(by_gap) == [ref["Q"], ref["S"], ref["R"], ref["P"]]
    assert [line.disagreement for line in by_gap.context["lines"]] == ["60\xa0%", "40\xa0%", "20\xa0%", "20\xa0%"]
    # The ranks stay those of the whole jury, whatever the order; the order is said, to the eye and to the ear.
    assert [row[1] for row in table(by_gap)] == ["2", "1", "2", "4"]
    assert by_gap.context["filtering"] is False
    page = text(by_gap)
    assert "ordre : plus grands écarts d'abord" in page
    assert 'aria-sort="descending">' in page and page.count("aria-sort=") == 1
    assert 'aria-sort="ascending">' in text(by_raw)
    # An unknown order is the raw rank's, with its message next to the field.
    wrong = organiser_client.get(url, {"jury": jury.pk, "sort": "alphabet"})
    assert references(wrong) == references(by_raw)
    assert list(wrong.context["filters"].errors) == ["sort"]


def test_the_dossiers_to_discuss_first_are_the_widest_gaps_not_yet_decided(organiser_client, case):
    jury, c = case
    url = reverse("jury:ranking")
    response = organiser_client.get(url, {"jury": jury.pk})
    assert discussed(response) == [
        (c["Q"], "60\xa0%", deliberation_url(jury, c["Q"])),
        (c["S"], "40\xa0%", deliberation_url(jury, c["S"])),
    ]
    page = words(response)
    assert f"{c['Q'].reference}</span> — Quimper</a> : écart de 60 % de l'échelle sur « Innovation »" in page
    assert response.context["totals"] == Totals(
        candidatures=4, scored=4, eliminated=1, staged=0, published=0, disputed=2
    )

    Candidature.objects.filter(pk=c["Q"].pk).update(status=Status.LAUREATE, outcome_level="gold")
    assert discussed(organiser_client.get(url, {"jury": jury.pk})) == [
        (c["S"], "40\xa0%", deliberation_url(jury, c["S"]))
    ]
    Candidature.objects.filter(pk=c["S"].pk).update(status=Status.LAUREATE, outcome_level="silver")
    response = organiser_client.get(url, {"jury": jury.pk})
    assert response.context["to_discuss"] == []
    assert "Aucun désaccord fort entre jurés sur un dossier sans décision publiée." in text(response)


def test_the_filters_by_status_and_disagreement_and_the_counts_of_the_whole_selection(organiser_client, case):
    jury, c = case
    waiting = make_candidature(jury.edition, "Tourcoing", status=Status.SHORTLISTED)
    url = reverse("jury:ranking")
    ref = {name: c[name].reference for name in "PQRS"}

    disputed = organiser_client.get(url, {"jury": jury.pk, "disagreement": "yes"})
    calm = organiser_client.get(url, {"jury": jury.pk, "disagreement": "no"})
    shortlisted = organiser_client.get(url, {"jury": jury.pk, "status": "shortlisted"})

    assert references(disputed) == [ref["S"], ref["Q"]]
    assert references(calm) == [ref["R"], ref["P"], waiting.reference]
    assert references(shortlisted) == [waiting.reference]
    assert disputed.context["filters"].fields["status"].choices == [
        ("", "Tous"),
        ("shortlisted", "Présélectionnée"),
        ("auditioned", "Auditionnée"),
    ]
    assert disputed.context["selected_totals"] == Totals(
        candidatures=2, scored=2, eliminated=0, staged=0, published=0, disputed=2
    )
    assert calm.context["selected_totals"] == Totals(
        candidatures=3, scored=2, eliminated=1, staged=0, published=0, disputed=0
    )
    assert calm.context["totals"] == Totals(candidatures=5, scored=4, eliminated=1, staged=0, published=0, disputed=2)
    assert "<div><dt>Éliminées</dt><dd>1</dd></div>" in text(calm)
    assert organiser_client.get(url, {"jury": jury.pk}).context["selected_totals"] is None


def test_the_counts_of_a_selection_span_all_its_pages(organiser_client):
    """60 dossiers, 50 a page; undecided: all but the 6 staged Gold and the published third, so 53 on two pages.
    Eliminated from the 51st on: 51 to 59 (the 60th is staged)."""
    jury, _candidatures = national_jury(60)
    response = organiser_client.get(reverse("jury:ranking"), {"jury": jury.pk, "decision": "undecided", "page": "2"})
    assert (response.context["page"].number, len(response.context["lines"])) == (2, 3)
    assert response.context["selected_totals"] == Totals(
        candidatures=53, scored=53, eliminated=9, staged=0, published=0, disputed=0
    )
    page = words(response)
    assert "53 candidatures retenues par les filtres. Lignes 51 à 53 ; les rangs sont ceux de tout le jury." in page
    assert "<div><dt>Éliminées</dt><dd>9</dd></div>" in page


# --- a dossier's deliberation ---------------------------------------------------------------------------


def test_the_deliberation_sets_each_jurors_scores_and_comment_side_by_side(organiser_client, case):
    jury, c = case
    Evaluation.objects.filter(assignment__candidature=c["Q"], assignment__juror=c["A"]).update(
        comment="Peu d'innovation :\nune reprise d'un projet voisin."
    )

    response = organiser_client.get(deliberation_url(jury, c["Q"]))

    assert response.status_code == 200
    assert [(column.name, column.total, column.severity) for column in response.context["columns"]] == [
        ("Anne Arnaud", "8,00", "-6,67"),
        ("Bruno Bernard", "20,00", "+2,67"),
    ]
    (innovation,) = response.context["criteria"]
    assert ([score for score, _column in innovation.scores], innovation.mean, innovation.gap) == (
        ["2", "5"],
        "3,50",
        "3 points",
    )
    assert innovation.reading == "écart de 3 points sur une échelle de 0 à 5 (60\xa0%)"
    assert response.context["disputed"] == [innovation]
    assert (response.context["totals_gap"], response.context["pending"], response.context["ranked"]) == ("12,00", 0, 4)
    assert table(response, "deliberation-scores") == [
        [
            "Innovation de 0 à 5, poids 1, éliminatoire sous 2",
            "2",
            "5",
            "3,50",
            "3 points",
            "à discuter écart de 3 points sur une échelle de 0 à 5 (60 %)",
        ]
    ]
    page = words(response)
    assert 'Fort désaccord sur 1 critère : <span lang="fr">Innovation</span>.' in page
    assert '<tr class="is-disputed">' in page
    assert "<p>Peu d&#x27;innovation :<br>une reprise d&#x27;un projet voisin.</p>" in response.content.decode()
    assert "Pas de commentaire." in page  # Bruno Bernard's
    assert "note plus sévèrement que les autres jurés" in page  # Anne Arnaud's severity, in words
    assert '<option value="" selected>—</option>' in page


def test_only_submitted_evaluations_are_set_side_by_side(organiser_client, case):
    jury, c = case
    scored(jury, c["C"], c["Q"], [0], submit=False, comment="Brouillon : à relire.")

    response = organiser_client.get(deliberation_url(jury, c["Q"]))

    assert [column.name for column in response.context["columns"]] == ["Anne Arnaud", "Bruno Bernard"]
    assert response.context["pending"] == 1
    page = text(response)
    assert "Brouillon : à relire." not in page
    assert "(1 encore attendue)" in page


def test_a_dossier_nobody_submitted_yet_says_so(organiser_client, case):
    jury, c = case
    waiting = make_candidature(jury.edition, "Tourcoing")
    assign(jury, c["A"], waiting)
    response = organiser_client.get(deliberation_url(jury, waiting))
    assert response.status_code == 200
    assert (response.context["columns"], response.context["pending"]) == ([], 1)
    assert "Aucune évaluation soumise pour ce dossier : rien à comparer pour l'instant." in text(response)


def test_the_neighbours_follow_the_order_and_filters_the_ranking_came_with(organiser_client, case):
    jury, c = case
    ordered = {"sort": "disagreement"}

    response = organiser_client.get(deliberation_url(jury, c["S"]), ordered)

    neighbours = [
        (label, row.candidature, url, relation) for label, row, url, relation in response.context["neighbours"]
    ]
    assert neighbours == [
        ("Précédent", c["Q"], f"{deliberation_url(jury, c['Q'])}?sort=disagreement", "prev"),
        ("Suivant", c["R"], f"{deliberation_url(jury, c['R'])}?sort=disagreement", "next"),
    ]
    assert (response.context["position"], response.context["selected_count"]) == (2, 4)
    assert f'href="/jury/classement/?jury={jury.pk}&sort=disagreement#ligne-{c["S"].pk}"' in text(response)
    # Out of the selection, a dossier has no neighbours in it.
    response = organiser_client.get(deliberation_url(jury, c["R"]), {"disagreement": "yes"})
    assert (response.context["position"], response.context["neighbours"]) == (None, [])


def test_the_way_back_leads_to_the_dossiers_page_of_the_ranking(organiser_client):
    jury, candidatures = national_jury(60)
    response = organiser_client.get(deliberation_url(jury, candidatures[55]))
    assert response.context["back_query"] == "page=2"
    assert f'href="/jury/classement/?jury={jury.pk}&page=2#ligne-{candidatures[55].pk}"' in text(response)


def test_a_decision_staged_from_the_deliberation_comes_back_to_it(organiser_client, case):
    jury, c = case
    response = organiser_client.post(
        reverse("jury:decisions"),
        {
            "jury": jury.pk,
            "deliberation": c["Q"].pk,
            f"decision-{c['Q'].pk}": "gold",
            "sort": "disagreement",
            "disagreement": "yes",
        },
        follow=True,
    )
    assert response.redirect_chain == [(f"{deliberation_url(jury, c['Q'])}?disagreement=yes&sort=disagreement", 302)]
    assert messages_of(response) == ["1 décision préparée, à publier."]
    assert Candidature.objects.get(pk=c["Q"].pk).staged_level == "gold"
    assert "À publier : Lauréate · Or" in text(response)


# --- who may deliberate ----------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in_and_candidates_and_jurors_are_refused(client, case):
    jury, c = case
    url = deliberation_url(jury, c["Q"])
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, f"/compte/connexion/?next={url}")
    for person in (c["Q"].owner, c["A"], c["B"]):
        client.force_login(person)
        assert client.get(url).status_code == 403
    client.force_login(c["C"])
    declare_conflict(c["C"], c["Q"], by=c["C"])
    assert client.get(url).status_code == 403


def test_an_organiser_in_conflict_with_a_dossier_never_deliberates_on_it_another_does(client, case):
    jury, c = case
    conflicted, other = OrganiserFactory(), OrganiserFactory()
    declare_conflict(conflicted, c["Q"], by=conflicted, reason="Élue de Quimper")

    client.force_login(conflicted)
    assert client.get(deliberation_url(jury, c["Q"])).status_code == 403
    response = client.get(reverse("jury:ranking"), {"jury": jury.pk})
    lines = {line.candidature.pk: line for line in response.context["lines"]}
    assert (lines[c["Q"].pk].url, lines[c["S"].pk].url) == ("", deliberation_url(jury, c["S"]))
    assert discussed(response)[0] == (c["Q"], "60\xa0%", "")
    page = text(response)
    assert "Vous avez déclaré un conflit d'intérêts avec ce dossier." in page
    assert f'href="{deliberation_url(jury, c["Q"])}' not in page
    # Its neighbour in the ranking is not linked either.
    response = client.get(deliberation_url(jury, c["S"]))
    assert [(label, url) for label, _row, url, _relation in response.context["neighbours"]] == [("Suivant", "")]

    client.force_login(other)
    assert client.get(deliberation_url(jury, c["Q"])).status_code == 200


def test_a_dossier_outside_the_jury_or_an_unknown_jury_is_not_found(organiser_client, case):
    jury, c = case
    elsewhere, _members = jury_with_members(1)
    stranger = make_candidature(elsewhere.edition, "Brest")
    assert organiser_client.get(deliberation_url(jury, stranger)).status_code == 404
    assert organiser_client.get(deliberation_url(elsewhere, c["Q"])).status_code == 404
    url = reverse("jury:deliberation", kwargs={"jury_pk": 999999, "pk": c["Q"].pk})
    assert organiser_client.get(url).status_code == 404
    assert organiser_client.post(deliberation_url(jury, c["Q"])).status_code == 405


# --- its cost --------------------------------------------------------------------------------------------


def test_the_deliberation_costs_the_same_with_one_juror_and_criterion_as_with_many(organiser_client, count_queries):
    small = EditionFactory(year=2051, slug="petite")
    CriterionFactory(edition=small, name="Innovation")
    jury, (juror,) = jury_with_members(1, edition=small)
    alone = make_candidature(small, "Seule")
    scored(jury, juror, alone, [3], comment="Un avis.")

    large = EditionFactory(year=2052, slug="grande")
    for name in ("Innovation", "Usagers", "Reproductibilité", "Mutualisation", "Sobriété", "Interopérabilité"):
        CriterionFactory(edition=large, name=name, eliminatory_threshold=Decimal(1))
    many, jurors = jury_with_members(5, edition=large)
    crowded = make_candidature(large, "Entourée")
    for index, member in enumerate(jurors):
        scored(many, member, crowded, [(index + value) % 6 for value in range(6)], comment="Un avis.")
    for number in range(12):
        scored(many, jurors[0], make_candidature(large, f"Voisine {number}"), [number % 6] * 6)

    one = count_queries(organiser_client, deliberation_url(jury, alone))
    assert count_queries(organiser_client, deliberation_url(many, crowded), {"sort": "disagreement"}) == one
    assert len(organiser_client.get(deliberation_url(many, crowded)).context["columns"]) == 5
    table_cells = Cells("deliberation-scores")
    table_cells.feed(organiser_client.get(deliberation_url(many, crowded)).content.decode())
    assert [len(row) for row in table_cells.rows] == [9] * 6  # criterion, 5 jurors, mean, gap, reading
