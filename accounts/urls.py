from django.contrib.auth import views as auth_views
from django.urls import path

from . import second_factor, verification, views

app_name = "accounts"

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("inscription/verifiez-vos-courriels/", verification.sent, name="verification_sent"),
    path("adresse/renvoyer-le-lien/", verification.resend_link, name="verification_resend"),
    path("adresse/confirmer/<str:token>/", verification.confirm_link, name="verification_confirm"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-de-passe/changer/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "mot-de-passe/changer/termine/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("securite/", second_factor.security, name="security"),
    path("securite/double-authentification/", second_factor.enrol, name="second_factor_enrol"),
    path("securite/double-authentification/desactiver/", second_factor.disable, name="second_factor_disable"),
    path("securite/codes-de-secours/", second_factor.codes, name="second_factor_codes"),
    path("connexion/code/", second_factor.verify_view, name="second_factor_verify"),
]
