import os
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from label import services
from label.models import Candidature, Document, HistoryEntry, Status
from notifications.models import Notification
from tests.factories import UserFactory
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory, answer_all, hauts_de_france
from tests.label.uploads import PDF, WINDOWS_EXE, docx, odt, upload

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def edition():
    edition = EditionFactory(slug="2030", year=2030)
    CriterionFactory(edition=edition, name="Innovation", order=1)
    CriterionFactory(edition=edition, name="Prise en compte des usagers", order=2)
    return edition


def step_url(edition, step):
    return reverse("label:step", kwargs={"edition": edition.slug, "step": step})


def as_opened(client, url, data):
    """``data`` posted as the page at ``url`` sends it: with the edit token of the form as it was just shown."""
    return {**data, "base": client.get(url).context["base"]}


def recap_url(edition):
    return reverse("label:recap", kwargs={"edition": edition.slug})


# --- the whole application through the views ---------------------------------------


def test_a_candidate_applies_step_by_step_and_gets_a_receipt(client, edition, django_capture_on_commit_callbacks):
    owner = UserFactory(email="agent@dunkerque.example", full_name="Sophie Leroy")
    client.force_login(owner)
    assert client.get(reverse("label:apply", kwargs={"edition": edition.slug})).url == step_url(edition, "territoire")

    response = client.post(
        step_url(edition, "territoire"),
        {
            "territory_name": "Communauté urbaine de Dunkerque",
            "territory_kind": "intercommunality",
            "region": hauts_de_france().pk,
            "population": "196000",
            "action": "next",
        },
    )
    assert response.url == step_url(edition, "projet")
    client.post(
        step_url(edition, "projet"),
        {
            "project_title": "Bus gratuit et données ouvertes",
            "summary": "Un réseau gratuit dont les données sont ouvertes.",
            "description": "Depuis 2018…",
            "stage": "routine",
            "action": "next",
        },
    )
    criteria = list(edition.criteria.all())
    client.post(
        step_url(edition, "criteres"),
        {f"criterion_{c.pk}": f"Réponse sur {c.name}" for c in criteria} | {"action": "next"},
    )
    client.post(
        step_url(edition, "contact"),
        {
            "contact_name": "Paul Martin",
            "contact_email": "paul.martin@cud.example",
            "consent_rules": "on",
            "action": "next",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(recap_url(edition))
    candidature = Candidature.objects.get()
    assert response.status_code == 302, [str(m) for m in response.context["messages"]] + response.context["missing"]
    assert response.url == reverse("label:candidature", kwargs={"pk": candidature.pk})
    assert (candidature.status, candidature.reference) == (Status.SUBMITTED, "LTI-2030-0001")
    assert [(a.criterion.name, a.text) for a in candidature.answers.select_related("criterion")] == [
        ("Innovation", "Réponse sur Innovation"),
        ("Prise en compte des usagers", "Réponse sur Prise en compte des usagers"),
    ]
    assert sorted(Notification.objects.values_list("kind", "recipient", "status")) == [
        ("candidature_submitted", "agent@dunkerque.example", "sent"),
        ("candidature_submitted", "paul.martin@cud.example", "sent"),
        ("candidature_submitted_notice", "contact@label.example", "sent"),
    ]
    receipt = client.get(response.url).content.decode()
    assert "LTI-2030-0001" in receipt


def test_a_draft_keeps_partial_input_and_continue_asks_for_what_is_missing(client, edition):
    client.force_login(UserFactory())
    response = client.post(step_url(edition, "territoire"), {"territory_name": "Arras", "action": "save"})
    assert response.status_code == 302
    assert Candidature.objects.get().territory_name == "Arras"

    response = client.post(
        step_url(edition, "territoire"), {"territory_name": "Arras", "population": "-3", "action": "next"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["territory_kind"] == ["Ce champ est obligatoire."]
    assert errors["population"] == ["Indiquez un nombre d'habitants supérieur à zéro."]
    html = response.content.decode()
    assert 'id="error-summary"' in html and 'value="-3"' in html and 'value="Arras"' in html


def test_submission_is_refused_while_something_is_missing(client, edition):
    owner = UserFactory()
    CandidatureFactory(edition=edition, owner=owner, project_title="")
    client.force_login(owner)
    response = client.get(recap_url(edition))
    missing = [(step.slug, str(label)) for step, label in response.context["missing"]]
    assert missing == [
        ("projet", "titre du projet"),
        ("criteres", "Innovation"),
        ("criteres", "Prise en compte des usagers"),
    ]
    response = client.post(recap_url(edition), follow=True)
    assert Candidature.objects.get().status == Status.DRAFT
    assert [str(m) for m in response.context["messages"]] == [
        "La candidature est incomplète : complétez les éléments signalés avant de la déposer."
    ]


def test_changes_after_submission_are_recorded(client, edition):
    owner = UserFactory()
    candidature = answer_all(CandidatureFactory(edition=edition, owner=owner))
    services.submit(candidature, owner)
    client.force_login(owner)
    url = step_url(edition, "territoire")
    response = client.post(
        url,
        as_opened(
            client,
            url,
            {
                "territory_name": "Ville d'Arras",
                "territory_kind": "commune",
                "region": hauts_de_france().pk,
                "population": "41000",
                "action": "save",
            },
        ),
    )
    assert response.status_code == 302
    edit = HistoryEntry.objects.get(action=HistoryEntry.Action.EDIT)
    assert (edit.actor, edit.note) == (owner, "Nom de la collectivité, Population")


def test_withdraw(client, edition):
    owner = UserFactory()
    candidature = CandidatureFactory(edition=edition, owner=owner)
    client.force_login(owner)
    client.post(reverse("label:withdraw", kwargs={"pk": candidature.pk}), {"reason": "Projet reporté"})
    candidature.refresh_from_db()
    assert candidature.status == Status.WITHDRAWN
    entry = candidature.history.get()
    assert (entry.from_status, entry.to_status, entry.note) == (Status.DRAFT, Status.WITHDRAWN, "Projet reporté")


# --- the deadline, to the second -----------------------------------------------------


@pytest.mark.parametrize(
    "closes_at, server_tz",
    [
        (datetime(2020, 6, 20, 0, 0, tzinfo=PARIS), "UTC"),  # summer time: 22:00 UTC
        (datetime(2021, 1, 16, 0, 0, tzinfo=PARIS), "America/Los_Angeles"),  # winter time: 23:00 UTC
    ],
)
def test_the_deadline_holds_to_the_second(client, clock, closes_at, server_tz):
    previous_tz = os.environ.get("TZ")
    os.environ["TZ"] = server_tz
    time.tzset()
    try:
        edition = EditionFactory(opens_at=closes_at - timedelta(days=60), closes_at=closes_at)
        CriterionFactory(edition=edition)
        on_time, late = (answer_all(CandidatureFactory(edition=edition)) for _ in range(2))

        clock.set(closes_at - timedelta(seconds=1))
        client.force_login(on_time.owner)
        client.post(recap_url(edition), follow=True)
        on_time.refresh_from_db()
        assert on_time.status == Status.SUBMITTED

        clock.set(closes_at)
        client.force_login(late.owner)
        response = client.post(recap_url(edition), follow=True)
        late.refresh_from_db()
        assert late.status == Status.DRAFT
        assert [str(m) for m in response.context["messages"]] == [
            "L'appel à candidatures est clos : la candidature ne peut plus être modifiée."
        ]
    finally:
        if previous_tz is None:
            os.environ.pop("TZ")
        else:
            os.environ["TZ"] = previous_tz
        time.tzset()


def test_the_call_page_reads_the_deadline_as_people_say_it(client, clock):
    closes_at = datetime(2020, 6, 20, 0, 0, tzinfo=PARIS)
    edition = EditionFactory(slug="2020", opens_at=closes_at - timedelta(days=60), closes_at=closes_at)
    clock.set(closes_at - timedelta(days=3))
    html = client.get(reverse("label:call", kwargs={"edition": "2020"})).content.decode()
    assert "Candidatures ouvertes jusqu'au vendredi 19 juin 2020 à minuit" in html
    clock.set(closes_at)
    html = client.get(reverse("label:call", kwargs={"edition": edition.slug})).content.decode()
    assert "L'appel à candidatures est clos." in html


def test_an_extension_lets_one_candidature_write_after_the_close(client, clock, edition):
    organiser = UserFactory(is_staff=True)
    extended, other = CandidatureFactory(edition=edition), CandidatureFactory(edition=edition)
    services.grant_extension(extended, edition.closes_at + timedelta(days=2), organiser)
    assert extended.history.get().action == HistoryEntry.Action.EXTENSION

    clock.set(edition.closes_at + timedelta(days=1))
    data = {"territory_name": "Nouveau nom", "action": "save"}
    client.force_login(extended.owner)
    url = step_url(edition, "territoire")
    assert client.post(url, as_opened(client, url, data)).status_code == 302
    client.force_login(other.owner)
    # The closed call no longer shows its step to this one: the post comes from a page opened before the close.
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "L'appel à candidatures est clos : la candidature ne peut plus être modifiée."
    ]
    assert 'value="Nouveau nom"' in response.content.decode()
    extended.refresh_from_db()
    other.refresh_from_db()
    assert (extended.territory_name, other.territory_name == "Nouveau nom") == ("Nouveau nom", False)


def test_after_the_deadline_everything_is_read_only(client, clock, edition):
    candidature = answer_all(CandidatureFactory(edition=edition))
    clock.set(edition.closes_at + timedelta(minutes=1))
    client.force_login(candidature.owner)
    response = client.get(step_url(edition, "projet"))
    assert response.url == reverse("label:candidature", kwargs={"pk": candidature.pk})
    with pytest.raises(services.Refused):
        services.add_document(candidature, upload("a.pdf", PDF), "annex", candidature.owner)
    response = client.post(reverse("label:withdraw", kwargs={"pk": candidature.pk}))
    candidature.refresh_from_db()
    assert candidature.status == Status.DRAFT
    page = client.get(reverse("label:candidature", kwargs={"pk": candidature.pk})).content.decode()
    assert "Modifier ma candidature" not in page


def test_nobody_applies_before_the_call_opens(client):
    edition = EditionFactory(opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=9))
    client.force_login(UserFactory())
    response = client.post(step_url(edition, "territoire"), {"territory_name": "Lens", "action": "save"})
    assert Candidature.objects.count() == 0
    assert "Les candidatures ouvriront le" in response.content.decode()


# --- two candidates ------------------------------------------------------------------


def test_nobody_reaches_another_candidates_candidature_or_documents(client, edition):
    alice, bob = UserFactory(), UserFactory()
    theirs = answer_all(CandidatureFactory(edition=edition, owner=alice))
    document = services.add_document(theirs, upload("budget.pdf", PDF), "annex", alice)
    client.force_login(bob)

    for url in (
        reverse("label:candidature", kwargs={"pk": theirs.pk}),
        reverse("label:withdraw", kwargs={"pk": theirs.pk}),
        reverse("label:download", kwargs={"pk": document.pk}),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("label:withdraw", kwargs={"pk": theirs.pk})).status_code == 404
    assert client.post(reverse("label:delete_document", kwargs={"pk": document.pk})).status_code == 404
    # Bob's own pages resolve to Bob's (absent) candidature, never Alice's.
    assert client.post(recap_url(edition)).status_code == 302
    assert client.get(step_url(edition, "projet")).url == step_url(edition, "territoire")
    assert client.get(reverse("label:my_candidatures")).context["candidatures"].count() == 0
    theirs.refresh_from_db()
    assert theirs.status == Status.DRAFT
    assert Document.objects.count() == 1

    client.force_login(alice)
    response = client.get(reverse("label:download", kwargs={"pk": document.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="budget.pdf"'


def test_anonymous_people_are_sent_to_log_in(client, edition):
    for url in (step_url(edition, "territoire"), recap_url(edition), reverse("label:my_candidatures")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


# --- documents -----------------------------------------------------------------------


def post_document(client, edition, file, kind="annex"):
    return client.post(step_url(edition, "documents"), {"kind": kind, "file": file, "action": "upload"})


@pytest.mark.parametrize(
    "name, content, declared, expected",
    [
        ("budget.pdf", PDF, "application/pdf", "application/pdf"),
        (
            "note.docx",
            docx(),
            "application/octet-stream",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("note.odt", odt(), "application/octet-stream", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_accepted_documents_are_recognised_by_content_and_stored_under_a_random_name(
    client, edition, name, content, declared, expected
):
    candidature = CandidatureFactory(edition=edition)
    client.force_login(candidature.owner)
    response = post_document(client, edition, upload(name, content, declared))
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.original_name, document.size, document.content_type) == (name, len(content), expected)
    assert name not in document.file.name and document.file.name.startswith("documents/")


@pytest.mark.parametrize(
    "file, message",
    [
        (
            upload("rapport.pdf", WINDOWS_EXE),
            "Le fichier « rapport.pdf » n'est pas d'un format accepté (PDF, PNG, JPEG, ODT, ODP, DOCX ou PPTX), "
            "d'après son contenu.",
        ),
        (upload("vide.pdf", b""), "Le fichier soumis est vide."),
        (
            upload("gros.pdf", PDF + b"0" * (10 * 1024 * 1024)),
            "Le fichier « gros.pdf » dépasse la taille maximale de 10 Mo.",
        ),
    ],
)
def test_refused_uploads_get_a_french_message_at_the_field(client, edition, file, message):
    candidature = CandidatureFactory(edition=edition)
    client.force_login(candidature.owner)
    response = post_document(client, edition, file)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [message]
    assert Document.objects.count() == 0


def test_a_sixth_document_is_refused(client, edition):
    candidature = CandidatureFactory(edition=edition)
    for index in range(5):
        services.add_document(candidature, upload(f"piece-{index}.pdf", PDF), "annex", candidature.owner)
    client.force_login(candidature.owner)
    response = post_document(client, edition, upload("sixieme.pdf", PDF))
    assert response.context["form"].errors["file"] == [
        "Vous avez déjà joint 5 documents, le maximum : supprimez-en un pour en ajouter un autre."
    ]
    assert Document.objects.count() == 5


def test_deleting_a_document_removes_the_file(client, edition, django_capture_on_commit_callbacks):
    candidature = CandidatureFactory(edition=edition)
    document = services.add_document(candidature, upload("a.pdf", PDF), "annex", candidature.owner)
    storage, name = document.file.storage, document.file.name
    client.force_login(candidature.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("label:delete_document", kwargs={"pk": document.pk}))
    assert Document.objects.count() == 0
    assert not storage.exists(name)


# --- references ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_references():
    edition = EditionFactory(year=2020)
    CriterionFactory(edition=edition)
    candidatures = [answer_all(CandidatureFactory(edition=edition)) for _ in range(6)]
    barrier = threading.Barrier(len(candidatures))
    errors = []

    def submit(candidature):
        try:
            barrier.wait()
            services.submit(candidature, candidature.owner)
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(c,)) for c in candidatures]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = sorted(Candidature.objects.values_list("reference", flat=True))
    assert references == [f"LTI-2020-{n:04d}" for n in range(1, 7)]


# --- reminders -----------------------------------------------------------------------


def test_draft_reminders_are_sent_once_per_milestone(clock, edition):
    draft = CandidatureFactory(edition=edition)
    submitted = answer_all(CandidatureFactory(edition=edition))
    services.submit(submitted, submitted.owner)
    Notification.objects.all().delete()

    clock.set(edition.closes_at - timedelta(days=6, hours=23))
    services.remind_drafts()
    services.remind_drafts()
    clock.set(edition.closes_at - timedelta(hours=20))
    services.remind_drafts()
    services.remind_drafts()
    clock.set(edition.closes_at + timedelta(hours=1))
    services.remind_drafts()

    reminders = Notification.objects.filter(kind="draft_reminder").order_by("created_at")
    assert [(n.recipient, n.idempotency_key.split(":")[2]) for n in reminders] == [
        (draft.owner.email, "j7"),
        (draft.owner.email, "j1"),
    ]
    assert all(n.subject.startswith("Action requise : ") for n in reminders)
    # Reminders go through the bulk mail queue.
    assert [n.bulk for n in reminders] == [True, True]


# --- query counts --------------------------------------------------------------------


def test_the_call_page_costs_the_same_with_1_and_50_candidatures_and_criteria(client, edition, count_queries):
    url = reverse("label:call", kwargs={"edition": edition.slug})
    CandidatureFactory(edition=edition)
    client.get(url)
    one = count_queries(client, url)
    CandidatureFactory.create_batch(49, edition=edition)
    CriterionFactory.create_batch(20, edition=edition)
    assert count_queries(client, url) == one


def test_my_candidatures_costs_the_same_with_1_and_50(client, count_queries):
    owner = UserFactory()
    client.force_login(owner)
    CandidatureFactory(owner=owner)
    url = reverse("label:my_candidatures")
    client.get(url)
    one = count_queries(client, url)
    for _ in range(49):
        CandidatureFactory(owner=owner, status=Status.SUBMITTED, reference="", submitted_at=timezone.now())
    assert count_queries(client, url) == one


def test_the_recap_and_receipt_cost_the_same_with_1_and_5_documents(client, edition, count_queries):
    candidature = answer_all(CandidatureFactory(edition=edition))
    client.force_login(candidature.owner)
    services.add_document(candidature, upload("a.pdf", PDF), "annex", candidature.owner)
    urls = (recap_url(edition), reverse("label:candidature", kwargs={"pk": candidature.pk}))
    counts = [count_queries(client, url) for url in urls]
    for index in range(4):
        services.add_document(candidature, upload(f"b{index}.pdf", PDF), "annex", candidature.owner)
    CriterionFactory.create_batch(5, edition=edition)
    assert [count_queries(client, url) for url in urls] == counts
