from django.urls import path

from . import badge_views, document_views, profile_views, views

app_name = "showcase"

urlpatterns = [
    path("projets/", views.catalogue, name="catalogue"),
    path("projets/<slug:slug>/", views.project, name="project"),
    path("projets/<slug:slug>/badge.svg", badge_views.badge_svg, name="badge_svg"),
    path("projets/<slug:slug>/badge-<int:size>.png", badge_views.badge_png, name="badge_png"),
    path("label/regles-d-usage-du-badge/", badge_views.badge_rules, name="badge_rules"),
    path("mes-candidatures/<int:pk>/fiche-projet/", profile_views.edit_profile, name="edit_profile"),
    path("mes-candidatures/<int:pk>/badge.svg", badge_views.my_badge_svg, name="my_badge_svg"),
    path("mes-candidatures/<int:pk>/badge-<int:size>.png", badge_views.my_badge_png, name="my_badge_png"),
    path("projets/<slug:slug>/documents/<uuid:document>/", document_views.document, name="document"),
    path("medias/projets/<int:candidature>/<str:name>", document_views.thumbnail, name="thumbnail"),
]
