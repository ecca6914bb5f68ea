"""Failed logins held back: per account and address (django-axes), and per address over all accounts."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from core import throttle
from core.clients import client_address

FAILURES_SCOPE = "login-failures"
FAILURES_WINDOW = 3600


def _retry_sentence(minutes):
    at = timezone.localtime(timezone.now() + timedelta(minutes=minutes))
    return _("Réessayez à partir de %(time)s, ou choisissez un nouveau mot de passe avec « Mot de passe oublié ».") % {
        "time": time_format(at)
    }


def lockout_message():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Trop d'essais de mot de passe pour ce compte depuis votre connexion : les connexions sont suspendues "
        "%(minutes)s minutes. "
    ) % {"minutes": minutes} + _retry_sentence(minutes)


def address_message():
    return _(
        "Trop d'essais de connexion depuis votre adresse en une heure : patientez avant de réessayer. "
    ) + _retry_sentence(FAILURES_WINDOW // 60)


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out account and address: the login page, its message, status 429."""

    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return refused_login(request, lockout_message(), username)


def refused_login(request, message, username=""):
    """The login page again, the address typed kept, the reason above the form, status 429."""
    from .forms import LoginForm

    form = LoginForm(request, initial={"username": username})
    context = {"form": form, "refusal": message, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "registration/login.html", context, status=429)


def address_exhausted(request):
    return throttle.exhausted(FAILURES_SCOPE, client_address(request), settings.LOGIN_FAILURES_PER_ADDRESS)


@receiver(user_login_failed, dispatch_uid="accounts.throttling.count_failure")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        throttle.spend(FAILURES_SCOPE, client_address(request), FAILURES_WINDOW)


class AddressThrottleBackend:
    """First in line: an address over its hourly failures is refused before any password is checked."""

    def authenticate(self, request, **credentials):
        if request is not None and address_exhausted(request):
            raise PermissionDenied
        return None
