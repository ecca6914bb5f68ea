"""The nightly purge: each retention period applied to the day, in Paris time, once, and nothing in a dry run."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from celery.schedules import crontab
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from accounts import security
from accounts.models import SecurityEvent, User
from audit import trail
from auditions.jury.models import Assignment, ConflictOfInterest, Evaluation, Score
from auditions.jury.services import declare_conflict
from config.celery import app
from events.models import Registration
from label import consents
from label.models import Candidature, Consent, CriterionAnswer, Document, HistoryEntry, Level, Status
from notifications.models import Notification
from privacy import retention
from privacy.models import DataExport
from showcase import thumbnails
from showcase.models import ProjectProfile, PublishedProject
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory
from tests.jury.factories import jury_with_members, scored, shortlisted
from tests.label.factories import CandidatureFactory, CriterionFactory
from tests.showcase.factories import image_document, laureate, published_project

from .factories import document_for, edition_closed_at, outbox_row

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
DAY = timedelta(days=1)


def paris(*parts):
    return datetime(*parts, tzinfo=PARIS)


def counts(report, *kinds):
    return {kind: report.as_dict()[kind] for kind in kinds}


def purge_at(clock, instant, **options):
    clock.set(instant)
    return retention.purge(**options)


# --- accounts -----------------------------------------------------------------------------

LAST_LOGIN = paris(2020, 3, 1, 10, 0)
# Three years after the last login, read on a Paris calendar; the warning is due thirty days before.
EXPIRY = paris(2023, 3, 1, 10, 0)
WARNING_DUE = paris(2023, 1, 30, 10, 0)
ACCOUNT_KINDS = ("accounts_warned", "accounts_anonymised")


@pytest.fixture
def dormant(clock):
    clock.set(LAST_LOGIN - timedelta(days=400))
    person = UserFactory(full_name="Odile Dormante", email="odile.dormante@commune.example")
    User.objects.filter(pk=person.pk).update(last_login=LAST_LOGIN)
    return person


def warnings_to(person):
    return list(
        Notification.objects.filter(kind=retention.WARNING_KIND, recipient=person.email).values_list(
            "subject", "idempotency_key"
        )
    )


def test_an_unused_account_is_warned_once_then_anonymised_after_thirty_days(clock, dormant):
    before_due = purge_at(clock, WARNING_DUE - DAY)
    warned = purge_at(clock, WARNING_DUE + timedelta(hours=1))
    again = purge_at(clock, WARNING_DUE + DAY)
    day_before_expiry = purge_at(clock, EXPIRY + timedelta(hours=1) - DAY)
    day_after_expiry = purge_at(clock, EXPIRY + timedelta(hours=1) + DAY)

    assert [counts(report, *ACCOUNT_KINDS) for report in (before_due, warned, again)] == [
        {"accounts_warned": 0, "accounts_anonymised": 0},
        {"accounts_warned": 1, "accounts_anonymised": 0},
        {"accounts_warned": 0, "accounts_anonymised": 0},
    ]
    assert [counts(report, *ACCOUNT_KINDS) for report in (day_before_expiry, day_after_expiry)] == [
        {"accounts_warned": 0, "accounts_anonymised": 0},
        {"accounts_warned": 0, "accounts_anonymised": 1},
    ]
    person = User.objects.get(pk=dormant.pk)
    assert (person.email, person.full_name, person.is_active) == (
        f"supprime-{person.pk}@anonyme.invalid",
        f"Compte supprimé n° {person.pk}",
        False,
    )
    erasure = LogEntry.objects.get(object_pk=str(person.pk), content_type__model="user")
    assert (erasure.actor, erasure.additional_data) == (
        None,
        {"reason": "Compte inutilisé depuis plus de 3 ans (durée de conservation)", "erasure": True},
    )


def test_the_warning_says_when_and_how_to_keep_the_account(clock, dormant):
    purge_at(clock, WARNING_DUE + timedelta(hours=1))

    mail = Notification.objects.get(kind=retention.WARNING_KIND)
    assert (mail.recipient, mail.subject, mail.idempotency_key, mail.bulk) == (
        "odile.dormante@commune.example",
        "Action requise : connectez-vous avant le 1er mars 2023 pour conserver votre compte",
        f"account_retention_warning:{dormant.pk}:2020-03-01T09:00:00+00:00",
        True,
    )
    paragraphs = mail.body_text.split("\n\n")
    assert paragraphs[1:3] == [
        "Vous ne vous êtes pas connecté·e à votre compte du Label Territoire Innovant depuis le 1er mars 2020. "
        "Comme l'annonce notre page « Données personnelles », un compte inutilisé depuis 3 ans est anonymisé.",
        "Sans connexion de votre part, votre compte sera anonymisé le 1er mars 2023 : votre nom et votre adresse "
        "e-mail seront effacés et vous ne pourrez plus vous connecter. Vos candidatures jamais déposées seront "
        "supprimées ; vos candidatures déposées restent dans l'historique du label, sans votre nom, jusqu'à la fin "
        "de leur propre durée de conservation.",
    ]
    assert paragraphs[3] == (
        "Pour conserver votre compte, il suffit de vous connecter avant cette date :\n"
        f"{settings.SITE_URL}/compte/connexion/"
    )
    assert User.objects.get(pk=dormant.pk).retention_warned_at == WARNING_DUE + timedelta(hours=1)


def test_a_late_warning_delays_the_anonymisation(clock, dormant):
    first_run = purge_at(clock, paris(2023, 6, 1, 3, 30))
    subjects = [subject for subject, _key in warnings_to(dormant)]
    day_before = purge_at(clock, paris(2023, 7, 1, 3, 30) - DAY)
    day_after = purge_at(clock, paris(2023, 7, 1, 3, 30) + DAY)

    assert [counts(report, *ACCOUNT_KINDS) for report in (first_run, day_before, day_after)] == [
        {"accounts_warned": 1, "accounts_anonymised": 0},
        {"accounts_warned": 0, "accounts_anonymised": 0},
        {"accounts_warned": 0, "accounts_anonymised": 1},
    ]
    assert subjects == ["Action requise : connectez-vous avant le 1er juillet 2023 pour conserver votre compte"]


def test_logging_in_keeps_the_account(clock, client, dormant):
    purge_at(clock, WARNING_DUE + timedelta(hours=1))
    clock.set(paris(2023, 2, 10, 9, 0))
    client.force_login(dormant)

    after_expiry = purge_at(clock, EXPIRY + 2 * DAY)
    first_warning = [key for _subject, key in warnings_to(dormant)]
    next_warning = purge_at(clock, paris(2026, 1, 12, 9, 30))

    assert [counts(report, *ACCOUNT_KINDS) for report in (after_expiry, next_warning)] == [
        {"accounts_warned": 0, "accounts_anonymised": 0},
        {"accounts_warned": 1, "accounts_anonymised": 0},
    ]
    assert User.objects.get(pk=dormant.pk).email == "odile.dormante@commune.example"
    # The first warning has left the e-mail log (one year) by the time the second is sent.
    assert (first_warning, [key for _subject, key in warnings_to(dormant)]) == (
        [f"account_retention_warning:{dormant.pk}:2020-03-01T09:00:00+00:00"],
        [f"account_retention_warning:{dormant.pk}:2023-02-10T08:00:00+00:00"],
    )


def test_a_never_used_account_counts_from_its_sign_up(clock):
    clock.set(paris(2020, 3, 1, 10, 0))
    person = UserFactory()

    before = purge_at(clock, WARNING_DUE - DAY)
    after = purge_at(clock, WARNING_DUE + DAY)

    assert [counts(report, "accounts_warned") for report in (before, after)] == [
        {"accounts_warned": 0},
        {"accounts_warned": 1},
    ]
    assert len(warnings_to(person)) == 1


def test_superusers_are_never_anonymised_organisers_are(clock):
    clock.set(LAST_LOGIN)
    superuser = UserFactory(is_staff=True, is_superuser=True, last_login=LAST_LOGIN)
    organiser = UserFactory(is_staff=True, last_login=LAST_LOGIN)

    warned = purge_at(clock, WARNING_DUE + DAY)
    anonymised = purge_at(clock, EXPIRY + 2 * DAY)

    assert [counts(report, *ACCOUNT_KINDS) for report in (warned, anonymised)] == [
        {"accounts_warned": 1, "accounts_anonymised": 0},
        {"accounts_warned": 0, "accounts_anonymised": 1},
    ]
    assert User.objects.get(pk=superuser.pk).email == superuser.email
    assert list(User.objects.filter(pk=organiser.pk).values_list("email", "is_staff")) == [
        (f"supprime-{organiser.pk}@anonyme.invalid", False)
    ]


# --- candidatures -------------------------------------------------------------------------

# "Avant le 19 juin 2020 à minuit": the edition's candidatures are kept five years from that instant.
CLOSED = paris(2020, 6, 20, 0, 0)
CANDIDATURES_END = paris(2025, 6, 20, 0, 0)
CANDIDATURE_KINDS = ("candidatures_deleted", "laureates_anonymised", "documents", "evaluations")


@pytest.fixture
def closed_edition(clock):
    """A 2020 edition judged and closed: a laureate, a dossier not retained and a draft, each with its paperwork."""
    clock.set(paris(2020, 6, 25, 10, 0))
    edition = edition_closed_at(CLOSED, year=2020, slug="2020-hdf", name="Label Territoire Innovant 2020")
    CriterionFactory(edition=edition, code="innovation", name="Innovation", order=1)
    CriterionFactory(edition=edition, code="usagers", name="Usagers", order=2)
    jury, (juror, other_juror) = jury_with_members(2, edition=edition)
    laureate = shortlisted(
        edition,
        territory_name="Dunkerque",
        population=86000,
        project_title="Éclairage sobre",
        summary="Un éclairage qui s'adapte aux passages.",
        description="Contexte et budget détaillés.",
        partners="Syndicat d'énergie",
        website="https://eclairage.dunkerque.example",
        budget=Decimal("125000.00"),
        started_on=date(2019, 1, 1),
        ends_on=date(2021, 1, 1),
        contact_name="Sophie Leroy",
        contact_role="Cheffe de projet",
        contact_email="sophie.leroy@dunkerque.example",
        contact_phone="03 28 00 00 00",
        consent_publication=True,
        pitch_video_url="https://video.example/pitch",
    )
    not_retained = shortlisted(edition, territory_name="Calais", contact_name="Marc Petit")
    withdrawn_draft = CandidatureFactory(edition=edition, status=Status.WITHDRAWN)
    draft = CandidatureFactory(edition=edition)
    files = []
    for candidature in (laureate, not_retained, draft):
        for criterion in edition.criteria.all():
            CriterionAnswer.objects.create(candidature=candidature, criterion=criterion, text="Notre réponse.")
        files.append(document_for(candidature).file.name)
        HistoryEntry.objects.create(
            candidature=candidature, action=HistoryEntry.Action.STATUS, to_status=Status.SUBMITTED
        )
    for candidature in (laureate, not_retained):
        scored(jury, juror, candidature, [4, 3], comment="Solide.")
    declare_conflict(other_juror, laureate, by=other_juror, reason="Ancien employeur.")
    consents.record(laureate, consents.Purpose.PUBLICATION, True, laureate.owner)
    Candidature.objects.filter(pk=laureate.pk).update(status=Status.LAUREATE, outcome_level=Level.GOLD)
    Candidature.objects.filter(pk=not_retained.pk).update(status=Status.NOT_RETAINED)
    newer = edition_closed_at(paris(2021, 6, 20, 0, 0), year=2021, slug="2021-hdf")
    kept = CandidatureFactory(edition=newer)
    return SimpleNamespace(
        edition=edition,
        laureate=Candidature.objects.get(pk=laureate.pk),
        removed=[not_retained, withdrawn_draft, draft],
        files=files,
        kept=kept,
    )


def test_candidatures_are_kept_five_years_after_the_close(clock, closed_edition, django_capture_on_commit_callbacks):
    day_before = purge_at(clock, CANDIDATURES_END - DAY)
    with django_capture_on_commit_callbacks(execute=True):
        day_after = purge_at(clock, CANDIDATURES_END + DAY)

    assert [counts(report, *CANDIDATURE_KINDS) for report in (day_before, day_after)] == [
        {"candidatures_deleted": 0, "laureates_anonymised": 0, "documents": 0, "evaluations": 0},
        {"candidatures_deleted": 3, "laureates_anonymised": 1, "documents": 3, "evaluations": 2},
    ]
    assert not Candidature.objects.filter(pk__in=[c.pk for c in closed_edition.removed]).exists()
    assert Candidature.objects.filter(pk=closed_edition.kept.pk).exists()
    storage = Document._meta.get_field("file").storage
    assert [storage.exists(name) for name in closed_edition.files] == [False, False, False]
    assert (Evaluation.objects.count(), Score.objects.count(), Assignment.objects.count()) == (0, 0, 0)
    summary = LogEntry.objects.get(content_type__model="edition", object_pk=str(closed_edition.edition.pk), action=1)
    assert summary.additional_data == {
        "reason": "Durée de conservation des candidatures écoulée",
        "retention": {"deleted": 3, "anonymised": 1},
    }


def test_a_laureate_keeps_its_public_results_only(clock, closed_edition):
    laureate = closed_edition.laureate
    before = Candidature.objects.filter(pk=laureate.pk).values().get()

    purge_at(clock, CANDIDATURES_END + DAY)

    after = Candidature.objects.filter(pk=laureate.pk).values().get()
    assert after == {
        **before,
        "owner_id": None,
        "description": "",
        "stage": "",
        "started_on": None,
        "ends_on": None,
        "budget": None,
        "partners": "",
        "website": "",
        "contact_name": "",
        "contact_role": "",
        "contact_email": "",
        "contact_phone": "",
        "pitch_video_url": "",
    }
    assert (after["territory_name"], after["project_title"], after["summary"], after["outcome_level"]) == (
        "Dunkerque",
        "Éclairage sobre",
        "Un éclairage qui s'adapte aux passages.",
        Level.GOLD,
    )
    related = [
        model.objects.filter(candidature=laureate).count()
        for model in (CriterionAnswer, Document, HistoryEntry, Assignment, ConflictOfInterest)
    ]
    assert related == [0, 0, 0, 0, 0]
    assert list(Consent.objects.filter(candidature=laureate).values_list("person_id", "given")) == [(None, True)]


def test_a_laureate_without_publication_consent_loses_its_summary(clock, closed_edition):
    Candidature.objects.filter(pk=closed_edition.laureate.pk).update(consent_publication=False)

    purge_at(clock, CANDIDATURES_END + DAY)

    assert Candidature.objects.get(pk=closed_edition.laureate.pk).summary == ""


# --- a laureate's project page ------------------------------------------------------------------

PAGE_CONTACT = {
    "contact_name": "Sophie Leroy",
    "contact_role": "Cheffe de projet",
    "contact_email": "sophie.leroy@dunkerque.example",
    "contact_phone": "03 28 00 00 00",
}


def png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def project_page(clock, organiser, django_capture_on_commit_callbacks):
    """The approved project page of a 2020 laureate: its texts, a published contact, a photo and a PDF."""
    clock.set(paris(2020, 9, 1, 10, 0))
    edition = edition_closed_at(CLOSED, year=2020, slug="2020-hdf")
    candidature = laureate(edition=edition, reference="LTI-2020-0007", submitted_at=CLOSED - 3 * DAY)
    photo = image_document(candidature, png(1000, 500))
    brochure = document_for(candidature, name="Plaquette.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        project = published_project(
            candidature=candidature,
            organiser=organiser,
            documents=[photo, brochure],
            results="2 400 signalements traités en 2020.",
            **PAGE_CONTACT,
        )
    thumbnail_names = [thumbnails.name(photo, width) for width in thumbnails.WIDTHS]
    return SimpleNamespace(
        project=project,
        photo=photo,
        thumbnail_names=thumbnail_names,
        thumbnail_url=thumbnails.thumbnail_url(photo, 480),
    )


def _published_values(project):
    return PublishedProject.objects.filter(pk=project.pk).values().get()


def test_the_project_page_stays_without_its_contact_images_and_documents(
    clock, client, project_page, django_capture_on_commit_callbacks
):
    project = project_page.project
    before = _published_values(project)
    storage = thumbnails.public_storage()

    with django_capture_on_commit_callbacks(execute=True):
        purge_at(clock, CANDIDATURES_END - DAY)
    kept_the_day_before = (
        [storage.exists(name) for name in project_page.thumbnail_names],
        project.documents.count(),
        client.get(project_page.thumbnail_url).status_code,
    )
    with django_capture_on_commit_callbacks(execute=True):
        purge_at(clock, CANDIDATURES_END + DAY)

    assert kept_the_day_before == ([True, True], 2, 200)
    blank_contact = dict.fromkeys(PAGE_CONTACT, "")
    assert _published_values(project) == {**before, **blank_contact}
    assert before["results"] == "2 400 signalements traités en 2020."
    profile = ProjectProfile.objects.get(pk=project.profile_id)
    assert ({name: getattr(profile, name) for name in PAGE_CONTACT}, profile.documents.count()) == (blank_contact, 0)
    assert project.documents.count() == 0
    assert [storage.exists(name) for name in project_page.thumbnail_names] == [False, False]
    assert client.get(project_page.thumbnail_url).status_code == 404
    page = client.get(reverse("showcase:project", args=[project.slug]))
    assert page.status_code == 200
    assert [value in page.content.decode() for value in PAGE_CONTACT.values()] == [False, False, False, False]


def test_the_project_page_s_thumbnails_leave_the_bucket(
    clock, bucket, project_page, django_capture_on_commit_callbacks
):
    folder = f"public/{thumbnails.folder(project_page.project.candidature_id)}"
    before = bucket.keys(folder)

    with django_capture_on_commit_callbacks(execute=True):
        purge_at(clock, CANDIDATURES_END + DAY)

    assert before == sorted(f"public/{name}" for name in project_page.thumbnail_names)
    assert bucket.keys(folder) == []
    assert bucket.keys("private/") == []


# --- registrations, e-mails, security journal, audit trail -------------------------------

EVENT_END = paris(2020, 6, 30, 18, 0)
WRITTEN = paris(2020, 7, 1, 12, 0)
LOG_KINDS = ("registrations", "outbox", "security_events", "login_records", "audit_entries")


@pytest.fixture
def logs(clock):
    clock.set(WRITTEN)
    event = EventFactory(starts_at=EVENT_END - timedelta(hours=8), ends_at=EVENT_END)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    person = UserFactory(last_login=paris(2030, 1, 1))
    outbox_row(person.email)
    security.record(person, security.Kind.EMAIL_VERIFIED)
    fields = {"user_agent": "Firefox", "ip_address": "203.0.113.9", "http_accept": "*/*", "path_info": "/"}
    AccessAttempt.objects.create(username=person.email, get_data="", post_data="", failures_since_start=1, **fields)
    AccessLog.objects.create(username=person.email, **fields)
    AccessFailureLog.objects.create(username=person.email, **fields)
    trail.log(event, trail.Action.UPDATE, reason="Capacité portée à 200")
    return person


def test_registrations_and_logs_are_kept_one_year(clock, logs):
    before = purge_at(clock, WRITTEN + timedelta(days=365) - DAY)
    after = purge_at(clock, WRITTEN + timedelta(days=365) + DAY)

    assert [counts(report, *LOG_KINDS) for report in (before, after)] == [
        {"registrations": 0, "outbox": 0, "security_events": 0, "login_records": 0, "audit_entries": 0},
        {"registrations": 2, "outbox": 1, "security_events": 1, "login_records": 3, "audit_entries": 0},
    ]
    assert (Registration.objects.count(), SecurityEvent.objects.count(), Notification.objects.count()) == (0, 0, 0)


def test_registrations_count_from_the_end_of_their_event(clock, logs):
    before = purge_at(clock, paris(2021, 6, 29, 18, 0))
    after = purge_at(clock, paris(2021, 7, 1, 18, 0))

    assert [report.registrations for report in (before, after)] == [0, 2]


def test_the_audit_trail_is_kept_five_years(clock, logs):
    before = purge_at(clock, paris(2025, 6, 30, 12, 0))
    after = purge_at(clock, paris(2025, 7, 2, 12, 0))

    assert [report.audit_entries for report in (before, after)] == [0, 1]


# --- the whole purge: twice, and as a dry run ---------------------------------------------------


@pytest.fixture
def everything(clock, dormant, closed_edition, logs):
    archive = DataExport.objects.create(person=logs, status=DataExport.Status.READY, expires_at=WRITTEN + 7 * DAY)
    return archive


def _rows():
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


FULL_REPORT = {
    # The dormant account, and the five owners and two jurors of the 2020 edition, unused since.
    "accounts_warned": 8,
    "accounts_anonymised": 0,
    "candidatures_deleted": 3,
    "laureates_anonymised": 1,
    "documents": 3,
    "evaluations": 2,
    "registrations": 2,
    "outbox": 1,
    "security_events": 1,
    "login_records": 3,
    # The event's entry and the eighteen the 2020 jury's work wrote (editions, criteria, jury, members,
    # assignments, evaluations, scores).
    "audit_entries": 19,
    "exports": 1,
}


def test_a_second_run_finds_nothing_to_do(clock, everything):
    first = purge_at(clock, paris(2025, 7, 2, 3, 30))
    second = purge_at(clock, paris(2025, 7, 2, 3, 30))

    assert first.as_dict() == FULL_REPORT
    assert second.as_dict() == dict.fromkeys(FULL_REPORT, 0)


def test_a_dry_run_counts_and_changes_nothing(clock, everything):
    rows = _rows()

    dry = purge_at(clock, paris(2025, 7, 2, 3, 30), dry_run=True)

    assert _rows() == rows
    assert dry.as_dict() == FULL_REPORT
    assert purge_at(clock, paris(2025, 7, 2, 3, 30)).as_dict() == FULL_REPORT


def test_the_command_prints_each_count(clock, everything):
    clock.set(paris(2025, 7, 2, 3, 30))
    rows = _rows()
    out = io.StringIO()

    call_command("purge_personal_data", "--dry-run", stdout=out)

    assert _rows() == rows
    assert out.getvalue().splitlines() == [
        "Simulation : rien n'est modifié ni envoyé. Voici ce que la purge ferait :",
        "  Comptes inutilisés prévenus de leur anonymisation : 8",
        "  Comptes inutilisés anonymisés : 0",
        "  Candidatures non lauréates supprimées : 3",
        "  Candidatures lauréates réduites à leurs résultats publics : 1",
        "  Documents supprimés : 3",
        "  Évaluations supprimées : 2",
        "  Inscriptions aux événements supprimées : 2",
        "  Courriels du journal d'envoi supprimés : 1",
        "  Événements de sécurité supprimés : 1",
        "  Traces de connexion (django-axes) supprimées : 3",
        "  Entrées du journal d'audit supprimées : 19",
        "  Archives de données personnelles expirées supprimées : 1",
        "Simulation terminée. Durées appliquées : comptes 3 ans, candidatures 5 ans, inscriptions 1 an, "
        "courriels, journal de sécurité et traces de connexion 1 an, journal d'audit 5 ans.",
    ]


def _judged_edition(clock, closes_at, dossiers):
    """An edition closed at ``closes_at`` with ``dossiers`` laureates and as many not retained, each scored."""
    clock.set(closes_at + 5 * DAY)
    edition = edition_closed_at(closes_at, year=closes_at.year, code=f"C{dossiers}", slug=f"{closes_at.year}-c")
    CriterionFactory(edition=edition)
    jury, (juror,) = jury_with_members(1, edition=edition)
    for _index in range(dossiers):
        for status in (Status.LAUREATE, Status.NOT_RETAINED):
            candidature = shortlisted(edition)
            document_for(candidature)
            scored(jury, juror, candidature, [3])
            Candidature.objects.filter(pk=candidature.pk).update(status=status)
    # Only the candidatures' step differs from one run to the other.
    User.objects.update(last_login=paris(2040, 1, 1))
    LogEntry.objects.all().delete()


def test_the_purge_costs_the_same_for_one_dossier_or_many(clock):
    _judged_edition(clock, paris(2020, 6, 20), dossiers=1)
    with CaptureQueriesContext(connection) as one:
        first = purge_at(clock, paris(2025, 6, 21))
    _judged_edition(clock, paris(2021, 6, 20), dossiers=3)
    with CaptureQueriesContext(connection) as many:
        second = purge_at(clock, paris(2026, 6, 21))

    assert [counts(report, *CANDIDATURE_KINDS) for report in (first, second)] == [
        {"candidatures_deleted": 1, "laureates_anonymised": 1, "documents": 2, "evaluations": 2},
        {"candidatures_deleted": 3, "laureates_anonymised": 3, "documents": 6, "evaluations": 6},
    ]
    assert len(many.captured_queries) == len(one.captured_queries)


# --- the nightly run --------------------------------------------------------------------------------


def test_the_beat_runs_the_purge_every_night_at_half_past_three_paris_time():
    entry = settings.CELERY_BEAT_SCHEDULE["personal-data-purge"]
    last_run = paris(2031, 3, 2, 3, 30)

    assert (entry["task"], entry["schedule"], app.conf.timezone) == (
        "privacy.purge_personal_data",
        crontab(hour=3, minute=30),
        "Europe/Paris",
    )
    # As a worker starting up finds its tasks.
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    # Read in Paris time: run at 03:30 on 2 March, at noon the next run is 15 h 30 away, at 03:30 on 3 March.
    noon = paris(2031, 3, 2, 12, 0)
    schedule = crontab(hour=3, minute=30, app=app, nowfun=lambda: noon)
    assert schedule.remaining_estimate(last_run) == timedelta(hours=15, minutes=30)
