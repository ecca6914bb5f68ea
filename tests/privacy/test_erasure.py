"""Erasing an account: nothing of the name or the address left anywhere, the label's history kept, unnamed."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security
from accounts.models import SecurityEvent, User
from audit import trail
from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation, JuryMember, Score
from auditions.jury.services import declare_conflict
from core.errors import Refused
from events.models import Registration
from label import consents
from label.models import Candidature, Consent, CriterionAnswer, Document, HistoryEntry, Status
from notifications.models import Notification
from privacy.erasure import ErasureReport, erase_account
from privacy.models import DataExport
from showcase.models import ProjectProfile, PublishedProject
from tests.conftest import messages_of
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import PASSWORD, OrganiserFactory, UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, scored, shortlisted
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory
from tests.showcase.factories import laureate, published_project

from .factories import document_for, outbox_row
from .leaks import find

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2031, 3, 2, 10, 0, tzinfo=PARIS)
NAME = "Mathilde Vasseur-Quintin"
EMAIL = "mathilde.vasseur@ville-exemple.fr"
OTHER_NAME = "Bruno Lefèvre-Azoulay"
OTHER_EMAIL = "bruno.lefevre@agglo-exemple.fr"


@dataclass
class World:
    person: User
    other: User
    organiser: User
    draft: Candidature
    draft_file: str
    submitted: Candidature
    kept_evaluation: Evaluation
    draft_evaluation: Evaluation
    conflict: ConflictOfInterest
    membership: JuryMember
    history_by_person: HistoryEntry
    colleague_evaluation: Evaluation
    note_on_another_dossier: HistoryEntry
    neighbour_project: PublishedProject


def _axes_records(email):
    fields = {"user_agent": "Firefox", "ip_address": "203.0.113.9", "http_accept": "*/*", "path_info": "/"}
    AccessAttempt.objects.create(username=email, get_data="", post_data="", failures_since_start=2, **fields)
    AccessLog.objects.create(username=email.upper(), **fields)


def _person_everywhere(person, other, organiser, open_edition, jury_edition, jury):
    """``person`` as a candidate (a draft, a submitted dossier), a juror, an attendee and a correspondent."""
    draft = CandidatureFactory(edition=open_edition, owner=person, contact_name=NAME, contact_email=EMAIL)
    CriterionAnswer.objects.create(candidature=draft, criterion=open_edition.criteria.get(), text=f"Rédigé par {NAME}.")
    draft_document = document_for(draft, name=f"Dossier {NAME}.pdf")

    submitted = CandidatureFactory(
        edition=jury_edition,
        owner=person,
        status=Status.ELIGIBLE,
        reference="LTI-2031-HDF-0001",
        submitted_at=NOW - timedelta(days=3),
        territory_name="Ville-Exemple",
        description=f"Porté par {NAME} ({EMAIL}), cheffe de projet.",
        contact_name=NAME,
        contact_role="Cheffe de projet",
        contact_email=EMAIL,
        contact_phone="03 20 00 00 00",
    )
    for criterion in jury_edition.criteria.all():
        CriterionAnswer.objects.create(
            candidature=submitted, criterion=criterion, text=f"{criterion.name} : voir {NAME}, {EMAIL.upper()}."
        )
    document_for(submitted, name=f"Lettre de {NAME}.pdf")
    history_by_person = HistoryEntry.objects.create(
        candidature=submitted,
        action=HistoryEntry.Action.STATUS,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        actor=person,
    )
    HistoryEntry.objects.create(
        candidature=submitted,
        action=HistoryEntry.Action.STATUS,
        from_status=Status.SUBMITTED,
        to_status=Status.ELIGIBLE,
        actor=organiser,
        note=f"Pièce reçue de {NAME} par courrier.",
    )
    consents.record(submitted, consents.Purpose.PUBLICATION, True, person, now=NOW)
    trail.log(submitted, trail.Action.UPDATE, reason=f"Appel de {NAME} au sujet du budget", actor=organiser)

    membership = JuryMemberFactory(jury=jury, user=person)
    others_dossier = shortlisted(jury_edition, owner=other, territory_name="Agglo-Exemple")
    kept_evaluation = scored(jury, person, others_dossier, [4, 3], comment="Dossier solide, bien chiffré.")
    third = shortlisted(jury_edition, territory_name="Commune-Tierce")
    draft_evaluation = scored(jury, person, third, [2, None], submit=False, comment="À relire.")
    fourth = shortlisted(jury_edition, territory_name="Commune-Voisine")
    conflict = declare_conflict(person, fourth, by=person, reason=f"{NAME} a conseillé cette commune.", now=NOW)
    trail.log(kept_evaluation, trail.Action.UPDATE, reason="Relecture", actor=person)

    event = EventFactory()
    RegistrationFactory(event=event, full_name=NAME, email=EMAIL.upper())
    outbox_row(EMAIL, subject="Candidature LTI-2031-HDF-0001 déposée", body=f"Bonjour {NAME},\n")
    outbox_row("equipe@label.example", subject="Nouvelle candidature", body=f"Déposée par {NAME} ({EMAIL}).\n")

    security.record(person, security.Kind.EMAIL_VERIFIED)
    TOTPDevice.objects.create(user=person, name="application", confirmed=True)
    recovery = StaticDevice.objects.create(user=person, name="recovery", confirmed=True)
    StaticToken.objects.create(device=recovery, token="abcd2345")
    _axes_records(EMAIL)

    archive = DataExport.objects.create(person=person, status=DataExport.Status.READY)
    archive.file.save("archive.zip", ContentFile(b"PK archive"), save=True)
    mentions = _mentioned_by_others(organiser, jury, others_dossier, third)
    return World(
        person=person,
        other=other,
        organiser=organiser,
        draft=draft,
        draft_file=draft_document.file.name,
        submitted=submitted,
        kept_evaluation=kept_evaluation,
        draft_evaluation=draft_evaluation,
        conflict=conflict,
        membership=membership,
        history_by_person=history_by_person,
        **mentions,
    )


def _mentioned_by_others(organiser, jury, others_dossier, third):
    """The person named where others wrote: a colleague juror's comment, an organiser's note on another
    dossier, another laureate's project page (its contact, its partners, its review's comment)."""
    colleague = JuryMemberFactory(jury=jury, user=UserFactory(full_name="Hugo Collègue")).user
    colleague_evaluation = scored(jury, colleague, third, [3, 3], comment=f"D'accord avec {NAME} sur ce dossier.")
    note = HistoryEntry.objects.create(
        candidature=others_dossier,
        action=HistoryEntry.Action.STATUS,
        from_status=Status.SUBMITTED,
        to_status=Status.ELIGIBLE,
        actor=organiser,
        note=f"Complément transmis par {EMAIL}.",
    )
    neighbour = laureate(edition=jury.edition, reference="LTI-2031-HDF-0099", submitted_at=NOW - timedelta(days=9))
    project = published_project(
        candidature=neighbour,
        organiser=organiser,
        partners=f"Avec l'appui de {NAME}, de la commune voisine.",
        contact_name=NAME,
        contact_role="Cheffe de projet",
        contact_email=EMAIL,
        contact_phone="03 20 00 00 01",
    )
    ProjectProfile.objects.filter(pk=project.profile_id).update(
        review_comment=f"Vérifiez avec {NAME} qu'elle accepte d'être citée."
    )
    return {"colleague_evaluation": colleague_evaluation, "note_on_another_dossier": note, "neighbour_project": project}


def _other_everywhere(other, open_edition):
    CandidatureFactory(edition=open_edition, owner=other, contact_name=OTHER_NAME, contact_email=OTHER_EMAIL)
    RegistrationFactory(full_name=OTHER_NAME, email=OTHER_EMAIL)
    outbox_row(OTHER_EMAIL, body=f"Bonjour {OTHER_NAME},\n")
    security.record(other, security.Kind.EMAIL_VERIFIED)
    TOTPDevice.objects.create(user=other, name="application", confirmed=True)
    _axes_records(OTHER_EMAIL)


@pytest.fixture
def world(clock):
    clock.set(NOW)
    organiser = OrganiserFactory(full_name="Claire Martin", email="claire.martin@label.example")
    person = UserFactory(full_name=NAME, email=EMAIL)
    other = UserFactory(full_name=OTHER_NAME, email=OTHER_EMAIL)
    open_edition = EditionFactory(year=2031, slug="2031-ouverte")
    jury_edition = EditionFactory(year=2031, code="HDF", slug="2031-hdf")
    CriterionFactory(edition=jury_edition, code="innovation", name="Innovation", order=1)
    CriterionFactory(edition=jury_edition, code="usagers", name="Usagers", order=2)
    CriterionFactory(edition=open_edition, code="innovation", name="Innovation", order=1)
    jury = JuryFactory(edition=jury_edition, name="Jury Hauts-de-France")
    built = _person_everywhere(person, other, organiser, open_edition, jury_edition, jury)
    _other_everywhere(other, open_edition)
    return built


def _everything_of(person):
    """The rows that concern ``person`` and nobody else, as values: what erasing someone else must not touch."""
    email = person.email
    return {
        "account": list(User.objects.filter(pk=person.pk).values()),
        "candidatures": list(Candidature.objects.filter(owner=person).values()),
        "answers": list(CriterionAnswer.objects.filter(candidature__owner=person).values()),
        "registrations": list(Registration.objects.filter(email__iexact=email).values()),
        "outbox": list(Notification.objects.filter(recipient__iexact=email).values()),
        "security": list(SecurityEvent.objects.filter(user=person).values()),
        "devices": list(TOTPDevice.objects.filter(user=person).values()),
        "axes": list(AccessAttempt.objects.filter(username__iexact=email).values()),
        "sessions": sorted(
            session.session_key
            for session in Session.objects.all()
            if session.get_decoded().get(SESSION_KEY) == str(person.pk)
        ),
    }


def test_nothing_names_the_person_after_erasure(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.other)
    Client().force_login(world.person)
    other_before = _everything_of(world.other)
    named = find(NAME, EMAIL)
    assert set(named) == {
        "accounts.User.email",
        "accounts.User.full_name",
        "auditions.ConflictOfInterest.reason",
        "auditions.Evaluation.comment",
        "auditlog.LogEntry.actor_email",
        "auditlog.LogEntry.additional_data",
        "auditlog.LogEntry.changes",
        "auditlog.LogEntry.object_repr",
        "axes.AccessAttempt.username",
        "axes.AccessLog.username",
        "events.Registration.email",
        "events.Registration.full_name",
        "label.Candidature.contact_email",
        "label.Candidature.contact_name",
        "label.Candidature.description",
        "label.CriterionAnswer.text",
        "label.Document.original_name",
        "label.HistoryEntry.note",
        "notifications.Notification.body_text",
        "notifications.Notification.recipient",
        "showcase.ProjectProfile.contact_email",
        "showcase.ProjectProfile.contact_name",
        "showcase.ProjectProfile.partners",
        "showcase.ProjectProfile.review_comment",
        "showcase.PublishedProject.contact_email",
        "showcase.PublishedProject.contact_name",
        "showcase.PublishedProject.partners",
        "showcase.PublishedProject.search_text",
    }
    trail_entries = {pk for column, pks in named.items() if column.startswith("auditlog.LogEntry.") for pk in pks}
    trail_entries |= {str(pk) for pk in LogEntry.objects.filter(actor=world.person).values_list("pk", flat=True)}
    archive_storage = DataExport._meta.get_field("file").storage
    archives = list(DataExport.objects.filter(person=world.person).values_list("file", flat=True))
    archives_stored_before = [archive_storage.exists(name) for name in archives]

    with django_capture_on_commit_callbacks(execute=True):
        report = erase_account(world.person, by=world.organiser, reason="Courrier du 1er mars 2031")

    assert find(NAME, EMAIL) == {}
    assert _everything_of(world.other) == other_before
    assert report == ErasureReport(
        accounts=1,
        candidatures_deleted=1,
        candidatures_anonymised=1,
        documents=1,
        evaluations_deleted=1,
        sessions=1,
        devices=2,
        security_events=1,
        # Two failed attempts seeded, and the login of the session above.
        login_records=3,
        notifications=2,
        registrations=1,
        exports=1,
        trail_entries=len(trail_entries),
    )
    assert not Document._meta.get_field("file").storage.exists(world.draft_file)
    assert (archives_stored_before, [archive_storage.exists(name) for name in archives]) == ([True], [False])


def test_the_account_is_anonymised_and_locked(world):
    erase_account(world.person, by=world.organiser, reason="Courrier du 1er mars 2031")

    person = User.objects.get(pk=world.person.pk)
    pk = person.pk
    assert (
        person.email,
        person.full_name,
        person.is_active,
        person.is_staff,
        person.email_verified_at,
        person.has_usable_password(),
        list(person.groups.all()),
    ) == (f"supprime-{pk}@anonyme.invalid", f"Compte supprimé n° {pk}", False, False, None, False, [])
    person.full_clean()


def test_what_the_label_needs_stays_unnamed(world):
    erase_account(world.person, by=world.organiser, reason="Courrier du 1er mars 2031")
    pk = world.person.pk
    label = f"Compte supprimé n° {pk}"

    assert not Candidature.objects.filter(pk=world.draft.pk).exists()
    kept = Candidature.objects.get(pk=world.submitted.pk)
    assert (kept.owner_id, kept.status, kept.reference, kept.territory_name, kept.description) == (
        pk,
        Status.ELIGIBLE,
        "LTI-2031-HDF-0001",
        "Ville-Exemple",
        f"Porté par {label} ({label}), cheffe de projet.",
    )
    assert (kept.contact_name, kept.contact_role, kept.contact_email, kept.contact_phone) == ("", "", "", "")
    assert list(kept.answers.order_by("criterion__order").values_list("text", flat=True)) == [
        f"Innovation : voir {label}, {label}.",
        f"Usagers : voir {label}, {label}.",
    ]
    assert list(kept.documents.values_list("original_name", flat=True)) == [f"Lettre de {label}.pdf"]
    assert list(kept.history.values_list("actor_id", "note")) == [
        (pk, ""),
        (world.organiser.pk, f"Pièce reçue de {label} par courrier."),
    ]
    assert list(Consent.objects.filter(candidature=kept).values_list("person_id", "given")) == [(None, True)]


def test_what_others_wrote_about_the_person_stays_unnamed(world, client):
    erase_account(world.person, by=world.organiser, reason="Courrier du 1er mars 2031")
    label = f"Compte supprimé n° {world.person.pk}"

    comment = Evaluation.objects.get(pk=world.colleague_evaluation.pk).comment
    note = HistoryEntry.objects.get(pk=world.note_on_another_dossier.pk).note
    project = PublishedProject.objects.select_related("profile").get(pk=world.neighbour_project.pk)
    assert (comment, note) == (f"D'accord avec {label} sur ce dossier.", f"Complément transmis par {label}.")
    contacts = [
        (row.contact_name, row.contact_role, row.contact_email, row.contact_phone) for row in (project, project.profile)
    ]
    assert contacts == [("", "", "", ""), ("", "", "", "")]
    assert (project.partners, project.profile.partners, project.profile.review_comment) == (
        f"Avec l'appui de {label}, de la commune voisine.",
        f"Avec l'appui de {label}, de la commune voisine.",
        f"Vérifiez avec {label} qu'elle accepte d'être citée.",
    )
    assert "vasseur" not in project.search_text
    page = client.get(reverse("showcase:project", args=[project.slug]))
    assert (page.status_code, NAME in page.content.decode(), label in page.content.decode()) == (200, False, True)


def test_submitted_evaluations_stay_drafts_go(world):
    erase_account(world.person, by=world.organiser)
    pk = world.person.pk

    kept = Evaluation.objects.get(pk=world.kept_evaluation.pk)
    assert (kept.status, kept.comment, kept.assignment.juror_id) == (
        Evaluation.Status.SUBMITTED,
        "Dossier solide, bien chiffré.",
        pk,
    )
    assert list(Score.objects.filter(evaluation=kept).order_by("criterion__order").values_list("value", flat=True)) == [
        4,
        3,
    ]
    assert not Evaluation.objects.filter(pk=world.draft_evaluation.pk).exists()
    assert not Assignment.objects.filter(pk=world.draft_evaluation.assignment_id).exists()
    assert list(JuryMember.objects.filter(user_id=pk).values_list("pk", flat=True)) == [world.membership.pk]
    conflict = ConflictOfInterest.objects.get(pk=world.conflict.pk)
    assert (conflict.juror_id, conflict.declared_by_id, conflict.reason) == (
        pk,
        pk,
        f"Compte supprimé n° {pk} a conseillé cette commune.",
    )


def test_the_trail_keeps_who_did_what_and_records_the_erasure(world):
    erase_account(world.person, by=world.organiser, reason="Courrier du 1er mars 2031")
    pk = world.person.pk
    label = f"Compte supprimé n° {pk}"

    signed = LogEntry.objects.filter(actor_id=pk).exclude(action=LogEntry.Action.DELETE)
    assert {(entry.actor_email, entry.remote_addr) for entry in signed} == {(f"supprime-{pk}@anonyme.invalid", None)}
    about_the_dossier = LogEntry.objects.get(additional_data__reason=f"Appel de {label} au sujet du budget")
    assert about_the_dossier.actor_id == world.organiser.pk
    membership = LogEntry.objects.filter(object_pk=str(world.membership.pk), content_type__model="jurymember").first()
    assert membership.object_repr == f"{label} — Jury Hauts-de-France"
    assert about_the_dossier.object_repr == "LTI-2031-HDF-0001 · Ville-Exemple · Éclairage public intelligent"

    erasure = LogEntry.objects.get(additional_data__erasure=True)
    assert (
        erasure.content_type.model,
        erasure.object_pk,
        erasure.object_repr,
        erasure.action,
        erasure.actor_id,
        erasure.additional_data,
    ) == (
        "user",
        str(pk),
        f"{label} <supprime-{pk}@anonyme.invalid>",
        LogEntry.Action.DELETE,
        world.organiser.pk,
        {"reason": "Courrier du 1er mars 2031", "erasure": True},
    )


def test_erasing_twice_changes_nothing_more(world):
    erase_account(world.person, by=world.organiser)
    entries = LogEntry.objects.count()

    assert erase_account(User.objects.get(pk=world.person.pk), by=world.organiser) == ErasureReport()
    assert LogEntry.objects.count() == entries


def test_superusers_are_never_erased(db):
    admin = UserFactory(full_name="Alice Racine", is_staff=True, is_superuser=True)

    with pytest.raises(Refused) as by_the_platform:
        erase_account(admin)
    with pytest.raises(Refused) as by_themselves:
        erase_account(admin, by=admin)

    assert (by_the_platform.value.message, by_themselves.value.message) == (
        "Un compte super-administrateur n'est jamais effacé : retirez-lui d'abord ce statut.",
        "Votre compte est super-administrateur : il n'est jamais effacé. Demandez à un autre "
        "super-administrateur de vous retirer ce statut, puis supprimez votre compte.",
    )
    assert User.objects.get(pk=admin.pk).full_name == "Alice Racine"


def test_staff_are_erased_by_a_superuser_only(db):
    organiser = OrganiserFactory(full_name="Paul Organisateur")
    colleague = OrganiserFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)

    with pytest.raises(Refused) as by_themselves:
        erase_account(organiser, by=organiser)
    with pytest.raises(Refused) as by_a_colleague:
        erase_account(organiser, by=colleague)
    report = erase_account(organiser, by=superuser)

    assert (by_themselves.value.message, by_a_colleague.value.message, report.accounts) == (
        "Votre compte donne accès à l'administration : demandez à un administrateur de retirer cet accès, "
        "puis supprimez votre compte.",
        "Ce compte donne accès à l'administration : seul un super-administrateur peut l'effacer.",
        1,
    )
    assert User.objects.filter(pk=organiser.pk, is_staff=False, groups=None).exists()


# --- the page "Supprimer mon compte" ----------------------------------------------------------


def test_a_wrong_password_erases_nothing(world, client):
    client.force_login(world.person)
    url = reverse("privacy:delete_account")

    response = client.post(url, {"password": "pas-le-bon"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password": ["Ce n'est pas votre mot de passe : rien n'a été supprimé. Saisissez celui de votre connexion."]
    }
    assert User.objects.get(pk=world.person.pk).email == EMAIL
    assert Candidature.objects.filter(pk=world.draft.pk).exists()


def test_wrong_passwords_are_throttled(world, client):
    client.force_login(world.person)
    url = reverse("privacy:delete_account")
    for _attempt in range(5):
        client.post(url, {"password": "pas-le-bon"})

    response = client.post(url, {"password": PASSWORD})

    assert response.context["form"].errors == {
        "password": ["Trop d'essais de mot de passe : réessayez dans une heure, rien n'a été supprimé."]
    }
    assert User.objects.get(pk=world.person.pk).email == EMAIL


def test_the_right_password_erases_and_logs_out(world, client):
    client.force_login(world.person)
    url = reverse("privacy:delete_account")

    page = client.get(url)
    response = client.post(url, {"password": PASSWORD})

    assert page.status_code == 200
    assert (page.context["drafts"], page.context["submitted"], page.context["candidature_years"]) == (1, 1, 5)
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:account_deleted")
    assert User.objects.get(pk=world.person.pk).email == f"supprime-{world.person.pk}@anonyme.invalid"
    assert SESSION_KEY not in client.session
    followed = client.get(response["Location"])
    assert followed.status_code == 200
    assert client.get(url)["Location"] == f"{reverse('accounts:login')}?next={url}"
    erasure = LogEntry.objects.get(additional_data__erasure=True)
    assert (erasure.actor_id, erasure.remote_addr, erasure.additional_data["reason"]) == (
        world.person.pk,
        None,
        "Suppression demandée par la personne depuis « Mes données »",
    )


def test_organisers_cannot_delete_their_own_account_from_the_page(organiser_client, organiser):
    url = reverse("privacy:delete_account")

    page = organiser_client.get(url)
    response = organiser_client.post(url, {"password": PASSWORD})

    assert (
        page.context["refusal"]
        == response.context["refusal"]
        == (
            "Votre compte donne accès à l'administration : demandez à un administrateur de retirer cet accès, "
            "puis supprimez votre compte."
        )
    )
    assert User.objects.get(pk=organiser.pk).email == organiser.email


def test_the_page_asks_to_log_in(db, client):
    url = reverse("privacy:delete_account")

    assert client.get(url)["Location"] == f"{reverse('accounts:login')}?next={url}"


# --- the organisers' actions in the admin ---------------------------------------------------


def test_organisers_erase_an_account_with_a_reason(organiser_client, organiser, user, other_user):
    changelist = reverse("admin:accounts_user_changelist")
    selected = {"action": "erase_personal_data", "_selected_action": [user.pk]}

    asked = organiser_client.post(changelist, selected)
    done = organiser_client.post(changelist, {**selected, "reason": "Courrier recommandé du 2 mars"}, follow=True)

    assert asked.status_code == 200
    assert asked.template_name == "admin/audit/reason.html"
    assert User.objects.get(pk=user.pk).email == f"supprime-{user.pk}@anonyme.invalid"
    assert User.objects.get(pk=other_user.pk).email == other_user.email
    assert messages_of(done) == ["1 compte effacé."]
    erasure = LogEntry.objects.get(additional_data__erasure=True)
    assert (erasure.object_pk, erasure.actor_id, erasure.additional_data["reason"]) == (
        str(user.pk),
        organiser.pk,
        "Courrier recommandé du 2 mars",
    )


def test_an_organiser_cannot_erase_a_colleague(organiser_client):
    colleague = OrganiserFactory()
    changelist = reverse("admin:accounts_user_changelist")

    done = organiser_client.post(
        changelist,
        {"action": "erase_personal_data", "_selected_action": [colleague.pk], "reason": "Départ"},
        follow=True,
    )

    assert messages_of(done) == [
        f"{colleague} : Ce compte donne accès à l'administration : seul un super-administrateur peut l'effacer."
    ]
    assert User.objects.get(pk=colleague.pk).email == colleague.email


def test_organisers_prepare_an_archive_for_a_written_request(organiser_client, organiser, user, other_user):
    changelist = reverse("admin:accounts_user_changelist")

    done = organiser_client.post(
        changelist, {"action": "export_personal_data", "_selected_action": [user.pk, other_user.pk]}, follow=True
    )

    assert messages_of(done) == [
        "Les archives des données de 2 personnes sont en préparation : les liens de téléchargement vous "
        "parviendront par courriel."
    ]
    assert sorted(DataExport.objects.values_list("person_id", "requested_by_id")) == sorted(
        [(user.pk, organiser.pk), (other_user.pk, organiser.pk)]
    )


def test_data_exports_are_read_only_in_the_admin(organiser_client, user):
    DataExport.objects.create(person=user, status=DataExport.Status.PENDING)

    listed = organiser_client.get(reverse("admin:privacy_dataexport_changelist"))
    add = organiser_client.get(reverse("admin:privacy_dataexport_add"))

    assert (listed.status_code, add.status_code) == (200, 403)


def test_a_laureate_s_public_profile_loses_the_person_s_contact_and_name(db):
    owner = UserFactory(full_name="Sophie Leroy", email="sophie.leroy@roubaix.example")
    candidature = laureate(owner=owner, reference="LTI-2031-0042", submitted_at=EditionFactory().closes_at)
    published = published_project(
        candidature=candidature,
        contact_name="Sophie Leroy",
        contact_role="Cheffe de projet",
        contact_email="sophie.leroy@roubaix.example",
        contact_phone="03 20 00 00 00",
        partners="Avec l'appui de Sophie Leroy et de la métropole.",
    )

    erase_account(owner, by=owner)

    published.refresh_from_db()
    label = f"Compte supprimé n° {owner.pk}"
    assert (published.contact_name, published.contact_email, published.contact_phone) == ("", "", "")
    assert published.partners == f"Avec l'appui de {label} et de la métropole."
    assert (published.profile.contact_email, published.profile.partners) == ("", published.partners)
    assert find("Sophie Leroy", "sophie.leroy@roubaix.example") == {}


def test_the_delete_page_costs_the_same_with_one_and_many_candidatures_and_evaluations(db, client, count_queries):
    person = UserFactory()
    client.force_login(person)
    url = reverse("privacy:delete_account")
    jury = JuryFactory()
    JuryMemberFactory(jury=jury, user=person)
    CandidatureFactory(owner=person)
    scored(jury, person, shortlisted(jury.edition), [])
    one = count_queries(client, url)
    for index in range(6):
        CandidatureFactory(owner=person, status=Status.SUBMITTED, reference=f"LTI-2031-{index + 10:04d}")
    for candidature in [shortlisted(jury.edition) for _index in range(5)]:
        scored(jury, person, candidature, [])

    assert count_queries(client, url) == one
