from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.services import notify

from .models import User


class SignUpForm(auth_forms.BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("full_name", "email")
        labels = {"full_name": _("Prénom et nom"), "email": _("Adresse e-mail")}
        help_texts = {"email": _("Elle vous servira d'identifiant.")}
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _(
                    "Un compte existe déjà avec cette adresse e-mail. "
                    "Connectez-vous ou réinitialisez votre mot de passe."
                ),
                code="email_taken",
            )
        return email


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": _("Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie et réessayez."),
        "inactive": _("Ce compte est désactivé."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Adresse e-mail")
        self.fields["username"].widget = forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link through the outbox rather than straight to SMTP."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        from django.conf import settings

        user = context["user"]
        path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]})
        notify(
            "password_reset",
            to=user,
            context={"user": user, "reset_url": f"{settings.SITE_URL}{path}"},
            key=f"password_reset:{user.pk}:{context['token']}",
            related=user,
            sensitive=True,
        )
