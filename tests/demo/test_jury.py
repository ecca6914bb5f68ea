"""``seed_demo`` builds the 2020 jury once: members, a conflict, scores with a severe juror, and the results."""

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from auditions.jury import services
from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation, Jury, JuryMember, Score
from auditions.jury.ranking import SEVERITY_NOTICE, ranking
from demo.people import user as demo_user
from label.models import Candidature, Edition, HistoryEntry, Level, Status
from notifications.models import Notification

from .seeding import count_rows, seed

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
AUDITIONED = ["Ville de Roubaix", "Métropole européenne de Lille", "Communauté urbaine de Dunkerque"]
SCORED = [*AUDITIONED, "Département du Nord"]
UNSCORED = ["Valenciennes Métropole", "Ville d'Arras", "Agglomération de la Région de Compiègne", "Amiens Métropole"]


def counts():
    return count_rows(
        Jury, JuryMember, ConflictOfInterest, Assignment, Evaluation, Score, HistoryEntry, Candidature, Notification
    )


def jury():
    return Jury.objects.get(edition__slug="2020", name="Jury Hauts-de-France")


def candidature(territory):
    return Candidature.objects.get(edition__slug="2020", territory_name=territory)


def test_seeding_twice_changes_nothing_more_and_sends_nothing():
    seed()
    first = counts()
    seed()

    assert counts() == first
    assert {name: first[name] for name in ("Jury", "JuryMember", "ConflictOfInterest", "Assignment")} == {
        "Jury": 1,
        "JuryMember": 3,
        "ConflictOfInterest": 1,
        "Assignment": 23,
    }
    assert (first["Evaluation"], first["Score"], first["Notification"]) == (11, 55, 0)
    assert mail.outbox == []


def test_the_jury_of_2020_scores_after_the_auditions_with_three_accepted_members():
    seed()
    the_jury = jury()

    assert (the_jury.scoring_opens_at, the_jury.scoring_closes_at) == (
        datetime(2020, 6, 23, 18, 0, tzinfo=PARIS),
        datetime(2020, 7, 3, 0, 0, tzinfo=PARIS),
    )
    assert list(the_jury.regions.values_list("code", flat=True)) == ["32"]
    assert sorted(the_jury.members.values_list("user__full_name", "role", "state")) == [
        ("Amina Benali", "member", "accepted"),
        ("Jean Dupont", "president", "accepted"),
        ("Luc Moreau", "member", "accepted"),
    ]
    assert Edition.objects.get(slug="2020").jurors_see_other_scores is False


def test_luc_moreau_never_has_the_dunkerque_dossier():
    seed()
    luc, dunkerque = demo_user("jure3"), candidature("Communauté urbaine de Dunkerque")

    conflict = ConflictOfInterest.objects.get()
    assert (conflict.juror, conflict.candidature, conflict.declared_by, conflict.reason) == (
        luc,
        dunkerque,
        luc,
        "Ancien agent de la collectivité",
    )
    assert not Assignment.objects.filter(juror=luc, candidature=dunkerque).exists()
    per_dossier = Counter(Assignment.objects.filter(jury=jury()).values_list("candidature__territory_name", flat=True))
    assert per_dossier == {territory: 3 for territory in SCORED + UNSCORED} | {"Communauté urbaine de Dunkerque": 2}


def test_the_audited_dossiers_are_scored_independently_and_the_others_not_at_all():
    seed()
    criteria = list(Edition.objects.get(slug="2020").criteria.all())
    evaluations = Evaluation.objects.select_related("assignment__candidature").prefetch_related("scores")

    assert sorted({e.assignment.candidature.territory_name for e in evaluations}) == sorted(SCORED)
    for evaluation in evaluations:
        values = {score.criterion_id: score.value for score in evaluation.scores.all()}
        assert sorted(values) == sorted(criterion.pk for criterion in criteria)
        assert all(0 <= value <= 5 for value in values.values())
        assert evaluation.status == Evaluation.Status.SUBMITTED
        assert evaluation.comment
        assert evaluation.weighted_total == services.weighted_total(values, criteria)
        assert datetime(2020, 6, 24, tzinfo=PARIS) <= evaluation.submitted_at < datetime(2020, 7, 3, tzinfo=PARIS)


def test_the_ranking_shows_a_severe_juror_and_a_criterion_read_differently():
    seed()
    result = ranking(jury())

    severity = {figure.juror.full_name: figure.severity for figure in result.jurors}
    # Offsets from the other jurors: beside one severe juror, the two others read as a little lenient.
    assert severity["Luc Moreau"] <= -3 * SEVERITY_NOTICE
    assert 0 < severity["Jean Dupont"] < 2 * SEVERITY_NOTICE and 0 < severity["Amina Benali"] < 2 * SEVERITY_NOTICE
    alpha = {agreement.criterion.code: agreement.alpha for agreement in result.agreements}
    assert alpha["mutualisation"] < 0
    assert all(alpha[code] > 0.4 for code in ("innovation", "usagers", "reproductibilite", "sobriete"))


def test_the_results_follow_the_ranking_by_mean():
    seed()
    result = ranking(jury())
    organiser = demo_user("organisatrice")

    assert [(row.candidature.territory_name, row.rank) for row in result.rows if row.mean is not None] == [
        ("Ville de Roubaix", 1),
        ("Métropole européenne de Lille", 2),
        ("Communauté urbaine de Dunkerque", 3),
        ("Département du Nord", 4),
    ]
    laureates = Candidature.objects.filter(edition__slug="2020", status=Status.LAUREATE)
    assert sorted((c.territory_name, c.outcome_level, c.consent_publication) for c in laureates) == sorted(
        [
            ("Ville de Roubaix", Level.GOLD, True),
            ("Métropole européenne de Lille", Level.SILVER, True),
            ("Communauté urbaine de Dunkerque", Level.BRONZE, True),
        ]
    )
    assert result.rows[0].candidature == laureates.get(outcome_level=Level.GOLD)
    assert candidature("Département du Nord").status == Status.NOT_RETAINED
    for territory in AUDITIONED:
        last = candidature(territory).history.filter(action=HistoryEntry.Action.STATUS).last()
        assert (last.from_status, last.to_status, last.actor, last.at) == (
            Status.AUDITIONED,
            Status.LAUREATE,
            organiser,
            datetime(2020, 7, 15, 10, 0, tzinfo=PARIS),
        )
        assert last.note
    for territory in UNSCORED:
        assert candidature(territory).status == Status.SHORTLISTED
