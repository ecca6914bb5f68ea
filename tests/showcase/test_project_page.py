"""A project's public page (/projets/<slug>/): what the laureate published, how to reach them, what is close
to it, and nothing once the publication consent is withdrawn."""

import io

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from lxml import html
from PIL import Image

from label import consents
from label.models import Candidature, Level
from showcase import thumbnails
from tests.conftest import text
from tests.showcase.factories import image_document, laureate, published_project
from tests.showcase.test_catalogue import published

pytestmark = pytest.mark.django_db

FULL = {
    "inhabitants": "Les habitants signalent une panne en ligne.",
    "results": "Consommation divisée par deux en 2021.",
    "cost": "120 000 € HT.",
    "funding": "Ville et fonds européens.",
    "licences": "Logiciel libre (AGPL).",
    "data_needed": "Le plan des lampadaires.",
    "skills": "Un électricien formé au pilotage.",
    "partners": "Syndicat d'énergie du Pas-de-Calais.",
    "website": "https://eclairage.lens.example/",
    "contact_name": "Sophie Leroy",
    "contact_role": "Cheffe de projet",
    "contact_email": "eclairage@lens.example",
    "contact_phone": "03 21 00 00 00",
}


def page(client, project):
    response = client.get(f"/projets/{project.slug}/")
    assert response.status_code == 200
    return response, html.fromstring(response.content)


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (0, 0, 145)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_page_tells_the_whole_project(client):
    project = published(
        "Éclairage public intelligent", "Un éclairage qui s'adapte.", level=Level.SILVER, theme="energie", **FULL
    )

    response, document = page(client, project)

    article = document.xpath("//main//article")[0]
    assert article.xpath(".//h1")[0].text_content() == "Éclairage public intelligent"
    assert " ".join(article.xpath(".//p[contains(@class, 'eyebrow')]")[0].text_content().split()) == (
        "Commune de Lens · Commune"
    )
    facts = [" ".join(item.text_content().split()) for item in article.xpath(".//ul[@class='project-facts']/li")]
    assert facts == [
        "Argent",
        "Lauréat",
        "Région : Hauts-de-France",
        "Édition : Label Territoire Innovant 2024",
        "Thème : Énergie et climat",
    ]
    headings = [heading.text_content().strip() for heading in document.xpath("//main//h1 | //main//h2")]
    assert headings == [
        "Éclairage public intelligent",
        "Ce qui a changé pour les habitants",
        "Résultats et indicateurs",
        "Coût et financement",
        "Pour le reproduire dans votre territoire",
        "Partenaires",
        "Contact",
        "Le label",
    ]
    content = text(response)
    for value in ("Un éclairage qui s'adapte.", *(FULL[name] for name in FULL if name != "website")):
        assert value in content
    contact = document.xpath("//section[@aria-labelledby='contact']")[0]
    assert contact.xpath(".//a/@href") == ["mailto:eclairage@lens.example", "tel:0321000000", FULL["website"]]
    links = document.xpath("//main//a[normalize-space()='← Tous les projets']/@href")
    assert links == ["/projets/", "/projets/"]
    assert document.xpath("//a[@lang='fr'][normalize-space()='Hauts-de-France']/@href") == ["/projets/?region=32"]
    assert document.xpath("//a[normalize-space()='Énergie et climat']/@href") == ["/projets/?theme=energie"]


def test_french_data_is_marked_french_on_the_english_page(client):
    project = published("Éclairage public intelligent", "Un éclairage qui s'adapte.", **FULL)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response, document = page(client, project)

    assert document.xpath("/html/@lang") == ["en"]
    assert document.xpath("//h1/@lang") == ["fr"]
    assert document.xpath("//p[contains(@class, 'lead')]/@lang") == ["fr"]
    for section in ("habitants", "resultats", "partenaires"):
        assert document.xpath(f"//section[@aria-labelledby='{section}']//p/@lang") == ["fr"]
    translation.activate("fr")


def test_the_badge_is_shown_to_laureates_only(client):
    laureate = published("Lauréat", level=Level.GOLD)
    shortlisted = published("Présélectionné", distinction="shortlisted", level="")

    _response, document = page(client, laureate)
    badge = document.xpath("//img[contains(@class, 'project-badge')]")[0]
    assert badge.get("src") == f"/projets/{laureate.slug}/badge.svg"
    assert badge.get("alt") == "Label Territoire Innovant 2024, niveau Or"

    rules = badge.getparent().xpath(".//a[@href='/label/regles-d-usage-du-badge/']")
    assert [link.text_content() for link in rules] == ["Les règles d'usage du badge"]

    _response, document = page(client, shortlisted)
    assert not document.xpath("//img[contains(@class, 'project-badge')]")
    assert "Présélectionné" in document.xpath("//ul[@class='project-facts']")[0].text_content()


def meta_of(document):
    return {
        element.get("property") or element.get("name"): element.get("content") for element in document.xpath("//meta")
    }


@override_settings(SITE_URL="https://label.example")
def test_a_shared_link_shows_the_project(client):
    project = published("Sans image", "Le résumé partagé.")

    _response, document = page(client, project)

    meta = meta_of(document)
    assert meta["og:title"] == f"Sans image — {project.territory_name}"
    assert meta["og:description"] == "Le résumé partagé."
    assert meta["og:url"] == f"https://label.example/projets/{project.slug}/"
    assert meta["og:type"] == "article"
    assert meta["og:image"] == "https://label.example/static/img/og-image.png"
    assert meta["twitter:title"] == f"Sans image — {project.territory_name}"
    assert meta["twitter:description"] == "Le résumé partagé."
    assert "twitter:image" not in meta


@override_settings(SITE_URL="https://label.example")
def test_published_documents_and_images_are_listed_with_their_thumbnails(client):
    candidature = laureate()
    photo = image_document(candidature, png(), name="lampadaires.png")
    plan = image_document(candidature, b"%PDF-1.4 plan", name="plan.pdf", content_type="application/pdf")
    project = published_project(candidature, documents=[photo, plan], **FULL)

    _response, document = page(client, project)

    section = document.xpath("//section[@aria-labelledby='documents']")[0]
    image = section.xpath(".//img")[0]
    assert image.get("src") == thumbnails.thumbnail_url(photo, 480)
    assert image.xpath("ancestor::a/@href") == [f"/projets/{project.slug}/documents/{photo.pk}/"]
    assert section.xpath(".//figcaption")[0].text_content() == "lampadaires.png"
    listed = section.xpath(".//ul[@class='project-documents']/li")
    assert [" ".join(item.text_content().split()) for item in listed] == ["plan.pdf — Photo ou visuel, 13 octets"]
    assert listed[0].xpath(".//a/@href") == [f"/projets/{project.slug}/documents/{plan.pk}/"]
    shared = meta_of(document)
    assert shared["og:image"] == f"https://label.example{thumbnails.thumbnail_url(photo, 1200)}"
    assert shared["twitter:image"] == shared["og:image"]


def test_close_projects_share_the_theme_or_the_region_three_at_most(client):
    project = published("Le projet", region="32", theme="energie")
    published("Même région", region="32", theme="mobilite")
    published("Même thème", region="53", theme="energie")
    published("Les deux", region="32", theme="energie")
    published("Ni l'un ni l'autre", region="53", theme="mobilite")
    hidden = published("Retiré", region="32", theme="energie")
    Candidature.objects.filter(pk=hidden.candidature_id).update(consent_publication=False)
    published("Autre région", region="53", theme="donnees")

    _response, document = page(client, project)

    related = document.xpath("//section[@aria-labelledby='projets-proches']//h3")
    assert [title.text_content().strip() for title in related] == ["Les deux", "Même thème", "Même région"]


def test_markup_typed_in_the_profile_is_shown_as_text(client):
    project = published("<script>alert(1)</script>", "<b>gras</b>", partners='<a href="javascript:x">x</a>')

    response, document = page(client, project)

    assert "<script>alert(1)</script>" not in response.content.decode()
    assert document.xpath("//h1")[0].text_content() == "<script>alert(1)</script>"
    assert not document.xpath("//main//b | //main//a[starts-with(@href, 'javascript')]")


def test_a_withdrawn_consent_takes_the_page_off_at_once(client):
    project = published()
    page(client, project)

    consents.withdraw_publication(project.candidature, project.candidature.owner)

    assert client.get(f"/projets/{project.slug}/").status_code == 404


def test_a_copy_whose_candidature_lost_its_consent_is_not_found(client):
    project = published()
    Candidature.objects.filter(pk=project.candidature_id).update(consent_publication=False)
    assert client.get(f"/projets/{project.slug}/").status_code == 404
    assert client.get("/projets/inconnu/").status_code == 404


def test_the_page_costs_the_same_with_one_document_and_neighbour_or_many(client, count_queries):
    candidature = laureate()
    documents = [
        image_document(candidature, content, name=name, content_type=kind)
        for content, name, kind in ((b"%PDF-1.4", "a.pdf", "application/pdf"), (png(), "b.png", "image/png"))
    ]
    project = published_project(candidature, documents=documents[:1])
    published("Voisin", region="32")
    one = count_queries(client, f"/projets/{project.slug}/")
    for _ in range(5):
        published("Voisin", region="32")
    published_project(candidature, documents=documents)
    assert count_queries(client, f"/projets/{project.slug}/") == one
