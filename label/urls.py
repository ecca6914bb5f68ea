from django.urls import path

from . import edition_pages, views

app_name = "label"

urlpatterns = [
    path("label/<slug:edition>/", views.call, name="call"),
    path("label/<slug:edition>/reglement/", edition_pages.rules, name="rules"),
    path("label/<slug:edition>/candidater/", views.apply, name="apply"),
    path("label/<slug:edition>/candidater/recapitulatif/", views.recap, name="recap"),
    path("label/<slug:edition>/candidater/<slug:step>/", views.step, name="step"),
    path("mes-candidatures/", views.my_candidatures, name="my_candidatures"),
    path("mes-candidatures/<int:pk>/", views.candidature, name="candidature"),
    path("mes-candidatures/<int:pk>/retirer/", views.withdraw, name="withdraw"),
    path(
        "mes-candidatures/<int:pk>/retirer-accord-publication/",
        views.withdraw_publication,
        name="withdraw_publication",
    ),
    path("documents/<uuid:pk>/", views.download, name="download"),
    path("documents/<uuid:pk>/supprimer/", views.delete_document, name="delete_document"),
    path("laureats/<slug:edition>/", views.laureates, name="laureates"),
]
