"""The personal data archive: everything about the person, nothing about anyone else, reachable by them alone."""

import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from auditlog.context import set_extra_data
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.files.base import ContentFile
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security
from auditions.jury.models import Evaluation, Score
from auditions.jury.services import declare_conflict
from auditions.sessions.models import AuditionSession, Availability, Convocation
from core.errors import Refused
from label import consents
from label.models import CriterionAnswer, Document, HistoryEntry, Status
from notifications.models import Notification
from privacy import export
from privacy.models import DataExport
from tests.conftest import wait_for
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import OrganiserFactory, UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign, scored
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory
from tests.label.uploads import PDF, PNG

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2031, 3, 2, 10, 0, tzinfo=PARIS)
SESSION_START = datetime(2031, 4, 15, 14, 0, tzinfo=PARIS)
MEMBERS = [
    "README.txt",
    "account.json",
    "candidatures.json",
    "registrations.json",
    "evaluations.json",
    "emails.json",
    "security.json",
]


def iso(instant):
    return instant.astimezone(PARIS).isoformat()


@dataclass
class Holder:
    """A person with something in every kind of data, and the files they uploaded."""

    user: object
    candidature: object
    files: dict  # document id -> the bytes uploaded
    comment: str  # what they wrote as a juror


@dataclass
class World:
    edition: object
    organiser: object
    sophie: Holder
    marc: Holder


def holder(parts, full_name, email, reference, territory):
    """``full_name`` owns ``reference`` (answers, history, consent, documents, audition) and holds the rest."""
    user = UserFactory(full_name=full_name, email=email)
    TOTPDevice.objects.create(user=user, name="application", confirmed=True)
    candidature = CandidatureFactory(
        edition=parts["edition"],
        owner=user,
        status=Status.ELIGIBLE,
        reference=reference,
        submitted_at=NOW - timedelta(days=1),
        territory_name=territory,
        project_title=f"Éclairage sobre — {territory}",
        contact_name=full_name,
        contact_email=email,
        contact_phone="03 20 00 00 00",
        budget=Decimal("125000.50"),
        consent_publication=True,
    )
    for criterion in parts["criteria"]:
        CriterionAnswer.objects.create(
            candidature=candidature, criterion=criterion, text=f"{criterion.name} selon {full_name}."
        )
    HistoryEntry.objects.create(
        candidature=candidature,
        action=HistoryEntry.Action.STATUS,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        actor=user,
        at=NOW - timedelta(days=1),
    )
    HistoryEntry.objects.create(
        candidature=candidature,
        action=HistoryEntry.Action.STATUS,
        from_status=Status.SUBMITTED,
        to_status=Status.ELIGIBLE,
        actor=parts["organiser"],
        at=NOW,
        note="Dossier complet.",
    )
    HistoryEntry.objects.create(
        candidature=candidature,
        action=HistoryEntry.Action.STAGED,
        actor=parts["organiser"],
        at=NOW,
        note="Présélectionner (décision des organisateurs, pas encore publiée)",
    )
    consents.record(candidature, consents.Purpose.PUBLICATION, True, user, now=NOW)

    files = {}
    for index, (name, kind, content) in enumerate(
        (
            ("Présentation du projet.pdf", "application/pdf", PDF + f"% {full_name} 1\n".encode()),
            ("Présentation du projet.pdf", "application/pdf", PDF + f"% {full_name} 2\n".encode()),
            ("Photo.png", "image/png", PNG + full_name.encode()),
        )
    ):
        parts["clock"].set(NOW + timedelta(minutes=index))
        document = Document(candidature=candidature, original_name=name, size=len(content), content_type=kind)
        document.file.save("upload", ContentFile(content), save=True)
        files[document.pk] = content
    parts["clock"].set(NOW)

    Availability.objects.create(
        candidature=candidature,
        session=parts["session"],
        ranges=[[SESSION_START.isoformat(), (SESSION_START + timedelta(hours=1)).isoformat()]],
        answered_at=NOW,
    )
    Convocation.objects.create(
        session=parts["session"],
        candidature=candidature,
        uid=f"convocation-{reference}@label-territoire-innovant",
        starts_at=SESSION_START,
        ends_at=SESSION_START + timedelta(minutes=20),
        video_url=f"https://visio.label.example/{reference}",
        sent_at=NOW,
        updated_at=NOW,
        acknowledged_at=NOW + timedelta(hours=1),
    )
    # Typed in capitals on the event's form: still their address.
    RegistrationFactory(
        event=parts["event"], full_name=full_name, email=email.upper(), organisation=territory, created_at=NOW
    )
    JuryMemberFactory(jury=parts["jury"], user=user)
    declare_conflict(user, parts["third"], by=user, reason=f"{full_name} y a travaillé.", now=NOW)
    Notification.objects.create(
        kind="candidature_submitted",
        recipient=email,
        language="fr",
        subject=f"Candidature {reference} déposée",
        body_text=f"Bonjour,\n\nVotre candidature {reference} est déposée.\n",
        body_html="<p>Seulement en HTML</p>",
        status=Notification.Status.SENT,
        sent_at=NOW,
    )
    Notification.objects.create(
        kind="password_reset",
        recipient=email.upper(),
        language="fr",
        subject="Action requise : choisissez un nouveau mot de passe",
        body_text=f"https://label.example/compte/mot-de-passe/nouveau/{reference}/jeton-secret/\n",
        sensitive=True,
    )
    security.record(user, security.Kind.EMAIL_VERIFIED)
    security.record(user, security.Kind.SECOND_FACTOR_RESET, actor=parts["organiser"])
    login_records(email, full_name)
    return user, candidature, files


def login_records(email, full_name):
    """A login, a refused attempt and a lockout with ``email``, each from a browser that names its person."""
    fields = {"ip_address": "203.0.113.9", "user_agent": f"Navigateur de {full_name}", "http_accept": "*/*"}
    AccessLog.objects.create(username=email, path_info="/compte/connexion/", logout_time=NOW, **fields)
    AccessAttempt.objects.create(
        username=email.upper(),
        path_info="/compte/connexion/",
        get_data="",
        post_data="",
        failures_since_start=2,
        **fields,
    )
    AccessFailureLog.objects.create(username=email, path_info="/compte/connexion/", locked_out=True, **fields)


def signed_by(person, address):
    """The trail's context of a request ``person`` makes from ``address``, as ``audit.middleware`` sets it."""
    return set_extra_data(context_data={"actor": person, "remote_addr": address, "remote_port": None})


@pytest.fixture
def world(clock):
    clock.set(NOW)
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031)
    parts = {
        "clock": clock,
        "edition": edition,
        "criteria": [
            CriterionFactory(edition=edition, code="innovation", name="Innovation", order=1),
            CriterionFactory(edition=edition, code="usagers", name="Prise en compte des usagers", order=2),
        ],
        "organiser": OrganiserFactory(full_name="Claire Martin", email="claire.martin@label.example"),
        "jury": JuryFactory(edition=edition, name="Jury Hauts-de-France"),
        "session": AuditionSession.objects.create(
            edition=edition,
            title="Auditions Hauts-de-France",
            starts_at=SESSION_START,
            ends_at=SESSION_START + timedelta(hours=3),
        ),
        "event": EventFactory(
            title="Rencontre régionale de Dunkerque",
            starts_at=datetime(2031, 6, 30, 9, tzinfo=PARIS),
            ends_at=datetime(2031, 6, 30, 17, tzinfo=PARIS),
        ),
        "third": CandidatureFactory(
            edition=edition, status=Status.ELIGIBLE, reference="LTI-2031-0003", project_title="Mobilité partagée"
        ),
    }
    sophie = holder(parts, "Sophie Leroy", "sophie.leroy@roubaix.example", "LTI-2031-0001", "Ville de Roubaix")
    marc = holder(parts, "Marc Dubois", "marc.dubois@amiens.example", "LTI-2031-0002", "Ville d'Amiens")
    # Each scores the other's dossier: their own appears in their archive, the other's note never does.
    comments = {"sophie": "Sophie Leroy : bonne mutualisation.", "marc": "Marc Dubois : trop coûteux."}
    # The team assigns the dossiers; each juror scores from their own address.
    assign(parts["jury"], sophie[0], marc[1])
    assign(parts["jury"], marc[0], sophie[1])
    with signed_by(sophie[0], "198.51.100.4"):
        scored(parts["jury"], sophie[0], marc[1], [4, 3], comment=comments["sophie"])
    with signed_by(marc[0], "198.51.100.5"):
        scored(parts["jury"], marc[0], sophie[1], [1, 2], comment=comments["marc"])
    return World(
        edition=edition,
        organiser=parts["organiser"],
        sophie=Holder(*sophie, comment=comments["sophie"]),
        marc=Holder(*marc, comment=comments["marc"]),
    )


def built(person, requested_by=None):
    data_export = DataExport.objects.create(person=person, requested_by=requested_by)
    assert export.build(data_export.pk) == DataExport.Status.READY
    data_export.refresh_from_db()
    return data_export


def unzipped(data_export):
    with data_export.file.open("rb") as stored, zipfile.ZipFile(io.BytesIO(stored.read())) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def parsed(members):
    return {name: json.loads(content) for name, content in members.items() if name.endswith(".json")}


# --- what the archive holds ---------------------------------------------------------------------------------


def test_the_archive_holds_every_kind_of_the_persons_data(world):
    sophie = world.sophie
    user, candidature = sophie.user, sophie.candidature
    documents = list(candidature.documents.order_by("uploaded_at"))
    folder = "documents/LTI-2031-0001"
    paths = [f"{folder}/Présentation du projet.pdf", f"{folder}/Présentation du projet (2).pdf", f"{folder}/Photo.png"]

    data_export = built(user)
    members = unzipped(data_export)
    files = parsed(members)

    assert list(members) == [*MEMBERS, *paths]
    assert [members[path] for path in paths] == [sophie.files[document.pk] for document in documents]
    assert data_export.size == data_export.file.size
    assert (data_export.ready_at, data_export.expires_at) == (NOW, NOW + timedelta(days=7))

    assert files["account.json"] == {
        "id": user.pk,
        "last_login": None,
        "is_superuser": False,
        "email": "sophie.leroy@roubaix.example",
        "full_name": "Sophie Leroy",
        "language": "fr",
        "is_staff": False,
        "is_active": True,
        "date_joined": iso(NOW),
        "email_verified_at": iso(NOW),
        "retention_warned_at": None,
        "second_factor_enrolled": True,
    }
    publication = consents.WORDINGS[consents.Purpose.PUBLICATION]
    assert files["candidatures.json"] == [
        {
            "id": candidature.pk,
            "edition": "Label Territoire Innovant 2031",
            "reference": "LTI-2031-0001",
            "status": "eligible",
            "territory_name": "Ville de Roubaix",
            "territory_kind": "commune",
            "region": "Hauts-de-France",
            "population": 12000,
            "project_title": "Éclairage sobre — Ville de Roubaix",
            "summary": "Un éclairage qui s'adapte aux passages.",
            "description": "Contexte, objectifs, réalisation.",
            "stage": "pilot",
            "started_on": None,
            "ends_on": None,
            "budget": "125000.50",
            "partners": "",
            "website": "",
            "theme": None,
            "contact_name": "Sophie Leroy",
            "contact_role": "",
            "contact_email": "sophie.leroy@roubaix.example",
            "contact_phone": "03 20 00 00 00",
            "consent_rules": True,
            "consent_publication": True,
            "submitted_at": iso(NOW - timedelta(days=1)),
            "extended_until": None,
            "outcome_level": "",
            "pitch_video_url": "",
            "created_at": iso(NOW),
            "updated_at": iso(NOW),
            "answers": [
                {"criterion": "Innovation", "criterion_code": "innovation", "text": "Innovation selon Sophie Leroy."},
                {
                    "criterion": "Prise en compte des usagers",
                    "criterion_code": "usagers",
                    "text": "Prise en compte des usagers selon Sophie Leroy.",
                },
            ],
            "history": [
                {
                    "action": "status",
                    "from_status": "draft",
                    "to_status": "submitted",
                    "at": iso(NOW - timedelta(days=1)),
                    "by": "self",
                    "note": "",
                },
                {
                    "action": "status",
                    "from_status": "submitted",
                    "to_status": "eligible",
                    "at": iso(NOW),
                    "by": "team",
                    "note": "Dossier complet.",
                },
            ],
            "consents": [
                {
                    "purpose": "publication",
                    "given": True,
                    "text_version": publication.version,
                    "text": str(publication.text),
                    "at": iso(NOW),
                    "by": "self",
                }
            ],
            "availabilities": [
                {
                    "session": "Auditions Hauts-de-France",
                    "available": True,
                    "ranges": [[SESSION_START.isoformat(), (SESSION_START + timedelta(hours=1)).isoformat()]],
                    "answered_at": iso(NOW),
                }
            ],
            "convocations": [
                {
                    "session": "Auditions Hauts-de-France",
                    "starts_at": iso(SESSION_START),
                    "ends_at": iso(SESSION_START + timedelta(minutes=20)),
                    "video_url": "https://visio.label.example/LTI-2031-0001",
                    "cancelled": False,
                    "sent_at": iso(NOW),
                    "updated_at": iso(NOW),
                    "acknowledged_at": iso(NOW + timedelta(hours=1)),
                }
            ],
            "documents": [
                {
                    "id": str(document.pk),
                    "kind": "annex",
                    "name": document.safe_name,
                    "size": len(sophie.files[document.pk]),
                    "content_type": document.content_type,
                    "uploaded_at": iso(NOW + timedelta(minutes=index)),
                    "path": path,
                }
                for index, (document, path) in enumerate(zip(documents, paths, strict=True))
            ],
            "public_profile": None,
        }
    ]
    assert files["registrations.json"] == [
        {
            "event": "Rencontre régionale de Dunkerque",
            "event_starts_at": "2031-06-30T09:00:00+02:00",
            "event_ends_at": "2031-06-30T17:00:00+02:00",
            "full_name": "Sophie Leroy",
            "email": "SOPHIE.LEROY@ROUBAIX.EXAMPLE",
            "organisation": "Ville de Roubaix",
            "attendance": "on_site",
            "status": "confirmed",
            "language": "fr",
            "created_at": iso(NOW),
            "promoted_at": None,
            "cancelled_at": None,
        }
    ]
    assert files["evaluations.json"] == {
        "jury_memberships": [
            {
                "jury": "Jury Hauts-de-France",
                "edition": "Label Territoire Innovant 2031",
                "role": "member",
                "state": "accepted",
                "invited_at": None,
                "answered_at": None,
            }
        ],
        "evaluations": [
            {
                "jury": "Jury Hauts-de-France",
                "candidature_reference": "LTI-2031-0002",
                "candidature_title": "Éclairage sobre — Ville d'Amiens",
                "assigned_at": iso(NOW),
                "status": "submitted",
                "scores": [
                    {"criterion": "Innovation", "value": 4},
                    {"criterion": "Prise en compte des usagers", "value": 3},
                ],
                "comment": "Sophie Leroy : bonne mutualisation.",
                # (4/5 × 20 + 3/5 × 20) / 2, both criteria weighing 20.
                "weighted_total": "14.000",
                "submitted_at": iso(NOW),
                "updated_at": iso(NOW),
            }
        ],
        "conflicts_of_interest": [
            {
                "candidature_reference": "LTI-2031-0003",
                "candidature_title": "Mobilité partagée",
                "reason": "Sophie Leroy y a travaillé.",
                "declared_at": iso(NOW),
                "declared_by": "self",
            }
        ],
    }
    assert files["emails.json"] == [
        {
            "kind": "candidature_submitted",
            "subject": "Candidature LTI-2031-0001 déposée",
            "body_text": "Bonjour,\n\nVotre candidature LTI-2031-0001 est déposée.\n",
            "body_withheld": False,
            "status": "sent",
            "created_at": iso(NOW),
            "sent_at": iso(NOW),
        },
        {
            "kind": "password_reset",
            "subject": "Action requise : choisissez un nouveau mot de passe",
            "body_text": None,
            "body_withheld": True,
            "status": "queued",
            "created_at": iso(NOW),
            "sent_at": None,
        },
    ]
    browser = {"address": "203.0.113.9", "browser": "Navigateur de Sophie Leroy"}
    evaluation = str(Evaluation.objects.get(assignment__juror=user).pk)
    scores = [
        str(pk) for pk in Score.objects.filter(evaluation_id=evaluation).order_by("pk").values_list("pk", flat=True)
    ]
    score_fields = ["criterion", "evaluation", "id", "value"]
    signed = {"at": iso(NOW), "reason": "", "address": "198.51.100.4"}
    assert files["security.json"] == {
        "security_events": [
            {"kind": "email_verified", "at": iso(NOW), "address": None, "by": None},
            {"kind": "second_factor_reset", "at": iso(NOW), "address": None, "by": "team"},
        ],
        "logins": [{"at": iso(NOW), "logged_out_at": iso(NOW), **browser}],
        "failed_logins": [{"last_at": iso(NOW), "failures": 2, **browser}],
        "lockouts": [{"at": iso(NOW), "locked_out": True, **browser}],
        "audit_trail": [
            {
                "action": "create",
                "object_type": "auditions.evaluation",
                "object_id": evaluation,
                "fields_changed": ["assignment", "comment", "id", "status"],
                **signed,
            },
            {
                "action": "create",
                "object_type": "auditions.score",
                "object_id": scores[0],
                "fields_changed": score_fields,
                **signed,
            },
            {
                "action": "create",
                "object_type": "auditions.score",
                "object_id": scores[1],
                "fields_changed": score_fields,
                **signed,
            },
            {
                "action": "update",
                "object_type": "auditions.evaluation",
                "object_id": evaluation,
                "fields_changed": ["comment", "status", "submitted_at", "weighted_total"],
                **signed,
            },
        ],
    }


def test_the_readme_explains_each_file_in_french_then_in_english(world):
    readme = unzipped(built(world.sophie.user))["README.txt"].decode()

    french, english = readme.split("-" * 114)
    assert french.splitlines()[:2] == [
        "ARCHIVE DE VOS DONNÉES PERSONNELLES — Label Territoire Innovant",
        "Préparée le 2031-03-02 10:00. Les dates sont à l'heure de Paris (ISO 8601).",
    ]
    assert english.strip().splitlines()[:2] == [
        "YOUR PERSONAL DATA ARCHIVE — Label Territoire Innovant",
        "Prepared on 2031-03-02 10:00. Dates are in Paris time (ISO 8601).",
    ]
    for name in [*MEMBERS[1:], "documents/"]:
        assert re.search(rf"^{re.escape(name)}\s", french, re.M), name
        assert re.search(rf"^{re.escape(name)}\s", english, re.M), name
    assert "les notes et commentaires\ndes jurés sur vos candidatures restent confidentiels" in french
    assert "the jurors' scores and comments on your\ncandidatures stay confidential" in english


def test_nothing_of_anyone_else_is_in_the_archive(world):
    """Neither the other candidate, nor the organiser who acted on the dossier, nor the juror who scored it."""
    for person, other in ((world.sophie, world.marc), (world.marc, world.sophie)):
        members = unzipped(built(person.user))
        everything = b"\n".join([*(name.encode() for name in members), *members.values()]).lower()

        assert person.user.email.encode() in everything
        for foreign in (
            other.user.full_name,
            other.user.email,
            other.comment,
            world.organiser.full_name,
            world.organiser.email,
            "jeton-secret",
            "Seulement en HTML",
            "pas encore publiée",
            person.user.password,
        ):
            assert foreign.lower().encode() not in everything, (person.user.full_name, foreign)


def test_an_account_with_nothing_else_gets_empty_files(clock):
    clock.set(NOW)
    person = UserFactory(full_name="Nadia Benali", email="nadia@lens.example", email_verified_at=None)

    files = parsed(unzipped(built(person)))

    assert {name: value for name, value in files.items() if name != "account.json"} == {
        "candidatures.json": [],
        "registrations.json": [],
        "evaluations.json": {"jury_memberships": [], "evaluations": [], "conflicts_of_interest": []},
        "emails.json": [],
        "security.json": {
            "security_events": [],
            "logins": [],
            "failed_logins": [],
            "lockouts": [],
            "audit_trail": [],
        },
    }
    assert (files["account.json"]["email_verified_at"], files["account.json"]["second_factor_enrolled"]) == (
        None,
        False,
    )


# --- building -----------------------------------------------------------------------------------------------


def test_the_link_is_mailed_to_the_person_with_nothing_personal_but_the_link(clock):
    clock.set(NOW)
    person = UserFactory(full_name="Nadia Benali", email="nadia@lens.example")

    data_export = built(person)

    mail = Notification.objects.get(idempotency_key=f"data_export:{data_export.pk}")
    url = f"http://127.0.0.1:8000/compte/mes-donnees/archive/{data_export.pk}/"
    assert (mail.kind, mail.recipient, mail.subject, mail.sensitive) == (
        "data_export_ready",
        "nadia@lens.example",
        "Votre archive de données personnelles est prête",
        True,
    )
    assert mail.body_text == (
        "Bonjour,\n\n"
        "L'archive de vos données personnelles, que vous avez demandée sur la plateforme du Label Territoire "
        "Innovant, est prête.\n\n"
        "Téléchargez-la depuis ce lien, une fois connecté à votre compte ; il est valable jusqu'au dimanche "
        "9 mars 2031 à 10:00 (heure de Paris), après quoi l'archive est supprimée :\n"
        f"{url}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, changez sans attendre votre mot de passe depuis la page "
        "« Sécurité du compte ».\n\n"
        "L'équipe du Label Territoire Innovant\n"
    )


def test_an_archive_an_organiser_asked_for_is_mailed_to_that_organiser(clock):
    clock.set(NOW)
    person = UserFactory(full_name="Nadia Benali", email="nadia@lens.example")
    organiser = OrganiserFactory(email="claire.martin@label.example")

    data_export = built(person, requested_by=organiser)

    mail = Notification.objects.get(idempotency_key=f"data_export:{data_export.pk}")
    assert mail.recipient == "claire.martin@label.example"
    assert "Nadia" not in mail.body_text and "nadia@lens.example" not in mail.body_text
    assert "L'archive de données personnelles que vous avez demandée" in mail.body_text


def test_building_twice_builds_and_mails_once(clock):
    clock.set(NOW)
    person = UserFactory()
    data_export = built(person)
    name = data_export.file.name

    clock.set(NOW + timedelta(hours=1))
    assert export.build(data_export.pk) is None

    data_export.refresh_from_db()
    assert (data_export.file.name, data_export.ready_at) == (name, NOW)
    assert Notification.objects.filter(kind="data_export_ready").count() == 1


def test_a_document_missing_from_the_storage_fails_the_build(world):
    lost = world.sophie.candidature.documents.first()
    lost.file.storage.delete(lost.file.name)
    data_export = DataExport.objects.create(person=world.sophie.user)

    assert export.build(data_export.pk) == DataExport.Status.FAILED

    data_export.refresh_from_db()
    assert (data_export.status, data_export.file.name, data_export.size) == ("failed", "", None)
    assert not Notification.objects.filter(kind="data_export_ready").exists()


def test_a_build_failing_after_its_file_is_written_removes_the_file(monkeypatch):
    data_export = DataExport.objects.create(person=UserFactory())
    written = []

    def unreachable_outbox(*args, **kwargs):
        written.append(DataExport.objects.get(pk=data_export.pk).file.name)
        raise ConnectionError("outbox unreachable")

    monkeypatch.setattr(export, "notify", unreachable_outbox)

    assert export.build(data_export.pk) == DataExport.Status.FAILED

    data_export.refresh_from_db()
    assert (data_export.status, data_export.file.name) == ("failed", "")
    [name] = written
    assert name.startswith("exports/") and not data_export.file.storage.exists(name)


# --- requesting ---------------------------------------------------------------------------------------------


def test_a_request_is_built_after_commit_and_written_in_the_audit_trail(clock, django_capture_on_commit_callbacks):
    clock.set(NOW)
    person = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        data_export = export.request_export(person)

    data_export.refresh_from_db()
    assert data_export.status == DataExport.Status.READY
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.object_pk, entry.actor, entry.additional_data) == (
        str(person.pk),
        person,
        {"reason": "Export des données personnelles demandé"},
    )


def test_a_second_request_while_one_is_pending_is_refused():
    person = UserFactory()
    export.request_export(person)

    with pytest.raises(Refused) as refused:
        export.request_export(person)

    assert refused.value.message == (
        "Une archive est déjà en préparation : le lien pour la télécharger arrivera par e-mail dans quelques minutes."
    )
    assert DataExport.objects.filter(person=person).count() == 1


def test_a_fourth_request_within_a_day_is_refused_then_allowed_the_next_day(clock):
    clock.set(NOW)
    person = UserFactory()
    for _index in range(3):
        DataExport.objects.create(person=person, status=DataExport.Status.FAILED)

    with pytest.raises(Refused) as refused:
        export.request_export(person)
    assert refused.value.message == (
        "Vous avez déjà demandé 3 archives ces dernières 24 heures, le maximum : utilisez le lien de la dernière, "
        "ou réessayez demain."
    )

    clock.set(NOW + timedelta(days=1, seconds=1))
    assert export.request_export(person).status == DataExport.Status.PENDING


def test_an_organisers_request_does_not_hold_back_the_persons_own():
    person = UserFactory()
    export.request_export(person, requested_by=OrganiserFactory())

    assert export.request_export(person).requested_by is None


# --- downloading ----------------------------------------------------------------------------------------------


def archive_url(data_export):
    return reverse("privacy:archive", args=[data_export.pk])


def test_the_person_downloads_their_archive_as_a_zip_attachment(client, clock):
    clock.set(NOW)
    person = UserFactory()
    data_export = built(person)
    client.force_login(person)

    response = client.get(archive_url(data_export))

    assert response.status_code == 200
    assert response.streaming
    assert (response["Content-Type"], response["Content-Disposition"], response["Cache-Control"]) == (
        "application/zip",
        'attachment; filename="donnees-label-territoire-innovant-2031-03-02.zip"',
        "private, no-store",
    )
    with data_export.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()


def test_another_account_gets_a_404_and_a_visitor_the_login_page(client, clock):
    clock.set(NOW)
    data_export = built(UserFactory())

    client.force_login(UserFactory())
    assert client.get(archive_url(data_export)).status_code == 404

    client.logout()
    response = client.get(archive_url(data_export))
    assert (response.status_code, response["Location"]) == (
        302,
        f"{reverse('accounts:login')}?next={archive_url(data_export)}",
    )


def test_an_expired_archive_is_a_404(client, clock):
    clock.set(NOW)
    person = UserFactory()
    data_export = built(person)

    clock.set(NOW + timedelta(days=7) - timedelta(seconds=1))
    client.force_login(person)
    assert client.get(archive_url(data_export)).status_code == 200
    clock.set(NOW + timedelta(days=7))
    assert client.get(archive_url(data_export)).status_code == 404


def test_an_archive_not_ready_yet_is_a_404(client):
    person = UserFactory()
    data_export = DataExport.objects.create(person=person)
    client.force_login(person)

    assert client.get(archive_url(data_export)).status_code == 404


def test_an_archive_an_organiser_asked_for_is_theirs_alone(client, clock):
    clock.set(NOW)
    person, organiser = UserFactory(), OrganiserFactory()
    data_export = built(person, requested_by=organiser)

    statuses = {}
    for name, user in (("organiser", organiser), ("person", person), ("another organiser", OrganiserFactory())):
        client.force_login(user)
        statuses[name] = client.get(archive_url(data_export)).status_code
    assert statuses == {"organiser": 200, "person": 404, "another organiser": 404}


# --- removing -------------------------------------------------------------------------------------------------


def test_expired_failed_and_stale_archives_are_deleted_with_their_files(clock, django_capture_on_commit_callbacks):
    clock.set(NOW - timedelta(days=8))
    person = UserFactory()
    expired = built(person)
    clock.set(NOW - timedelta(days=2))
    valid = built(person)
    stale_pending = DataExport.objects.create(person=person)
    failed = DataExport.objects.create(person=person, status=DataExport.Status.FAILED)
    clock.set(NOW - timedelta(hours=1))
    recent_pending = DataExport.objects.create(person=person)
    storage = expired.file.storage
    clock.set(NOW)

    assert export.delete_expired(dry_run=True) == 3
    assert DataExport.objects.count() == 5

    with django_capture_on_commit_callbacks(execute=True):
        assert export.delete_expired() == 3
    assert set(DataExport.objects.values_list("pk", flat=True)) == {valid.pk, recent_pending.pk}
    assert not storage.exists(expired.file.name)
    assert storage.exists(valid.file.name)
    assert not {stale_pending.pk, failed.pk} & set(DataExport.objects.values_list("pk", flat=True))


# --- with a real worker ---------------------------------------------------------------------------------------


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_requested_on_the_page_built_by_a_worker_mailed_and_downloaded(client, celery_worker, smtp_server):
    person = UserFactory(full_name="Nadia Benali", email="nadia@lens.example")
    candidature = CandidatureFactory(owner=person, reference="LTI-2031-0042", status=Status.SUBMITTED)
    document = Document(
        candidature=candidature, original_name="Budget.pdf", size=len(PDF), content_type="application/pdf"
    )
    document.file.save("upload", ContentFile(PDF), save=True)
    client.force_login(person)

    response = client.post(reverse("privacy:request_export"))
    assert (response.status_code, response["Location"]) == (302, reverse("privacy:my_data"))

    wait_for(lambda: smtp_server.messages, timeout=60, message="the archive's mail")
    data_export = DataExport.objects.get(person=person)
    assert data_export.status == DataExport.Status.READY
    [message] = smtp_server.messages
    assert (message["To"], message["Subject"]) == (
        "nadia@lens.example",
        "Votre archive de données personnelles est prête",
    )
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body == Notification.objects.get(idempotency_key=f"data_export:{data_export.pk}").body_text
    assert "Nadia" not in body
    [path] = re.findall(r"^https?://[^/\s]+(/compte/mes-donnees/archive/[0-9a-f-]+/)$", body, re.M)
    assert path == archive_url(data_export)

    download = client.get(path)
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        assert archive.namelist() == [*MEMBERS, "documents/LTI-2031-0042/Budget.pdf"]
        assert archive.read("documents/LTI-2031-0042/Budget.pdf") == PDF
        assert json.loads(archive.read("account.json"))["email"] == "nadia@lens.example"
