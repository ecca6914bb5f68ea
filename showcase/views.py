"""The public showcase: the catalogue of labelled projects (``/projets/``) and each project's page."""

import re
from urllib.parse import urljoin

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.pages import public_page

from . import regions_map
from .catalogue import filtered, public_projects
from .thumbnails import thumbnail_url

PER_PAGE = 20
RELATED = 3
THUMBNAIL_WIDTH = 480
SHARED_IMAGE_WIDTH = 1200


@public_page
@require_GET
def catalogue(request):
    # Empty fields of a submitted form are left out of the address: shorter to share, one page in the cache.
    kept = request.GET.copy()
    for name in list(kept):
        values = [value for value in kept.getlist(name) if value.strip()]
        if values:
            kept.setlist(name, values)
        else:
            del kept[name]
    if kept.urlencode() != request.GET.urlencode():
        return redirect(f"{request.path}?{kept.urlencode()}" if kept else request.path)

    form, projects = filtered(request.GET)
    page = Paginator(projects, PER_PAGE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "showcase/catalogue.html",
        {
            "form": form,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "filters": filters.urlencode(),
            "filtering": bool(filters),
            "searching": bool(form.query),
            "map": regions_map.map_context(),
        },
    )


@public_page
@require_GET
def project(request, slug):
    project = get_object_or_404(public_projects().prefetch_related("documents"), slug=slug)
    documents = [_shown(project, document) for document in project.documents.all()]
    shared_image = next((item["document"] for item in documents if item["thumbnail"]), None)
    return render(
        request,
        "showcase/project.html",
        {
            "project": project,
            "documents": [item for item in documents if not item["thumbnail"]],
            "images": [item for item in documents if item["thumbnail"]],
            "shared_image": (
                urljoin(settings.SITE_URL + "/", thumbnail_url(shared_image, SHARED_IMAGE_WIDTH))
                if shared_image
                else None
            ),
            "related": _related(project),
            "phone_link": re.sub(r"[^\d+]", "", project.contact_phone),
        },
    )


def _shown(project, document):
    """What the page shows of one published document: its link and, for an image, its thumbnail."""
    return {
        "document": document,
        "url": reverse("showcase:document", args=[project.slug, document.pk]),
        "thumbnail": thumbnail_url(document, THUMBNAIL_WIDTH),
    }


def _related(project):
    """Up to three other public projects of the same theme or region: both first, then the theme, the newest."""
    if project.theme_id is None and project.region_id is None:
        return []
    same_theme = Q(theme_id=project.theme_id) if project.theme_id else Q(pk__in=[])
    same_region = Q(region_id=project.region_id) if project.region_id else Q(pk__in=[])
    closeness = Case(
        When(same_theme & same_region, then=Value(3)),
        When(same_theme, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return list(
        public_projects()
        .filter(same_theme | same_region)
        .exclude(pk=project.pk)
        .annotate(closeness=closeness)
        .order_by("-closeness", "-year", "-published_at", "pk")[:RELATED]
    )
