"""Failed logins held back, on every form that checks a password (the site's, the admin's).

Three layers:

- per account and address (django-axes): five wrong passwords for one account from one address lock that pair;
- per address over all accounts: an address failing many times within an hour waits (password spraying);
- per account over all addresses: when the account's failures, counting at most the pair limit from each address,
  reach ``LOGIN_FAILURES_PER_ACCOUNT`` within an hour, the account is held for a short cool-off. One address alone
  can never hold an account, attempts refused during the hold do not prolong it, and the owner lifts it by choosing
  a new password (organisers from the admin).

The account is always read the same way, stripped and lower-cased (``normalised_username``), as the login finds it.
"""

import hashlib
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
PAIR_FAILURES_SCOPE = "login-pair-failures"
ACCOUNT_FAILURES_SCOPE = "login-account-failures"
ACCOUNT_HOLD_SCOPE = "login-account-hold"
FAILURES_WINDOW = 3600

# Set on the request when a login is refused before any password is checked: which layer refused it.
REFUSAL_ATTRIBUTE = "login_refusal"
ADDRESS = "address"
ACCOUNT = "account"


# --- whose attempt ---------------------------------------------------------------------------------


def normalised_username(value):
    """The account a login names, spelt one way: the address stripped and lower-cased."""
    return (value or "").strip().lower()


def login_username(request, credentials=None):
    """django-axes' reading of the account an attempt names (``AXES_USERNAME_CALLABLE``), normalised, so that
    changing the letter case of the address typed does not start a new count."""
    field = settings.AXES_USERNAME_FORM_FIELD
    typed = (credentials or {}).get(field)
    if typed is None and request is not None:
        typed = getattr(request, "data", request.POST).get(field)
    return normalised_username(typed)


def _account_key(username):
    return hashlib.sha256(normalised_username(username).encode()).hexdigest()


def account_failure_limit():
    return settings.LOGIN_FAILURES_PER_ACCOUNT


def account_cooloff():
    return timedelta(minutes=settings.LOGIN_ACCOUNT_COOLOFF_MINUTES)


# --- what the person reads -------------------------------------------------------------------------


def _retry_sentence(minutes):
    at = timezone.localtime(timezone.now() + timedelta(minutes=minutes))
    return _("Réessayez à partir de %(time)s, ou choisissez un nouveau mot de passe avec « Mot de passe oublié ».") % {
        "time": time_format(at)
    }


def _minutes(duration):
    return int(duration.total_seconds() // 60)


def lockout_message():
    minutes = _minutes(settings.AXES_COOLOFF_TIME)
    return _(
        "Trop d'essais de mot de passe pour ce compte depuis votre connexion : les connexions sont suspendues "
        "%(minutes)s minutes. "
    ) % {"minutes": minutes} + _retry_sentence(minutes)


def address_message():
    return _(
        "Trop d'essais de connexion depuis votre adresse en une heure : patientez avant de réessayer. "
    ) + _retry_sentence(FAILURES_WINDOW // 60)


def account_message():
    minutes = _minutes(account_cooloff())
    return _(
        "Trop d'essais de mot de passe sur ce compte depuis plusieurs connexions : "
        "les connexions à ce compte sont suspendues %(minutes)s minutes. "
    ) % {"minutes": minutes} + _retry_sentence(minutes)


MESSAGES = {ADDRESS: address_message, ACCOUNT: account_message}


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to any refused login (``AXES_LOCKOUT_CALLABLE``): the login page, the reason, status 429.

    It serves both login pages, the site's and the admin's, for the three layers.
    """
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    message = MESSAGES.get(getattr(request, REFUSAL_ATTRIBUTE, None), lockout_message)()
    return refused_login(request, message, username)


def refused_login(request, message, username=""):
    """The login page again, the address typed kept, the reason above the form, status 429."""
    from .forms import LoginForm

    form = LoginForm(request, initial={"username": username})
    context = {"form": form, "refusal": message, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "registration/login.html", context, status=429)


# --- the address and account layers ----------------------------------------------------------------


def address_exhausted(request):
    return throttle.exhausted(FAILURES_SCOPE, client_address(request), settings.LOGIN_FAILURES_PER_ADDRESS)


def account_held(username):
    return throttle.spent(ACCOUNT_HOLD_SCOPE, _account_key(username)) > 0


def refusal(request, username):
    """Which layer refuses this attempt before its password is checked (``ADDRESS``, ``ACCOUNT``), or None."""
    if address_exhausted(request):
        return ADDRESS
    if username and account_held(username):
        return ACCOUNT
    return None


def _count_account_failure(request, username):
    """One more failure against the account, unless this address already gave its share; holds it at the limit."""
    account = _account_key(username)
    pair = f"{account}:{client_address(request)}"
    if throttle.spend(PAIR_FAILURES_SCOPE, pair, FAILURES_WINDOW) > settings.AXES_FAILURE_LIMIT:
        return
    if throttle.spend(ACCOUNT_FAILURES_SCOPE, account, FAILURES_WINDOW) >= account_failure_limit():
        throttle.forget(ACCOUNT_FAILURES_SCOPE, account)
        throttle.spend(ACCOUNT_HOLD_SCOPE, account, int(account_cooloff().total_seconds()))


@receiver(user_login_failed, dispatch_uid="accounts.throttling.count_failure")
def _count_failure(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    throttle.spend(FAILURES_SCOPE, client_address(request), FAILURES_WINDOW)
    username = login_username(request, credentials)
    if username and getattr(request, REFUSAL_ATTRIBUTE, None) is None:
        _count_account_failure(request, username)


def unlock(email):
    """Lift every hold on an account: django-axes' locks under any spelling of the address, and the account's."""
    from axes.models import AccessAttempt
    from axes.utils import reset

    username = normalised_username(email)
    spellings = set(AccessAttempt.objects.filter(username__iexact=username).values_list("username", flat=True))
    for spelling in spellings | {username}:
        reset(username=spelling)
    account = _account_key(username)
    throttle.forget(ACCOUNT_HOLD_SCOPE, account)
    throttle.forget(ACCOUNT_FAILURES_SCOPE, account)


class AddressThrottleBackend:
    """First in line: a held address or account is refused before any password is checked.

    The refusal is flagged for django-axes' middleware, which answers with ``locked_out`` on every login page.
    """

    def authenticate(self, request, **credentials):
        if request is None:
            return None
        reason = refusal(request, login_username(request, credentials))
        if reason is not None:
            setattr(request, REFUSAL_ATTRIBUTE, reason)
            request.axes_locked_out = True
            raise PermissionDenied
        return None
