"""The address of the person at the other end, as every limit and every login record reads it.

Behind reverse proxies, ``REMOTE_ADDR`` is the nearest proxy. Each trusted proxy
appends the address it received the request from to ``X-Forwarded-For`` (nginx's
``$proxy_add_x_forwarded_for``), so with ``TRUSTED_PROXY_COUNT = n`` the client is
the n-th entry from the right: anything further left was written by the client
itself and proves nothing. With 0 (the default: the site is reached directly) the
header is ignored.
"""

import ipaddress

from django.conf import settings

UNKNOWN = "0.0.0.0"


def _address(value):
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request):
    """The client's IP address as a string (``UNKNOWN`` when nothing readable was given)."""
    count = settings.TRUSTED_PROXY_COUNT
    remote = _address(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    if count <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        # Fewer hops than proxies: the request did not come through all of them (or the setting is too high).
        return remote
    return _address(hops[-count]) or remote
