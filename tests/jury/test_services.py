from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from auditions.jury import services
from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation, JuryMember
from core.errors import Refused
from notifications.models import Notification
from tests.factories import UserFactory
from tests.jury.factories import jury_with_members, scored, shortlisted
from tests.label.factories import CriterionFactory

pytestmark = pytest.mark.django_db


def loads(jury):
    return Counter(Assignment.objects.filter(jury=jury).values_list("juror_id", flat=True))


# --- assignment ----------------------------------------------------------------------------


def test_assignment_is_balanced_conflict_free_and_sends_one_mail_per_juror():
    jury, jurors = jury_with_members(5)
    candidatures = [shortlisted(jury.edition) for _ in range(7)]
    ConflictOfInterest.objects.create(juror=jurors[0], candidature=candidatures[0])
    ConflictOfInterest.objects.create(juror=jurors[1], candidature=candidatures[0])

    report = services.assign(jury)

    assert len(report.created) == 21 and report.shortfalls == [] and report.balanced
    per_candidature = Counter(Assignment.objects.values_list("candidature_id", flat=True))
    assert set(per_candidature.values()) == {3}
    assert max(loads(jury).values()) - min(loads(jury).values()) <= 1
    pairs = set(Assignment.objects.values_list("juror_id", "candidature_id"))
    assert (jurors[0].pk, candidatures[0].pk) not in pairs and (jurors[1].pk, candidatures[0].pk) not in pairs
    mails = Notification.objects.filter(kind="jury_assignments")
    assert sorted(mails.values_list("recipient", flat=True)) == sorted(juror.email for juror in jurors)
    assert all(mail.subject.startswith("Action requise : ") for mail in mails)


def test_running_it_again_only_tops_up():
    jury, jurors = jury_with_members(3)
    for _ in range(2):
        shortlisted(jury.edition)
    services.assign(jury)
    assert services.assign(jury).created == []
    assert Notification.objects.filter(kind="jury_assignments").count() == 3

    late = shortlisted(jury.edition)
    report = services.assign(jury)
    assert {assignment.candidature for assignment in report.created} == {late}
    assert Assignment.objects.count() == 9
    assert Notification.objects.filter(kind="jury_assignments").count() == 6


def test_when_balance_is_impossible_it_still_assigns_and_says_why():
    jury, jurors = jury_with_members(3)
    dossier = shortlisted(jury.edition, territory_name="Dunkerque")
    ConflictOfInterest.objects.create(juror=jurors[2], candidature=dossier)
    others = [shortlisted(jury.edition) for _ in range(2)]
    ConflictOfInterest.objects.create(juror=jurors[0], candidature=others[0])
    ConflictOfInterest.objects.create(juror=jurors[0], candidature=others[1])

    report = services.assign(jury)

    assert [(c.territory_name, missing) for c, missing, _reason in report.shortfalls[:1]] == [("Dunkerque", 1)]
    assert "en conflit d'intérêts" in report.shortfalls[0][2]
    conflicted_pairs = set(ConflictOfInterest.objects.values_list("juror_id", "candidature_id"))
    assert conflicted_pairs.isdisjoint(Assignment.objects.values_list("juror_id", "candidature_id"))
    assert not Assignment.objects.filter(juror=jurors[2], candidature=dossier).exists()
    assert Assignment.objects.filter(candidature=dossier).count() == 2
    assert not report.balanced and report.imbalance_reason


def test_declined_members_get_nothing():
    jury, jurors = jury_with_members(3)
    JuryMember.objects.filter(user=jurors[0]).update(state=JuryMember.State.DECLINED)
    shortlisted(jury.edition)
    services.assign(jury, per_candidature=2)
    assert jurors[0].pk not in loads(jury)


# --- conflicts --------------------------------------------------------------------------------


def test_a_conflict_withdraws_the_pairs_assignment_and_its_evaluation():
    jury, (juror, *_rest) = jury_with_members(3)
    CriterionFactory(edition=jury.edition)
    dossier = shortlisted(jury.edition)
    scored(jury, juror, dossier, [3])
    services.declare_conflict(juror, dossier, juror, "Élu de cette commune")
    assert not Assignment.objects.filter(juror=juror, candidature=dossier).exists()
    assert Evaluation.objects.count() == 0
    assert ConflictOfInterest.objects.get().reason == "Élu de cette commune"


def test_for_juror_excludes_conflicts_even_when_an_assignment_remains():
    jury, (juror, *_rest) = jury_with_members(3)
    dossier = shortlisted(jury.edition)
    assignment = Assignment.objects.create(jury=jury, juror=juror, candidature=dossier)
    ConflictOfInterest.objects.bulk_create([ConflictOfInterest(juror=juror, candidature=dossier)])  # not the service
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert list(Assignment.objects.for_juror(juror)) == []


# --- scoring ----------------------------------------------------------------------------------


@pytest.fixture
def scoring():
    jury, (juror, *_rest) = jury_with_members(3)
    innovation = CriterionFactory(edition=jury.edition, weight=Decimal(2), order=1)
    usagers = CriterionFactory(edition=jury.edition, weight=Decimal(1), order=2)
    dossier = shortlisted(jury.edition)
    assignment = Assignment.objects.create(jury=jury, juror=juror, candidature=dossier)
    return jury, juror, assignment, innovation, usagers


def test_a_draft_keeps_partial_scores_and_a_submission_needs_them_all(scoring):
    jury, juror, assignment, innovation, usagers = scoring
    draft = services.save_evaluation(assignment, juror, {innovation.pk: 4, usagers.pk: None}, "À compléter")
    assert (draft.status, draft.weighted_total) == ("draft", None)
    with pytest.raises(Refused) as refusal:
        services.save_evaluation(assignment, juror, {innovation.pk: 4, usagers.pk: None}, "", submit=True)
    assert refusal.value.message == f"Notez chaque critère avant de soumettre : {usagers.name}."
    evaluation = services.save_evaluation(assignment, juror, {innovation.pk: 4, usagers.pk: 2}, "Bien", submit=True)
    assert (evaluation.status, evaluation.weighted_total) == ("submitted", Decimal("13.333"))
    with pytest.raises(Refused) as refusal:
        services.save_evaluation(assignment, juror, {innovation.pk: 5, usagers.pk: 5}, "", submit=True)
    assert refusal.value.message.startswith("Cette évaluation est déjà soumise")
    services.reopen_evaluation(evaluation, by=None, reason="Note mal saisie")
    assert services.save_evaluation(assignment, juror, {innovation.pk: 5, usagers.pk: 5}, "").status == "draft"


def test_scores_outside_the_scale_period_or_owner_are_refused(scoring):
    jury, juror, assignment, innovation, usagers = scoring
    with pytest.raises(Refused) as refusal:
        services.save_evaluation(assignment, juror, {innovation.pk: 6, usagers.pk: 1}, "")
    assert refusal.value.message == f"La note du critère « {innovation.name} » doit être comprise entre 0 et 5."
    with pytest.raises(Refused):
        services.save_evaluation(assignment, UserFactory(), {innovation.pk: 1, usagers.pk: 1}, "")
    jury.scoring_closes_at = timezone.now() - timedelta(minutes=1)
    jury.scoring_opens_at = timezone.now() - timedelta(days=3)
    jury.save()
    with pytest.raises(Refused) as refusal:
        services.save_evaluation(assignment, juror, {innovation.pk: 1, usagers.pk: 1}, "")
    assert refusal.value.message == "La période de notation de ce jury est close."


# --- reminders --------------------------------------------------------------------------------


def test_reminders_once_per_juror_and_milestone_none_to_those_who_finished(clock):
    jury, (done, late, *_rest) = jury_with_members(3)
    CriterionFactory(edition=jury.edition)
    first, second = shortlisted(jury.edition), shortlisted(jury.edition)
    scored(jury, done, first, [4])
    scored(jury, late, first, [3], submit=False)
    Assignment.objects.create(jury=jury, juror=late, candidature=second)

    queued = []
    for instant in (
        jury.scoring_closes_at - timedelta(days=2, hours=12),
        jury.scoring_closes_at - timedelta(days=2),
        jury.scoring_closes_at - timedelta(hours=20),
        jury.scoring_closes_at - timedelta(hours=2),
    ):
        clock.set(instant)
        queued.append(services.remind_jurors())

    assert queued == [1, 0, 1, 0]

    reminders = Notification.objects.filter(kind="jury_reminder").order_by("created_at")
    assert [(n.recipient, n.idempotency_key.rsplit(":", 1)[1]) for n in reminders] == [
        (late.email, "j3"),
        (late.email, "j1"),
    ]
    assert all(n.subject.startswith("Action requise : ") for n in reminders)
    assert [n.bulk for n in reminders] == [True, True]


# --- invitations ------------------------------------------------------------------------------


def test_an_invitation_creates_the_account_and_sends_a_personal_link():
    jury, _members = jury_with_members(0)
    organiser = UserFactory(is_staff=True)
    member = services.invite(jury, "nouveau.jure@ville.example", "Nadia Roussel", "member", organiser)
    assert (member.state, member.user.has_usable_password()) == (JuryMember.State.INVITED, False)
    mail = Notification.objects.get(kind="jury_invitation")
    assert mail.sensitive and mail.recipient == "nouveau.jure@ville.example"
    token = mail.body_text.split("/jury/invitation/")[1].split("/")[0]
    assert services.member_from_token(token) == member
    with pytest.raises(Refused):
        services.member_from_token(token + "x")
    services.answer_invitation(member, member.user, accept=True)
    member.refresh_from_db()
    assert member.state == JuryMember.State.ACCEPTED


def test_inviting_an_existing_user_reuses_the_account():
    jury, _members = jury_with_members(0)
    existing = UserFactory(email="claire@ville.example")
    member = services.invite(jury, "Claire@Ville.example", "Claire", "president", existing)
    assert member.user == existing and member.role == "president"
