"""Every list of the API comes in pages: ``limit`` and ``offset``, the total ``count``, links to the pages around."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.pagination import PaginationBase

PER_PAGE = 20
MAX_PER_PAGE = 100


def page_link(request, offset, limit):
    """The address of the same list at ``offset``, its filters kept."""
    query = request.GET.copy()
    query["limit"] = str(limit)
    if offset:
        query["offset"] = str(offset)
    else:
        query.pop("offset", None)
    return f"{settings.SITE_URL}{request.path}?{query.urlencode()}"


class Pages(PaginationBase):
    class Input(Schema):
        limit: int = Field(PER_PAGE, ge=1, le=MAX_PER_PAGE, description=_("Nombre de résultats par page."))
        offset: int = Field(0, ge=0, description=_("Nombre de résultats à sauter depuis le début."))

    class Output(Schema):
        count: int = Field(description=_("Nombre total de résultats, toutes pages comprises."))
        next: str | None = Field(description=_("Adresse de la page suivante ; null sur la dernière."))
        previous: str | None = Field(description=_("Adresse de la page précédente ; null sur la première."))
        results: list[Any]

    items_attribute = "results"

    def paginate_queryset(self, queryset, pagination, request, **params):
        limit, offset = pagination.limit, pagination.offset
        count = queryset.count()
        return {
            "count": count,
            "next": page_link(request, offset + limit, limit) if offset + limit < count else None,
            "previous": page_link(request, max(offset - limit, 0), limit) if offset > 0 else None,
            "results": list(queryset[offset : offset + limit]),
        }
