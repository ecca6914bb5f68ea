from django.conf import settings
from django.shortcuts import render

from core.pages import public_page

from .feeds import LATEST_PROJECTS
from .pagination import MAX_PER_PAGE, PER_PAGE


@public_page
def open_data(request):
    """What the site publishes for reuse: the API, the feeds and the licence of the data."""
    figures = {
        "rate_limit": settings.API_RATE_LIMIT,
        "per_page": PER_PAGE,
        "max_per_page": MAX_PER_PAGE,
        "latest_projects": LATEST_PROJECTS,
    }
    return render(request, "api/open_data.html", figures)
