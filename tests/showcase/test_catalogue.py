"""The catalogue of labelled projects (/projets/): French search with or without accents, filters, pages, and
only the projects whose candidature still consents to publication.

Runs on PostgreSQL (the weighted vector) and on SQLite (the plain text), where the ranking test is skipped.
"""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import html

from core.pages import forget_public_pages
from events.models import Region
from label import consents
from label.models import Edition, Level, TerritoryKind, Theme
from showcase import catalogue, search
from showcase.models import PublishedProject
from tests.conftest import text
from tests.label.factories import EditionFactory
from tests.showcase.factories import laureate, published_project, shortlisted

pytestmark = pytest.mark.django_db

URL = "/projets/"
LAUREATE, SHORTLISTED = PublishedProject.Distinction.LAUREATE, PublishedProject.Distinction.SHORTLISTED
_numbers = itertools.count(1)
_start = timezone.now() - timedelta(days=365)


def published(
    title="Éclairage public intelligent",
    summary="Un éclairage qui s'adapte aux passages des piétons.",
    *,
    territory="Commune de Lens",
    year=2024,
    region="32",
    level=Level.GOLD,
    kind=TerritoryKind.COMMUNE,
    theme=None,
    distinction=LAUREATE,
    published_at=None,
    **fields,
):
    """A public project, written and approved through the publication services; each one published after the
    previous one unless told. A shortlisted one is a candidature shortlisted for the auditions."""
    edition = Edition.objects.filter(year=year).first() or EditionFactory(
        year=year, slug=f"label-{year}", name=f"Label Territoire Innovant {year}", published=True
    )
    candidature = (laureate if distinction == LAUREATE else shortlisted)(
        edition=edition,
        territory_name=territory,
        territory_kind=kind,
        region=Region.objects.get(code=region),
        theme=Theme.objects.get(slug=theme) if theme else None,
        outcome_level=level,
        project_title=title,
        summary=summary,
    )
    project = published_project(candidature, title=title, summary=summary, **fields)
    PublishedProject.objects.filter(pk=project.pk).update(
        published_at=published_at or _start + timedelta(hours=next(_numbers))
    )
    project.refresh_from_db()
    return project


def listed(response):
    """The titles of the cards on the page, in order."""
    document = html.fromstring(response.content)
    return [title.text_content().strip() for title in document.xpath("//ul[contains(@class, 'project-grid')]//h3")]


def card(response, title):
    document = html.fromstring(response.content)
    return document.xpath(f"//article[.//h3[normalize-space()='{title}']]")[0]


def inner_html(element):
    """The element's content as markup, its own tags left out."""
    markup = html.tostring(element, encoding="unicode", with_tail=False)
    return markup[markup.index(">") + 1 : markup.rindex("<")]


# --- search ---------------------------------------------------------------------------------------------


def test_a_search_without_accents_finds_the_project_and_marks_the_words(client):
    published("Éclairage public intelligent", "Un éclairage qui s'adapte aux passages des piétons.")
    published("Transport à la demande", "Des navettes réservées la veille.")

    response = client.get(URL, {"q": "eclairage"})

    assert listed(response) == ["Éclairage public intelligent"]
    found = card(response, "Éclairage public intelligent")
    assert inner_html(found.xpath(".//h3/a")[0]) == "<mark>Éclairage</mark> public intelligent"
    assert "<mark>éclairage</mark>" in inner_html(found.xpath(".//p[contains(@class, 'project-card__text')]")[0])


def test_the_search_reads_every_field_of_the_profile_and_the_territory(client):
    published("Jumeau numérique", "Le réseau d'eau modélisé.", skills="Un géomaticien à mi-temps.")
    published("Tiers-lieu itinérant", "Un camion équipé.", territory="Communauté de communes du Ternois")

    assert listed(client.get(URL, {"q": "geomaticien"})) == ["Jumeau numérique"]
    assert listed(client.get(URL, {"q": "Ternois"})) == ["Tiers-lieu itinérant"]
    assert listed(client.get(URL, {"q": "géomaticien camion"})) == []


def test_french_words_are_found_in_their_other_forms(client):
    published("Capteurs de qualité de l'air", "Des capteurs dans les écoles.")

    assert listed(client.get(URL, {"q": "ecole"})) == ["Capteurs de qualité de l'air"]
    assert listed(client.get(URL, {"q": "ÉCOLES"})) == ["Capteurs de qualité de l'air"]


def test_a_search_of_punctuation_alone_finds_nothing_and_a_long_one_is_refused_at_its_field(client):
    published()

    assert listed(client.get(URL, {"q": "« – »"})) == []
    response = client.get(URL, {"q": "éclairage " * 30})
    assert listed(response) == ["Éclairage public intelligent"]
    assert "200 caractères" in text(response)


@pytest.mark.postgres  # relevance is PostgreSQL's; elsewhere the newest come first
def test_a_match_in_the_title_ranks_before_a_match_in_the_summary_whatever_the_date(client):
    published("Mobilité partagée", "Des voitures pour les agents.", published_at=_start)
    published("Plateforme citoyenne", "Les habitants votent la mobilité de demain.", published_at=timezone.now())

    assert listed(client.get(URL, {"q": "mobilite"})) == ["Mobilité partagée", "Plateforme citoyenne"]
    assert listed(client.get(URL)) == ["Plateforme citoyenne", "Mobilité partagée"]


def test_markup_in_a_title_or_summary_is_shown_as_text_in_the_snippets(client):
    published(
        "<script>alert('titre')</script> Éclairage",
        "L'éclairage <img src=x onerror=alert(1)> des rues & des places.",
    )

    response = client.get(URL, {"q": "eclairage"})

    content = response.content.decode()
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    found = html.fromstring(response.content).xpath("//ul[contains(@class, 'project-grid')]//article")[0]
    assert inner_html(found.xpath(".//h3/a")[0]) == (
        "&lt;script&gt;alert('titre')&lt;/script&gt; <mark>Éclairage</mark>"
    )
    snippet = inner_html(found.xpath(".//p[contains(@class, 'project-card__text')]")[0])
    assert "&lt;img src=x onerror=alert(1)&gt;" in snippet
    assert "<mark>" in snippet and "<img" not in snippet


def snippet_of(response, title):
    return inner_html(card(response, title).xpath(".//p[contains(@class, 'project-card__text')]")[0])


@pytest.mark.postgres  # PostgreSQL's ts_headline; the plain headline below has its own test
def test_a_postgresql_snippet_marks_the_words_and_an_ellipsis_where_the_text_is_cut(client):
    filler = " ".join(f"mot{n}" for n in range(40))
    untold = dict.fromkeys(("inhabitants", "results", "cost", "funding", "licences", "data_needed", "skills"), "")
    published(
        "Rues sobres",
        f"{filler} L'éclairage public s'adapte aux passages. {filler}",
        partners="",
        **{**untold, "inhabitants": f"Un éclairage festif en décembre. {filler}"},
    )
    published("Court", "Un éclairage qui s'adapte.", partners="", **{**untold, "inhabitants": "Des rues sûres."})

    response = client.get(URL, {"q": "eclairage"})

    cut = snippet_of(response, "Rues sobres")
    assert cut.startswith("… ") and cut.endswith(" …")
    fragments = cut.removeprefix("… ").removesuffix(" …").split(" … ")
    assert [fragment.count("<mark>éclairage</mark>") for fragment in fragments] == [1, 1]
    assert "L'<mark>éclairage</mark> public" in fragments[0]
    assert "Un <mark>éclairage</mark> festif" in fragments[1]
    assert all(len(fragment.split()) <= search.SNIPPET_WORDS for fragment in fragments)
    assert " ".join(snippet_of(response, "Court").split()) == "Un <mark>éclairage</mark> qui s'adapte. Des rues sûres."


def test_the_cut_points_of_a_headline_are_marked_and_its_bounds_dropped():
    begin, end = search.TEXT_START, search.TEXT_END
    assert search.with_cut_points(f"{begin}\nTout le texte\n{end}") == "Tout le texte"
    assert search.with_cut_points(f"{begin}\nLe début … la suite") == "Le début … la suite …"
    assert search.with_cut_points(f"le milieu … la fin\n{end}") == "… le milieu … la fin"
    assert search.with_cut_points("le milieu") == "… le milieu …"


def test_a_theme_renamed_is_searched_under_its_new_name(client):
    published("Navettes", "Des navettes à la demande.", theme="mobilite")
    theme = Theme.objects.get(slug="mobilite")
    assert listed(client.get(URL, {"q": "covoiturage"})) == []

    theme.name = "Covoiturage et mobilités"
    theme.save()

    assert listed(client.get(URL, {"q": "covoiturage"})) == ["Navettes"]
    assert "Covoiturage et mobilités" in text(client.get(URL))


def test_a_theme_saved_without_a_new_name_leaves_the_search_data_alone(django_assert_num_queries):
    published("Navettes", "Des navettes à la demande.", theme="mobilite")
    theme = Theme.objects.get(slug="mobilite")
    theme.order = 42

    # The theme's UPDATE only: no project is read or written again.
    with django_assert_num_queries(1):
        theme.save()


def test_markers_typed_in_a_text_never_leave_an_unbalanced_tag():
    assert search.marked(f"a {search.STOP}b{search.START} <c> {search.START}d{search.STOP}") == (
        "a b &lt;c&gt; <mark>d</mark>"
    )


def test_the_plain_headline_marks_whole_words_and_cuts_around_the_first_match():
    words = " ".join(f"mot{n}" for n in range(60))
    text = f"{words} L'Éclairage public et les éclairages festifs. {words}"

    cut = search.headline(text, "eclairage", False)

    start, stop = search.START, search.STOP
    assert cut.startswith("… ") and cut.endswith(" …")
    assert f"L'{start}Éclairage{stop} public et les {start}éclairages{stop} festifs." in cut
    assert len(cut.split()) <= search.SNIPPET_WORDS + 2
    assert search.headline("Sœur Œuvre", "oeuvre", True) == f"Sœur {start}Œuvre{stop}"
    assert search.headline("Rien ici", "absent", False) == "Rien ici"


def test_the_search_text_is_lower_case_without_accents_and_holds_region_and_theme():
    untold = dict.fromkeys(("results", "cost", "funding", "licences", "data_needed", "skills"), "")
    project = published("Éclairage", "Cœur de ville", theme="energie", inhabitants="Des rues sûres.", **untold)
    project.refresh_from_db()
    assert project.search_text.split("\n") == [
        "eclairage",
        "commune de lens",
        "coeur de ville",
        "des rues sures.",
        "hauts-de-france",
        "energie et climat",
    ]


# --- filters --------------------------------------------------------------------------------------------


FILTERS = [
    ("annee", "2023", {"year": 2023}, {"year": 2024}),
    ("region", "53", {"region": "53"}, {"region": "32"}),
    ("niveau", "silver", {"level": Level.SILVER}, {"level": Level.GOLD}),
    ("type", "metropolis", {"kind": TerritoryKind.METROPOLIS}, {"kind": TerritoryKind.COMMUNE}),
    ("theme", "mobilite", {"theme": "mobilite"}, {"theme": "donnees"}),
    ("distinction", "shortlisted", {"distinction": SHORTLISTED, "level": ""}, {"distinction": LAUREATE}),
]


@pytest.mark.parametrize(("parameter", "value", "kept", "left"), FILTERS, ids=[row[0] for row in FILTERS])
def test_each_filter_keeps_the_projects_it_names(client, parameter, value, kept, left):
    published("Retenu", **kept)
    published("Écarté", **left)

    response = client.get(URL, {parameter: value})

    assert listed(response) == ["Retenu"]
    selected = html.fromstring(response.content).xpath(f"//*[@name='{parameter}']//option[@selected]/@value")
    assert selected == [value]


def test_filters_and_search_combine(client):
    published("Éclairage A", region="32", level=Level.GOLD, year=2024)
    published("Éclairage B", region="32", level=Level.SILVER, year=2024)
    published("Éclairage C", region="53", level=Level.GOLD, year=2024)
    published("Transport D", "Des navettes.", region="32", level=Level.GOLD, year=2024)
    published("Éclairage E", region="32", level=Level.GOLD, year=2023)

    response = client.get(URL, {"q": "eclairage", "region": "32", "niveau": "gold", "annee": "2024"})

    assert listed(response) == ["Éclairage A"]
    assert "1 projet" in text(response)


def test_a_wrong_value_is_left_out_and_said_at_its_field(client):
    published("Breton", region="53")
    published("Nordiste", region="32")

    response = client.get(URL, {"region": "53", "niveau": "platine"})

    assert listed(response) == ["Breton"]
    document = html.fromstring(response.content)
    errors = document.xpath("//*[@id='id_niveau']/following::*[contains(@class, 'invalid-feedback')][1]")
    assert "platine" in errors[0].text_content()


def test_a_year_without_public_project_yet_is_an_empty_result_not_an_error(client):
    published(year=2024)

    response = client.get(URL, {"annee": "2026"})

    assert listed(response) == []
    assert "Aucun projet ne correspond à ces filtres." in text(response)
    assert "invalid-feedback" not in response.content.decode()


def test_the_address_is_the_search_empty_fields_left_out(client):
    response = client.get(URL, {"q": "eclairage", "annee": "", "region": "32", "niveau": "", "type": ""})
    assert response.status_code == 302
    assert response["Location"] == "/projets/?q=eclairage&region=32"
    assert client.get(URL, {"q": " ", "region": ""})["Location"] == "/projets/"


def test_the_form_shows_what_the_address_says(client):
    published("Éclairage", region="32", theme="energie")

    document = html.fromstring(client.get(URL, {"q": "éclairage", "region": "32", "theme": "energie"}).content)

    form = document.xpath("//form[@role='search']")[0]
    assert (form.get("method"), form.get("action")) == ("get", URL)
    assert form.xpath(".//input[@name='q']/@value") == ["éclairage"]
    assert form.xpath(".//select[@name='region']/option[@selected]/@value") == ["32"]
    assert form.xpath(".//select[@name='theme']/option[@selected]/@value") == ["energie"]
    assert not form.xpath(".//input[@name='csrfmiddlewaretoken']")
    labels = [label.text_content().strip() for label in form.xpath(".//label")]
    assert labels == [
        "Rechercher un projet",
        "Année",
        "Région",
        "Niveau du label",
        "Type de collectivité",
        "Thème",
        "Distinction",
    ]


# --- pages, order, count --------------------------------------------------------------------------------


def test_without_search_the_newest_come_first(client):
    published("Ancien", year=2023)
    published("Récent", year=2024, published_at=_start)
    published("Plus récent", year=2024)

    assert listed(client.get(URL)) == ["Plus récent", "Récent", "Ancien"]


def test_pages_of_twenty_keep_the_filters(client):
    for number in range(23):
        published(f"Projet {number:02d}", region="32")
    published("Ailleurs", region="53")

    first = client.get(URL, {"region": "32"})
    document = html.fromstring(first.content)
    assert len(listed(first)) == 20
    assert "23 projets" in text(first)
    assert document.xpath("//a[@rel='next']/@href") == ["?region=32&page=2"]
    assert not document.xpath("//a[@rel='prev']")

    second = client.get(URL, {"region": "32", "page": "2"})
    document = html.fromstring(second.content)
    assert listed(second) == ["Projet 02", "Projet 01", "Projet 00"]
    assert document.xpath("//a[@rel='prev']/@href") == ["?region=32&page=1"]
    assert not document.xpath("//a[@rel='next']")
    assert document.xpath("//li[@aria-current='page']")[0].text_content().strip() == "Page 2"


def test_an_empty_catalogue_says_so(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "0 projet" in text(response)
    assert "Aucun projet n'est encore publié." in text(response)


# --- the consent rule -----------------------------------------------------------------------------------


def test_a_withdrawn_consent_takes_the_project_off_the_catalogue(client):
    kept = published("Éclairage gardé")
    gone = published("Éclairage retiré")
    assert listed(client.get(URL, {"q": "eclairage"})) == ["Éclairage retiré", "Éclairage gardé"]

    consents.withdraw_publication(gone.candidature, gone.candidature.owner)

    assert listed(client.get(URL)) == ["Éclairage gardé"]
    assert listed(client.get(URL, {"q": "eclairage"})) == ["Éclairage gardé"]
    assert [project.pk for project in catalogue.public_projects()] == [kept.pk]


def test_a_project_whose_candidature_lost_its_consent_is_never_public_even_if_its_copy_remains(client):
    published("Visible")
    hidden = published("Caché")
    type(hidden.candidature).objects.filter(pk=hidden.candidature_id).update(consent_publication=False)
    forget_public_pages()

    assert listed(client.get(URL)) == ["Visible"]
    assert catalogue.public_years() == [2024]
    assert catalogue.latest_block().context["projects"][0].title == "Visible"


def test_the_projects_of_an_edition_organisers_unpublish_leave_every_public_place(client):
    published("Visible", year=2024)
    hidden = published("Caché", year=2023)
    Edition.objects.filter(pk=hidden.edition_id).update(published=False)
    forget_public_pages()

    assert listed(client.get(URL)) == ["Visible"]
    assert catalogue.public_years() == [2024]
    assert client.get(f"/projets/{hidden.slug}/").status_code == 404
    assert client.get(f"/projets/{hidden.slug}/badge.svg").status_code == 404
    assert list(PublishedProject.objects.public().values_list("title", flat=True)) == ["Visible"]


# --- the home page and the laureates' page --------------------------------------------------------------


def test_the_home_shows_the_six_latest_projects(client):
    assert catalogue.latest_block() is None
    for number in range(8):
        published(f"Projet {number}")

    document = html.fromstring(client.get("/").content)

    section = document.xpath("//section[@aria-labelledby='derniers-projets']")[0]
    titles = [title.text_content().strip() for title in section.xpath(".//h3")]
    assert titles == [f"Projet {number}" for number in range(7, 1, -1)]
    assert section.xpath(".//a[normalize-space()='Voir tous les projets']/@href") == [URL]


def test_the_laureates_page_links_to_its_year_in_the_catalogue(client):
    edition = EditionFactory(year=2020, published=True)
    document = html.fromstring(client.get(f"/laureats/{edition.slug}/").content)
    assert document.xpath("//main//a[starts-with(@href, '/projets/')]/@href") == ["/projets/?annee=2020"]


def test_the_catalogue_is_in_the_main_navigation_and_marked_current(client):
    document = html.fromstring(client.get(URL).content)
    current = document.xpath("//header//a[@aria-current='page']")
    assert [(link.text_content().strip(), link.get("href")) for link in current] == [("Projets", URL)]


# --- cost -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "eclairage"}, {"q": "eclairage", "region": "32", "niveau": "gold", "theme": "energie", "annee": "2024"}],
    ids=["browse", "search", "search-and-filters"],
)
def test_the_catalogue_costs_the_same_with_one_project_or_thirty(client, count_queries, params):
    published(theme="energie")
    one = count_queries(client, URL, params)
    for _ in range(29):
        published(theme="energie", summary="L'éclairage des rues.", inhabitants="Des rues plus sûres.")
    assert count_queries(client, URL, params) == one
