from django.urls import path

from . import badge_views, profile_views, views

app_name = "showcase"

urlpatterns = [
    path("projets/", views.catalogue, name="catalogue"),
    path("projets/<slug:slug>/", views.project, name="project"),
    path("projets/<slug:slug>/badge.svg", badge_views.badge_svg, name="badge_svg"),
    path("projets/<slug:slug>/badge-<int:size>.png", badge_views.badge_png, name="badge_png"),
    path("label/regles-d-usage-du-badge/", badge_views.badge_rules, name="badge_rules"),
    path("mes-candidatures/<int:pk>/fiche-projet/", profile_views.edit_profile, name="edit_profile"),
]
