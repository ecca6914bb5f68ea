"""The map of projects by region (home page and /projets/): the counts, each region's link and name, the list
that says the same, and the build step that turns the departments' TopoJSON into the regions' paths."""

import json

import pytest
from lxml import html

from events.models import Region
from label.models import Candidature
from showcase import map_geometry, regions_map
from tests.showcase.factories import laureate, published_project

pytestmark = pytest.mark.django_db

CATALOGUE = "/projets/"


def project_in(code, **fields):
    return published_project(laureate(region=Region.objects.get(code=code), **fields))


def drawn_regions(response):
    """{aria-label: href} of the map's region links."""
    document = html.fromstring(response.content)
    return {link.get("aria-label"): link.get("href") for link in document.xpath("//svg//a")}


def listed_regions(response):
    """[(region, its number)] of the list beside the map, in order, and the sentence naming the other regions."""
    document = html.fromstring(response.content)
    listed = [
        (item.xpath("./a")[0].text_content(), item.xpath("./span")[0].text_content())
        for item in document.xpath("//div[@class='regions-map__list']//li")
    ]
    none = document.xpath("//p[@class='regions-map__none']")
    return listed, " ".join(none[0].text_content().split()) if none else None


def test_counts_are_per_region_and_leave_out_a_withdrawn_consent():
    project_in("32")
    project_in("32")
    project_in("53")
    withdrawn = project_in("53")
    Candidature.objects.filter(pk=withdrawn.candidature_id).update(consent_publication=False)

    assert regions_map.counts() == {"32": 2, "53": 1}


def test_each_region_with_projects_links_to_the_catalogue_filtered_on_it_and_says_its_number(client):
    project_in("32")
    project_in("32")
    project_in("04")

    response = client.get(CATALOGUE)

    assert drawn_regions(response) == {
        "Hauts-de-France : 2 projets": "/projets/?region=32",
        "La Réunion : 1 projet": "/projets/?region=04",
    }
    document = html.fromstring(response.content)
    # A region without project is drawn, not a link: nothing to find there.
    assert len(document.xpath("//svg/path[contains(@class, 'regions-map__region--0')]")) == 16
    assert document.xpath("//svg//a[@aria-label='Hauts-de-France : 2 projets']/@class") == [
        "regions-map__region regions-map__region--2"
    ]


def test_the_list_says_the_same_numbers_in_french_order_and_names_the_regions_without_project(client):
    project_in("32")
    project_in("11")
    project_in("11")

    listed, none = listed_regions(client.get("/"))

    assert listed == [("Hauts-de-France", "1 projet"), ("Île-de-France", "2 projets")]
    assert none == (
        "Aucun projet pour l'instant : Auvergne-Rhône-Alpes, Bourgogne-Franche-Comté, Bretagne, "
        "Centre-Val de Loire, Corse, Grand Est, Guadeloupe, Guyane, La Réunion, Martinique, Mayotte, Normandie, "
        "Nouvelle-Aquitaine, Occitanie, Pays de la Loire, Provence-Alpes-Côte d'Azur."
    )
    document = html.fromstring(client.get("/").content)
    assert document.xpath("//div[@class='regions-map__list']//a/@href") == [
        "/projets/?region=32",
        "/projets/?region=11",
    ]


def test_the_home_page_has_no_map_while_no_project_is_public(client):
    withdrawn = project_in("32")
    Candidature.objects.filter(pk=withdrawn.candidature_id).update(consent_publication=False)

    assert regions_map.home_block() is None
    assert b"carte-regions" not in client.get("/").content


def test_the_home_page_shows_the_map_with_a_heading(client):
    project_in("32")

    document = html.fromstring(client.get("/").content)

    assert document.xpath("//section[@aria-labelledby='carte-regions']/h2")[0].text_content() == (
        "Les projets par région"
    )


def test_the_shades_follow_the_numbers():
    assert [regions_map.bucket(count) for count in (0, 1, 2, 4, 5, 9, 10, 250)] == [0, 1, 2, 2, 3, 3, 4, 4]


def test_the_home_page_costs_the_same_with_one_or_many_projects(client, count_queries):
    project_in("32")
    one = count_queries(client, "/")
    for code in ("32", "53", "84", "01", "11"):
        project_in(code)
    assert count_queries(client, "/") == one


# --- the build step -------------------------------------------------------------------------------------


def test_the_built_geometry_draws_the_18_regions_with_the_overseas_ones_in_insets():
    built = regions_map.geometry()

    assert built is not None, "make assets builds static/vendor/regions-map/regions.json"
    assert sorted(built["regions"]) == sorted(Region.objects.values_list("code", flat=True))
    insets = {code for code, region in built["regions"].items() if region["inset"]}
    assert insets == {"01", "02", "03", "04", "06"}
    assert all(region["d"].startswith("M") and region["d"].endswith("z") for region in built["regions"].values())


def square(x, y):
    """The arcs of a unit square's four sides, anticlockwise from (x, y), in absolute quantized positions."""
    return [[(x, y), (x + 1, y)], [(x + 1, y), (x + 1, y + 1)], [(x + 1, y + 1), (x, y + 1)], [(x, y + 1), (x, y)]]


def test_two_departments_of_a_region_lose_the_border_they_share():
    # Two squares side by side; the right side of the first is the second's left side, walked the other way.
    first, second = square(0, 0), square(1, 0)
    arcs = [(points, points) for points in first + [second[0], second[1], second[2]]]
    left = [0, 1, 2, 3]
    right = [4, 5, 6, ~1]

    boundary = map_geometry.outline(left + right)
    rings = map_geometry.stitched(boundary, arcs)

    assert boundary == [0, 2, 3, 4, 5, 6]
    assert len(rings) == 1
    corners = [arcs[ref][1][0] for ref in rings[0]]
    assert sorted(corners) == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)]


def test_a_department_the_regions_do_not_know_stops_the_build():
    topology = {
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]],
        "objects": {"fra": {"geometries": [{"id": "XX.YY", "type": "Polygon", "arcs": [[0]]}]}},
    }

    with pytest.raises(ValueError, match="XX.YY"):
        map_geometry.regions_geometry(topology)


def test_the_path_data_is_relative_to_a_tenth_and_leaves_out_repeated_points():
    assert map_geometry.path_data([[(10, 20), (10.01, 20), (15, 20), (15, 25.55), (10, 20)]]) == "M10 20l5 0 0 5.6z"


def test_simplifying_keeps_the_ends_and_the_corners():
    points = [(0, 0), (1, 0.1), (2, 0), (2, 2), (0, 2)]

    assert map_geometry.simplified(points, 0.5) == [(0, 0), (2, 0), (2, 2), (0, 2)]


def test_the_build_writes_the_geometry_where_the_site_reads_it(tmp_path):
    target = map_geometry.build(target=tmp_path / "regions.json")

    assert json.loads(target.read_text()) == regions_map.geometry()
