from django.urls import path

from . import views

app_name = "auditions"

urlpatterns = [
    path("auditions/convocation/<int:pk>.ics", views.convocation_ics, name="convocation_ics"),
    path(
        "auditions/convocation/<int:pk>/reception/",
        views.acknowledge_convocation,
        name="convocation_acknowledge",
    ),
    path("auditions/<slug:edition>/", views.programme, name="programme"),
    path("auditions/<slug:edition>/disponibilites/", views.availability, name="availability"),
    path("auditions/<slug:edition>/sessions/<int:pk>.ics", views.session_feed, name="session_ics"),
]
