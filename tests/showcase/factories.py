"""Laureates and their published projects, built through the publication services as people do it.

``published_project(...)`` is what most showcase tests need: a laureate candidature (its fields given as
``candidature__<name>=...``, else a Hauts-de-France commune, gold, publication agreed), its profile written by
its owner (the profile's fields given by name, else plausible texts), sent for review and approved by an
organiser; it returns the ``PublishedProject``. Examples::

    project = published_project()
    project = published_project(title="Des bus à la demande", candidature__theme=Theme.objects.get(slug="mobilite"))
    project = published_project(candidature=laureate(edition=edition, region=Region.objects.get(code="53")))
    project = published_project(documents=[document], organiser=organiser)

``shortlisted(...)`` is a candidature shortlisted for the auditions, which may publish its project too.

Thumbnails are made after the commit: in a test inside a transaction, wrap the call in
``django_capture_on_commit_callbacks(execute=True)`` when they matter.
"""

from django.core.files.base import ContentFile

from label.models import Document, DocumentKind, Level, Status
from showcase import publication
from showcase.models import PublishedProject
from tests.factories import OrganiserFactory
from tests.label.factories import CandidatureFactory

PROFILE_TEXTS = {
    "inhabitants": "Les habitants signalent un problème en ligne et suivent sa résolution.",
    "results": "2 400 signalements traités en 2020, en 6 jours en moyenne contre 21 auparavant.",
    "cost": "45 000 € HT d'investissement, 8 000 € par an de maintenance.",
    "funding": "Budget de la ville, avec une aide régionale de 15 000 €.",
    "licences": "Logiciel libre sous licence AGPL ; données en Licence Ouverte 2.0.",
    "data_needed": "La base des voies et des équipements de la commune.",
    "skills": "Un chef de projet à mi-temps pendant six mois et un prestataire pour l'installation.",
    "contact_name": "Sophie Leroy",
    "contact_role": "Cheffe de projet numérique",
    "contact_email": "numerique@ville.example",
}


def laureate(**fields):
    """A laureate candidature whose owner agreed to publication (``fields`` override the factory's)."""
    values = {"status": Status.LAUREATE, "consent_publication": True, "outcome_level": Level.GOLD, **fields}
    return CandidatureFactory(**values)


def shortlisted(**fields):
    """A candidature shortlisted for the auditions whose owner agreed to publication (``fields`` override)."""
    values = {"status": Status.SHORTLISTED, "consent_publication": True, "outcome_level": "", **fields}
    return CandidatureFactory(**values)


def image_document(candidature, content, name="photo.png", content_type="image/png"):
    """A document of ``candidature`` holding ``content`` (bytes), as an upload leaves it."""
    document = Document(
        candidature=candidature,
        kind=DocumentKind.PHOTO,
        original_name=name,
        size=len(content),
        content_type=content_type,
    )
    document.file.save("upload", ContentFile(content), save=False)
    document.save()
    return document


def published_project(candidature=None, organiser=None, documents=(), **fields):
    """A laureate's profile written, sent for review and approved; its ``PublishedProject``."""
    candidature_fields = {
        name.removeprefix("candidature__"): value for name, value in fields.items() if name.startswith("candidature__")
    }
    profile_fields = {name: value for name, value in fields.items() if not name.startswith("candidature__")}
    candidature = candidature or laureate(**candidature_fields)
    profile = publication.profile_for(candidature)
    publication.save_profile(
        profile, {**PROFILE_TEXTS, **profile_fields, "documents": list(documents)}, candidature.owner
    )
    publication.submit_for_review(profile, candidature.owner)
    publication.approve(profile, organiser or OrganiserFactory())
    return PublishedProject.objects.get(profile=profile)
