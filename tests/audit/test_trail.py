"""The audit trail: every create, change and delete of the jury's work, the decisions and the editions'
settings, with who, when, from where, before and after; read-only in the admin; reasons where they matter."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audit import trail
from auditions.jury import services as jury_services
from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation, JuryMember, Score
from auditions.sessions.models import AuditionSession, Slot
from auditions.sessions.scheduling import apply_plan, generate_slots
from label import services
from label.models import Candidature, Criterion, Milestone, Status
from tests.audit.forms import form_data
from tests.conftest import messages_of
from tests.factories import OrganiserFactory, UserFactory
from tests.jury.factories import JuryMemberFactory, assign, jury_with_members, scored, shortlisted
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory

pytestmark = pytest.mark.django_db

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE
ADDRESS = "203.0.113.9"


def entries(instance):
    """``(action, changes)`` of the entries about ``instance``, oldest first."""
    return [(entry.action, entry.changes) for entry in reversed(trail.for_object(instance))]


def updates(instance):
    return [changes for action, changes in entries(instance) if action == UPDATE]


def scoring_setup():
    jury, (juror,) = jury_with_members(1)
    first = CriterionFactory(edition=jury.edition, name="Innovation", weight=Decimal(2))
    second = CriterionFactory(edition=jury.edition, name="Usagers", weight=Decimal(1))
    candidature = shortlisted(jury.edition)
    return jury, juror, candidature, first, second


# --- what the models' own writes record -------------------------------------------------------


def test_a_criterion_records_its_creation_each_change_and_its_deletion_with_before_and_after():
    edition = EditionFactory()
    criterion = Criterion.objects.create(edition=edition, code="innovation", name="Innovation", weight=Decimal(20))

    criterion.weight = Decimal("30.00")
    criterion.eliminatory_threshold = Decimal("1.5")
    criterion.save()
    pk = criterion.pk
    criterion.delete()

    recorded = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Criterion), object_pk=str(pk))
    assert [entry.action for entry in recorded.order_by("pk")] == [CREATE, UPDATE, DELETE]
    assert recorded.get(action=UPDATE).changes == {
        "weight": ["20.00", "30.00"],
        "eliminatory_threshold": [None, "1.5"],
    }
    assert {entry.additional_data["edition"] for entry in recorded} == {edition.pk}


def test_scoring_records_the_evaluation_and_each_score_then_each_change():
    jury, juror, candidature, first, second = scoring_setup()

    evaluation = scored(jury, juror, candidature, [3, None], submit=False, comment="Premier jet")
    scored(jury, juror, candidature, [4, 2], submit=True, comment="Relu")

    scores = {score.criterion_id: score for score in evaluation.scores.all()}
    assert updates(scores[first.pk]) == [{"value": [3, 4]}]
    assert updates(scores[second.pk]) == [{"value": [None, 2]}]
    drafted, submitted = updates(evaluation)
    assert drafted == {"comment": ["", "Premier jet"]}
    assert {name: values for name, values in submitted.items() if name != "submitted_at"} == {
        "status": ["draft", "submitted"],
        "comment": ["Premier jet", "Relu"],
        "weighted_total": [None, "13.333"],
    }
    assert [action for action, _changes in entries(evaluation)] == [CREATE, UPDATE, UPDATE]


def test_assignments_conflicts_and_memberships_record_creation_and_deletion():
    jury, juror, candidature, _first, _second = scoring_setup()
    member = JuryMemberFactory(jury=jury)
    assignment = assign(jury, juror, candidature)
    assignment_pk = assignment.pk

    conflict = jury_services.declare_conflict(juror, candidature, by=None, reason="Ancien employeur")
    member.role = JuryMember.Role.PRESIDENT
    member.save()

    deleted = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Assignment), object_pk=str(assignment_pk), action=DELETE
    )
    assert deleted.additional_data == {"candidature": candidature.pk, "jury": jury.pk}
    assert [action for action, _changes in entries(conflict)] == [CREATE]
    assert entries(conflict)[0][1]["reason"] == [None, "Ancien employeur"]
    assert updates(member) == [{"role": ["member", "president"]}]


# --- what the services write around save() ------------------------------------------------------


def test_reopening_an_evaluation_records_who_and_why():
    jury, juror, candidature, _first, _second = scoring_setup()
    evaluation = scored(jury, juror, candidature, [4, 2])
    organiser = OrganiserFactory()

    jury_services.reopen_evaluation(evaluation, by=organiser, reason="Note saisie sur le mauvais critère")

    entry = trail.for_object(evaluation).first()
    assert (entry.action, entry.actor, entry.changes["status"], entry.additional_data["reason"]) == (
        UPDATE,
        organiser,
        ["submitted", "draft"],
        "Note saisie sur le mauvais critère",
    )
    assert Evaluation.objects.get(pk=evaluation.pk).status == Evaluation.Status.DRAFT


def test_staging_clearing_and_publishing_decisions_are_recorded_with_the_publications_reason():
    organiser = OrganiserFactory()
    candidature = CandidatureFactory(status=Status.AUDITIONED, reference="LTI-2030-0101")

    services.stage_decision(candidature, "select_laureate", organiser, level="gold")
    services.clear_staged(Candidature.objects.filter(pk=candidature.pk), organiser)
    services.stage_decision(candidature, "select_laureate", organiser, level="silver")
    services.publish_decisions(Candidature.objects.filter(pk=candidature.pk), organiser, "Délibération du 3 février")

    assert updates(candidature) == [
        {"staged_transition": ["", "select_laureate"], "staged_level": ["", "gold"]},
        {"staged_transition": ["select_laureate", ""], "staged_level": ["gold", ""]},
        {"staged_transition": ["", "select_laureate"], "staged_level": ["", "silver"]},
        {
            "status": ["auditioned", "laureate"],
            "staged_transition": ["select_laureate", ""],
            "staged_level": ["silver", ""],
            "outcome_level": ["", "silver"],
        },
    ]
    published = trail.for_object(candidature).first()
    assert (published.actor, published.additional_data) == (
        organiser,
        {"reason": "Délibération du 3 février", "transition": "select_laureate"},
    )


def test_a_deadline_extension_is_recorded_with_the_date_before_and_after():
    organiser = OrganiserFactory()
    candidature = CandidatureFactory()
    until = timezone.now() + timedelta(days=40)

    services.grant_extension(candidature, until, organiser)

    assert updates(candidature) == [{"extended_until": [None, until.isoformat()]}]


def test_cutting_a_session_and_scheduling_it_records_each_slot():
    edition = EditionFactory()
    start = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(days=3)
    session = AuditionSession.objects.create(
        edition=edition,
        title="Auditions Hauts-de-France",
        starts_at=start,
        ends_at=start + timedelta(minutes=60),
        pitch_minutes=10,
        questions_minutes=5,
        buffer_minutes=5,
    )
    first, second, third = generate_slots(session)
    candidature = shortlisted(edition)

    result = type("Plan", (), {"placed": [(second, candidature)]})()
    apply_plan(session, result)

    assert [action for action, _changes in entries(first)] == [CREATE]
    assert entries(first)[0][1]["starts_at"] == [None, first.starts_at.isoformat()]
    assert updates(second) == [{"candidature": [None, candidature.pk]}]
    assert updates(third) == []
    history = trail.for_object(session, [(Slot, "session")])
    assert sorted((entry.content_type.model, entry.action, entry.object_pk) for entry in history) == sorted(
        [("auditionsession", CREATE, str(session.pk)), ("slot", UPDATE, str(second.pk))]
        + [("slot", CREATE, str(slot.pk)) for slot in (first, second, third)]
    )


# --- through the admin: signed with the organiser and their address ------------------------------


def test_a_conflict_declared_and_deleted_in_the_admin_is_signed_with_the_organiser_and_address(
    organiser_client, organiser
):
    jury, juror, candidature, _first, _second = scoring_setup()
    assign(jury, juror, candidature)

    organiser_client.post(
        reverse("admin:auditions_conflictofinterest_add"),
        {"juror": juror.pk, "candidature": candidature.pk, "reason": "Conjoint élu"},
        REMOTE_ADDR=ADDRESS,
    )
    conflict = ConflictOfInterest.objects.get()
    organiser_client.post(
        reverse("admin:auditions_conflictofinterest_delete", args=[conflict.pk]), {"post": "yes"}, REMOTE_ADDR=ADDRESS
    )

    signed = LogEntry.objects.filter(
        content_type__in=ContentType.objects.get_for_models(ConflictOfInterest, Assignment).values()
    ).order_by("pk")
    assert [(entry.content_type.model, entry.action, entry.actor, entry.remote_addr) for entry in signed] == [
        ("assignment", CREATE, None, None),
        ("conflictofinterest", CREATE, organiser, ADDRESS),
        ("assignment", DELETE, organiser, ADDRESS),
        ("conflictofinterest", DELETE, organiser, ADDRESS),
    ]


def test_reopening_from_the_admin_asks_for_the_reason_first(organiser_client, organiser):
    jury, juror, candidature, _first, _second = scoring_setup()
    evaluation = scored(jury, juror, candidature, [4, 2])
    url = reverse("admin:auditions_evaluation_changelist")
    selected = {"action": "reopen_submitted", "_selected_action": [evaluation.pk]}

    asked = organiser_client.post(url, selected)
    empty = organiser_client.post(url, {**selected, "reason": "  "})
    done = organiser_client.post(url, {**selected, "reason": "Erreur signalée par le juré"}, REMOTE_ADDR=ADDRESS)

    assert (asked.status_code, asked.context["form"].is_bound) == (200, False)
    assert empty.context["form"].errors == {"reason": ["Ce champ est obligatoire."]}
    assert done.status_code == 302
    entry = trail.for_object(evaluation).first()
    assert (entry.actor, entry.remote_addr, entry.additional_data["reason"]) == (
        organiser,
        ADDRESS,
        "Erreur signalée par le juré",
    )


def test_publishing_from_the_ranking_without_a_reason_publishes_nothing(organiser_client):
    jury, _jurors = jury_with_members(1)
    candidature = CandidatureFactory(
        edition=jury.edition, status=Status.AUDITIONED, reference="LTI-2030-0102", staged_transition="not_retain"
    )

    response = organiser_client.post(reverse("jury:decisions"), {"jury": jury.pk, "action": "publish"}, follow=True)

    assert messages_of(response) == [
        "Indiquez le motif de la publication (la délibération qui fonde ces décisions) : rien n'a été publié."
    ]
    assert Candidature.objects.get(pk=candidature.pk).status == Status.AUDITIONED


def test_an_edition_changed_in_the_admin_records_its_deadline_and_criteria_weights(organiser_client, organiser):
    # Whole seconds, as the admin's time field shows them: only what the organiser changes differs.
    now = timezone.now().replace(microsecond=0)
    edition = EditionFactory(opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=10))
    criterion = CriterionFactory(edition=edition, name="Innovation", weight=Decimal("20"))
    Milestone.objects.create(edition=edition, title="Auditions", starts_at=edition.closes_at + timedelta(days=5))
    url = reverse("admin:label_edition_change", args=[edition.pk])
    data = form_data(organiser_client.get(url))
    new_close = timezone.localtime(edition.closes_at + timedelta(days=2))
    data["closes_at_0"] = new_close.strftime("%d/%m/%Y")
    data["closes_at_1"] = new_close.strftime("%H:%M:%S")
    data["criteria-0-weight"] = "35"

    response = organiser_client.post(url, data, REMOTE_ADDR=ADDRESS)

    assert response.status_code == 302, response.context["adminform"].form.errors
    (edition_change,) = [entry for entry in trail.for_object(edition) if entry.action == UPDATE]
    assert (list(edition_change.changes), edition_change.actor, edition_change.remote_addr) == (
        ["closes_at"],
        organiser,
        ADDRESS,
    )
    assert updates(criterion) == [{"weight": ["20.00", "35"]}]
    history = organiser_client.get(reverse("admin:label_edition_history", args=[edition.pk]))
    rows = [row for item in history.context["entries"] for row in item["rows"]]
    assert ("Poids", "20.00", "35") in rows


# --- the trail itself: read-only -------------------------------------------------------------------


def test_organisers_read_the_trail_but_can_neither_add_change_nor_delete_an_entry(organiser_client):
    edition = EditionFactory()
    criterion = CriterionFactory(edition=edition)
    entry = trail.for_object(criterion).get()
    changelist = reverse("admin:audit_auditentry_changelist")

    listed = organiser_client.get(changelist, {"action": "0"})
    shown = organiser_client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    edited = organiser_client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"object_repr": "Rien ne s'est passé"}
    )
    deleted = organiser_client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    added = organiser_client.get(reverse("admin:audit_auditentry_add"))
    bulk = organiser_client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk]})

    created = list(LogEntry.objects.filter(action=CREATE).order_by("-timestamp", "-pk"))
    assert (listed.status_code, list(listed.context["cl"].result_list)) == (200, created)
    assert entry in created
    assert (shown.status_code, shown.context["has_change_permission"]) == (200, False)
    assert (edited.status_code, deleted.status_code, added.status_code) == (403, 403, 403)
    assert bulk.status_code == 200
    entry.refresh_from_db()
    assert (LogEntry.objects.filter(pk=entry.pk).count(), entry.object_repr) == (1, str(criterion))


def test_superusers_cannot_delete_an_entry_either(client):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    entry = trail.for_object(CriterionFactory()).get()

    response = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})

    assert (response.status_code, LogEntry.objects.filter(pk=entry.pk).exists()) == (403, True)


def test_the_trail_list_costs_the_same_with_one_and_many_entries(organiser_client, count_queries):
    edition = EditionFactory()
    CriterionFactory(edition=edition)
    url = reverse("admin:audit_auditentry_changelist")
    # Content types are read once per process (Django's cache): the counts compare pages, not the warm-up.
    organiser_client.get(url)
    one = count_queries(organiser_client, url)
    for index in range(30):
        CriterionFactory(edition=EditionFactory(), name=f"Critère {index}")
    assert count_queries(organiser_client, url) == one


def test_the_trail_keeps_its_own_retention():
    criterion = CriterionFactory()  # its edition's creation and its own: two entries
    LogEntry.objects.update(timestamp=timezone.now() - timedelta(days=3000))
    recent = trail.log(criterion, UPDATE, {"name": ["a", "b"]})

    assert trail.delete_before(timezone.now() - timedelta(days=10), dry_run=True) == 2
    assert LogEntry.objects.count() == 3
    assert trail.delete_before(timezone.now() - timedelta(days=10), batch=1) == 2
    assert list(LogEntry.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_score_change_is_in_its_evaluations_history_page(organiser_client):
    jury, juror, candidature, _first, _second = scoring_setup()
    evaluation = scored(jury, juror, candidature, [3, 2], submit=False)
    scored(jury, juror, candidature, [5, 2], submit=False)

    page = organiser_client.get(reverse("admin:auditions_evaluation_history", args=[evaluation.pk]))

    rows = [row for item in page.context["entries"] for row in item["rows"]]
    assert ("Note", "3", "5") in rows
    assert Score.objects.filter(evaluation=evaluation).count() == 2


# --- every model the settings list: watched, whatever writes it ------------------------------------


def _session(edition):
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    return AuditionSession.objects.create(
        edition=edition, title="Auditions", starts_at=start, ends_at=start + timedelta(hours=1)
    )


def _built(label):
    """A saved row of the model ``label`` and a field to change on it, with its new value."""
    if label == "label.Edition":
        return EditionFactory(), "tagline", "Une accroche"
    jury, juror, candidature, first, _second = scoring_setup()
    edition = jury.edition
    if label == "label.Criterion":
        return first, "name", "Innovation et audace"
    if label == "label.Milestone":
        return Milestone.objects.create(edition=edition, title="Forum", starts_at=edition.closes_at), "title", "Fin"
    if label == "auditions.Jury":
        return jury, "name", "Jury national"
    if label == "auditions.JuryMember":
        return JuryMember.objects.get(jury=jury, user=juror), "role", JuryMember.Role.PRESIDENT
    if label == "auditions.ConflictOfInterest":
        return ConflictOfInterest.objects.create(juror=juror, candidature=candidature), "reason", "Élu local"
    if label == "auditions.Assignment":
        return assign(jury, juror, candidature), "created_at", timezone.now() - timedelta(days=1)
    if label == "auditions.Evaluation":
        return Evaluation.objects.create(assignment=assign(jury, juror, candidature)), "comment", "Convaincant"
    if label == "auditions.Score":
        evaluation = Evaluation.objects.create(assignment=assign(jury, juror, candidature))
        return Score.objects.create(evaluation=evaluation, criterion=first, value=2), "value", 4
    if label == "auditions.AuditionSession":
        return _session(edition), "title", "Auditions du matin"
    session = _session(edition)
    slot = Slot.objects.create(session=session, starts_at=session.starts_at, ends_at=session.ends_at)
    return slot, "candidature", candidature


@pytest.mark.parametrize("label", list(settings.AUDIT_TRAIL_MODELS))
def test_each_watched_model_records_its_creation_change_and_deletion(label):
    row, name, value = _built(label)
    row.refresh_from_db()
    setattr(row, name, value)
    row.save()
    content_type, pk = ContentType.objects.get_for_model(row), str(row.pk)
    row.delete()

    recorded = LogEntry.objects.filter(content_type=content_type, object_pk=pk).order_by("pk")
    assert [entry.action for entry in recorded] == [CREATE, UPDATE, DELETE]
    assert list(recorded[1].changes) == [name]


def test_a_juror_scoring_on_their_page_signs_each_score_with_their_account_and_address(client):
    jury, juror, candidature, first, second = scoring_setup()
    assignment = assign(jury, juror, candidature)
    client.force_login(juror)
    url = reverse("jury:dossier", kwargs={"pk": assignment.pk})

    client.post(url, {f"critere-{first.pk}": 3, f"critere-{second.pk}": 2, "comment": ""}, REMOTE_ADDR=ADDRESS)
    client.post(url, {f"critere-{first.pk}": 5, f"critere-{second.pk}": 2, "comment": ""}, REMOTE_ADDR=ADDRESS)

    score = Score.objects.get(evaluation__assignment=assignment, criterion=first)
    change = trail.for_object(score).first()
    assert (change.action, change.changes, change.actor, change.remote_addr) == (
        UPDATE,
        {"value": [3, 5]},
        juror,
        ADDRESS,
    )


def test_an_object_s_history_costs_the_same_with_one_and_many_entries(organiser_client, count_queries):
    jury, juror, candidature, first, second = scoring_setup()
    evaluation = scored(jury, juror, candidature, [1, 1], submit=False)
    url = reverse("admin:auditions_evaluation_history", args=[evaluation.pk])
    organiser_client.get(url)
    one = count_queries(organiser_client, url)
    for value in range(2, 6):
        scored(jury, juror, candidature, [value, value], submit=False, comment=f"Relu {value} fois")

    assert count_queries(organiser_client, url) == one
