from django.urls import path

from . import session_views

app_name = "auditions"

urlpatterns = [
    path("auditions/convocation/<int:pk>.ics", session_views.convocation_ics, name="convocation_ics"),
    path("auditions/<slug:edition>/", session_views.programme, name="programme"),
    path("auditions/<slug:edition>/disponibilites/", session_views.availability, name="availability"),
    path("auditions/<slug:edition>/sessions/<int:pk>.ics", session_views.session_feed, name="session_ics"),
]
