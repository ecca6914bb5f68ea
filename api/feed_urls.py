from django.urls import path
from django.views.decorators.http import require_GET

from core.pages import public_page

from . import feeds, views

app_name = "open_data"

urlpatterns = [
    path("projets/flux.atom", public_page(feeds.ProjectsFeed()), name="projects_feed"),
    path("evenements/flux.atom", public_page(feeds.EventsFeed()), name="events_feed"),
    path("evenements/calendrier.ics", public_page(require_GET(feeds.events_calendar)), name="events_calendar"),
    path("donnees-ouvertes/", views.open_data, name="page"),
]
