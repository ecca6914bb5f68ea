"""The error pages: in the site's layout and the visitor's language (the middleware has chosen it by then), each
saying what happened and where to go next."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


# The pages below show the person's navigation and may hold the log-out form: they need the CSRF token.
@requires_csrf_token
def bad_request(request, exception):
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request, exception):
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """A form refused for its missing or stale token; ``reason`` is for the logs, which Django already writes."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """Rendered without the request: its context (the user, the session, the jury link) reads the database, which
    may be what has just failed."""
    return HttpResponseServerError(loader.render_to_string("500.html"))
