"""The badge kit: a public laureate project's badge, the same badge for its owner before any publication, and the
rules of use."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from core.pages import public_page
from label.models import Candidature, Edition, Level

from . import badges
from .models import PublishedProject

# A badge's file never changes under its name; the badge of a project changes only if its level is corrected.
PUBLIC_MAX_AGE = 30 * 24 * 3600
OWNER_MAX_AGE = 24 * 3600
DOWNLOAD_PARAMETER = "telecharger"


def _public_badge(slug):
    project = get_object_or_404(PublishedProject.objects.public(), slug=slug)
    badge = badges.for_project(project)
    if badge is None:
        raise Http404
    return badge


def _owned_badge(request, pk):
    candidature = get_object_or_404(Candidature.objects.owned_by(request.user).select_related("edition"), pk=pk)
    badge = badges.for_candidature(candidature)
    if badge is None:
        raise Http404
    return badge


def _served(request, content, filename, content_type, *, public):
    """Shown in the browser, or saved under ``filename`` with ``?telecharger=1``; cached long."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(request.GET.get(DOWNLOAD_PARAMETER) == "1", filename)
    if public:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    else:
        patch_cache_control(response, private=True, max_age=OWNER_MAX_AGE)
    return response


def _png(request, badge, size, *, public):
    if size not in badges.SIZES:
        raise Http404
    return _served(request, badges.png(badge, size), badge.filename(size), "image/png", public=public)


@require_GET
def badge_svg(request, slug):
    badge = _public_badge(slug)
    return _served(request, badges.svg(badge), badge.filename(), "image/svg+xml", public=True)


@require_GET
def badge_png(request, slug, size):
    return _png(request, _public_badge(slug), size, public=True)


@require_GET
def my_badge_svg(request, pk):
    badge = _owned_badge(request, pk)
    return _served(request, badges.svg(badge), badge.filename(), "image/svg+xml", public=False)


@require_GET
def my_badge_png(request, pk, size):
    return _png(request, _owned_badge(request, pk), size, public=False)


@public_page
@require_GET
def badge_rules(request):
    # Examples of the latest edition's year: the badge always says its year.
    year = Edition.objects.order_by("-year").values_list("year", flat=True).first() or timezone.localdate().year
    examples = [badges.inline_svg(badges.Badge(year, level), 128) for level in Level.values]
    return render(request, "showcase/badge_rules.html", {"examples": examples, "sizes": badges.SIZES})
