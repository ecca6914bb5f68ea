from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("evenements/", views.event_list, name="list"),
    path("evenements/<slug:slug>/", views.event_detail, name="detail"),
    path("evenements/<slug:slug>/calendrier.ics", views.event_ics, name="ics"),
    path("evenements/<slug:slug>/annulation/<str:token>/", views.cancel, name="cancel"),
    path("evenements/<slug:slug>/emargement/", views.attendance_list, name="attendance"),
    path("evenements/<slug:slug>/inscriptions.csv", views.registrations_csv, name="registrations_csv"),
    path("medias/<path:path>", views.public_media, name="media"),
]
