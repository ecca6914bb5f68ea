"""A submission: the reference numbered last and briefly, the receipts rendered once and stored together."""

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from label import services
from label.models import Candidature, Document, Edition, Status
from notifications.models import Notification
from notifications.services import Renderer, muted
from tests.factories import OrganiserFactory, UserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory, answer_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = EditionFactory(slug="2030", year=2030, contact_email="equipe@label.example")
    CriterionFactory(edition=edition, name="Innovation")
    return edition


def complete(edition, owner=None, **fields):
    return answer_all(CandidatureFactory(edition=edition, owner=owner or UserFactory(), **fields))


def lock_free(model, pk):
    """Whether another connection can lock the row right now, or "locked" when someone holds it."""
    outcome = []

    def probe():
        try:
            with transaction.atomic():
                model.objects.select_for_update(nowait=True).get(pk=pk)
            outcome.append(True)
        except OperationalError:
            outcome.append("locked")
        finally:
            connections.close_all()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return outcome[0]


def receipt(notification):
    return notification.subject, notification.body_text, notification.body_html


def test_the_owner_and_the_contact_get_one_receipt_each_with_the_reference_and_the_team_its_notice(edition):
    owner = UserFactory(email="agent@ville.example")
    candidature = complete(edition, owner, territory_name="Ville d'Arras", contact_email="contact@ville.example")

    services.submit(candidature, owner)

    rows = list(Notification.objects.order_by("pk"))
    assert [(n.kind, n.recipient, n.language, n.subject) for n in rows] == [
        ("candidature_submitted", "agent@ville.example", "fr", "Accusé de réception : candidature LTI-2030-0001"),
        ("candidature_submitted", "contact@ville.example", "fr", "Accusé de réception : candidature LTI-2030-0001"),
        (
            "candidature_submitted_notice",
            "equipe@label.example",
            "fr",
            "Nouvelle candidature déposée : LTI-2030-0001 · Ville d'Arras",
        ),
    ]
    assert receipt(rows[0]) == receipt(rows[1])
    assert [("Référence : LTI-2030-0001" in n.body_text, "LTI-2030-0001" in n.body_html) for n in rows] == [
        (True, True)
    ] * 3
    assert [services.UNNUMBERED in "".join(receipt(n)) for n in rows] == [False] * 3


def test_an_english_owner_reads_the_receipt_in_english_the_contact_in_french(edition):
    owner = UserFactory(email="ann@city.example", language="en")
    candidature = complete(edition, owner, contact_email="contact@ville.example")

    services.submit(candidature, owner)

    receipts = Notification.objects.filter(kind="candidature_submitted").order_by("pk")
    assert [(n.recipient, n.language, n.subject) for n in receipts] == [
        ("ann@city.example", "en", "Acknowledgement of receipt: application LTI-2030-0001"),
        ("contact@ville.example", "fr", "Accusé de réception : candidature LTI-2030-0001"),
    ]


def test_submitted_again_after_a_reopening_it_keeps_its_reference(edition):
    owner = UserFactory()
    candidature = complete(edition, owner)
    services.submit(candidature, owner)
    services.fire(candidature, "reopen", OrganiserFactory())

    services.submit(candidature, owner)

    edition.refresh_from_db()
    subjects = list(Notification.objects.filter(kind="candidature_submitted").values_list("subject", flat=True))
    assert (candidature.reference, edition.last_reference_number) == ("LTI-2030-0001", 1)
    assert subjects == ["Accusé de réception : candidature LTI-2030-0001"] * 2


def test_a_muted_submission_is_numbered_and_mails_nobody(edition):
    owner = UserFactory()
    candidature = complete(edition, owner)

    with muted():
        services.submit(candidature, owner)

    assert (candidature.reference, Notification.objects.count()) == ("LTI-2030-0001", 0)


def test_a_submission_costs_the_same_queries_with_1_or_6_criteria_and_4_documents(edition):
    def cost(edition, documents):
        owner = UserFactory()
        candidature = complete(edition, owner, contact_email="contact@ville.example")
        for index in range(documents):
            Document.objects.create(candidature=candidature, original_name=f"annexe-{index}.pdf", size=10, file="x")
        with CaptureQueriesContext(connection) as captured:
            services.submit(candidature, owner)
        return len(captured.captured_queries)

    larger = EditionFactory()
    CriterionFactory.create_batch(6, edition=larger)

    assert cost(edition, 0) == cost(larger, 4)


def test_the_dossier_read_for_the_guard_and_the_receipt_is_what_the_relations_hold(edition):
    edition.criteria.update(order=12)
    later = CriterionFactory(edition=edition, name="Ancrage", order=9)
    first = CriterionFactory(edition=edition, name="Coopération", order=0)
    CriterionFactory(edition=EditionFactory(), name="D'une autre édition")
    candidature = CandidatureFactory(edition=edition)
    candidature.answers.create(criterion=later, text="Réponse")
    candidature.answers.create(criterion=first, text="   ")
    CandidatureFactory(edition=edition).answers.create(criterion=first, text="Celle d'un autre")
    for name, day in (("budget.pdf", 3), ("plan.pdf", 1), ("lettre.pdf", 2)):
        document = Document.objects.create(candidature=candidature, original_name=name, size=10, file="x")
        Document.objects.filter(pk=document.pk).update(uploaded_at=document.uploaded_at.replace(day=day))
    locked = Candidature.objects.select_related("edition").get(pk=candidature.pk)

    with CaptureQueriesContext(connection) as captured:
        services._load_dossier(locked)
        read = (
            [criterion.name for criterion in locked.edition.criteria.all()],
            [(answer.pk, answer.criterion.name, answer.text) for answer in locked.answers.all()],
            [document.original_name for document in locked.documents.all()],
            [criterion.name for criterion in locked.unanswered_criteria()],
        )

    fresh = Candidature.objects.get(pk=candidature.pk)
    assert read == (
        [criterion.name for criterion in edition.criteria.all()],
        [(answer.pk, answer.criterion.name, answer.text) for answer in fresh.answers.select_related("criterion")],
        [document.original_name for document in fresh.documents.all()],
        [criterion.name for criterion in fresh.unanswered_criteria()],
    )
    assert read[0] == ["Coopération", "Ancrage", "Innovation"]
    assert read[2] == ["plan.pdf", "lettre.pdf", "budget.pdf"]
    assert read[3] == ["Coopération", "Innovation"]
    assert len(captured.captured_queries) == 2


@pytest.mark.postgres
def test_the_submit_button_finds_its_candidature_by_locking_it_and_reads_the_dossier_in_two_statements(client, edition):
    owner = UserFactory()
    candidature = complete(edition, owner, contact_email="contact@ville.example")
    Document.objects.create(candidature=candidature, original_name="annexe.pdf", size=10, file="x")
    CandidatureFactory(edition=edition)  # someone else's, never read
    client.force_login(owner, second_factor=False)  # a candidate without a second factor, as most are
    recap = reverse("label:recap", kwargs={"edition": edition.slug})
    client.get(recap)

    with CaptureQueriesContext(connection) as captured:
        answer = client.post(recap)

    reads = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT")]
    assert (answer.status_code, answer.url) == (302, f"/mes-candidatures/{candidature.pk}/")
    # The session, its person, the candidature locked as it is found, the criteria with their answers, the files.
    assert [sql.split(" FROM ", 1)[1].split()[0] for sql in reads] == [
        '"django_session"',
        '"accounts_user"',
        '"label_candidature"',
        '"label_criterion"',
        '"label_document"',
    ]
    assert reads[2].endswith('FOR UPDATE OF "label_candidature"')
    candidature.refresh_from_db()
    receipt = Notification.objects.get(recipient=owner.email)
    assert (candidature.status, candidature.reference) == (Status.SUBMITTED, "LTI-2030-0001")
    assert "- Innovation\n" in receipt.body_text and "- annexe.pdf\n" in receipt.body_text


def test_the_submit_button_submits_nothing_of_another_edition_or_a_withdrawn_candidature(client, edition):
    owner = UserFactory()
    other = complete(EditionFactory(slug="2031", year=2031), owner)
    withdrawn = complete(edition, owner, status=Status.WITHDRAWN)
    client.force_login(owner)

    answer = client.post(reverse("label:recap", kwargs={"edition": edition.slug}))

    other.refresh_from_db()
    withdrawn.refresh_from_db()
    assert answer.status_code == 302 and answer.url == reverse("label:apply", kwargs={"edition": edition.slug})
    assert (other.status, withdrawn.status, Notification.objects.count()) == (Status.DRAFT, Status.WITHDRAWN, 0)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_edition_stays_unlocked_while_the_receipts_render(edition, monkeypatch):
    owner = UserFactory()
    candidature = complete(edition, owner, contact_email="contact@ville.example")
    probes = []
    render = Renderer.render

    def render_and_probe(self, *args, **kwargs):
        probes.append(lock_free(Edition, edition.pk))
        return render(self, *args, **kwargs)

    monkeypatch.setattr(Renderer, "render", render_and_probe)

    services.submit(candidature, owner)

    # The owner's receipt, its copy for the contact, the team's notice: the counter free during each.
    assert probes == [True, True, True]
    assert candidature.reference == "LTI-2030-0001"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_under_way_locks_its_candidature_not_the_edition(edition):
    candidature = complete(edition)

    with transaction.atomic():
        services._locked(candidature)
        probes = (lock_free(Edition, edition.pk), lock_free(type(candidature), candidature.pk))

    assert probes == (True, "locked")
