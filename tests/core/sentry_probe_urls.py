"""The site's pages and one more that fails the way careless code could, with personal data all around it."""

import logging

import sentry_sdk
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as site_urlpatterns

logger = logging.getLogger("tests.sentry_probe")


@csrf_exempt
def fail(request):
    description = request.POST["description"]
    email = request.POST["email"]
    # What a careless change could add: the person, the text as extra data and in a template's context, a log line.
    sentry_sdk.set_user({"id": 42, "email": email, "username": email, "ip_address": request.META["REMOTE_ADDR"]})
    sentry_sdk.set_extra("description", description)
    render(request, "500.html", {"description": description})
    logger.warning("Candidature de %s refusée", email, extra={"description": description})
    raise RuntimeError(f"Refus pour {email}")


urlpatterns = [path("sonde/echec/", fail), *site_urlpatterns]
handler500 = "config.errors.server_error"
