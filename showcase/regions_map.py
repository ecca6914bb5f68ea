"""The map of France by region: how many public projects each region has, drawn and listed, each linking to the
catalogue filtered on it.

The regions' shapes are SVG paths made at build time (``showcase.map_geometry``, run by ``make assets``) and read
once per process; without them the page keeps the list, which says the same.
"""

import functools
import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from events.models import Region
from events.regions import in_french_order
from label.home_blocks import Block

from .models import PublishedProject

GEOMETRY = "vendor/regions-map/regions.json"

# Shades by number of projects, from none to many: the numbers are in each region's name and in the list, the
# colour only repeats them.
BUCKETS = [
    (0, 0, _("aucun projet")),
    (1, 1, _("1 projet")),
    (2, 4, _("2 à 4 projets")),
    (5, 9, _("5 à 9 projets")),
    (10, None, _("10 projets et plus")),
]


@functools.cache
def geometry():
    """{"viewBox", "regions": {code: {"d", "inset"}}} from the build, or None when the assets were not built."""
    found = finders.find(GEOMETRY)
    if not found:
        return None
    return json.loads(Path(found).read_text(encoding="utf-8"))


def counts():
    """{region code: number of public projects}, in one grouped query."""
    return dict(
        PublishedProject.objects.public()
        .filter(region__isnull=False)
        .order_by()
        .values("region__code")
        .annotate(projects=Count("pk"))
        .values_list("region__code", "projects")
    )


def bucket(count):
    return next(
        index for index, (low, high, _label) in enumerate(BUCKETS) if count >= low and (high is None or count <= high)
    )


def map_context(numbers=None):
    """The regions in French order, each with its count, words, shade, link and shape (None without a shape);
    ``numbers`` when the caller has them already."""
    shapes = (geometry() or {}).get("regions", {})
    numbers = counts() if numbers is None else numbers
    catalogue = reverse("showcase:catalogue")
    regions = []
    for region in in_french_order(Region.objects.all()):
        count = numbers.get(region.code, 0)
        shape = shapes.get(region.code)
        count_label = (
            ngettext("%(count)s projet", "%(count)s projets", count) % {"count": count}
            if count
            else gettext("aucun projet")
        )
        regions.append(
            {
                "code": region.code,
                "name": region.name,
                "count": count,
                "count_label": count_label,
                # What a screen reader says of the region's link, and a pointer shows over it.
                "label": gettext("%(region)s : %(count)s") % {"region": region.name, "count": count_label},
                "bucket": bucket(count),
                "url": f"{catalogue}?region={region.code}",
                "path": shape["d"] if shape else None,
                "inset": shape["inset"] if shape else None,
            }
        )
    return {
        "regions": regions,
        "view_box": geometry()["viewBox"] if shapes else None,
        "insets": [region for region in regions if region["inset"]],
        "without_projects": [region for region in regions if not region["count"]],
        "legend": [{"bucket": index, "label": label} for index, (_low, _high, label) in enumerate(BUCKETS)],
        "total": sum(numbers.values()),
    }


def home_block():
    """The home page's map; None while no project is public."""
    numbers = counts()
    if not numbers:
        return None
    return Block("showcase/_map_block.html", {"map": map_context(numbers)}, order=120)
