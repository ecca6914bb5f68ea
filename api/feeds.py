"""The public feeds: newly published projects and upcoming events (Atom), and every published event (iCalendar)."""

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import calendar
from events.models import Event
from showcase import catalogue

from .schemas import absolute

SITE_NAME = gettext_lazy("Label Territoire Innovant")
LATEST_PROJECTS = 20


class ProjectsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Label Territoire Innovant : projets publiés")
    subtitle = gettext_lazy("Les derniers projets des collectivités labellisées publiés dans le catalogue.")
    author_name = SITE_NAME

    def link(self):
        return absolute("showcase:catalogue")

    def feed_url(self):
        return absolute("open_data:projects_feed")

    def items(self):
        return catalogue.public_projects().order_by("-published_at", "-pk")[:LATEST_PROJECTS]

    def item_title(self, project):
        return f"{project.territory_name} — {project.title}"

    def item_link(self, project):
        return absolute("showcase:project", slug=project.slug)

    def item_description(self, project):
        return linebreaks(escape(project.summary))

    def item_pubdate(self, project):
        return project.published_at

    def item_updateddate(self, project):
        return project.updated_at

    def item_categories(self, project):
        return [project.theme.name] if project.theme else []


def when_and_where(event):
    """« 30 juin 2020 09:30 – 17:00 · Dunkerque », in Paris time and the reader's language."""
    starts_at, ends_at = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    when = formats.date_format(starts_at, "DATETIME_FORMAT")
    if ends_at.date() == starts_at.date():
        when = f"{when} – {formats.time_format(ends_at, 'TIME_FORMAT')}"
    else:
        when = f"{when} – {formats.date_format(ends_at, 'DATETIME_FORMAT')}"
    where = event.city if event.has_venue else _("En ligne")
    return " · ".join(part for part in (when, where) if part)


class EventsFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("Label Territoire Innovant : prochains événements")
    subtitle = gettext_lazy("Rencontres régionales, auditions retransmises et forum national du label.")
    author_name = SITE_NAME

    def link(self):
        return absolute("events:list")

    def feed_url(self):
        return absolute("open_data:events_feed")

    def items(self):
        return Event.objects.published().upcoming()

    def item_title(self, event):
        return event.title

    def item_link(self, event):
        return absolute("events:detail", slug=event.slug)

    def item_description(self, event):
        lines = [when_and_where(event), event.theme]
        return "".join(f"<p>{escape(line)}</p>" for line in lines if line)

    def item_updateddate(self, event):
        # Events have no date of publication: each entry is dated by the event's start.
        return event.starts_at

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The entries' dates are the events' starts, to come: no modification date can be drawn from them.
        del response.headers["Last-Modified"]
        return response


def calendar_entry(event):
    """One published event as a VEVENT, with the UID of its own calendar file (events:ics): no duplicates."""
    location = ", ".join(part for part in (event.venue, event.address, event.city) if part)
    description = [event.theme] if event.theme else []
    if event.has_broadcast and event.webtv_url:
        description.append(_("Web TV : %(url)s") % {"url": event.webtv_url})
    url = absolute("events:detail", slug=event.slug)
    return calendar.Entry(
        uid=calendar.uid(f"event-{event.pk}"),
        summary=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        location=location if event.has_venue else _("En ligne"),
        description="\n".join([*description, url]),
        url=url,
    )


def events_calendar(request):
    """Every published event, past and to come, in one calendar to subscribe to."""
    events = Event.objects.published().order_by("starts_at", "pk")
    body = calendar.ics(
        [calendar_entry(event) for event in events],
        product="Evenements",
        name=_("Événements du Label Territoire Innovant"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="evenements-label-territoire-innovant.ics"'
    return response
