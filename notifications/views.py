import hmac

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import report


def _may_read_details(request):
    """Staff past their second factor, or a monitor sending ``Authorization: Bearer <HEALTHZ_TOKEN>`` (no token
    accepted while it is empty)."""
    if _verified_staff(request.user):
        return True
    expected = settings.HEALTHZ_TOKEN
    scheme, _space, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _verified_staff(user):
    """Staff whose session gave its second factor (a password alone opens nothing of the organisers')."""
    is_verified = getattr(user, "is_verified", None)
    return user.is_authenticated and user.is_staff and is_verified is not None and is_verified()


@never_cache
@require_GET
def healthz(request):
    """The status code for anyone (200, or 503 when the database or the broker is down); the parts' states for some."""
    payload, healthy = report(details=_may_read_details(request))
    return JsonResponse(payload, status=200 if healthy else 503)
