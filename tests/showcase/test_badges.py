"""The badge kit: the SVG and PNG badges of a laureate (made once per year, level and size), their public and
owner-only addresses, the panel on /mes-candidatures/ and the rules of use."""

from io import BytesIO

import pytest
from lxml import etree, html
from PIL import Image

from events.storage import public_storage
from label.models import Level, Status
from showcase import badges
from showcase.models import PublishedProject
from tests.label.factories import CandidatureFactory, EditionFactory
from tests.showcase.factories import laureate, published_project

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
YEAR = 2020


@pytest.fixture(autouse=True)
def no_stored_badges():
    """The badges of the years these tests use are made afresh in each test."""
    storage = public_storage()
    folder = f"badges/v{badges.DESIGN_VERSION}"

    def clear():
        if storage.exists(folder):
            for name in storage.listdir(folder)[1]:
                if f"-{YEAR}-" in name:
                    storage.delete(f"{folder}/{name}")

    clear()
    yield
    clear()


@pytest.fixture
def edition():
    return EditionFactory(year=YEAR, slug=f"label-{YEAR}", name=f"Label Territoire Innovant {YEAR}")


def words(svg_bytes):
    root = etree.fromstring(svg_bytes)
    return [element.text for element in root.iter(f"{SVG}text")], root.find(f"{SVG}title").text


# --- the files ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "word", "title"),
    [
        (Level.GOLD, "OR", "Label Territoire Innovant 2020 — Or"),
        (Level.SILVER, "ARGENT", "Label Territoire Innovant 2020 — Argent"),
        (Level.BRONZE, "BRONZE", "Label Territoire Innovant 2020 — Bronze"),
        ("", "LAURÉAT", "Label Territoire Innovant 2020 — Lauréat"),
    ],
)
def test_the_svg_is_xml_that_says_the_label_the_year_and_the_level(level, word, title):
    texts, svg_title = words(badges.svg(badges.Badge(YEAR, level)))

    assert texts == ["LABEL TERRITOIRE", "INNOVANT", "2020", word]
    assert svg_title == title


@pytest.mark.parametrize("size", badges.SIZES)
def test_the_png_opens_at_its_size(size):
    image = Image.open(BytesIO(badges.png(badges.Badge(YEAR, Level.GOLD), size)))

    assert (image.format, image.size, image.mode) == ("PNG", (size, size), "RGBA")
    # Transparent corners, the gold ring at the top, white inside.
    assert image.getpixel((0, 0))[3] == 0
    assert image.getpixel((size // 2, round(size * 15 / 256)))[:3] == (0xD9, 0xAB, 0x2B)
    assert image.getpixel((round(size * 60 / 256), size // 2)) == (255, 255, 255, 255)


def test_a_size_other_than_the_three_is_refused():
    with pytest.raises(ValueError):
        badges.png(badges.Badge(YEAR, Level.GOLD), 300)


def test_each_file_is_made_once_and_kept_in_the_public_storage(monkeypatch):
    made = []
    drawn_png, svg_markup = badges._drawn_png, badges._svg_markup
    monkeypatch.setattr(badges, "_drawn_png", lambda *args: made.append("png") or drawn_png(*args))
    monkeypatch.setattr(badges, "_svg_markup", lambda *args: made.append("svg") or svg_markup(*args))
    badge = badges.Badge(YEAR, Level.SILVER)

    first_png, first_svg = badges.png(badge, 256), badges.svg(badge)
    again_png, again_svg = badges.png(badge, 256), badges.svg(badge)

    assert made == ["png", "svg"]
    assert (again_png, again_svg) == (first_png, first_svg)
    storage = public_storage()
    with storage.open("badges/v1/label-territoire-innovant-2020-argent-256.png", "rb") as stored:
        assert stored.read() == first_png
    assert storage.exists("badges/v1/label-territoire-innovant-2020-argent.svg")


def test_a_badge_made_meanwhile_by_another_process_is_stored_once():
    badge = badges.Badge(YEAR, Level.BRONZE)
    content = badges.png(badge, 128)
    storage = public_storage()
    storage.delete("badges/v1/label-territoire-innovant-2020-bronze-128.png")

    # Another process stored it between this one's look and its save.
    def racing():
        storage.save("badges/v1/label-territoire-innovant-2020-bronze-128.png", BytesIO(content))
        return content

    assert badges._kept("label-territoire-innovant-2020-bronze-128.png", racing) == content
    names = storage.listdir("badges/v1")[1]
    assert [name for name in names if name.startswith("label-territoire-innovant-2020-bronze-128")] == [
        "label-territoire-innovant-2020-bronze-128.png"
    ]


# --- the public addresses -----------------------------------------------------------------------------------


def public_project(edition, level=Level.GOLD):
    return published_project(laureate(edition=edition, outcome_level=level))


def test_a_public_laureate_project_serves_its_badge_inline_and_cached_long(client, edition):
    project = public_project(edition)

    response = client.get(f"/projets/{project.slug}/badge-256.png")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="label-territoire-innovant-2020-or-256.png"'
    assert response["Cache-Control"] == "public, max-age=2592000"
    assert Image.open(BytesIO(response.content)).size == (256, 256)
    svg = client.get(f"/projets/{project.slug}/badge.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert words(svg.content)[0][2:] == ["2020", "OR"]


def test_the_download_variant_is_an_attachment_with_a_clean_name(client, edition):
    project = public_project(edition, Level.SILVER)

    png = client.get(f"/projets/{project.slug}/badge-512.png", {"telecharger": "1"})
    svg = client.get(f"/projets/{project.slug}/badge.svg", {"telecharger": "1"})

    assert png["Content-Disposition"] == 'attachment; filename="label-territoire-innovant-2020-argent-512.png"'
    assert svg["Content-Disposition"] == 'attachment; filename="label-territoire-innovant-2020-argent.svg"'


def test_no_public_badge_for_a_withdrawn_consent_a_shortlisted_project_an_unknown_slug_or_size(client, edition):
    withdrawn, shortlisted, shown = public_project(edition), public_project(edition), public_project(edition)
    withdrawn.candidature.__class__.objects.filter(pk=withdrawn.candidature_id).update(consent_publication=False)
    PublishedProject.objects.filter(pk=shortlisted.pk).update(distinction=PublishedProject.Distinction.SHORTLISTED)

    assert client.get(f"/projets/{withdrawn.slug}/badge.svg").status_code == 404
    assert client.get(f"/projets/{shortlisted.slug}/badge-128.png").status_code == 404
    assert client.get("/projets/inconnu/badge.svg").status_code == 404
    assert client.get(f"/projets/{shown.slug}/badge-300.png").status_code == 404
    assert client.get(f"/projets/{shown.slug}/badge-128.png").status_code == 200


# --- the laureate's own downloads ---------------------------------------------------------------------------


def test_the_laureate_downloads_the_badge_before_any_publication(client, edition):
    candidature = laureate(edition=edition, outcome_level=Level.BRONZE)
    client.force_login(candidature.owner)

    svg = client.get(f"/mes-candidatures/{candidature.pk}/badge.svg", {"telecharger": "1"})
    png = client.get(f"/mes-candidatures/{candidature.pk}/badge-128.png")

    assert svg["Content-Disposition"] == 'attachment; filename="label-territoire-innovant-2020-bronze.svg"'
    assert svg["Cache-Control"] == "private, max-age=86400"
    assert words(svg.content)[0][2:] == ["2020", "BRONZE"]
    assert Image.open(BytesIO(png.content)).size == (128, 128)


def test_nobody_else_downloads_a_laureates_badge(client, edition, other_user):
    candidature = laureate(edition=edition)

    assert client.get(f"/mes-candidatures/{candidature.pk}/badge.svg").status_code == 404
    client.force_login(other_user)
    assert client.get(f"/mes-candidatures/{candidature.pk}/badge.svg").status_code == 404
    assert client.get(f"/mes-candidatures/{candidature.pk}/badge-256.png").status_code == 404


def test_no_badge_before_the_laureate_status_nor_at_another_size(client, edition):
    shortlisted = CandidatureFactory(edition=edition, status=Status.SHORTLISTED)
    winner = laureate(owner=shortlisted.owner)
    client.force_login(shortlisted.owner)

    assert client.get(f"/mes-candidatures/{shortlisted.pk}/badge.svg").status_code == 404
    assert client.get(f"/mes-candidatures/{winner.pk}/badge-64.png").status_code == 404
    assert client.get(f"/mes-candidatures/{winner.pk}/badge-512.png").status_code == 200


# --- the panel on /mes-candidatures/ and the rules ----------------------------------------------------------


def badge_panels(response):
    return html.fromstring(response.content).xpath("//section[contains(@class, 'badge-kit')]")


def test_a_laureate_sees_the_badge_the_downloads_and_the_rules_on_its_card(client, edition):
    candidature = laureate(edition=edition, outcome_level=Level.GOLD)
    CandidatureFactory(owner=candidature.owner, status=Status.SUBMITTED)
    client.force_login(candidature.owner)

    [panel] = badge_panels(client.get("/mes-candidatures/"))

    assert panel.xpath(".//img/@alt") == ["Label Territoire Innovant 2020 — Or"]
    assert panel.xpath(".//img/@src") == [f"/mes-candidatures/{candidature.pk}/badge.svg"]
    assert panel.xpath(".//a/@href") == [
        f"/mes-candidatures/{candidature.pk}/badge.svg?telecharger=1",
        f"/mes-candidatures/{candidature.pk}/badge-128.png?telecharger=1",
        f"/mes-candidatures/{candidature.pk}/badge-256.png?telecharger=1",
        f"/mes-candidatures/{candidature.pk}/badge-512.png?telecharger=1",
        "/label/regles-d-usage-du-badge/",
    ]


def test_the_candidatures_page_costs_the_same_with_one_or_many_laureates(client, count_queries, user):
    laureate(owner=user)
    client.force_login(user)
    one = count_queries(client, "/mes-candidatures/")
    for _ in range(3):
        laureate(owner=user)
    assert count_queries(client, "/mes-candidatures/") == one


def test_the_rules_say_who_where_and_how_with_examples_of_the_three_levels(client, edition):
    response = client.get("/label/regles-d-usage-du-badge/")

    document = html.fromstring(response.content)
    assert document.xpath("//h1")[0].text_content() == "Règles d'usage du badge"
    assert [heading.text_content() for heading in document.xpath("//h2")] == [
        "Qui peut l'utiliser",
        "Où l'utiliser",
        "Comment l'utiliser",
        "Où trouver le badge",
    ]
    assert document.xpath("//figure//svg/@aria-label") == [
        "Label Territoire Innovant 2020 — Or",
        "Label Territoire Innovant 2020 — Argent",
        "Label Territoire Innovant 2020 — Bronze",
    ]
    assert "/projets/" in document.xpath("//article//a/@href")


def test_the_rules_page_costs_the_same_with_one_or_many_editions(client, count_queries, edition):
    one = count_queries(client, "/label/regles-d-usage-du-badge/")
    EditionFactory.create_batch(3)
    assert count_queries(client, "/label/regles-d-usage-du-badge/") == one
