from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from core.pages import forget_public_pages

from .models import Candidature, Criterion, Edition, Milestone, Status

# Sent inside the transaction of every status change: candidature, transition, entry (HistoryEntry).
status_changed = Signal()
# Sent inside the transaction of each withdrawal of the publication consent (``consents.record``), whoever
# withdraws it (the owner, an organiser's correction): candidature, person (or None).
publication_withdrawn = Signal()


def edition_changed(sender, **kwargs):
    """The home page, the call and the laureates show the edition, its criteria, milestones and meetings."""
    forget_public_pages()


for model in (Edition, Criterion, Milestone):
    for signal in (post_save, post_delete):
        signal.connect(edition_changed, sender=model, dispatch_uid=f"label.public_pages.{model.__name__}")
m2m_changed.connect(
    edition_changed, sender=Edition.regional_meetings.through, dispatch_uid="label.public_pages.meetings"
)


@receiver(status_changed, dispatch_uid="label.public_pages.laureates")
def laureate_changed(sender, candidature, transition, entry, **kwargs):
    """A laureate appears on the laureates page and on its forum's event page: the rest of the workflow does not."""
    if Status.LAUREATE in (entry.from_status, entry.to_status):
        forget_public_pages()


@receiver(post_delete, sender=Candidature, dispatch_uid="label.public_pages.deleted_laureate")
def laureate_deleted(sender, instance, **kwargs):
    if instance.status == Status.LAUREATE:
        forget_public_pages()
