"""Organiser screens of the jury: lists at a constant cost, actions through the services, guarded forms."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation, JuryMember
from notifications.models import Notification
from tests.conftest import messages_of
from tests.factories import UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign, jury_with_members, shortlisted
from tests.label.factories import CriterionFactory

pytestmark = pytest.mark.django_db

JURIES = reverse("admin:auditions_jury_changelist")
ASSIGNMENTS = reverse("admin:auditions_assignment_changelist")
EVALUATIONS = reverse("admin:auditions_evaluation_changelist")
CONFLICTS = reverse("admin:auditions_conflictofinterest_changelist")


def post_action(client, url, action, objects):
    # The reason is asked by the actions that need one (reopening) and ignored by the others.
    data = {"action": action, "_selected_action": [obj.pk for obj in objects], "reason": "Erreur de saisie signalée"}
    return client.post(url, data, follow=True)


def submitted(assignment, total="14.500"):
    return Evaluation.objects.create(
        assignment=assignment,
        status=Evaluation.Status.SUBMITTED,
        weighted_total=Decimal(total),
        submitted_at=timezone.now() - timedelta(days=1),
        comment="Un projet solide.",
    )


def staffed_jury(dossiers, jurors=3):
    """A jury, its members and ``dossiers`` shortlisted candidatures, each assigned to every member."""
    jury, members = jury_with_members(jurors)
    candidatures = [shortlisted(jury.edition) for _ in range(dossiers)]
    assignments = [assign(jury, juror, candidature) for candidature in candidatures for juror in members]
    return jury, members, candidatures, assignments


# --- lists cost the same with 1 and 50 rows ------------------------------------------------


def test_the_jury_list_costs_the_same_with_1_and_50_juries_and_counts_in_sql(organiser_client, count_queries):
    jury, _members, _candidatures, assignments = staffed_jury(2)
    submitted(assignments[0])
    organiser_client.get(JURIES)
    one = count_queries(organiser_client, JURIES)
    for _ in range(49):
        staffed_jury(1, jurors=2)

    assert count_queries(organiser_client, JURIES) == one
    response = organiser_client.get(JURIES)
    assert response.context["cl"].result_count == 50
    row = response.context["cl"].result_list.get(pk=jury.pk)
    assert (row.member_count, row.assignment_count, row.submitted_count) == (3, 6, 1)
    ranking_url = reverse("jury:ranking") + f"?jury={jury.pk}"
    assert f'<a href="{ranking_url}">Voir le classement</a>' in response.content.decode()


def test_the_assignment_list_costs_the_same_with_1_and_50_assignments(organiser_client, count_queries):
    jury, members = jury_with_members(5)
    dossiers = [shortlisted(jury.edition) for _ in range(10)]
    submitted(assign(jury, members[0], dossiers[0]))
    organiser_client.get(ASSIGNMENTS)
    one = count_queries(organiser_client, ASSIGNMENTS)
    for index, (dossier, juror) in enumerate([(d, m) for d in dossiers for m in members][1:]):
        assignment = assign(jury, juror, dossier)
        if index % 2:
            Evaluation.objects.create(assignment=assignment)

    assert count_queries(organiser_client, ASSIGNMENTS) == one
    response = organiser_client.get(ASSIGNMENTS)
    assert response.context["cl"].result_count == 50
    counts = {
        state: organiser_client.get(ASSIGNMENTS, {"evaluation": state}).context["cl"].result_count
        for state in ("none", "draft", "submitted")
    }
    assert counts == {"none": 25, "draft": 24, "submitted": 1}


def test_the_evaluation_list_costs_the_same_with_1_and_50_evaluations(organiser_client, count_queries):
    jury, _members, _candidatures, assignments = staffed_jury(17)
    submitted(assignments[0])
    organiser_client.get(EVALUATIONS)
    one = count_queries(organiser_client, EVALUATIONS)
    for assignment in assignments[1:50]:
        submitted(assignment, total="11.250")

    assert count_queries(organiser_client, EVALUATIONS) == one
    response = organiser_client.get(EVALUATIONS)
    assert response.context["cl"].result_count == 50


def test_the_conflict_list_costs_the_same_with_1_and_50_conflicts(organiser_client, count_queries):
    jury, members = jury_with_members(5)
    ConflictOfInterest.objects.create(juror=members[0], candidature=shortlisted(jury.edition), reason="Élu")
    organiser_client.get(CONFLICTS)
    one = count_queries(organiser_client, CONFLICTS)
    for index in range(49):
        ConflictOfInterest.objects.create(
            juror=members[index % 5], candidature=shortlisted(jury.edition), declared_by=members[index % 5]
        )

    assert count_queries(organiser_client, CONFLICTS) == one


# --- juries: assignment and invitations ----------------------------------------------------


def test_automatic_assignment_is_balanced_and_says_why_a_dossier_lacks_a_juror(organiser_client):
    jury, jurors = jury_with_members(3, name="Jury Hauts-de-France")
    candidatures = [shortlisted(jury.edition) for _ in range(4)]
    ConflictOfInterest.objects.create(juror=jurors[0], candidature=candidatures[0])

    response = post_action(organiser_client, JURIES, "assign_dossiers", [jury])

    loads = {juror: Assignment.objects.filter(juror=juror).count() for juror in jurors}
    assert sorted(loads.values()) == [3, 4, 4]
    assert not Assignment.objects.filter(juror=jurors[0], candidature=candidatures[0]).exists()
    by_pk = sorted(jurors, key=lambda juror: juror.pk)
    assert messages_of(response) == [
        "Jury Hauts-de-France : 11 attributions créées.",
        f"Jury Hauts-de-France — {candidatures[0].reference} : 1 juré manque. 2 juré(s) disponible(s) pour "
        "3 place(s) : le jury compte 3 membre(s), dont 1 en conflit d'intérêts avec ce dossier.",
        "Jury Hauts-de-France : dossiers par juré : "
        + ", ".join(f"{juror.full_name} {loads[juror]}" for juror in by_pk)
        + ".",
    ]
    assert Notification.objects.filter(kind="jury_assignments").count() == 3


def test_automatic_assignment_reports_an_imbalance_it_cannot_avoid(organiser_client):
    jury, jurors = jury_with_members(3, name="Jury Normandie", jurors_per_candidature=1)
    for _ in range(3):
        assign(jury, jurors[0], shortlisted(jury.edition))
    shortlisted(jury.edition)

    response = post_action(organiser_client, JURIES, "assign_dossiers", [jury])

    assert messages_of(response)[:2] == [
        "Jury Normandie : 1 attribution créée.",
        "Jury Normandie : répartition déséquilibrée. Les conflits d'intérêts et les attributions existantes "
        "empêchent un équilibre à un dossier près.",
    ]


def test_pending_invitations_are_sent_again_to_members_who_have_not_answered(organiser_client):
    jury = JuryFactory(name="Jury Hauts-de-France")
    waiting = JuryMemberFactory(jury=jury, state=JuryMember.State.INVITED)
    JuryMemberFactory(jury=jury, state=JuryMember.State.ACCEPTED)

    response = post_action(organiser_client, JURIES, "send_pending_invitations", [jury])

    assert messages_of(response) == ["1 invitation envoyée : la personne reçoit un lien pour accepter ou décliner."]
    assert list(Notification.objects.values_list("kind", "recipient")) == [("jury_invitation", waiting.user.email)]


def test_the_jury_page_links_to_the_invitation_form_and_the_ranking(organiser_client):
    jury = JuryFactory()

    html = organiser_client.get(reverse("admin:auditions_jury_change", args=[jury.pk])).content.decode()

    assert f'<a href="{reverse("admin:auditions_jury_invite", args=[jury.pk])}">Inviter un juré</a>' in html
    assert f'<a href="{reverse("jury:ranking")}?jury={jury.pk}">Voir le classement</a>' in html


def test_inviting_a_juror_creates_the_member_and_queues_the_invitation(organiser_client, organiser):
    jury = JuryFactory(name="Jury Hauts-de-France")
    url = reverse("admin:auditions_jury_invite", args=[jury.pk])
    assert organiser_client.get(url).status_code == 200

    response = organiser_client.post(
        url, {"email": "Luc.Moreau@cud.example", "full_name": "Luc Moreau", "role": "president"}, follow=True
    )

    assert response.redirect_chain == [(reverse("admin:auditions_jury_change", args=[jury.pk]), 302)]
    member = JuryMember.objects.select_related("user").get(jury=jury)
    assert (member.user.full_name, member.role, member.state) == ("Luc Moreau", "president", "invited")
    assert member.invited_at is not None
    assert list(Notification.objects.values_list("kind", "recipient")) == [("jury_invitation", member.user.email)]
    assert messages_of(response) == [f"Invitation envoyée à {member.user} pour le jury « Jury Hauts-de-France »."]


def test_a_bad_address_is_refused_at_the_field_and_keeps_what_was_typed(organiser_client):
    jury = JuryFactory()
    url = reverse("admin:auditions_jury_invite", args=[jury.pk])

    response = organiser_client.post(url, {"email": "luc.moreau@", "full_name": "Luc Moreau", "role": "member"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Saisissez une adresse e-mail valide, par exemple prenom.nom@collectivite.fr."]
    }
    html = response.content.decode()
    assert 'value="Luc Moreau"' in html and 'value="luc.moreau@"' in html
    assert (JuryMember.objects.count(), Notification.objects.count()) == (0, 0)
    assert not User.objects.filter(full_name="Luc Moreau").exists()


def test_a_new_person_needs_a_name_but_an_existing_account_does_not(organiser_client):
    jury = JuryFactory()
    url = reverse("admin:auditions_jury_invite", args=[jury.pk])
    known = UserFactory()

    refused = organiser_client.post(url, {"email": "nouvelle@cud.example", "full_name": "", "role": "member"})
    accepted = organiser_client.post(url, {"email": known.email.upper(), "full_name": "", "role": "member"})

    assert refused.context["form"].errors == {
        "full_name": ["Indiquez le nom complet : cette personne n'a pas encore de compte."]
    }
    assert accepted.status_code == 302
    assert list(JuryMember.objects.values_list("user", flat=True)) == [known.pk]


def test_a_jury_whose_scoring_closes_before_it_opens_is_refused(organiser_client):
    jury = JuryFactory()
    response = organiser_client.post(
        reverse("admin:auditions_jury_add"),
        {
            "edition": jury.edition.pk,
            "name": "Jury Normandie",
            "jurors_per_candidature": 3,
            "scoring_opens_at_0": "03/07/2020",
            "scoring_opens_at_1": "00:00",
            "scoring_closes_at_0": "23/06/2020",
            "scoring_closes_at_1": "18:00",
            "members-TOTAL_FORMS": 0,
            "members-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "scoring_closes_at": ["La clôture de la notation doit suivre son ouverture."]
    }


# --- conflicts of interest and assignments by hand -----------------------------------------


def test_declaring_a_conflict_withdraws_the_assignment_and_its_evaluation(organiser_client, organiser):
    jury, jurors = jury_with_members(3)
    dossier = shortlisted(jury.edition)
    evaluation = submitted(assign(jury, jurors[2], dossier))
    kept = assign(jury, jurors[1], dossier)

    response = organiser_client.post(
        reverse("admin:auditions_conflictofinterest_add"),
        {"juror": jurors[2].pk, "candidature": dossier.pk, "reason": "Ancien agent de la collectivité"},
        follow=True,
    )

    conflict = ConflictOfInterest.objects.get()
    assert (conflict.juror, conflict.candidature, conflict.declared_by, conflict.reason) == (
        jurors[2],
        dossier,
        organiser,
        "Ancien agent de la collectivité",
    )
    assert list(Assignment.objects.all()) == [kept]
    assert not Evaluation.objects.filter(pk=evaluation.pk).exists()
    assert "Le dossier a été retiré à ce juré, avec l'évaluation qu'il avait commencée ou soumise." in messages_of(
        response
    )


def test_assigning_a_conflicted_pair_by_hand_is_refused(organiser_client):
    jury, jurors = jury_with_members(3)
    dossier = shortlisted(jury.edition)
    ConflictOfInterest.objects.create(juror=jurors[0], candidature=dossier)

    response = organiser_client.post(
        reverse("admin:auditions_assignment_add"), {"jury": jury.pk, "juror": jurors[0].pk, "candidature": dossier.pk}
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Un conflit d'intérêts est déclaré entre ce juré et ce dossier : il ne peut pas lui être attribué."
    ]
    assert not Assignment.objects.exists()


def test_assigning_by_hand_needs_a_member_and_a_dossier_the_jury_scores(organiser_client):
    jury, jurors = jury_with_members(2, name="Jury Hauts-de-France")
    outsider = UserFactory()
    other_edition_dossier = shortlisted(JuryFactory().edition)

    refused = organiser_client.post(
        reverse("admin:auditions_assignment_add"),
        {"jury": jury.pk, "juror": outsider.pk, "candidature": other_edition_dossier.pk},
    )
    dossier = shortlisted(jury.edition)
    accepted = organiser_client.post(
        reverse("admin:auditions_assignment_add"), {"jury": jury.pk, "juror": jurors[1].pk, "candidature": dossier.pk}
    )

    assert refused.context["adminform"].form.errors == {
        "juror": ["Cette personne n'est pas membre du jury « Jury Hauts-de-France » : invitez-la d'abord."],
        "candidature": [
            "Ce dossier n'est pas noté par le jury « Jury Hauts-de-France » : il doit être de son édition et de "
            "ses régions, et présélectionné ou au-delà."
        ],
    }
    assert accepted.status_code == 302
    assert list(Assignment.objects.values_list("jury", "juror", "candidature")) == [(jury.pk, jurors[1].pk, dossier.pk)]


# --- evaluations ---------------------------------------------------------------------------


def test_reopening_puts_submitted_evaluations_back_in_draft(organiser_client):
    jury, _members, _candidatures, assignments = staffed_jury(1)
    done = submitted(assignments[0])
    draft = Evaluation.objects.create(assignment=assignments[1])

    response = post_action(organiser_client, EVALUATIONS, "reopen_submitted", [done, draft])

    done.refresh_from_db()
    assert (done.status, done.submitted_at) == (Evaluation.Status.DRAFT, None)
    assert messages_of(response) == [
        "1 évaluation rouverte : le juré peut la modifier et la soumettre de nouveau.",
        "1 évaluation n'était pas soumise : rien à rouvrir.",
    ]


def test_the_evaluation_page_shows_scores_and_comment_read_only(organiser_client):
    jury, _members, candidatures, assignments = staffed_jury(1)
    innovation = CriterionFactory(edition=jury.edition, name="Innovation", weight=Decimal("25"), order=1)
    evaluation = submitted(assignments[0])
    evaluation.scores.create(criterion=innovation, value=4)

    response = organiser_client.get(reverse("admin:auditions_evaluation_change", args=[evaluation.pk]))

    html = response.content.decode()
    assert response.context["adminform"].form.fields == {}
    assert '<td class="field-criterion_name"> <p>Innovation</p> </td>' in " ".join(html.split())
    assert '<td class="field-value"> <p>4</p> </td>' in " ".join(html.split())
    assert "Un projet solide." in html and candidatures[0].reference in html
    assert 'name="_save"' not in html


# --- who may come in -----------------------------------------------------------------------


@pytest.mark.parametrize("url", [JURIES, ASSIGNMENTS, EVALUATIONS, CONFLICTS])
def test_people_who_are_not_staff_are_sent_to_the_admin_login(client, url):
    client.force_login(UserFactory())

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_invitation_form_is_for_staff_only(client):
    jury = JuryFactory()
    client.force_login(UserFactory())

    response = client.get(reverse("admin:auditions_jury_invite", args=[jury.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
