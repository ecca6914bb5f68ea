from django import forms
from django.contrib.auth import forms as auth_forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.services import notify

from .models import User


class SignUpForm(auth_forms.SetPasswordMixin, forms.Form):
    """What a person types to open an account; ``accounts.verification.sign_up`` decides what happens next.

    Not a model form: whether the address is taken is never said here (that would tell
    anyone which addresses have an account); the owner of a taken address is e-mailed instead.
    """

    full_name = forms.CharField(
        label=_("Prénom et nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        help_text=_("Elle vous servira d'identifiant. Nous vous y enverrons un lien pour la confirmer."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1, password2 = auth_forms.SetPasswordMixin.create_password_fields()

    def clean_email(self):
        return User.objects.normalize_email(self.cleaned_data["email"]).strip()

    def clean(self):
        cleaned_data = super().clean()
        self.validate_passwords()
        # The password must not resemble the name or the address typed with it.
        person = User(full_name=cleaned_data.get("full_name", ""), email=cleaned_data.get("email", ""))
        self.validate_password_for_user(person)
        return cleaned_data


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
