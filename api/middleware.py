"""What every answer under ``/api/`` shares: a rate limit per address, CORS for reading, validators, JSON errors.

Placed before the public pages' cache (``core.pages``), so that answers read from the cache are counted and
carry the same headers as the others.
"""

import hashlib
from http import HTTPStatus

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response
from django.utils.translation import gettext_lazy as _

from core import throttle
from core.clients import client_address

PREFIX = "/api/"
THROTTLE_SCOPE = "api"
THROTTLE_WINDOW = 60
READ_METHODS = ("GET", "HEAD", "OPTIONS")

ERRORS = {
    404: _("Introuvable."),
    405: _("Méthode non permise : l'API se lit seulement (GET)."),
    429: _("Trop de requêtes depuis cette adresse : réessayez dans une minute."),
    500: _("Erreur du serveur : réessayez plus tard."),
}


def error(status, headers=()):
    message = ERRORS.get(status) or HTTPStatus(status).phrase
    response = JsonResponse({"detail": str(message)}, status=status)
    for name, value in headers:
        response[name] = value
    return response


def with_cors(response):
    """Any page may read the API from a browser: it holds nothing private and takes no cookie into account."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
    return response


def preflight():
    response = HttpResponse(status=204)
    response["Allow"] = response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
    response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    return with_cors(response)


def validated(request, response):
    """An ETag from the content when the public pages' cache gave none (a visitor with a session), and a 304
    when the client holds the same."""
    if response.status_code != 200 or response.streaming or response.has_header("ETag"):
        return response
    response["ETag"] = f'"{hashlib.blake2b(response.content, digest_size=16).hexdigest()}"'
    return get_conditional_response(request, etag=response["ETag"], response=response)


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            return preflight()
        if throttle.spend(THROTTLE_SCOPE, client_address(request), THROTTLE_WINDOW) > settings.API_RATE_LIMIT:
            return with_cors(error(429, [("Retry-After", str(THROTTLE_WINDOW))]))
        head = request.method == "HEAD"
        if head:
            # The API's operations answer GET; HEAD is the same answer without its body.
            request.method = "GET"
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            response = error(response.status_code, [("Allow", response["Allow"])] if "Allow" in response else ())
        if request.method not in READ_METHODS:
            return response
        response = with_cors(validated(request, response))
        if head:
            response.content = b""
        return response
