"""Deleting one's own account: what goes and what stays, the password again, then the erasure."""

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters

from auditions.jury.models import Evaluation
from core import throttle
from core.errors import Refused

from .erasure import erase_account, refusal

# Wrong passwords given to this page, per account: a stolen session does not get to guess for long.
PASSWORD_SCOPE = "account-deletion-password"
PASSWORD_TRIES = 5
PASSWORD_WINDOW = 3600


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Votre mot de passe"),
        strip=False,
        help_text=gettext_lazy("Celui que vous utilisez pour vous connecter : il confirme que c'est bien vous."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": gettext_lazy("Saisissez votre mot de passe pour confirmer la suppression.")},
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        subject = str(self.user.pk)
        if throttle.exhausted(PASSWORD_SCOPE, subject, PASSWORD_TRIES):
            raise ValidationError(
                _("Trop d'essais de mot de passe : réessayez dans une heure, rien n'a été supprimé."), code="throttled"
            )
        if not self.user.check_password(password):
            throttle.spend(PASSWORD_SCOPE, subject, PASSWORD_WINDOW)
            raise ValidationError(
                _("Ce n'est pas votre mot de passe : rien n'a été supprimé. Saisissez celui de votre connexion."),
                code="wrong_password",
            )
        return password


def _what_happens(user):
    """The figures the page states: what the person has that will be deleted, and what will stay unnamed."""
    candidatures = user.candidatures.all()
    evaluations = Evaluation.objects.filter(assignment__juror=user)
    return {
        "drafts": candidatures.filter(reference="").count(),
        "submitted": candidatures.exclude(reference="").count(),
        "evaluations_kept": evaluations.filter(status=Evaluation.Status.SUBMITTED).count(),
        "evaluations_deleted": evaluations.exclude(status=Evaluation.Status.SUBMITTED).count(),
        "candidature_years": settings.RETENTION["candidatures"],
    }


@sensitive_post_parameters("password")
@login_required
def delete_account(request):
    user = request.user
    refused = refusal(user, by=user)
    form = DeleteAccountForm(user, request.POST or None)
    if request.method == "POST" and not refused and form.is_valid():
        try:
            erase_account(user, by=user, reason=_("Suppression demandée par la personne depuis « Mes données »"))
        except Refused as refusal_raised:
            refused = refusal_raised.message
        else:
            logout(request)
            return redirect("privacy:account_deleted")
    context = {"form": form, "refusal": refused, **_what_happens(user)}
    return render(request, "privacy/delete_account.html", context)


def account_deleted(request):
    return render(request, "privacy/account_deleted.html")
