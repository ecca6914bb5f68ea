from django.urls import path

from . import ranking_exports, ranking_views, views

app_name = "jury"

urlpatterns = [
    path("jury/", views.home, name="home"),
    path("jury/conflits/", views.conflicts, name="conflicts"),
    path("jury/dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("jury/dossiers/<int:pk>/brouillon/", views.autosave, name="autosave"),
    path("jury/invitation/<str:token>/", views.invitation, name="invitation"),
    path("jury/classement/", ranking_views.ranking_page, name="ranking"),
    path("jury/classement/export.csv", ranking_exports.export_csv, name="ranking_csv"),
    path("jury/classement/export.xlsx", ranking_exports.export_xlsx, name="ranking_xlsx"),
    path("jury/classement/decisions/", ranking_views.decisions, name="decisions"),
    path("jury/classement/<int:jury_pk>/dossiers/<int:pk>/", ranking_views.deliberation, name="deliberation"),
]
