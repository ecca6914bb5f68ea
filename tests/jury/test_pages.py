"""The jury's pages: dossiers, conflicts of interest, independent scoring, invitations."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from lxml.html import fromstring

from auditions.jury import services
from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation, JuryMember, Score
from auditions.jury.views import ScoringProgress
from label.models import Document
from tests.conftest import text
from tests.factories import PASSWORD, UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign, scored, shortlisted
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory, answer_all
from tests.label.uploads import PDF

pytestmark = pytest.mark.django_db

OTHER_COMMENT = "Commentaire-de-Bernard-zqx42"


@pytest.fixture
def edition():
    edition = EditionFactory()
    CriterionFactory(edition=edition, name="Innovation", order=1)
    CriterionFactory(edition=edition, name="Prise en compte des usagers", order=2)
    return edition


@pytest.fixture
def jury(edition):
    return JuryFactory(edition=edition, name="Jury Hauts-de-France")


def member(jury, **fields):
    return JuryMemberFactory(jury=jury, **fields).user


def add_document(candidature, name="presentation.pdf"):
    return Document.objects.create(
        candidature=candidature,
        file=ContentFile(PDF, name=name),
        original_name=name,
        size=len(PDF),
        content_type="application/pdf",
    )


def scores_data(edition, values, action=None, comment=""):
    data = {f"critere-{criterion.pk}": value for criterion, value in zip(edition.criteria.all(), values, strict=True)}
    data["comment"] = comment
    if action:
        data["action"] = action
    return data


def dossier_url(assignment):
    return reverse("jury:dossier", kwargs={"pk": assignment.pk})


def autosave_url(assignment):
    return reverse("jury:autosave", kwargs={"pk": assignment.pk})


# --- the juror's home ----------------------------------------------------------------------


def dossiers_in_three_states(client, jury, edition):
    """A juror logged in with three dossiers: to evaluate (Vélos), a draft (Cantines), submitted (Lumière); the
    first."""
    juror = member(jury)
    todo, draft, done = (shortlisted(edition, project_title=title) for title in ("Vélos", "Cantines", "Lumière"))
    for candidature in (todo, draft, done):
        assign(jury, juror, candidature)
    scored(jury, juror, draft, [3, None], submit=False)
    scored(jury, juror, done, [4, 2])
    client.force_login(juror)
    return todo


def test_home_lists_each_jury_with_its_period_progress_and_dossiers(client, jury, edition):
    todo = dossiers_in_three_states(client, jury, edition)

    response = client.get(reverse("jury:home"))

    assert response.status_code == 200
    assert response.context["juries"][0]["jury"] == jury
    membership = response.context["juries"][0]["membership"]
    assert (membership.assigned, membership.submitted) == (3, 1)
    states = {a.candidature.project_title: a.state for a in response.context["juries"][0]["assignments"]}
    assert states == {"Vélos": "todo", "Cantines": "draft", "Lumière": "submitted"}
    html = text(response)
    assert f'<progress id="progress-{jury.pk}" class="d-block w-100" max="3" value="1">' in html
    assert "Notation ouverte jusqu'au" in html
    assert "à évaluer" in html and "brouillon" in html and "soumise" in html
    assert reverse("jury:conflicts") in html
    assert dossier_url(Assignment.objects.get(candidature=todo)) in html


def test_home_says_each_dossiers_state_from_its_enum_in_a_badge_labelled_on_a_phone(client, jury, edition):
    dossiers_in_three_states(client, jury, edition)

    response = client.get(reverse("jury:home"))

    states = [assignment.state for assignment in response.context["juries"][0]["assignments"]]
    assert sorted(states) == sorted([ScoringProgress.TODO, ScoringProgress.DRAFT, ScoringProgress.SUBMITTED])
    table = fromstring(response.content).xpath("//table[contains(@class, 'table-stacked')]")[0]
    shown = []
    for cell in table.xpath(".//tbody/tr/td[4]"):
        (label,) = cell.xpath("./span[@class='stacked-label']")
        (badge,) = cell.xpath("./span[contains(@class, 'badge')]")
        shown.append((label.text, badge.get("class"), badge.text))
    assert sorted(shown) == [
        ("État : ", "badge text-bg-secondary", "à évaluer"),
        ("État : ", "badge text-bg-success", "soumise"),
        ("État : ", "badge text-bg-warning", "brouillon"),
    ]


def test_home_without_any_jury_is_a_polite_page(client, user):
    client.force_login(user)
    response = client.get(reverse("jury:home"))
    assert response.status_code == 200
    assert "Vous ne faites partie d'aucun jury pour le moment." in text(response)


def test_a_pending_invitation_is_listed_with_a_link_to_answer_it(client, jury, clock):
    # The link is signed with the second it is made: the page's and the test's must be the same second.
    clock.set(timezone.now())
    membership = JuryMemberFactory(jury=jury, state=JuryMember.State.INVITED)
    client.force_login(membership.user)
    assert invitation_url(membership) in text(client.get(reverse("jury:home")))


def test_a_declined_jury_is_not_listed(client, jury):
    juror = member(jury, state=JuryMember.State.DECLINED)
    client.force_login(juror)
    assert client.get(reverse("jury:home")).context["juries"] == []


def test_the_jury_pages_need_a_login(client, jury, edition):
    assignment = assign(jury, member(jury), shortlisted(edition))
    for url in (reverse("jury:home"), reverse("jury:conflicts"), dossier_url(assignment)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert client.post(autosave_url(assignment), scores_data(edition, [1, 1])).status_code == 302
    assert not Evaluation.objects.exists()


def test_the_nav_shows_the_jury_space_to_jurors_only(client, jury):
    juror = member(jury)
    client.force_login(UserFactory())
    assert "Espace jury" not in text(client.get(reverse("label:my_candidatures")))
    client.force_login(juror)
    assert "Espace jury" in text(client.get(reverse("label:my_candidatures")))


def test_home_costs_the_same_with_1_and_200_assignments(client, jury, edition, count_queries):
    juror = member(jury)
    other_jury = JuryFactory(edition=edition)
    JuryMemberFactory(jury=other_jury, user=juror)
    assign(jury, juror, shortlisted(edition))
    client.force_login(juror)
    url = reverse("jury:home")
    client.get(url)
    one = count_queries(client, url)
    for index in range(199):
        candidature = shortlisted(edition)
        assignment = assign(jury if index % 2 else other_jury, juror, candidature)
        if index % 3 == 0:
            scored(assignment.jury, juror, candidature, [index % 6, 5], submit=index % 2 == 0)
    ConflictOfInterest.objects.create(juror=juror, candidature=shortlisted(edition))
    assert count_queries(client, url) == one


# --- conflicts of interest -------------------------------------------------------------------


def test_the_conflicts_page_shows_only_territory_and_title(client, jury, edition):
    juror = member(jury)
    candidature = shortlisted(
        edition, territory_name="Ville de Gravelines", project_title="Navettes autonomes", summary="Résumé secret"
    )
    client.force_login(juror)

    response = client.get(reverse("jury:conflicts"))

    html = text(response)
    assert "Ville de Gravelines" in html and "Navettes autonomes" in html
    for private in ("Résumé secret", candidature.reference, candidature.contact_email, candidature.owner.email):
        assert private not in html


def test_declaring_a_conflict_withdraws_the_dossier_everywhere(client, jury, edition):
    juror = member(jury)
    candidature = shortlisted(edition, territory_name="Ville de Gravelines")
    document = add_document(candidature)
    assignment = assign(jury, juror, candidature)
    client.force_login(juror)
    assert client.get(reverse("label:download", kwargs={"pk": document.pk})).status_code == 200

    response = client.post(reverse("jury:conflicts"), {"candidature": candidature.pk, "reason": "J'y travaille."})

    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.juror, conflict.candidature, conflict.declared_by, conflict.reason) == (
        juror,
        candidature,
        juror,
        "J'y travaille.",
    )
    assert "Conflit déclaré" in text(client.get(reverse("jury:conflicts")))
    assert "Ville de Gravelines" not in text(client.get(reverse("jury:home")))
    assert client.get(dossier_url(assignment)).status_code == 404
    assert client.post(autosave_url(assignment), scores_data(edition, [1, 1])).status_code == 404
    assert client.get(reverse("label:download", kwargs={"pk": document.pk})).status_code == 404


def test_a_conflicted_juror_never_reaches_the_dossier_even_if_an_assignment_remains(client, jury, edition):
    """An assignment recorded after the conflict (e.g. by hand) stays invisible: for_juror excludes the pair."""
    juror = member(jury)
    candidature = shortlisted(edition, territory_name="Ville de Bergues")
    document = add_document(candidature)
    ConflictOfInterest.objects.create(juror=juror, candidature=candidature)
    assignment = assign(jury, juror, candidature)
    client.force_login(juror)

    home = client.get(reverse("jury:home"))

    assert "Ville de Bergues" not in text(home)
    assert home.context["juries"][0]["membership"].assigned == 0
    assert client.get(dossier_url(assignment)).status_code == 404
    assert client.post(autosave_url(assignment), scores_data(edition, [1, 1])).status_code == 404
    assert client.post(dossier_url(assignment), scores_data(edition, [1, 1], "submit")).status_code == 404
    assert client.get(reverse("label:download", kwargs={"pk": document.pk})).status_code == 404
    assert not Evaluation.objects.exists()


def test_a_juror_declares_only_for_candidatures_of_their_juries_still_scoring(client, jury, edition):
    juror = member(jury)
    elsewhere = shortlisted(EditionFactory())
    draft = CandidatureFactory(edition=edition, territory_name="Brouillon")
    now = timezone.now()
    closed = JuryFactory(scoring_opens_at=now - timedelta(days=9), scoring_closes_at=now - timedelta(days=1))
    JuryMemberFactory(jury=closed, user=juror)
    of_closed_jury = shortlisted(closed.edition)
    client.force_login(juror)
    assert [c.pk for c in client.get(reverse("jury:conflicts")).context["candidatures"]] == []
    for candidature in (elsewhere, draft, of_closed_jury):
        assert client.post(reverse("jury:conflicts"), {"candidature": candidature.pk}).status_code == 404
    assert client.post(reverse("jury:conflicts"), {"candidature": "x"}).status_code == 404
    assert not ConflictOfInterest.objects.exists()


def test_the_conflicts_page_costs_the_same_with_1_and_60_candidatures(client, jury, edition, count_queries):
    juror = member(jury)
    shortlisted(edition)
    client.force_login(juror)
    url = reverse("jury:conflicts")
    client.get(url)
    one = count_queries(client, url)
    for _ in range(59):
        ConflictOfInterest.objects.create(juror=juror, candidature=shortlisted(edition))
    assert count_queries(client, url) == one


# --- who reaches a dossier --------------------------------------------------------------------


def test_nobody_but_the_assigned_juror_opens_a_dossier(client, jury, edition):
    juror, other_juror = member(jury), member(jury)
    candidature = shortlisted(edition)
    assignment = assign(jury, juror, candidature)
    assign(jury, other_juror, candidature)
    for intruder in (other_juror, candidature.owner, UserFactory()):
        client.force_login(intruder)
        assert client.get(dossier_url(assignment)).status_code == 404
        assert client.post(dossier_url(assignment), scores_data(edition, [1, 1], "save")).status_code == 404
        assert client.post(autosave_url(assignment), scores_data(edition, [1, 1])).status_code == 404
    assert not Evaluation.objects.exists()


def test_the_dossier_shows_the_candidature_beside_the_scoring_form(client, jury, edition):
    juror = member(jury)
    candidature = answer_all(
        shortlisted(
            edition,
            territory_name="Communauté urbaine de Dunkerque",
            project_title="Bus gratuits",
            summary="Un réseau gratuit.",
            pitch_video_url="https://video.example/pitch-dunkerque",
        ),
        text="Notre réponse au critère.",
    )
    document = add_document(candidature, "dossier-dunkerque.pdf")
    assignment = assign(jury, juror, candidature)
    client.force_login(juror)

    response = client.get(dossier_url(assignment))

    html = text(response)
    for expected in (
        "Communauté urbaine de Dunkerque",
        "Hauts-de-France",
        "Bus gratuits",
        "Un réseau gratuit.",
        "Notre réponse au critère.",
        "https://video.example/pitch-dunkerque",
        reverse("label:download", kwargs={"pk": document.pk}),
        "dossier-dunkerque.pdf",
        '<legend class="h6 mb-1" lang="fr">Innovation</legend>',
        "Enregistrer le brouillon",
        "Soumettre mon évaluation",
        f'hx-post="{autosave_url(assignment)}"',
        'hx-trigger="change delay:500ms"',
        '"X-CSRFToken": "',
    ):
        assert expected in html
    criterion = edition.criteria.first()
    radios = re.findall(rf'<input type="radio" name="critere-{criterion.pk}" value="(\d+)"', html)
    assert radios == ["0", "1", "2", "3", "4", "5"]
    assert client.get(reverse("label:download", kwargs={"pk": document.pk})).status_code == 200


def test_the_dossier_page_costs_the_same_with_1_and_many_criteria_documents_and_juries(
    client, jury, edition, count_queries
):
    juror, other = member(jury), member(jury)
    edition.jurors_see_other_scores = True
    edition.save()
    candidature = answer_all(shortlisted(edition))
    add_document(candidature)
    assignment = assign(jury, juror, candidature)
    client.force_login(juror)
    url = dossier_url(assignment)
    scored(jury, juror, candidature, [3, None], submit=False)
    client.get(url)
    draft_one = count_queries(client, url)
    scored(jury, other, candidature, [1, 2], comment="Premier avis.")
    scored(jury, juror, candidature, [3, 4])
    submitted_one = count_queries(client, url)

    services.reopen_evaluation(assignment.evaluation, by=None, reason="Note mal saisie")
    for index in range(12):
        CriterionFactory(edition=edition, name=f"Critère supplémentaire {index}")
    answer_all(candidature)
    for index in range(8):
        add_document(candidature, f"annexe-{index}.pdf")
    for _ in range(6):
        JuryMemberFactory(jury=jury)
    assert count_queries(client, url) == draft_one
    for other_juror in [m.user for m in jury.members.exclude(user__in=[juror, other])]:
        scored(jury, other_juror, candidature, [3] * 14, comment="Un autre avis.")
    Evaluation.objects.filter(assignment__juror=other).update(status=Evaluation.Status.DRAFT)
    scored(jury, other, candidature, [2] * 14)
    scored(jury, juror, candidature, [4] * 14)
    assert count_queries(client, url) == submitted_one


# --- scoring through the views -----------------------------------------------------------------


def test_a_draft_then_a_submission_store_the_scores_and_lock_them(client, jury, edition):
    juror = member(jury)
    assignment = assign(jury, juror, shortlisted(edition))
    client.force_login(juror)
    innovation, usagers = edition.criteria.all()

    response = client.post(dossier_url(assignment), scores_data(edition, [4, ""], "save", "À creuser."))

    assert response.status_code == 302 and response.url == dossier_url(assignment)
    evaluation = Evaluation.objects.get(assignment=assignment)
    assert (evaluation.status, evaluation.comment, evaluation.weighted_total) == ("draft", "À creuser.", None)
    assert dict(Score.objects.values_list("criterion_id", "value")) == {innovation.pk: 4, usagers.pk: None}
    page = text(client.get(dossier_url(assignment)))
    assert (
        f'name="critere-{innovation.pk}" value="4" class="form-check-input" id="id_critere-{innovation.pk}_4" checked'
        in page
    )
    assert "À creuser." in page

    response = client.post(dossier_url(assignment), scores_data(edition, [4, 3], "submit", "Solide."))

    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.comment, evaluation.weighted_total) == (
        "submitted",
        "Solide.",
        Decimal("14.000"),
    )
    assert evaluation.submitted_at is not None
    assert dict(Score.objects.values_list("criterion_id", "value")) == {innovation.pk: 4, usagers.pk: 3}
    page = text(client.get(dossier_url(assignment)))
    assert "Soumettre mon évaluation" not in page and "14,00 / 20" in page

    response = client.post(dossier_url(assignment), scores_data(edition, [1, 1], "submit", "Changé."))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Cette évaluation est déjà soumise : demandez à l'équipe du label de la rouvrir."
    ]
    assert 'id="error-summary"' in text(response)
    evaluation.refresh_from_db()
    assert (evaluation.comment, evaluation.weighted_total) == ("Solide.", Decimal("14.000"))
    autosaved = client.post(autosave_url(assignment), scores_data(edition, [1, 1], comment="Changé."))
    assert "Cette évaluation est déjà soumise" in text(autosaved)
    assert Evaluation.objects.get().comment == "Solide."


def test_submitting_an_incomplete_evaluation_is_refused_keeping_what_was_typed(client, jury, edition):
    juror = member(jury)
    assignment = assign(jury, juror, shortlisted(edition))
    client.force_login(juror)
    innovation = edition.criteria.first()

    response = client.post(dossier_url(assignment), scores_data(edition, [5, ""], "submit", "Mon texte tapé."))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Notez chaque critère avant de soumettre : Prise en compte des usagers."
    ]
    html = text(response)
    assert 'id="error-summary" data-autofocus' in html
    assert f'value="5" class="form-check-input" id="id_critere-{innovation.pk}_5" checked' in html
    assert "Mon texte tapé." in html
    assert not Evaluation.objects.filter(status="submitted").exists()


def test_a_score_outside_the_scale_is_refused_in_french(client, jury, edition):
    juror = member(jury)
    assignment = assign(jury, juror, shortlisted(edition))
    client.force_login(juror)
    response = client.post(dossier_url(assignment), scores_data(edition, [9, 2], "save"))
    assert response.status_code == 200
    assert "Choisissez une note de l'échelle proposée." in text(response)
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("period", ["closed", "not_open"])
def test_scoring_outside_the_period_is_refused(client, edition, period):
    now = timezone.now()
    if period == "closed":
        jury = JuryFactory(edition=edition, scoring_opens_at=now - timedelta(days=9), scoring_closes_at=now)
    else:
        jury = JuryFactory(
            edition=edition, scoring_opens_at=now + timedelta(days=1), scoring_closes_at=now + timedelta(days=9)
        )
    juror = member(jury)
    assignment = assign(jury, juror, shortlisted(edition))
    client.force_login(juror)

    page = text(client.get(dossier_url(assignment)))
    assert "Soumettre mon évaluation" not in page
    response = client.post(dossier_url(assignment), scores_data(edition, [4, 3], "submit"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["La période de notation de ce jury est close."]
    autosaved = client.post(autosave_url(assignment), scores_data(edition, [4, 3]))
    assert text(autosaved).strip() == ('<span class="text-danger">La période de notation de ce jury est close.</span>')
    assert not Evaluation.objects.exists()


def test_autosave_keeps_a_draft_and_answers_the_time(client, jury, edition):
    juror = member(jury)
    assignment = assign(jury, juror, shortlisted(edition))
    client.force_login(juror)

    response = client.post(autosave_url(assignment), scores_data(edition, [2, ""], comment="En cours"))

    assert response.status_code == 200
    assert re.fullmatch(r"Brouillon enregistré à \d\d:\d\d", text(response).strip())
    evaluation = Evaluation.objects.get()
    assert (evaluation.status, evaluation.comment) == ("draft", "En cours")
    assert [score.value for score in evaluation.scores.all()] == [2, None]
    assert client.get(autosave_url(assignment)).status_code == 405


# --- independent scoring ----------------------------------------------------------------------


def test_other_scores_stay_hidden_until_the_juror_submits_and_only_if_the_edition_allows(client, jury, edition):
    juror = member(jury)
    bernard = member(jury, user=UserFactory(full_name="Bernard Lemaire"))
    candidature = shortlisted(edition)
    assignment = assign(jury, juror, candidature)
    scored(jury, bernard, candidature, [1, 5], comment=OTHER_COMMENT)
    edition.jurors_see_other_scores = True
    edition.save()
    client.force_login(juror)

    before = text(client.get(dossier_url(assignment)))
    autosaved = text(client.post(autosave_url(assignment), scores_data(edition, [3, 3])))
    refused = text(client.post(dossier_url(assignment), scores_data(edition, [3, ""], "submit")))
    home = text(client.get(reverse("jury:home")))
    for html in (before, autosaved, refused, home):
        assert OTHER_COMMENT not in html and "Bernard Lemaire" not in html

    edition.jurors_see_other_scores = False
    edition.save()
    client.post(dossier_url(assignment), scores_data(edition, [3, 3], "submit"))
    hidden = client.get(dossier_url(assignment))
    assert hidden.context["others"] == []
    assert OTHER_COMMENT not in text(hidden) and "Bernard Lemaire" not in text(hidden)

    edition.jurors_see_other_scores = True
    edition.save()
    shown = client.get(dossier_url(assignment))
    html = text(shown)
    assert OTHER_COMMENT in html and "Bernard Lemaire" in html and "12,00 / 20" in html
    assert [[value for _criterion, value in other["scores"]] for other in shown.context["others"]] == [[1, 5]]


def test_a_draft_of_another_juror_is_never_shown(client, jury, edition):
    juror, other = member(jury), member(jury)
    edition.jurors_see_other_scores = True
    edition.save()
    candidature = shortlisted(edition)
    assignment = assign(jury, juror, candidature)
    scored(jury, other, candidature, [5, 5], submit=False, comment=OTHER_COMMENT)
    scored(jury, juror, candidature, [2, 2])
    client.force_login(juror)
    response = client.get(dossier_url(assignment))
    assert response.context["others"] == []
    assert OTHER_COMMENT not in text(response)


# --- invitations --------------------------------------------------------------------------------


def invitation_url(membership):
    return reverse("jury:invitation", kwargs={"token": services.invitation_token(membership)})


def test_a_new_juror_chooses_a_password_and_is_accepted(client, jury):
    invited = get_user_model().objects.create_user(email="claire@jury.example", full_name="Claire Dubois")
    membership = JuryMemberFactory(jury=jury, user=invited, state=JuryMember.State.INVITED)
    url = invitation_url(membership)

    page = client.get(url)
    assert page.status_code == 200 and "claire@jury.example" in text(page)
    refused = client.post(url, {"answer": "accept", "new_password1": PASSWORD, "new_password2": "autre"})
    assert refused.status_code == 200 and refused.context["form"].errors
    response = client.post(url, {"answer": "accept", "new_password1": PASSWORD, "new_password2": PASSWORD})

    assert response.status_code == 302 and response.url == reverse("jury:home")
    membership.refresh_from_db()
    assert membership.state == JuryMember.State.ACCEPTED and membership.answered_at is not None
    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)
    assert invited.email_verified_at is not None  # the link came by e-mail: the address is proven
    # The jury's space then asks the new juror to set up a second factor before anything else.
    assert client.get(reverse("jury:home")).url.startswith(reverse("accounts:second_factor_enrol"))
    assert client.get(reverse("accounts:second_factor_enrol")).context["user"] == invited
    # Once the password is chosen, the link alone no longer opens the account.
    client.logout()
    again = client.get(url)
    assert again.status_code == 302 and again.url.startswith(reverse("accounts:login"))


def test_a_new_juror_may_decline_without_a_password(client, jury):
    invited = get_user_model().objects.create_user(email="paul@jury.example", full_name="Paul Martin")
    membership = JuryMemberFactory(jury=jury, user=invited, state=JuryMember.State.INVITED)
    response = client.post(invitation_url(membership), {"answer": "decline"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.state == JuryMember.State.DECLINED
    invited.refresh_from_db()
    assert not invited.has_usable_password()


def test_an_existing_user_logs_in_then_accepts(client, jury):
    membership = JuryMemberFactory(jury=jury, state=JuryMember.State.INVITED)
    url = invitation_url(membership)

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous.url == f"{reverse('accounts:login')}?next={url.replace(':', '%3A')}"

    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.post(url, {"answer": "accept"}).status_code == 403

    client.force_login(membership.user)
    page = client.get(url)
    assert page.status_code == 200 and "Accepter" in text(page)
    response = client.post(url, {"answer": "accept"})
    assert response.status_code == 302 and response.url == reverse("jury:home")
    membership.refresh_from_db()
    assert membership.state == JuryMember.State.ACCEPTED
