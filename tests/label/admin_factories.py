"""Editions, criteria and candidatures for the admin tests (other label tests may have their own factories)."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.core.files.base import ContentFile

from label.models import CriterionAnswer, Document, HistoryEntry, Status
from tests.label import factories

PARIS = ZoneInfo("Europe/Paris")


class EditionFactory(factories.EditionFactory):
    """The 2020 call: closed "avant le 19 juin 2020 à minuit"."""

    year = 2020
    # Several 2020 calls in one test: each its own code, as regional calls of one year have.
    code = factory.Sequence(lambda n: f"R{n}")
    opens_at = datetime(2020, 3, 1, tzinfo=PARIS)
    closes_at = datetime(2020, 6, 20, tzinfo=PARIS)
    contact_email = "label@association.example"


class CriterionFactory(factories.CriterionFactory):
    edition = factory.SubFactory(EditionFactory)
    weight = Decimal("1.00")


class CandidatureFactory(factories.CandidatureFactory):
    """A submitted candidature of the Hauts-de-France."""

    edition = factory.SubFactory(EditionFactory)
    reference = factory.Sequence(lambda n: f"LTI-2020-{n + 1:04d}")
    status = Status.SUBMITTED
    project_title = factory.Sequence(lambda n: f"Projet {n}")
    summary = "Un projet de ville durable."
    budget = Decimal("15000.50")
    contact_name = "Camille Martin"
    contact_email = factory.Sequence(lambda n: f"contact{n}@ville.example")
    submitted_at = datetime(2020, 6, 18, 10, 30, tzinfo=PARIS)


def add_document(candidature, name="presentation.pdf"):
    document = Document(
        candidature=candidature, original_name=name, size=2048, content_type="application/pdf", kind="presentation"
    )
    document.file.save("upload", ContentFile(b"%PDF-1.4 test"), save=False)
    document.save()
    return document


def complete(candidature, criteria, documents=1, history=1):
    """Answers to every criterion, ``documents`` files and ``history`` entries: a full dossier."""
    for criterion in criteria:
        CriterionAnswer.objects.create(candidature=candidature, criterion=criterion, text=f"Réponse sur {criterion}")
    for index in range(documents):
        add_document(candidature, f"annexe-{index}.pdf")
    for index in range(history):
        HistoryEntry.objects.create(
            candidature=candidature,
            action=HistoryEntry.Action.STATUS,
            from_status=Status.DRAFT,
            to_status=Status.SUBMITTED,
            actor=candidature.owner,
            at=candidature.submitted_at + timedelta(minutes=index),
        )
    return candidature
