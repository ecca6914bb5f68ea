from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:edition>/", views.edition, name="edition"),
    path("<slug:edition>/jurys/<int:jury>/relance/", views.remind, name="remind"),
]
