import csv
import io
import json
import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils.html import escape
from openpyxl import load_workbook

from auditions.jury.models import ConflictOfInterest
from events.models import Region
from label.models import Candidature, Document, HistoryEntry, Status, Theme
from notifications.models import Notification
from tests.conftest import messages_of
from tests.factories import UserFactory
from tests.jury.factories import JuryFactory, JuryMemberFactory, assign

from .admin_factories import PARIS, CandidatureFactory, CriterionFactory, EditionFactory, add_document, complete

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:label_candidature_changelist")
EXPORT_CSV = reverse("admin:label_candidature_export_csv")
EXPORT_XLSX = reverse("admin:label_candidature_export_xlsx")
HEADER = [
    "référence",
    "édition",
    "état",
    "collectivité",
    "type de collectivité",
    "région",
    "population",
    "titre du projet",
    "résumé",
    "avancement",
    "budget (€ HT)",
    "personne à contacter",
    "adresse e-mail de contact",
    "déposée le (heure de Paris)",
]


@pytest.fixture(autouse=True)
def remove_stored_files(db):
    yield
    for document in Document.objects.all():
        document.file.delete(save=False)


@pytest.fixture
def edition(db):
    edition = EditionFactory(name="Hauts-de-France 2020")
    for order, name in enumerate(("Innovation", "Prise en compte des usagers", "Reproductibilité")):
        CriterionFactory(edition=edition, code=f"c{order}", name=name, order=order)
    return edition


def dossiers(edition, count, **fields):
    criteria = list(edition.criteria.all())
    return [complete(CandidatureFactory(edition=edition, **fields), criteria) for _ in range(count)]


def post_action(client, action, candidatures, **params):
    query = "?" + "&".join(f"{key}={value}" for key, value in params.items()) if params else ""
    return client.post(
        CHANGELIST + query,
        # The reason is asked by the actions that need one (publishing) and ignored by the others.
        {
            "action": action,
            "_selected_action": [candidature.pk for candidature in candidatures],
            "reason": "Délibération du jury",
        },
        follow=True,
    )


def statuses(candidatures):
    return [Candidature.objects.get(pk=candidature.pk).status for candidature in candidatures]


# --- pages cost the same with 1 and many rows ----------------------------------------


def test_the_changelist_costs_the_same_with_1_and_50_candidatures(organiser_client, edition, count_queries):
    dossiers(edition, 1)
    organiser_client.get(CHANGELIST)
    one = count_queries(organiser_client, CHANGELIST)
    dossiers(edition, 49)
    assert count_queries(organiser_client, CHANGELIST) == one
    response = organiser_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 50


def test_the_change_page_costs_the_same_for_a_small_and_a_full_dossier(organiser_client, edition, count_queries):
    small = complete(CandidatureFactory(edition=edition), list(edition.criteria.all())[:1], documents=1, history=1)
    full = complete(CandidatureFactory(edition=edition), edition.criteria.all(), documents=5, history=12)
    dossiers(edition, 48)
    url = reverse("admin:label_candidature_change", args=[small.pk])
    organiser_client.get(url)
    one = count_queries(organiser_client, url)
    assert count_queries(organiser_client, reverse("admin:label_candidature_change", args=[full.pk])) == one


def test_the_change_page_shows_answers_documents_and_history(organiser_client, edition):
    candidature = CandidatureFactory(edition=edition, staged_transition="mark_eligible")
    innovation = edition.criteria.get(name="Innovation")
    candidature.answers.create(criterion=innovation, text="Des capteurs partagés.")
    document = add_document(candidature, "Présentation du projet.pdf")
    HistoryEntry.objects.create(
        candidature=candidature,
        action=HistoryEntry.Action.STATUS,
        from_status=Status.DRAFT,
        to_status=Status.SUBMITTED,
        actor=candidature.owner,
        at=datetime(2020, 6, 18, 10, 30, tzinfo=PARIS),
    )

    response = organiser_client.get(reverse("admin:label_candidature_change", args=[candidature.pk]))

    html = response.content.decode()
    assert response.context["answers"] == [
        (innovation, "Des capteurs partagés."),
        (edition.criteria.get(name="Prise en compte des usagers"), ""),
        (edition.criteria.get(name="Reproductibilité"), ""),
    ]
    assert f'<a href="{reverse("label:download", args=[document.pk])}">Présentation du projet.pdf</a>' in html
    assert "<td>2 ko</td>" in html and "<td>PDF</td>" in html
    assert "<td>18/06/2020 10:30</td>" in html
    assert "Brouillon → Déposée" in html
    assert [field for field in response.context["adminform"].form.fields] == [
        "pitch_video_url",
        "extended_until",
        "base",
    ]
    assert response.context["adminform"].form.fields["base"].widget.is_hidden
    assert [fieldset.name for fieldset in response.context["adminform"]] == [
        "Territoire",
        "Projet",
        "Contact et engagements",
        "Suivi",
    ]
    assert '<div class="readonly">Recevable</div>' in html
    owner_url = reverse("admin:accounts_user_change", args=[candidature.owner_id])
    assert f'<div class="readonly"><a href="{owner_url}">{escape(candidature.owner)}</a></div>' in html


def test_the_edition_page_shows_figures_and_costs_the_same_with_1_and_50_candidatures(
    organiser_client, edition, count_queries
):
    url = reverse("admin:label_edition_change", args=[edition.pk])
    CandidatureFactory(edition=edition)
    organiser_client.get(url)
    one = count_queries(organiser_client, url)
    normandie = Region.objects.get(code="28")
    CandidatureFactory.create_batch(30, edition=edition, submitted_at=datetime(2020, 6, 19, 23, 59, tzinfo=PARIS))
    CandidatureFactory.create_batch(
        10, edition=edition, region=normandie, submitted_at=datetime(2020, 6, 20, 0, 30, tzinfo=PARIS)
    )
    CandidatureFactory.create_batch(9, edition=edition, region=None, status=Status.DRAFT, submitted_at=None)
    assert count_queries(organiser_client, url) == one

    response = organiser_client.get(url)
    figures = response.context["figures"]
    assert figures["total"] == 50
    assert [(str(label), count) for label, count in figures["by_status"]] == [
        ("Brouillon", 9),
        ("Déposée", 41),
        ("Recevable", 0),
        ("Non recevable", 0),
        ("Présélectionnée", 0),
        ("Auditionnée", 0),
        ("Lauréate", 0),
        ("Non retenue", 0),
        ("Retirée", 0),
    ]
    assert sorted((str(label), count) for label, count in figures["by_region"]) == [
        ("Hauts-de-France", 31),
        ("Normandie", 10),
        ("Région non renseignée", 9),
    ]
    # Days are Paris days: 23:59 on 19 June and 00:30 on 20 June fall on two days.
    assert figures["per_day"] == [("18/06/2020", 1), ("19/06/2020", 30), ("20/06/2020", 10)]
    html = response.content.decode()
    chart = re.search(r'<script id="submissions-per-day" type="application/json">(.*?)</script>', html).group(1)
    assert json.loads(chart) == {
        "label": "Candidatures déposées",
        "days": ["18/06/2020", "19/06/2020", "20/06/2020"],
        "counts": [1, 30, 10],
    }
    assert '<tr><th scope="row">19/06/2020</th><td>30</td></tr>' in html
    assert '<script src="/static/js/edition_chart.js" defer></script>' in html
    # Strict CSP: every script is a file or JSON data, none inline.
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("src=" in attributes or 'type="application/json"' in attributes for attributes in scripts)


# --- criteria are validated through the edition form ---------------------------------


def edition_form(**criterion):
    data = {
        "name": "Label 2021",
        "slug": "label-2021",
        "year": "2021",
        "opens_at_0": "01/03/2021",
        "opens_at_1": "00:00:00",
        "closes_at_0": "20/06/2021",
        "closes_at_1": "00:00:00",
        "contact_email": "label@association.example",
        "laureate_levels": "on",
        "target_laureates": "25",
        "published": "on",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    fields = {"order": "1", "code": "innovation", "name": "Innovation", "weight": "2", "scale_min": "0"}
    fields.update({"scale_max": "5", "eliminatory_threshold": "", **criterion})
    data.update({f"criteria-0-{name}": value for name, value in fields.items()})
    return data


@pytest.mark.parametrize(
    "criterion, field, message",
    [
        ({"weight": "0"}, "weight", "Le poids doit être strictement positif."),
        ({"weight": "-1"}, "weight", "Le poids doit être strictement positif."),
        (
            {"scale_min": "5", "scale_max": "5"},
            "scale_max",
            "La note maximale doit être supérieure à la note minimale.",
        ),
        (
            {"eliminatory_threshold": "6"},
            "eliminatory_threshold",
            "Le seuil doit être compris entre la note minimale et la note maximale.",
        ),
    ],
)
def test_a_bad_criterion_gets_its_french_message_next_to_the_field(organiser_client, criterion, field, message):
    response = organiser_client.post(reverse("admin:label_edition_add"), edition_form(**criterion))

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.errors == [{field: [message]}]
    assert message in response.content.decode()


def test_a_good_criterion_is_saved_with_its_edition(organiser_client):
    response = organiser_client.post(reverse("admin:label_edition_add"), edition_form(eliminatory_threshold="2"))

    assert response.status_code == 302
    [criterion] = EditionFactory._meta.model.objects.get(slug="label-2021").criteria.all()
    assert (criterion.name, criterion.weight, criterion.eliminatory_threshold) == ("Innovation", 2, 2)


# --- list filters and search ---------------------------------------------------------


def test_filters_and_search(organiser_client, edition):
    other_edition = EditionFactory()
    normandie = Region.objects.get(code="28")
    rouen = CandidatureFactory(edition=edition, region=normandie, territory_name="Rouen", territory_kind="metropolis")
    lille = CandidatureFactory(edition=edition, territory_name="Lille", status=Status.ELIGIBLE)
    arras = CandidatureFactory(edition=other_edition, territory_name="Arras", contact_name="Jeanne Dupont")

    def listed(**params):
        return {c.territory_name for c in organiser_client.get(CHANGELIST, params).context["cl"].result_list}

    assert listed() == {"Rouen", "Lille", "Arras"}
    assert listed(edition__id__exact=edition.pk) == {"Rouen", "Lille"}
    assert listed(status__exact="eligible") == {"Lille"}
    assert listed(region__id__exact=normandie.pk) == {"Rouen"}
    assert listed(territory_kind__exact="metropolis") == {"Rouen"}
    assert listed(q="dupont") == {"Arras"}
    assert listed(q=lille.reference) == {"Lille"}
    assert listed(q=rouen.contact_email) == {"Rouen"}
    Candidature.objects.filter(pk=arras.pk).update(staged_transition="mark_eligible")
    assert listed(staged="mark_eligible") == {"Arras"}


# --- decisions through the status machine --------------------------------------------


def test_staging_then_publishing_moves_statuses_and_notifies_each_candidate(organiser_client, edition, organiser):
    first, second = dossiers(edition, 2)

    response = post_action(organiser_client, "stage_eligible", [first, second])

    assert messages_of(response) == ["2 décisions « Recevable » préparées, à publier."]
    assert statuses([first, second]) == [Status.SUBMITTED, Status.SUBMITTED]
    assert list(Candidature.objects.values_list("staged_transition", flat=True)) == ["mark_eligible"] * 2
    assert Notification.objects.count() == 0
    assert (
        organiser_client.get(CHANGELIST).content.decode().count('<td class="field-staged_decision">Recevable</td>') == 2
    )

    response = post_action(organiser_client, "publish_staged", [first, second])

    assert messages_of(response) == [
        "2 décisions publiées, chaque candidate ou candidat est prévenu par courriel.",
    ]
    assert statuses([first, second]) == [Status.ELIGIBLE, Status.ELIGIBLE]
    assert sorted(Notification.objects.values_list("kind", "recipient")) == sorted(
        [("candidature_eligible", first.owner.email), ("candidature_eligible", second.owner.email)]
    )
    entry = HistoryEntry.objects.filter(candidature=first, action=HistoryEntry.Action.STATUS).latest("at")
    assert (entry.from_status, entry.to_status, entry.actor) == (Status.SUBMITTED, Status.ELIGIBLE, organiser)


def test_a_refused_staging_is_reported_and_changes_nothing(organiser_client, edition):
    first, second = dossiers(edition, 2)
    history = HistoryEntry.objects.count()

    response = post_action(organiser_client, "stage_shortlisted", [first, second])

    references = ", ".join(sorted([first.reference, second.reference], reverse=True))
    assert messages_of(response) == [
        f"Refusé pour {references} : Cette action n'est pas possible pour une candidature « Déposée »."
    ]
    assert list(Candidature.objects.values_list("staged_transition", flat=True)) == ["", ""]
    assert HistoryEntry.objects.count() == history


def test_a_decision_no_longer_possible_is_not_published(organiser_client, edition):
    first, second = dossiers(edition, 2)
    post_action(organiser_client, "stage_eligible", [first, second])
    Candidature.objects.filter(pk=second.pk).update(status=Status.WITHDRAWN)

    response = post_action(organiser_client, "publish_staged", [first, second])

    assert messages_of(response) == [
        "1 décision publiée, la candidate ou le candidat est prévenu par courriel.",
        f"Refusé pour {second.reference} : Cette action n'est pas possible pour une candidature « Retirée ».",
    ]
    assert statuses([first, second]) == [Status.ELIGIBLE, Status.WITHDRAWN]
    assert list(Notification.objects.values_list("recipient", flat=True)) == [first.owner.email]


def test_staged_decisions_can_be_cleared(organiser_client, edition):
    first, second = dossiers(edition, 2)
    post_action(organiser_client, "stage_ineligible", [first, second])

    response = post_action(organiser_client, "clear_staged", [first, second])

    assert messages_of(response) == ["2 décisions préparées annulées."]
    assert list(Candidature.objects.values_list("staged_transition", flat=True)) == ["", ""]


def test_reopen_puts_a_submitted_candidature_back_to_draft(organiser_client, edition):
    submitted = CandidatureFactory(edition=edition)
    eligible = CandidatureFactory(edition=edition, status=Status.ELIGIBLE)

    response = post_action(organiser_client, "reopen", [submitted, eligible])

    assert messages_of(response) == [
        "1 candidature rouverte en brouillon.",
        f"Refusé pour {eligible.reference} : Cette action n'est pas possible pour une candidature « Recevable ».",
    ]
    assert statuses([submitted, eligible]) == [Status.DRAFT, Status.ELIGIBLE]
    assert list(Notification.objects.values_list("kind", flat=True)) == ["candidature_reopened"]


def test_only_actions_the_workflow_allows_are_offered(client, organiser_client, edition):
    CandidatureFactory(edition=edition)

    def offered(browser, **params):
        return [
            name for name, _label in browser.get(CHANGELIST, params).context["action_form"].fields["action"].choices
        ]

    everything = [
        "",
        "stage_eligible",
        "stage_ineligible",
        "stage_shortlisted",
        "stage_not_retained",
        "clear_staged",
        "publish_staged",
        "reopen",
    ]
    assert offered(organiser_client) == everything
    assert offered(organiser_client, status__exact="submitted") == [
        "",
        "stage_eligible",
        "stage_ineligible",
        "clear_staged",
        "publish_staged",
        "reopen",
    ]
    assert offered(organiser_client, status__exact="eligible") == [
        "",
        "stage_shortlisted",
        "stage_not_retained",
        "clear_staged",
        "publish_staged",
    ]
    # Staff allowed to read candidatures, but not an organiser: nothing to fire.
    reader = UserFactory(is_staff=True)
    reader.user_permissions.add(*Permission.objects.filter(codename__in=["view_candidature", "change_candidature"]))
    client.force_login(reader)
    response = client.get(CHANGELIST)
    assert (response.status_code, response.context["action_form"]) == (200, None)


# --- deadline extension --------------------------------------------------------------


def test_an_extension_is_recorded_in_the_history(organiser_client, edition, organiser):
    candidature = CandidatureFactory(edition=edition)
    url = reverse("admin:label_candidature_change", args=[candidature.pk])

    response = organiser_client.post(
        url, {"extended_until_0": "25/06/2020", "extended_until_1": "12:00:00", "pitch_video_url": ""}
    )

    assert response.status_code == 302
    candidature.refresh_from_db()
    assert candidature.extended_until == datetime(2020, 6, 25, 12, 0, tzinfo=PARIS)
    assert candidature.status == Status.SUBMITTED
    [entry] = HistoryEntry.objects.filter(candidature=candidature)
    assert (entry.action, entry.actor, entry.note) == (
        HistoryEntry.Action.EXTENSION,
        organiser,
        "Délai prolongé jusqu'au 25/06/2020 12:00",
    )


def test_saving_without_touching_the_deadline_records_the_edit_but_no_extension(organiser_client, organiser, edition):
    candidature = CandidatureFactory(edition=edition)
    url = reverse("admin:label_candidature_change", args=[candidature.pk])

    response = organiser_client.post(
        url, {"extended_until_0": "", "extended_until_1": "", "pitch_video_url": "https://video.example/pitch"}
    )

    assert response.status_code == 302
    candidature.refresh_from_db()
    assert candidature.pitch_video_url == "https://video.example/pitch"
    entries = HistoryEntry.objects.filter(candidature=candidature).values_list("action", "actor", "note")
    assert list(entries) == [(HistoryEntry.Action.EDIT, organiser.pk, "Vidéo du pitch")]


# --- exports -------------------------------------------------------------------------


def read_csv(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_the_csv_export_follows_the_filters_with_a_column_per_criterion(organiser_client, edition):
    [lille] = dossiers(edition, 1, territory_name="Lille")
    dossiers(edition, 2, status=Status.ELIGIBLE)
    dossiers(EditionFactory(), 1)

    response = organiser_client.get(EXPORT_CSV, {"edition__id__exact": edition.pk, "status__exact": "submitted"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="candidatures-')
    header, *rows = read_csv(response)
    assert header == [*HEADER, "Innovation", "Prise en compte des usagers", "Reproductibilité"]
    assert rows == [
        [
            lille.reference,
            "Hauts-de-France 2020",
            "Déposée",
            "Lille",
            "Commune",
            "Hauts-de-France",
            "12000",
            lille.project_title,
            "Un projet de ville durable.",
            "Expérimentation",
            "15000,50",
            "Camille Martin",
            lille.contact_email,
            "18/06/2020 10:30",
            "Réponse sur Innovation",
            "Réponse sur Prise en compte des usagers",
            "Réponse sur Reproductibilité",
        ]
    ]


def test_the_exports_follow_the_search_and_keep_formulas_as_text(organiser_client, edition):
    CandidatureFactory(edition=edition, project_title='=HYPERLINK("https://evil.example")', territory_name="Douai")
    CandidatureFactory(edition=edition, territory_name="Lens")

    [_header, row] = read_csv(organiser_client.get(EXPORT_CSV, {"q": "douai"}))
    assert row[7] == '\'=HYPERLINK("https://evil.example")'
    [_header, row] = read_xlsx(organiser_client.get(EXPORT_XLSX, {"q": "douai"}))
    assert row[7] == '=HYPERLINK("https://evil.example")'
    workbook = load_workbook(io.BytesIO(organiser_client.get(EXPORT_XLSX, {"q": "douai"}).content))
    assert workbook.active.cell(row=2, column=8).data_type == "s"


def test_the_xlsx_export_has_typed_cells_and_a_column_per_criterion(organiser_client, edition):
    [lille, lens] = dossiers(edition, 2)
    Candidature.objects.filter(pk=lens.pk).update(territory_name="Lens", submitted_at=None, budget=None)

    response = organiser_client.get(EXPORT_XLSX, {"edition__id__exact": edition.pk})

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    header, *rows = read_xlsx(response)
    assert header == [*HEADER, "Innovation", "Prise en compte des usagers", "Reproductibilité"]
    by_reference = {row[0]: row for row in rows}
    assert by_reference[lille.reference][6] == 12000
    assert by_reference[lille.reference][10] == Decimal("15000.5")
    assert by_reference[lille.reference][13] == datetime(2020, 6, 18, 10, 30)
    assert by_reference[lille.reference][14:] == [
        "Réponse sur Innovation",
        "Réponse sur Prise en compte des usagers",
        "Réponse sur Reproductibilité",
    ]
    assert sorted(by_reference) == sorted([lille.reference, lens.reference])
    assert (by_reference[lens.reference][10], by_reference[lens.reference][13]) == (None, None)


@pytest.mark.parametrize("url", [EXPORT_CSV, EXPORT_XLSX])
def test_an_export_costs_the_same_with_1_and_50_rows(organiser_client, edition, url, count_queries):
    dossiers(edition, 1)
    count_queries(organiser_client, url)
    one = count_queries(organiser_client, url)
    dossiers(edition, 49)
    assert count_queries(organiser_client, url) == one
    rows = read_csv(organiser_client.get(url)) if url == EXPORT_CSV else read_xlsx(organiser_client.get(url))
    assert len(rows) == 51


# --- who gets in ---------------------------------------------------------------------


@pytest.mark.parametrize("url", [CHANGELIST, EXPORT_CSV, EXPORT_XLSX])
def test_a_candidate_is_sent_to_the_admin_login(client, url):
    client.force_login(UserFactory())

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_without_the_view_permission_cannot_export(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(EXPORT_CSV).status_code == 403
    assert client.get(EXPORT_XLSX).status_code == 403


def test_nobody_adds_or_deletes_a_candidature_in_the_admin(organiser_client, edition):
    candidature = CandidatureFactory(edition=edition)

    assert organiser_client.get(reverse("admin:label_candidature_add")).status_code == 403
    assert organiser_client.get(reverse("admin:label_candidature_delete", args=[candidature.pk])).status_code == 403
    html = organiser_client.get(CHANGELIST).content.decode()
    assert f'href="{EXPORT_CSV}?"' in html and f'href="{EXPORT_XLSX}?"' in html


def test_the_changelist_filters_laureates_by_level(organiser_client):
    gold = CandidatureFactory(status=Status.LAUREATE, outcome_level="gold")
    CandidatureFactory(status=Status.LAUREATE, outcome_level="silver")
    response = organiser_client.get(CHANGELIST, {"outcome_level__exact": "gold"})
    assert [row.pk for row in response.context["cl"].result_list] == [gold.pk]
    assert "Par niveau du label" in response.content.decode()


# --- a candidature's "Historique": its own entries and those of the rooms above ------------------------------


def test_a_candidatures_history_shows_its_jury_rows_registered_by_the_jury_room(organiser_client, edition):
    candidature = CandidatureFactory(edition=edition, status=Status.SHORTLISTED)
    jury = JuryFactory(edition=edition)
    juror, other = (JuryMemberFactory(jury=jury).user for _ in range(2))
    assignment = assign(jury, juror, candidature)
    conflict = ConflictOfInterest.objects.create(juror=other, candidature=candidature, reason="Élu local")

    response = organiser_client.get(reverse("admin:label_candidature_history", args=[candidature.pk]))

    shown = {(item["entry"].content_type.model, item["entry"].object_pk) for item in response.context["entries"]}
    assert {("assignment", str(assignment.pk)), ("conflictofinterest", str(conflict.pk))} <= shown
    children = django_admin.site._registry[Candidature].audit_children
    assert {
        ("auditions.ConflictOfInterest", "candidature"),
        ("auditions.Assignment", "candidature"),
        ("auditions.Evaluation", "candidature"),
        ("auditions.Slot", "candidature"),
    } <= set(children)


def test_the_edition_page_edits_the_rules_text_beside_the_rules_address(organiser_client, edition):
    page = organiser_client.get(reverse("admin:label_edition_change", args=[edition.pk])).content.decode()
    assert page.index('name="rules_text"') < page.index('name="rules_url"')


def test_a_theme_s_slug_is_given_once_at_creation(organiser_client):
    theme = Theme.objects.create(name="Mobilité douce", slug="mobilite-douce", order=99)
    url = reverse("admin:label_theme_change", args=[theme.pk])
    assert 'name="slug"' not in organiser_client.get(url).content.decode()

    organiser_client.post(url, {"name": "Mobilités actives", "slug": "mobilites-actives", "order": 99, "active": "on"})

    theme.refresh_from_db()
    assert (theme.name, theme.slug) == ("Mobilités actives", "mobilite-douce")
    assert 'name="slug"' in organiser_client.get(reverse("admin:label_theme_add")).content.decode()
