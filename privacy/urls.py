from django.urls import path

from . import erasure_views, views

app_name = "privacy"

urlpatterns = [
    path("", views.my_data, name="my_data"),
    path("archive/", views.request_export, name="request_export"),
    path("archive/<uuid:pk>/", views.download_archive, name="archive"),
    path("supprimer-mon-compte/", erasure_views.delete_account, name="delete_account"),
    path("compte-supprime/", erasure_views.account_deleted, name="account_deleted"),
]
