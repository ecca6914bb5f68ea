"""Proving an address: the confirmation link sent at sign-up, sending it again, confirming it.

Until its address is confirmed an account may prepare a candidature but not submit
it (``label.workflow``). Whoever signs up reads the same answer whether the address
is new or taken; the owner of a taken address is told by e-mail instead. Every mail
someone can cause to be sent to an address is limited, per address and per client.

The link confirms through a button (POST), never on opening: the link checkers of
mail services open links on their own, and would confirm an address nobody read.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import throttle
from core.clients import client_address
from core.errors import Refused
from notifications.services import notify

from . import security
from .models import SecurityEvent, User

SALT = "accounts.verification"
# What this browser signed up with: the address the pending page names, and where to go once confirmed.
PENDING = "accounts.verification.pending"

HOUR = 3600
SIGNUPS_PER_CLIENT = 10
LINKS_PER_ADDRESS = 3
LINKS_PER_CLIENT = 10
# "You already have an account": its owner hears it once an hour at most, whoever keeps trying.
OWNER_NOTICES_PER_ADDRESS = 1
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10

SIGNUP_SCOPE = "signup"
LINK_ADDRESS_SCOPE = "confirmation-link"
LINK_CLIENT_SCOPE = "confirmation-link-client"
OWNER_NOTICE_SCOPE = "account-exists"
RESET_ADDRESS_SCOPE = "password-reset"
RESET_CLIENT_SCOPE = "password-reset-client"


# --- the link ---------------------------------------------------------------------------------


def lifetime_days():
    return settings.EMAIL_CONFIRMATION_TIMEOUT // (24 * 3600)


def _state(user):
    # Changes once the address is confirmed or replaced: a link then stops working.
    value = f"{user.pk}|{user.email.lower()}|{user.email_verified_at}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:20]


def confirmation_token(user):
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=SALT)


def user_from_token(token, lock=False):
    """The account ``token`` confirms, or Refused with what the person reads."""
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.EMAIL_CONFIRMATION_TIMEOUT)
    except signing.SignatureExpired:
        days = lifetime_days()
        raise Refused(
            ngettext(
                "Ce lien de confirmation a expiré : il n'est valable que %(days)s jour. Demandez-en un nouveau.",
                "Ce lien de confirmation a expiré : il n'est valable que %(days)s jours. Demandez-en un nouveau.",
                days,
            )
            % {"days": days}
        ) from None
    except signing.BadSignature:
        data = None
    users = User.objects.select_for_update() if lock else User.objects
    user = users.filter(pk=data.get("u"), is_active=True).first() if isinstance(data, dict) else None
    if user is None or not isinstance(data.get("s"), str):
        raise Refused(
            _(
                "Ce lien de confirmation n'est pas valide. Vérifiez qu'il est complet (un lien long est parfois "
                "coupé en deux dans les courriels) ou demandez-en un nouveau."
            )
        )
    if not constant_time_compare(data["s"], _state(user)):
        if user.email_verified:
            raise Refused(_("Ce lien a déjà servi : l'adresse e-mail de ce compte est confirmée."))
        raise Refused(_("Ce lien de confirmation ne correspond plus à l'adresse du compte. Demandez-en un nouveau."))
    return user


def send_confirmation(user):
    """Queue the confirmation link for ``user``; call it inside the transaction that causes it."""
    token = confirmation_token(user)
    url = settings.SITE_URL + reverse("accounts:verification_confirm", kwargs={"token": token})
    return notify(
        "email_confirmation",
        to=user,
        context={"user": user, "confirm_url": url, "days": lifetime_days()},
        key=f"email_confirmation:{user.pk}:{token}",
        related=user,
        sensitive=True,
    )


def mark_verified(user, request=None):
    """Record that ``user`` receives the mail sent to their address; False when that was known already.

    Whatever proves it calls this: the confirmation link, a password reset link, a jury invitation accepted.
    """
    now = timezone.now()
    if not User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=now):
        return False
    user.email_verified_at = now
    security.record(user, SecurityEvent.Kind.EMAIL_VERIFIED, request=request)
    return True


# --- limits -----------------------------------------------------------------------------------


def _address_key(email):
    # Counters are named after a digest: the cache holds no address.
    return salted_hmac(SALT, email.strip().lower(), algorithm="sha256").hexdigest()[:32]


def retry_message(text):
    """``text`` and when to try again; the window may have started earlier, so this time is the latest one."""
    at = timezone.localtime(timezone.now() + timedelta(seconds=HOUR))
    return _("%(text)s Réessayez à partir de %(time)s.") % {"text": text, "time": time_format(at)}


def signups_refusal(request):
    if throttle.exhausted(SIGNUP_SCOPE, client_address(request), SIGNUPS_PER_CLIENT):
        return retry_message(_("Trop de comptes ont été créés depuis votre connexion en une heure."))
    return None


def resets_refusal(request):
    if throttle.exhausted(RESET_CLIENT_SCOPE, client_address(request), RESETS_PER_CLIENT):
        return retry_message(_("Trop de demandes de nouveau mot de passe depuis votre connexion en une heure."))
    return None


def may_send_reset(request, email):
    """Count one reset request; False once ``email`` had its share this hour (the person is told nothing)."""
    throttle.spend(RESET_CLIENT_SCOPE, client_address(request), HOUR)
    return throttle.spend(RESET_ADDRESS_SCOPE, _address_key(email), HOUR) <= RESETS_PER_ADDRESS


def _tell_owner(user):
    """E-mail the owner of a taken address that someone tried to sign up with it (once an hour at most)."""
    if throttle.spend(OWNER_NOTICE_SCOPE, _address_key(user.email), HOUR) > OWNER_NOTICES_PER_ADDRESS:
        return
    now = timezone.now()
    notify(
        "account_exists",
        to=user,
        context={
            "user": user,
            "login_url": settings.SITE_URL + reverse("accounts:login"),
            "reset_url": settings.SITE_URL + reverse("accounts:password_reset"),
        },
        key=f"account_exists:{user.pk}:{now.timestamp()}",
        related=user,
    )


# --- sign-up and sending the link again -------------------------------------------------------


def sign_up(request, form, next_url=""):
    """Open the account and send its confirmation link, or, when the address is taken, tell its owner.

    Either way the person is answered alike, in about the same time (the password is
    hashed in both cases), and nobody is logged in: the next page is the same.
    """
    data = form.cleaned_data
    email = data["email"]
    throttle.spend(SIGNUP_SCOPE, client_address(request), HOUR)
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    with transaction.atomic():
        owner = User.objects.filter(email__iexact=email).first()
        if owner is None:
            user = User(email=email, full_name=data["full_name"], language=language)
            user.set_password(data["password1"])
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                # Another sign-up with this address was saved first.
                owner = User.objects.get(email__iexact=email)
            else:
                send_confirmation(user)
        else:
            make_password(data["password1"])
        if owner is not None and owner.is_active:
            _tell_owner(owner)
    request.session[PENDING] = {"email": email, "next": next_url}


def pending_address(request):
    """The address the pending page is about: the signed-in account's, else the one this browser signed up with."""
    if request.user.is_authenticated:
        return request.user.email
    return (request.session.get(PENDING) or {}).get("email", "")


def resend(request):
    """Send the link again to ``pending_address``; the message to show, or Refused past the limits.

    Signed out, the address may be someone else's (a taken address at sign-up): its
    owner, if confirmed, is told again that they have an account, and the person
    reads the same message as for a new one.
    """
    email = pending_address(request)
    if not email:
        raise Refused(_("Connectez-vous pour recevoir un nouveau lien de confirmation."))
    if request.user.is_authenticated and request.user.email_verified:
        raise Refused(_("Votre adresse e-mail est déjà confirmée."))
    address, client = _address_key(email), client_address(request)
    if throttle.exhausted(LINK_ADDRESS_SCOPE, address, LINKS_PER_ADDRESS) or throttle.exhausted(
        LINK_CLIENT_SCOPE, client, LINKS_PER_CLIENT
    ):
        raise Refused(retry_message(_("Plusieurs liens ont déjà été envoyés à cette adresse en peu de temps.")))
    throttle.spend(LINK_ADDRESS_SCOPE, address, HOUR)
    throttle.spend(LINK_CLIENT_SCOPE, client, HOUR)
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is not None and user.email_verified:
            _tell_owner(user)
        elif user is not None:
            send_confirmation(user)
    return _("Un nouveau lien vient d'être envoyé à %(email)s. Pensez à regarder dans les courriers indésirables.") % {
        "email": email
    }


def _token_user(request, token, lock=False):
    user = user_from_token(token, lock=lock)
    if request.user.is_authenticated and request.user.pk != user.pk:
        raise Refused(
            _(
                "Ce lien confirme l'adresse d'un autre compte que celui avec lequel vous êtes connecté. "
                "Déconnectez-vous, puis ouvrez-le à nouveau."
            )
        )
    return user


def confirm(request, token):
    """Confirm the address ``token`` was sent to, for the account it names only; that account, or Refused."""
    with transaction.atomic():
        user = _token_user(request, token, lock=True)
        mark_verified(user, request)
    return user


# --- pages ------------------------------------------------------------------------------------


def _safe(request, url):
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""


def _verified(request):
    return request.user.is_authenticated and request.user.email_verified


def sent(request):
    """After sign-up, and for a signed-in account not confirmed yet: check your mailbox, or have the link again."""
    email = pending_address(request)
    if not email:
        return redirect("accounts:signup")
    pending = request.session.get(PENDING) or {}
    context = {
        "email": email,
        "verified": _verified(request),
        "days": lifetime_days(),
        "next": _safe(request, pending.get("next", "")),
    }
    return render(request, "accounts/verification/sent.html", context)


@require_POST
def resend_link(request):
    pending_page = reverse("accounts:verification_sent")
    following = _safe(request, request.POST.get("next", "")) or pending_page
    try:
        message = resend(request)
    except Refused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, message)
        if following != pending_page:
            # Once confirmed, back to the page the link was asked from (a candidature's recap).
            request.session[PENDING] = {**(request.session.get(PENDING) or {}), "next": following}
    return redirect(following)


def confirm_link(request, token):
    """The link of the mail: a page with a button (GET), the confirmation itself (POST)."""
    try:
        user = confirm(request, token) if request.method == "POST" else _token_user(request, token)
    except Refused as refusal:
        context = {"refusal": refusal.message, "may_resend": bool(pending_address(request)) and not _verified(request)}
        return render(request, "accounts/verification/confirm.html", context, status=400)
    if request.method != "POST":
        return render(request, "accounts/verification/confirm.html", {"email": user.email})
    messages.success(request, _("Adresse e-mail confirmée."))
    pending = request.session.pop(PENDING, None) or {}
    following = _safe(request, pending.get("next", "")) or resolve_url(settings.LOGIN_REDIRECT_URL)
    if request.user.is_authenticated:
        return redirect(following)
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': following})}")
