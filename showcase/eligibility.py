"""Which candidatures may publish a public project profile, and under which distinction.

A laureate, and a candidature that reached the auditions' shortlist of a published edition (still shortlisted,
auditioned, or not retained after that), whose owner agreed to publication.
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

from label.models import Candidature, HistoryEntry, Status

from .models import PublishedProject

Distinction = PublishedProject.Distinction

# The statuses a candidature shortlisted for the auditions may have; a "not retained" one may have been.
STILL_SHORTLISTED = (Status.SHORTLISTED, Status.AUDITIONED)
# Every status a candidature with a public profile may have.
PUBLISHABLE_STATUSES = (Status.LAUREATE, *STILL_SHORTLISTED, Status.NOT_RETAINED)


def shortlisted_ever():
    """An annotation: whether the candidature of the row was ever shortlisted (its history says so)."""
    return Exists(
        HistoryEntry.objects.filter(
            candidature=OuterRef("pk"), action=HistoryEntry.Action.STATUS, to_status=Status.SHORTLISTED
        )
    )


def _was_shortlisted(candidature):
    annotated = getattr(candidature, "was_shortlisted", None)
    if annotated is not None:
        return annotated
    return Candidature.objects.filter(pk=candidature.pk).values_list(shortlisted_ever(), flat=True).get()


def distinction(candidature):
    """What the showcase calls ``candidature``: laureate; shortlisted when it reached the auditions' shortlist of
    a published edition (still shortlisted, auditioned, or not retained after that); else None."""
    if candidature.status == Status.LAUREATE:
        return Distinction.LAUREATE
    if candidature.status not in PUBLISHABLE_STATUSES or not candidature.edition.published:
        return None
    if candidature.status in STILL_SHORTLISTED or _was_shortlisted(candidature):
        return Distinction.SHORTLISTED
    return None


def refusal(candidature):
    """Why ``candidature`` may not have a public profile, or None."""
    if distinction(candidature) is None:
        return gettext(
            "Seules les collectivités lauréates ou présélectionnées pour les auditions peuvent publier une fiche "
            "projet."
        )
    if not candidature.consent_publication:
        return gettext(
            "La publication du projet n'est pas autorisée pour cette candidature : sans cet accord, "
            "aucune fiche projet n'est publiée."
        )
    return None
