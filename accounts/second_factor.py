"""The second factor: a code from any authenticator app (TOTP) and one-time recovery codes, through django-otp.

Organisers (staff) pass it before any page once logged in, jurors before any
page of the jury's space; candidates may turn it on. A session whose account
has a second factor is only half logged in until a code is given: every page
but the few below sends it to the verification step.
"""

import base64
import time

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.hooks import Hook

from .security import Kind, record

# Session keys: a code is still owed; the role asks for a second factor; the device being set up; codes to show once.
PENDING = "second_factor_pending"
REQUIRED = "second_factor_required"
ENROLLING = "second_factor_enrolling"
FRESH_CODES = "second_factor_fresh_codes"
# When this session last found the account without a second factor (seconds since the epoch), and how long it
# trusts that before asking again.
NO_DEVICE_SEEN = "second_factor_absent_seen"
NO_DEVICE_RECHECK_SECONDS = 60

# The two steps a session may owe: the code of its second factor, or setting one up.
VERIFY_STEP = "accounts:second_factor_verify"
ENROL_STEP = "accounts:second_factor_enrol"

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "application"
RECOVERY_DEVICE_NAME = "recovery"

# Rooms above accounts say who must use a second factor (the jury: its members), asked at each login.
roles_requiring = Hook()


def _paths():
    """The prefixes the rule reads, resolved once (the URLconf is complete by the first request)."""
    if not hasattr(_paths, "cache"):
        _paths.cache = {
            "admin": reverse("admin:index"),
            "jury": reverse("jury:home"),
            "invitation": reverse("jury:invitation", kwargs={"token": "x"}).rsplit("x/", 1)[0],
            "exempt": (
                reverse("accounts:second_factor_verify"),
                reverse("accounts:second_factor_enrol"),
                reverse("accounts:second_factor_codes"),
                reverse("accounts:logout"),
                reverse("admin:logout"),
                reverse("set_language"),
                reverse("healthz"),
                "/" + settings.STATIC_URL.lstrip("/"),
                "/favicon.ico",
            ),
        }
    return _paths.cache


def required_for(request, path):
    """Whether this page asks the logged-in person for a second factor."""
    paths = _paths()
    if request.user.is_staff or request.session.get(REQUIRED):
        return True
    return path.startswith(paths["jury"]) and not path.startswith(paths["invitation"])


def has_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@receiver(user_logged_in, dispatch_uid="accounts.second_factor.login")
def _on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if request.session.get(DEVICE_ID_SESSION_KEY):
        return
    if has_device(user):
        request.session[PENDING] = True
    if user.is_staff or any(roles_requiring.ask(user)):
        request.session[REQUIRED] = True


class SecondFactorMiddleware:
    """Sends a half-logged-in session to the code, and a required but missing second factor to its set-up.

    What the account has decides, not what the session remembers from its login: once the account has a second
    factor, an unverified session (even one opened before it was set up) reaches nothing but the code page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            path = request.path_info
            if not path.startswith(_paths()["exempt"]) and not user.is_verified():
                step = owed_step(request, path)
                if step is not None:
                    return self._redirect(request, step)
        return self.get_response(request)

    def _redirect(self, request, target):
        if target == ENROL_STEP and request.method == "GET":
            messages.info(
                request,
                _(
                    "L'administration et l'espace jury demandent une double authentification. "
                    "Activez-la une fois : elle protège les dossiers et les notes dont vous avez la charge."
                ),
            )
        following = request.get_full_path() if request.method == "GET" else ""
        url = reverse(target)
        return redirect(f"{url}?next={_quoted(following)}" if following else url)


def owed_step(request, path):
    """The step an unverified session owes before ``path``: the code, the set-up, or nothing (None).

    Where a second factor is owed or required, the account is asked every time. Elsewhere (a candidate, whose
    second factor is optional) it is asked at most once a minute per session: a second factor set up from another
    session holds this one at the code page within the minute, without a query on every page a candidate opens.
    """
    session = request.session
    required = required_for(request, path)
    if not (required or session.get(PENDING)):
        now = int(time.time())
        if now < session.get(NO_DEVICE_SEEN, 0) + NO_DEVICE_RECHECK_SECONDS:
            return None
        if not has_device(request.user):
            session[NO_DEVICE_SEEN] = now
            return None
        return VERIFY_STEP
    if has_device(request.user):
        return VERIFY_STEP
    # No second factor (never set up, or reset by an organiser): no code can be owed any more.
    session.pop(PENDING, None)
    return ENROL_STEP if required else None


def _quoted(value):
    from urllib.parse import quote

    return quote(value, safe="/")


def _next(request, default="home"):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


# --- forms ----------------------------------------------------------------------------


def _normalised(code):
    return "".join(code.split()).replace("-", "").lower()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code de vérification"),
        max_length=20,
        help_text=gettext_lazy("Les 6 chiffres affichés par votre application d'authentification."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "spellcheck": "false"}
        ),
        error_messages={"required": gettext_lazy("Saisissez le code affiché par votre application.")},
    )

    def clean_code(self):
        return _normalised(self.cleaned_data["code"])


class VerifyForm(CodeForm):
    """The second step of the login: a code from the app, or one of the recovery codes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours (8 caractères)."
        )
        self.fields["code"].widget.attrs["inputmode"] = "text"


# --- services -------------------------------------------------------------------------


def new_recovery_codes(user):
    """Replace the account's recovery codes with fresh ones, returned once in clear."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
        device.throttle_reset(commit=True)
    return codes


def remove_second_factor(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def verify(user, code):
    """The device that accepts ``code`` (app first, then recovery codes), or a refusal sentence.

    django-otp throttles each device: after a wrong code the next try waits 1, 2, 4… seconds.
    """
    with transaction.atomic():
        devices = list(devices_for_user(user, for_verify=True))
        waits = []
        for device in devices:
            # Six digits are for the app, anything else is a recovery code: each device sees only its kind.
            app_code = len(code) == 6 and code.isdigit()
            if isinstance(device, TOTPDevice) != app_code:
                continue
            allowed, details = device.verify_is_allowed()
            if not allowed:
                waits.append(details)
                continue
            if device.verify_token(code):
                return device, None
    if waits:
        return None, _("Trop d'essais : patientez quelques secondes avant de saisir un nouveau code.")
    if not (len(code) == 6 and code.isdigit()):
        return None, _(
            "Ce code n'est pas valide : vérifiez sa saisie. Chaque code de secours ne sert qu'une fois ; "
            "utilisez-en un autre de votre liste."
        )
    return None, _(
        "Ce code n'est pas valide ou a déjà servi : saisissez le code suivant affiché par votre application, "
        "et vérifiez que l'heure de votre téléphone est juste."
    )


def mark_verified(request, device):
    """The session has passed the second factor with ``device``."""
    request.session.cycle_key()
    otp_login(request, device)
    request.session.pop(PENDING, None)


# --- views ----------------------------------------------------------------------------


def _qr_data_uri(url):
    """The otpauth link drawn as an SVG QR code, on the server (no external service sees the secret)."""
    svg = segno.make(url, error="m").svg_data_uri(scale=5, border=2, dark="#000", light="#fff")
    return svg


def _grouped_secret(device):
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def _code_owed(user):
    """The account has a second factor this session has not given: replacing it needs the code first."""
    return not user.is_verified() and has_device(user)


def _to_code_page(request):
    return redirect(f"{reverse(VERIFY_STEP)}?next={_quoted(request.get_full_path())}")


def _confirm(user, device):
    """Make ``device`` the account's app, replacing the previous one; False when an unverified session would
    replace a second factor set up meanwhile (checked again under the account's lock)."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if _code_owed(user):
            return False
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


@login_required
def enrol(request):
    """Set up the app: a new secret shown as a QR code and as text, confirmed by a first code."""
    user = request.user
    if _code_owed(user):
        return _to_code_page(request)
    device = None
    device_id = request.session.get(ENROLLING)
    if device_id:
        device = TOTPDevice.objects.filter(pk=device_id, user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
        request.session[ENROLLING] = device.pk
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if not _confirm(user, device):
                return _to_code_page(request)
            request.session.pop(ENROLLING, None)
            request.session[FRESH_CODES] = new_recovery_codes(user)
            mark_verified(request, device)
            record(user, Kind.SECOND_FACTOR_ENROLLED, request)
            messages.success(request, _("La double authentification est activée sur votre compte."))
            return redirect(f"{reverse('accounts:second_factor_codes')}?next={_quoted(_next(request))}")
        form.add_error(
            "code", _("Ce code ne correspond pas. Vérifiez que l'heure de votre téléphone est juste et réessayez.")
        )
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": _grouped_secret(device),
            "next": _next(request),
            "replacing": has_device(user),
        },
    )


def verify_view(request):
    """The second step of the login."""
    user = request.user
    if not user.is_authenticated:
        return redirect("accounts:login")
    if user.is_verified():
        return redirect(_next(request))
    if not has_device(user):
        # Reset by an organiser meanwhile: no code is owed any more, the set-up comes next.
        request.session.pop(PENDING, None)
        return redirect(f"{reverse(ENROL_STEP)}?next={_quoted(_next(request))}")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, refusal = verify(user, form.cleaned_data["code"])
        if device is not None:
            mark_verified(request, device)
            if isinstance(device, StaticDevice):
                record(user, Kind.RECOVERY_CODE_USED, request)
                left = device.token_set.count()
                messages.warning(
                    request,
                    _(
                        "Vous avez utilisé un code de secours ; il ne servira plus. Il vous en reste %(count)s : "
                        "générez-en de nouveaux depuis la page Sécurité du compte si besoin."
                    )
                    % {"count": left},
                )
            else:
                record(user, Kind.SECOND_FACTOR_VERIFIED, request)
            return redirect(_next(request))
        record(user, Kind.SECOND_FACTOR_FAILED, request)
        form.add_error("code", refusal)
    return render(
        request,
        "accounts/second_factor_verify.html",
        {"form": form, "next": _next(request), "demo_code": _demo_code(user)},
    )


def _demo_code(user):
    """With DEBUG on, the demo accounts' current code is shown (their secret is published in the README)."""
    if not settings.DEBUG:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True, name=DEMO_DEVICE_NAME).first()
    if device is None:
        return None
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


DEMO_DEVICE_NAME = "démonstration"


@login_required
def codes(request):
    """The recovery codes, shown once after they are made; a POST makes new ones."""
    user = request.user
    if not user.is_verified():
        return _to_code_page(request)
    if request.method == "POST":
        request.session[FRESH_CODES] = new_recovery_codes(user)
        record(user, Kind.RECOVERY_CODES_RENEWED, request)
        messages.success(request, _("De nouveaux codes de secours ont été créés ; les anciens ne servent plus."))
        return redirect(f"{reverse('accounts:second_factor_codes')}?next={_quoted(_next(request))}")
    fresh = request.session.pop(FRESH_CODES, None)
    return render(
        request,
        "accounts/second_factor_codes.html",
        {
            "codes": [f"{code[:4]} {code[4:]}" for code in fresh] if fresh else None,
            "left": StaticToken.objects.filter(device__user=user).count(),
            "next": _next(request, default="accounts:security"),
        },
    )


@login_required
def security(request):
    """The account's protection: the second factor, its recovery codes, the last events."""
    user = request.user
    events = user.security_events.select_related("actor")[:10]
    return render(
        request,
        "accounts/security.html",
        {
            "enabled": has_device(user),
            "mandatory": user.is_staff or bool(request.session.get(REQUIRED)),
            "codes_left": StaticToken.objects.filter(device__user=user).count(),
            "events": events,
        },
    )


@login_required
@require_POST
def disable(request):
    """Candidates may turn the second factor off again; those whose role requires it cannot."""
    user = request.user
    if user.is_staff or request.session.get(REQUIRED):
        raise PermissionDenied
    if has_device(user) and not user.is_verified():
        return redirect(f"{reverse('accounts:second_factor_verify')}?next={_quoted(reverse('accounts:security'))}")
    remove_second_factor(user)
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    record(user, Kind.SECOND_FACTOR_REMOVED, request)
    messages.success(request, _("La double authentification est désactivée."))
    return redirect("accounts:security")


def reset_for(user, actor, request=None):
    """An organiser removes someone's second factor (lost phone and codes): they set it up again at next login."""
    remove_second_factor(user)
    record(user, Kind.SECOND_FACTOR_RESET, request, actor=actor)
