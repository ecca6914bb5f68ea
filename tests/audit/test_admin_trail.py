"""Every audited model, created, changed and deleted through the admin by an organiser past the second factor:
each write is an entry signed with the organiser and their address. What the admin does not allow (adding or
deleting an evaluation, touching a score) answers 403 or has no page at all."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse

from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation, Jury, JuryMember, Score
from auditions.sessions.models import AuditionSession, Slot
from label.models import Criterion, Edition, Milestone
from tests.audit.forms import form_data
from tests.factories import UserFactory
from tests.jury.factories import jury_with_members, scored, shortlisted
from tests.label.factories import CriterionFactory, EditionFactory

pytestmark = pytest.mark.django_db

CREATE, UPDATE, DELETE = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE
ADDRESS = "198.51.100.23"
PARIS = ZoneInfo("Europe/Paris")
START = datetime(2031, 6, 23, 14, 0, tzinfo=PARIS)


def signed(model, pk):
    """``(action, actor, address)`` of each entry about the ``model`` row ``pk``, oldest first."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_pk=str(pk)
    ).order_by("pk")
    return [(entry.action, entry.actor, entry.remote_addr) for entry in entries]


def by_the_organiser(organiser, *actions):
    return [(action, organiser, ADDRESS) for action in actions]


def post(client, url, data):
    response = client.post(url, data, REMOTE_ADDR=ADDRESS)
    context = response.context or {}
    errors = context["adminform"].form.errors if "adminform" in context else None
    assert response.status_code == 302, errors or [
        formset.formset.errors for formset in context.get("inline_admin_formsets", [])
    ]
    return response


def split(prefix, name, instant):
    """The two fields of the admin's date and time widget."""
    local = instant.astimezone(PARIS)
    return {f"{prefix}{name}_0": local.strftime("%d/%m/%Y"), f"{prefix}{name}_1": local.strftime("%H:%M:%S")}


def add_inline_row(data, prefix, values):
    """``data`` with one more row in the inline formset ``prefix``."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})
    return data


def changed(client, url, edit):
    """POST the change form at ``url`` as shown, after ``edit(data)``."""
    data = form_data(client.get(url))
    edit(data)
    return post(client, url, data)


def delete(client, model_name, pk):
    return post(client, reverse(f"admin:{model_name}_delete", args=[pk]), {"post": "yes"})


def test_every_audited_model_is_covered_here():
    covered = {
        Edition,
        Criterion,
        Milestone,
        Jury,
        JuryMember,
        ConflictOfInterest,
        Assignment,
        Evaluation,
        Score,
        AuditionSession,
        Slot,
    }
    assert {model._meta.label for model in covered} == set(settings.AUDIT_TRAIL_MODELS)


def test_an_edition_its_criteria_and_milestones(organiser_client, organiser):
    add = form_data(organiser_client.get(reverse("admin:label_edition_add")))
    add.update(
        {
            "name": "Label Territoire Innovant 2031",
            "slug": "2031",
            "year": "2031",
            "contact_email": "contact@label.example",
            "laureate_levels": "on",
            **split("", "opens_at", START - timedelta(days=90)),
            **split("", "closes_at", START - timedelta(days=10)),
        }
    )
    add_inline_row(
        add,
        "criteria",
        {"order": "1", "code": "innovation", "name": "Innovation", "weight": "20", "scale_min": "0", "scale_max": "5"},
    )
    add_inline_row(add, "milestones", {"title": "Auditions", **split("", "starts_at", START)})
    post(organiser_client, reverse("admin:label_edition_add"), add)
    edition = Edition.objects.get(slug="2031")
    criterion, milestone = edition.criteria.get(), edition.milestones.get()
    url = reverse("admin:label_edition_change", args=[edition.pk])

    def edit(data):
        data.update({"tagline": "Le numérique sobre", "criteria-0-weight": "30", "milestones-0-title": "Pitchs"})

    changed(organiser_client, url, edit)
    changed(organiser_client, url, lambda data: data.update({"criteria-0-DELETE": "on", "milestones-0-DELETE": "on"}))
    delete(organiser_client, "label_edition", edition.pk)

    assert [signed(model, row.pk) for model, row in ((Edition, edition), (Criterion, criterion))] == [
        by_the_organiser(organiser, CREATE, UPDATE, DELETE),
        by_the_organiser(organiser, CREATE, UPDATE, DELETE),
    ]
    assert signed(Milestone, milestone.pk) == by_the_organiser(organiser, CREATE, UPDATE, DELETE)
    assert not Edition.objects.filter(pk=edition.pk).exists()


def test_a_jury_and_its_members(organiser_client, organiser):
    edition = EditionFactory()
    juror = UserFactory()
    add = form_data(organiser_client.get(reverse("admin:auditions_jury_add")))
    add.update(
        {
            "edition": str(edition.pk),
            "name": "Jury Hauts-de-France",
            "jurors_per_candidature": "3",
            **split("", "scoring_opens_at", START),
            **split("", "scoring_closes_at", START + timedelta(days=7)),
        }
    )
    add_inline_row(add, "members", {"user": str(juror.pk), "role": JuryMember.Role.MEMBER})
    post(organiser_client, reverse("admin:auditions_jury_add"), add)
    jury = Jury.objects.get(name="Jury Hauts-de-France")
    member = jury.members.get()
    url = reverse("admin:auditions_jury_change", args=[jury.pk])

    changed(
        organiser_client,
        url,
        lambda data: data.update({"name": "Jury des Hauts-de-France", "members-0-role": JuryMember.Role.PRESIDENT}),
    )
    changed(organiser_client, url, lambda data: data.update({"members-0-DELETE": "on"}))
    delete(organiser_client, "auditions_jury", jury.pk)

    assert [signed(Jury, jury.pk), signed(JuryMember, member.pk)] == [
        by_the_organiser(organiser, CREATE, UPDATE, DELETE),
        by_the_organiser(organiser, CREATE, UPDATE, DELETE),
    ]


def test_a_conflict_of_interest(organiser_client, organiser):
    jury, (juror,) = jury_with_members(1)
    candidature = shortlisted(jury.edition)
    post(
        organiser_client,
        reverse("admin:auditions_conflictofinterest_add"),
        {"juror": juror.pk, "candidature": candidature.pk, "reason": "Conjoint élu"},
    )
    conflict = ConflictOfInterest.objects.get()

    changed(
        organiser_client,
        reverse("admin:auditions_conflictofinterest_change", args=[conflict.pk]),
        lambda data: data.update({"reason": "Conjoint élu au conseil municipal"}),
    )
    delete(organiser_client, "auditions_conflictofinterest", conflict.pk)

    assert signed(ConflictOfInterest, conflict.pk) == by_the_organiser(organiser, CREATE, UPDATE, DELETE)


def test_an_assignment_is_made_and_withdrawn_never_repointed(organiser_client, organiser):
    jury, (juror,) = jury_with_members(1)
    candidature = shortlisted(jury.edition)
    post(
        organiser_client,
        reverse("admin:auditions_assignment_add"),
        {"jury": jury.pk, "juror": juror.pk, "candidature": candidature.pk},
    )
    assignment = Assignment.objects.get()
    other = shortlisted(jury.edition)

    # Its change page shows the pair read-only: a POST leaves it as it is and writes nothing.
    organiser_client.post(
        reverse("admin:auditions_assignment_change", args=[assignment.pk]),
        {"jury": jury.pk, "juror": juror.pk, "candidature": other.pk},
        REMOTE_ADDR=ADDRESS,
    )
    delete(organiser_client, "auditions_assignment", assignment.pk)

    assert signed(Assignment, assignment.pk) == by_the_organiser(organiser, CREATE, DELETE)


def test_an_evaluation_is_only_reopened_in_the_admin_and_its_scores_have_no_page(organiser_client, organiser):
    jury, (juror,) = jury_with_members(1)
    CriterionFactory(edition=jury.edition)
    evaluation = scored(jury, juror, shortlisted(jury.edition), [4])
    score = evaluation.scores.get()
    before = (signed(Evaluation, evaluation.pk), signed(Score, score.pk))

    post(
        organiser_client,
        reverse("admin:auditions_evaluation_changelist"),
        {"action": "reopen_submitted", "_selected_action": [evaluation.pk], "reason": "Erreur de saisie"},
    )
    refused = [
        organiser_client.get(reverse("admin:auditions_evaluation_add")).status_code,
        organiser_client.post(
            reverse("admin:auditions_evaluation_delete", args=[evaluation.pk]), {"post": "yes"}
        ).status_code,
    ]

    assert before == ([(CREATE, None, None), (UPDATE, None, None)], [(CREATE, None, None)])
    assert signed(Evaluation, evaluation.pk) == [*before[0], *by_the_organiser(organiser, UPDATE)]
    assert signed(Score, score.pk) == before[1]
    assert refused == [403, 403]
    assert Evaluation.objects.filter(pk=evaluation.pk, status=Evaluation.Status.DRAFT).exists()
    with pytest.raises(NoReverseMatch):
        reverse("admin:auditions_score_change", args=[score.pk])


def test_an_audition_session_and_its_slots(organiser_client, organiser):
    edition = EditionFactory()
    candidature = shortlisted(edition)
    add = form_data(organiser_client.get(reverse("admin:auditions_auditionsession_add")))
    add.update(
        {
            "edition": str(edition.pk),
            "title": "Auditions Hauts-de-France",
            **split("", "starts_at", START),
            **split("", "ends_at", START + timedelta(hours=3)),
        }
    )
    post(organiser_client, reverse("admin:auditions_auditionsession_add"), add)
    session = AuditionSession.objects.get()
    url = reverse("admin:auditions_auditionsession_change", args=[session.pk])

    def with_a_slot(data):
        data["title"] = "Auditions des Hauts-de-France"
        # The candidature has not said when it is available: the organiser confirms past the warning.
        slot = {"candidature": str(candidature.pk), "confirm": "on", **split("", "starts_at", START)}
        add_inline_row(data, "slots", {**slot, **split("", "ends_at", START + timedelta(minutes=25))})

    changed(organiser_client, url, with_a_slot)
    slot = session.slots.get()
    later = {"slots-0-confirm": "on", **split("slots-0-", "starts_at", START + timedelta(minutes=30))}
    changed(
        organiser_client,
        url,
        lambda data: data.update({**later, **split("slots-0-", "ends_at", START + timedelta(minutes=55))}),
    )
    changed(organiser_client, url, lambda data: data.update({"slots-0-DELETE": "on"}))
    delete(organiser_client, "auditions_auditionsession", session.pk)

    assert [signed(AuditionSession, session.pk), signed(Slot, slot.pk)] == [
        by_the_organiser(organiser, CREATE, UPDATE, DELETE),
        # A slot deleted from the form is freed of its candidature first, then deleted: two entries.
        by_the_organiser(organiser, CREATE, UPDATE, UPDATE, DELETE),
    ]
