"""What the audition sessions add to the rooms below them, which never import this one; imported by the app's
``ready()``."""

from django.db.models import Prefetch
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext

from auditions.jury import home_blocks
from auditions.jury.models import JuryMember
from core import clock
from core.pages import forget_public_pages
from label import edition_pages, panels
from label.admin import candidature_audit_children
from label.models import Status
from label.signals import status_changed

from .models import AuditionSession, Convocation, Slot
from .services import request_availability


def upcoming_sessions(user):
    """The jury home's block (the ``auditions.jury.home_blocks`` hook): the juror's published sessions to come."""
    editions = JuryMember.objects.active().filter(user=user).values("jury__edition")
    sessions = list(
        AuditionSession.objects.filter(published=True, ends_at__gt=clock.now(), edition__in=editions)
        .select_related("edition")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return None
    return home_blocks.Block(template_name="auditions/_jury_upcoming_sessions.html", context={"sessions": sessions})


def _published_convocations(candidatures):
    published = Convocation.objects.filter(cancelled=False, session__published=True).select_related("session")
    return candidatures.prefetch_related(Prefetch("convocations", queryset=published.order_by("starts_at", "pk")))


# The candidate's convocations on /mes-candidatures/ (the ``label.panels`` hook).
CONVOCATIONS_PANEL = panels.Panel(
    template_name="auditions/_my_candidature_convocations.html", prefetch=_published_convocations
)


def programme_page(edition):
    """The call page's link to the audition programme (the ``label.edition_pages`` hook), once a session is out."""
    if not AuditionSession.objects.filter(edition=edition, published=True).exists():
        return None
    return edition_pages.EditionPage(
        title=gettext("Programme des auditions"),
        url=reverse("auditions:programme", kwargs={"edition": edition.slug}),
        order=100,
    )


@receiver(post_save, sender=AuditionSession, dispatch_uid="auditions.public_pages.session_saved")
@receiver(post_delete, sender=AuditionSession, dispatch_uid="auditions.public_pages.session_deleted")
def session_changed(sender, **kwargs):
    """A session published or withdrawn adds or removes the programme's link on its edition's call page."""
    forget_public_pages()


# A signal: label sends it on every status change and cannot import this room.
@receiver(status_changed, dispatch_uid="auditions.shortlisted_asks_availability")
def ask_availability_when_shortlisted(sender, candidature, transition, **kwargs):
    if transition.target == Status.SHORTLISTED:
        request_availability(candidature)


home_blocks.register(upcoming_sessions)
panels.register(CONVOCATIONS_PANEL)
edition_pages.register(programme_page)


@candidature_audit_children.register
def _session_rows_of_a_candidature():
    """A candidature's "Historique" in the admin also shows its audition slots."""
    return ((Slot._meta.label, "candidature"),)
