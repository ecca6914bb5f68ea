"""A public profile taken off the showcase when its publication consent is withdrawn."""

from django.db import transaction
from django.utils.translation import gettext

from core.pages import forget_public_pages
from notifications.services import notify

from .models import ProjectProfile, PublishedProject
from .publication import ProfileStatus, review_step


def unpublish(candidature, person=None):
    """Off the public pages at once (the publication consent was withdrawn): the published copy deleted, its
    thumbnails removed after the commit, the profile back to draft, the owner and the team told by e-mail.
    False when nothing was published nor in review (nothing written, nobody told)."""
    with transaction.atomic():
        profile = (
            ProjectProfile.objects.select_for_update(of=("self",))
            .select_related("candidature__edition", "candidature__owner")
            .filter(candidature=candidature)
            .first()
        )
        deleted, _by_model = PublishedProject.objects.filter(candidature=candidature).delete()
        in_review = profile is not None and profile.status in (ProfileStatus.SUBMITTED, ProfileStatus.APPROVED)
        if not (deleted or in_review):
            return False
        entry = review_step(
            profile,
            gettext("Accord de publication retiré : fiche retirée des pages publiques"),
            person,
            status=ProfileStatus.DRAFT,
        )
        _notify_unpublished(profile, entry, was_public=bool(deleted))
        if deleted:
            forget_public_pages()
    return True


def _notify_unpublished(profile, entry, was_public):
    """The owner and the team told that the profile left the showcase, once for this withdrawal (``entry``)."""
    candidature = profile.candidature
    context = {"profile": profile, "candidature": candidature, "was_public": was_public}
    recipients = {"owner": candidature.owner, "team": candidature.edition.contact_email}
    for role, recipient in recipients.items():
        if recipient:
            notify(
                "showcase_profile_unpublished",
                recipient,
                {**context, "for_team": role == "team"},
                key=f"showcase_profile_unpublished:{profile.pk}:{entry.pk}:{role}",
                related=candidature,
            )
