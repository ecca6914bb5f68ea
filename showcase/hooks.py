"""What the showcase adds to the label's pages, through the label's hooks (registered from ``apps.ready``)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.pages import forget_public_pages
from label import home_blocks, panels
from label.models import Candidature, Theme
from label.signals import publication_withdrawn

from . import catalogue, eligibility, publication, regions_map, search, thumbnails, withdrawal
from .models import PublishedProject

home_blocks.register(regions_map.home_block)
home_blocks.register(catalogue.latest_block)
panels.register(panels.Panel("showcase/_profile_panel.html", prefetch=publication.with_profiles, order=200))
panels.register(panels.Panel("showcase/_badge_panel.html", prefetch=None, order=210))


# The publication consent withdrawn: off the public pages at once (label sends it and cannot import this room).
def consent_withdrawn(sender, candidature, person=None, **kwargs):
    if candidature.status in eligibility.PUBLISHABLE_STATUSES:
        withdrawal.unpublish(candidature, person)


def published_project_deleted(sender, instance, **kwargs):
    """However the copy goes (consent withdrawn, candidature erased), its thumbnails go once that is committed."""
    candidature_id = instance.candidature_id
    transaction.on_commit(lambda: thumbnails.remove(candidature_id))


def candidature_saved(sender, instance, update_fields=None, **kwargs):
    """A theme or territory corrected by an organiser, or a shortlisted project become laureate, shows on its
    published copy."""
    if instance.status in eligibility.PUBLISHABLE_STATUSES:
        publication.follow_candidature(instance)


# A theme saved in the admin (label cannot import this room): its projects are found under its new name.
def theme_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    # The admin's list saves the order and the active box too: only a new name changes what search finds.
    if not created and instance.renamed():
        search.refresh_theme(instance)
    forget_public_pages()


publication_withdrawn.connect(consent_withdrawn, dispatch_uid="showcase.consent_withdrawn")
post_delete.connect(published_project_deleted, sender=PublishedProject, dispatch_uid="showcase.thumbnails_removed")
post_save.connect(candidature_saved, sender=Candidature, dispatch_uid="showcase.follow_candidature")
post_save.connect(theme_saved, sender=Theme, dispatch_uid="showcase.theme_renamed")
