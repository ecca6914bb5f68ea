"""The demo reaches every status through the workflow, in the order things happened."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from auditions.jury.models import Evaluation
from auditions.sessions.models import AuditionSession
from demo.people import user as demo_user
from label import workflow
from label.models import Candidature, HistoryEntry, Status

from .seeding import seed

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def forbidden_steps(candidature):
    """(from, to, by whom) of each status change the workflow does not allow, in the candidature's history."""
    found, previous = [], Status.DRAFT
    entries = candidature.history.filter(action=HistoryEntry.Action.STATUS).select_related("actor")
    for entry in entries.order_by("at", "pk"):
        roles = workflow.roles_of(entry.actor, candidature) if entry.actor else set()
        allowed = any(
            transition.target == entry.to_status
            and entry.from_status in transition.sources
            and roles & transition.roles
            for transition in workflow.TRANSITIONS.values()
        )
        if entry.from_status != previous or not allowed:
            found.append((entry.from_status, entry.to_status, entry.actor.email if entry.actor else None))
        previous = entry.to_status
    if previous != candidature.status:
        found.append((previous, candidature.status, "no history entry"))
    return found


def test_every_status_change_is_one_the_workflow_allows_to_whoever_made_it():
    seed()
    candidatures = list(Candidature.objects.select_related("owner"))

    assert {c.reference or c.territory_name: forbidden_steps(c) for c in candidatures} == {
        c.reference or c.territory_name: [] for c in candidatures
    }
    assert (len(candidatures), HistoryEntry.objects.filter(action=HistoryEntry.Action.STATUS).count()) == (19, 70)


def test_the_check_finds_a_step_the_workflow_forbids_and_one_made_by_the_wrong_person():
    seed()
    candidature = Candidature.objects.get(reference="LTI-2020-HDF-0012")
    organiser = demo_user("organisatrice")
    at = datetime(2020, 6, 20, 8, 12, tzinfo=PARIS)
    for source, target, actor in (
        (Status.SUBMITTED, Status.ELIGIBLE, candidature.owner),
        (Status.ELIGIBLE, Status.LAUREATE, organiser),
    ):
        HistoryEntry.objects.create(
            candidature=candidature,
            action=HistoryEntry.Action.STATUS,
            from_status=source,
            to_status=target,
            actor=actor,
            at=at,
        )
    Candidature.objects.filter(pk=candidature.pk).update(status=Status.LAUREATE)
    candidature.refresh_from_db()

    assert forbidden_steps(candidature) == [
        (Status.SUBMITTED, Status.ELIGIBLE, "saint-quentin@label-demo.example"),
        (Status.ELIGIBLE, Status.LAUREATE, "organisatrice@label-demo.example"),
    ]


def test_each_auditioned_dossier_went_through_2020_in_order():
    seed()
    session = AuditionSession.objects.get(edition__slug="2020")
    timelines = {}
    for convocation in session.convocations.select_related("candidature__edition"):
        candidature = convocation.candidature
        became = {entry.to_status: entry.at for entry in candidature.history.filter(action=HistoryEntry.Action.STATUS)}
        scored = Evaluation.objects.filter(assignment__candidature=candidature).values_list("submitted_at", flat=True)
        assigned = candidature.assignments.values_list("created_at", flat=True)
        timelines[candidature.territory_name] = [
            became[Status.SUBMITTED],
            candidature.edition.closes_at,
            became[Status.ELIGIBLE],
            became[Status.SHORTLISTED],
            candidature.availabilities.get(session=session).answered_at,
            convocation.sent_at,
            session.starts_at,
            session.ends_at,
            became[Status.AUDITIONED],
            *sorted(assigned),
            *sorted(scored),
            became.get(Status.LAUREATE) or became[Status.NOT_RETAINED],
        ]

    assert timelines == {territory: sorted(timeline) for territory, timeline in timelines.items()}
    assert sorted(timelines) == [
        "Communauté urbaine de Dunkerque",
        "Département du Nord",
        "Métropole européenne de Lille",
        "Ville de Roubaix",
    ]
