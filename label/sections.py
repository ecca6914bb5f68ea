"""The national forum's event page lists the laureates of the edition it presents (the events.sections hook)."""

from django.urls import reverse
from django.utils.translation import gettext

from events.sections import Section, register

from .models import Candidature
from .queries import ordered_laureates


def forum_laureates(event):
    """The newest published edition presented at ``event`` that has laureates, as a section; else None."""
    candidatures = Candidature.objects.filter(edition__forum=event, edition__published=True)
    laureates = list(
        ordered_laureates(candidatures)
        .select_related("edition")
        .order_by("-edition__opens_at", "edition_id", "level_order", "territory_name", "pk")
    )
    if not laureates:
        return None
    edition = laureates[0].edition
    url = reverse("label:laureates", kwargs={"edition": edition.slug})
    items = [
        {
            "title": candidature.territory_name,
            "detail": " · ".join(
                part
                for part in (
                    candidature.get_outcome_level_display(),
                    candidature.region.name if candidature.region else "",
                    candidature.public_title,
                )
                if part
            ),
            "url": url,
        }
        for candidature in laureates
        if candidature.edition_id == edition.pk
    ]
    return Section(
        title=gettext("Lauréats %(edition)s") % {"edition": edition.name},
        template_name="events/section_list.html",
        context={"items": items},
    )


register(forum_laureates)
