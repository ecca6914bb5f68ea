"""Data for the privacy tests: closed editions, documents with their file, outbox rows."""

from datetime import timedelta

from django.core.files.base import ContentFile

from label.models import Document
from notifications.models import Notification
from tests.label.factories import EditionFactory
from tests.label.uploads import PDF


def edition_closed_at(closes_at, **fields):
    """An edition whose call closed at ``closes_at`` (aware), open for the two months before."""
    return EditionFactory(opens_at=closes_at - timedelta(days=60), closes_at=closes_at, **fields)


def document_for(candidature, content=PDF, name="Présentation du projet.pdf"):
    """A document of ``candidature`` with its file written to private storage."""
    document = Document(candidature=candidature, original_name=name, size=len(content), content_type="application/pdf")
    document.file.save("upload", ContentFile(content), save=True)
    return document


def outbox_row(recipient, subject="Votre candidature", body="Bonjour,\n", **fields):
    """One e-mail of the outbox, sent, as ``notify`` would have stored it."""
    return Notification.objects.create(
        kind=fields.pop("kind", "candidature_submitted"),
        recipient=recipient,
        language="fr",
        subject=subject,
        body_text=body,
        status=fields.pop("status", Notification.Status.SENT),
        **fields,
    )
