"""The organisers' ranking page, its exports and decisions; the public laureates page and the forum's list."""

import csv
import io
from dataclasses import astuple
from datetime import timedelta
from decimal import Decimal
from html.parser import HTMLParser
from itertools import count
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events.models import Event
from events.sections import Section
from label.models import Candidature, Level, Status
from notifications.models import Notification
from tests.conftest import text
from tests.events.factories import EventFactory
from tests.factories import OrganiserFactory
from tests.jury.factories import jury_with_members, scored
from tests.label.factories import CandidatureFactory, CriterionFactory, EditionFactory

pytestmark = pytest.mark.django_db

_numbers = count(1)
REGION = "Hauts-de-France"
AUDITIONED = "Auditionnée"


class Cells(HTMLParser):
    """The text of each body row's cells of the first <table> with the class ``css_class``; form controls and
    buttons skipped, and so are the rows of details folded under a row (``ranking-detail``) with their tables."""

    def __init__(self, css_class):
        super().__init__()
        self.css_class = css_class
        self.depth = 0
        self.found = False
        self.in_body = False
        self.in_details = False
        self.rows = []
        self.cell = None
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and (self.depth or (not self.found and self.css_class in classes)):
            self.depth += 1
            self.found = True
        if self.depth != 1:
            return
        if tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.in_details = "ranking-detail" in classes
            if not self.in_details:
                self.rows.append([])
        elif tag in ("td", "th") and self.in_body and not self.in_details:
            self.cell = []
        elif tag in ("select", "label", "button"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
            return
        if self.depth != 1:
            return
        if tag == "tbody":
            self.in_body = False
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag in ("select", "label", "button"):
            self.skip -= 1

    def handle_data(self, data):
        if self.cell is not None and not self.skip and self.depth == 1:
            self.cell.append(data)


def table(response, css_class="ranking"):
    parser = Cells(css_class)
    parser.feed(response.content.decode())
    return parser.rows


def texts(response):
    return [str(message) for message in response.context["messages"]]


def make_candidature(edition, territory, status=Status.AUDITIONED, **fields):
    return CandidatureFactory(
        edition=edition,
        status=status,
        reference=f"LTI-{edition.year}-{next(_numbers):04d}",
        territory_name=territory,
        project_title=f"Projet de {territory}",
        submitted_at=timezone.now() - timedelta(days=20),
        **fields,
    )


@pytest.fixture
def organiser():
    return OrganiserFactory()


@pytest.fixture
def forum():
    return EventFactory(kind=Event.Kind.NATIONAL_FORUM, title="Forum national 2031", slug="forum-2031", region=None)


def ranked_case(forum):
    """Jurors A (severe), B and C (lenient); one criterion on 0–5, threshold 2: a total on 20 is 4 × the score.

        A: P 1 → 4,  Q 2 → 8,  R 3 → 12     mean 8,  spread 3.266 → z P −1.225, Q 0,      R +1.225
        B: Q 5 → 20, R 4 → 16, S 3 → 12     mean 16, spread 3.266 → z Q +1.225, R 0,      S −1.225
        C: P 2 → 8,  S 5 → 20               mean 14, spread 6     → z P −1,     S +1
    Raw means: S 16, Q 14, R 14, P 6 (P's criterion mean 1.5 is under the threshold: eliminated).
    Normalised, on the overall mean 12.5 and spread 5.454 of the eight totals:
        Q and R 12.5 + 0.612 × 5.454 = 15.84, S 12.5 − 0.112 × 5.454 = 11.89, P 12.5 − 1.112 × 5.454 = 6.43.
    Severity against the others on shared dossiers: A (−4 − 12 − 4) / 3 = −6.67, B (12 + 4 − 8) / 3 = +2.67, C +6.
    """
    edition = EditionFactory(name="Label Territoire Innovant 2031", slug="2031", year=2031, forum=forum)
    CriterionFactory(edition=edition, name="Innovation", weight=Decimal(1), eliminatory_threshold=Decimal(2))
    jury, (a, b, c) = jury_with_members(3, edition=edition, name="Jury national")
    p, q, r, s = (make_candidature(edition, name) for name in ("Pont-à-Mousson", "Quimper", "Roubaix", "Saint-Omer"))
    for juror, candidature, value in ((a, p, 1), (a, q, 2), (a, r, 3), (b, q, 5), (b, r, 4), (b, s, 3), (c, p, 2)):
        scored(jury, juror, candidature, [value])
    scored(jury, c, s, [5])
    return jury, {"P": p, "Q": q, "R": r, "S": s, "A": a, "B": b, "C": c}


@pytest.fixture
def case(forum):
    return ranked_case(forum)


# --- who may see it -------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in(client, case):
    response = client.get(reverse("jury:ranking"))
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/?next=/jury/classement/"


@pytest.mark.parametrize("who", ["candidate", "juror"])
def test_candidates_and_jurors_are_refused(client, case, who):
    jury, c = case
    client.force_login(c["P"].owner if who == "candidate" else c["A"])
    assert client.get(reverse("jury:ranking")).status_code == 403
    assert client.get(reverse("jury:ranking_csv")).status_code == 403
    assert client.get(reverse("jury:ranking_xlsx")).status_code == 403
    response = client.post(reverse("jury:decisions"), {"jury": jury.pk, f"decision-{c['R'].pk}": "gold"})
    assert response.status_code == 403
    assert Candidature.objects.get(pk=c["R"].pk).staged_transition == ""


# --- the page -------------------------------------------------------------------------------------


def test_the_page_shows_raw_and_normalised_ranks_side_by_side(client, organiser, case):
    """The widest gaps, on 0–5: P 1 and 2 → 1 point (20 %), Q 2 and 5 → 3 (60 %), R 3 and 4 → 1, S 3 and 5 → 2
    (40 %): Q and S are to be discussed (from 40 %)."""
    jury, c = case
    client.force_login(organiser)
    response = client.get(reverse("jury:ranking"))
    assert response.status_code == 200
    assert response.context["jury"] == jury
    ref = {name: c[name].reference for name in "PQRS"}
    # details button, rank, reference, territory · project · region, normalised rank, mean, normalised, widest gap,
    # decision (its <select> skipped)
    assert table(response) == [
        ["", "1", ref["S"], f"Saint-Omer Projet de Saint-Omer {REGION}", "3", "16,00", "11,89", "40 % à discuter", ""],
        ["", "2", ref["Q"], f"Quimper Projet de Quimper {REGION}", "1", "14,00", "15,84", "60 % à discuter", ""],
        ["", "2", ref["R"], f"Roubaix Projet de Roubaix {REGION}", "1", "14,00", "15,84", "20 %", ""],
        ["", "4", ref["P"], f"Pont-à-Mousson Projet de Pont-à-Mousson {REGION} éliminé (Innovation)"]
        + ["4", "6,00", "6,43", "20 %", ""],
    ]


def test_each_row_folds_its_other_figures_and_each_criterion_into_details(client, organiser, case):
    jury, c = case
    client.force_login(organiser)
    response = client.get(reverse("jury:ranking"))
    lines = {line.candidature.pk: line for line in response.context["lines"]}
    # evaluations, median, spread; per criterion: name, mean on its scale, widest gap, to discuss, under threshold
    assert {
        name: (lines[c[name].pk].row.count, lines[c[name].pk].median, lines[c[name].pk].spread) for name in "PQRS"
    } == {
        "S": (2, "16,00", "5,66"),
        "Q": (2, "14,00", "8,49"),
        "R": (2, "14,00", "2,83"),
        "P": (2, "6,00", "2,83"),
    }
    assert {name: [astuple(item) for item in lines[c[name].pk].criteria] for name in "PQRS"} == {
        "S": [("Innovation", "4,00 /5", "2 points", True, False)],
        "Q": [("Innovation", "3,50 /5", "3 points", True, False)],
        "R": [("Innovation", "3,50 /5", "1 point", False, False)],
        "P": [("Innovation", "1,50 /5", "1 point", False, True)],
    }
    page = text(response)
    pk = c["Q"].pk
    assert (
        f'aria-expanded="false" aria-controls="details-{pk}" hidden>' in page
        and f'<tr class="ranking-detail" id="details-{pk}" hidden>' in page
        and f"Détails de {c['Q'].reference}</span>" in page
    )
    deliberation = reverse("jury:deliberation", kwargs={"jury_pk": jury.pk, "pk": pk})
    assert lines[pk].url == deliberation
    assert f'<a class="fw-semibold" href="{deliberation}" lang="fr">Quimper</a>' in page


def test_the_jury_and_agreement_tables(client, organiser, case):
    _jury, c = case
    client.force_login(organiser)
    response = client.get(reverse("jury:ranking"))
    severe, lenient = "note plus sévèrement que les autres jurés", "note plus favorablement que les autres jurés"
    assert table(response, "jurors") == sorted(
        [
            [c["A"].full_name, "3", "8,00", "-6,67", severe],
            [c["B"].full_name, "3", "16,00", "+2,67", lenient],
            [c["C"].full_name, "2", "14,00", "+6,00", lenient],
        ]
    )
    # Pairs (1, 2) (2, 5) (3, 4) (3, 5): Do = 2 × (1 + 9 + 1 + 4) / 8 = 3.75, De = 238 / (8 × 7) = 4.25.
    assert table(response, "agreements") == [
        [
            "Innovation",
            "0,118",
            "accord faible : les jurés ne lisent pas ce critère de la même façon, à discuter en délibération",
        ],
    ]
    assert "1 = accord parfait, 0 = accord dû au hasard" in response.content.decode()


def test_the_chart_counts_the_means_per_one_point_band_with_the_eliminated_apart(client, organiser, case):
    client.force_login(organiser)
    response = client.get(reverse("jury:ranking"))
    chart = response.context["chart"]
    assert chart["labels"] == [f"{low}–{low + 1}" for low in range(20)]
    # S 16 and Q, R 14 are kept; P 6 is eliminated.
    assert chart["kept"] == [0] * 14 + [2, 0, 1] + [0] * 3
    assert chart["eliminated"] == [0] * 6 + [1] + [0] * 13
    assert chart["total"] == 4
    assert 'id="ranking-chart-data"' in response.content.decode()
    kept, eliminated = chart["kept"], chart["eliminated"]
    assert table(response, "chart-figures") == [
        [f"{low} à moins de {low + 1}", str(kept[low]), str(eliminated[low]), str(kept[low] + eliminated[low])]
        for low in range(19)
    ] + [["19 à 20", "0", "0", "0"]]


def test_the_chart_follows_the_filters(client, organiser, case):
    jury, _c = case
    client.force_login(organiser)
    chart = client.get(reverse("jury:ranking"), {"jury": jury.pk, "eliminated": "no"}).context["chart"]
    assert (chart["kept"], chart["eliminated"], chart["total"]) == ([0] * 14 + [2, 0, 1] + [0] * 3, [0] * 20, 3)


def test_another_jury_is_chosen_by_its_key(client, organiser, case):
    jury, _c = case
    newer, _members = jury_with_members(1, scoring_closes_at=jury.scoring_closes_at + timedelta(days=1))
    client.force_login(organiser)
    assert client.get(reverse("jury:ranking")).context["jury"] == newer  # the most recent by default
    assert client.get(reverse("jury:ranking"), {"jury": jury.pk}).context["jury"] == jury
    assert client.get(reverse("jury:ranking"), {"jury": "999999"}).status_code == 404


# --- decisions ------------------------------------------------------------------------------------


def test_staging_then_publishing_decides_notifies_and_fills_the_laureates_page(client, organiser, case):
    jury, c = case
    Candidature.objects.filter(pk=c["R"].pk).update(
        consent_publication=True, summary="Des capteurs pour un éclairage sobre."
    )
    Candidature.objects.filter(pk=c["Q"].pk).update(summary="Un résumé que la collectivité garde pour elle.")
    client.force_login(organiser)
    url = reverse("jury:decisions")
    choices = {"R": "gold", "Q": "silver", "S": "bronze", "P": "not_retain"}

    response = client.post(
        url, {"jury": jury.pk, **{f"decision-{c[name].pk}": value for name, value in choices.items()}}, follow=True
    )

    assert response.redirect_chain == [(f"/jury/classement/?jury={jury.pk}", 302)]
    assert texts(response) == ["4 décisions préparées, à publier."]
    staged = {name: Candidature.objects.get(pk=c[name].pk) for name in "PQRS"}
    assert {name: (x.status, x.staged_transition, x.staged_level) for name, x in staged.items()} == {
        "R": (Status.AUDITIONED, "select_laureate", "gold"),
        "Q": (Status.AUDITIONED, "select_laureate", "silver"),
        "S": (Status.AUDITIONED, "select_laureate", "bronze"),
        "P": (Status.AUDITIONED, "not_retain", ""),
    }
    assert [row[8] for row in table(response)] == [
        "À publier : Lauréate · Bronze",
        "À publier : Lauréate · Argent",
        "À publier : Lauréate · Or",
        "À publier : Non retenue",
    ]
    assert [line.choice for line in response.context["lines"]] == ["bronze", "silver", "gold", "not_retain"]
    assert Notification.objects.count() == 0  # staging tells nobody

    response = client.post(url, {"jury": jury.pk, "action": "publish", "reason": "Délibération du jury"}, follow=True)

    assert texts(response) == [
        "4 décisions publiées (lauréates : 3, non retenues : 1) ; chaque candidature est prévenue par courriel."
    ]
    decided = {name: Candidature.objects.get(pk=c[name].pk) for name in "PQRS"}
    assert {name: (x.status, x.outcome_level, x.staged_transition) for name, x in decided.items()} == {
        "R": (Status.LAUREATE, "gold", ""),
        "Q": (Status.LAUREATE, "silver", ""),
        "S": (Status.LAUREATE, "bronze", ""),
        "P": (Status.NOT_RETAINED, "", ""),
    }
    assert sorted(Notification.objects.values_list("kind", "recipient")) == sorted(
        [
            ("candidature_laureate", c["R"].owner.email),
            ("candidature_laureate", c["Q"].owner.email),
            ("candidature_laureate", c["S"].owner.email),
            ("candidature_not_retained", c["P"].owner.email),
        ]
    )

    assert [row[8] for row in table(response)] == [
        "Publiée : Lauréate · Bronze",
        "Publiée : Lauréate · Argent",
        "Publiée : Lauréate · Or",
    ]  # P, not retained without having been shortlisted, is no longer the jury's
    # A published decision is final: its row shows it, with no menu offering another.
    assert [f'name="decision-{c[name].pk}"' in response.content.decode() for name in "QRS"] == [False] * 3
    page = client.get(reverse("jury:deliberation", kwargs={"jury_pk": jury.pk, "pk": c["R"].pk})).content.decode()
    assert "Publiée : Lauréate · Or" in page and f'name="decision-{c["R"].pk}"' not in page

    response = client.get(reverse("label:laureates", kwargs={"edition": "2031"}))
    assert response.status_code == 200
    assert [(x.get_outcome_level_display(), x.territory_name) for x in response.context["laureates"]] == [
        ("Or", "Roubaix"),
        ("Argent", "Quimper"),
        ("Bronze", "Saint-Omer"),
    ]
    page = response.content.decode()
    assert page.index(">Or<") < page.index("Roubaix") < page.index(">Argent<") < page.index("Quimper")
    assert page.index("Quimper") < page.index(">Bronze<") < page.index("Saint-Omer")
    assert "Des capteurs pour un éclairage sobre." in page
    assert "Un résumé que la collectivité garde pour elle." not in page
    assert "Pont-à-Mousson" not in page


def test_choosing_the_dash_cancels_a_staged_decision(client, organiser, case):
    jury, c = case
    client.force_login(organiser)
    url = reverse("jury:decisions")
    assert texts(client.post(url, {"jury": jury.pk, f"decision-{c['R'].pk}": "gold"}, follow=True)) == [
        "1 décision préparée, à publier."
    ]

    response = client.post(
        url, {"jury": jury.pk, f"decision-{c['R'].pk}": "", f"decision-{c['Q'].pk}": ""}, follow=True
    )

    assert texts(response) == ["1 décision préparée annulée."]
    assert Candidature.objects.get(pk=c["R"].pk).staged_transition == ""


def test_a_refused_staging_is_reported_with_its_reason(client, organiser, case):
    jury, c = case
    shortlisted = make_candidature(jury.edition, "Tourcoing", status=Status.SHORTLISTED)
    client.force_login(organiser)

    response = client.post(
        reverse("jury:decisions"),
        {"jury": jury.pk, f"decision-{shortlisted.pk}": "gold", f"decision-{c['R'].pk}": "silver"},
        follow=True,
    )

    assert texts(response) == [
        "1 décision préparée, à publier.",
        f"Refusé pour {shortlisted.reference} : "
        "Cette action n'est pas possible pour une candidature « Présélectionnée ».",
    ]
    shortlisted.refresh_from_db()
    assert (shortlisted.status, shortlisted.staged_transition) == (Status.SHORTLISTED, "")


def test_publishing_with_nothing_staged_says_so(client, organiser, case):
    jury, _c = case
    client.force_login(organiser)
    response = client.post(
        reverse("jury:decisions"), {"jury": jury.pk, "action": "publish", "reason": "Délibération du jury"}, follow=True
    )
    assert texts(response) == ["Aucune décision préparée à publier."]


def test_decisions_need_an_existing_jury_and_a_post(client, organiser, case):
    client.force_login(organiser)
    assert client.post(reverse("jury:decisions"), {"jury": "x"}).status_code == 404
    assert client.post(reverse("jury:decisions"), {"jury": "999999"}).status_code == 404
    assert client.get(reverse("jury:decisions")).status_code == 405


# --- exports --------------------------------------------------------------------------------------

HEADER = [
    "rang brut",
    "rang normalisé",
    "référence",
    "collectivité",
    "région",
    "titre du projet",
    "état",
    "évaluations soumises",
    "moyenne /20",
    "médiane /20",
    "écart type",
    "note normalisée /20",
    "Innovation : moyenne /5",
    "éliminée par",
    "décision préparée",
]


def csv_rows(response):
    assert response.streaming
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def test_the_csv_export_has_the_tables_columns_for_a_french_excel(client, organiser, case):
    jury, c = case
    Candidature.objects.filter(pk=c["R"].pk).update(staged_transition="select_laureate", staged_level="gold")
    client.force_login(organiser)

    response = client.get(reverse("jury:ranking_csv"), {"jury": jury.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="classement-2031-jury-{jury.pk}-')
    assert csv_rows(response) == [
        HEADER,
        ["1", "3", c["S"].reference, "Saint-Omer", REGION, "Projet de Saint-Omer", AUDITIONED, "2"]
        + ["16,00", "16,00", "5,66", "11,89", "4,00", "", ""],
        ["2", "1", c["Q"].reference, "Quimper", REGION, "Projet de Quimper", AUDITIONED, "2"]
        + ["14,00", "14,00", "8,49", "15,84", "3,50", "", ""],
        ["2", "1", c["R"].reference, "Roubaix", REGION, "Projet de Roubaix", AUDITIONED, "2"]
        + ["14,00", "14,00", "2,83", "15,84", "3,50", "", "Lauréate · Or"],
        ["4", "4", c["P"].reference, "Pont-à-Mousson", REGION, "Projet de Pont-à-Mousson", AUDITIONED, "2"]
        + ["6,00", "6,00", "2,83", "6,43", "1,50", "Innovation", ""],
    ]


def test_the_csv_export_neutralises_formulas(client, organiser, case):
    jury, c = case
    Candidature.objects.filter(pk=c["S"].pk).update(project_title='=HYPERLINK("http://evil.example")')
    client.force_login(organiser)
    rows = csv_rows(client.get(reverse("jury:ranking_csv"), {"jury": jury.pk}))
    assert rows[1][5] == '\'=HYPERLINK("http://evil.example")'


def test_the_xlsx_export_has_numbers_and_the_same_columns(client, organiser, case):
    jury, c = case
    client.force_login(organiser)

    response = client.get(reverse("jury:ranking_xlsx"), {"jury": jury.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.streaming
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "Classement"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        HEADER,
        [1, 3, c["S"].reference, "Saint-Omer", REGION, "Projet de Saint-Omer", AUDITIONED, 2]
        + [16, 16, 5.66, 11.89, 4, None, None],
        [2, 1, c["Q"].reference, "Quimper", REGION, "Projet de Quimper", AUDITIONED, 2]
        + [14, 14, 8.49, 15.84, 3.5, None, None],
        [2, 1, c["R"].reference, "Roubaix", REGION, "Projet de Roubaix", AUDITIONED, 2]
        + [14, 14, 2.83, 15.84, 3.5, None, None],
        [4, 4, c["P"].reference, "Pont-à-Mousson", REGION, "Projet de Pont-à-Mousson", AUDITIONED, 2]
        + [6, 6, 2.83, 6.43, 1.5, "Innovation", None],
    ]


# --- the laureates page and the forum ------------------------------------------------------------


def test_the_laureates_page_of_an_unpublished_edition_is_not_found(client):
    edition = EditionFactory(published=False)
    make_candidature(edition, "Roubaix", status=Status.LAUREATE, outcome_level=Level.GOLD)
    assert client.get(reverse("label:laureates", kwargs={"edition": edition.slug})).status_code == 404
    assert client.get(reverse("label:laureates", kwargs={"edition": "inconnue"})).status_code == 404


def test_the_laureates_page_says_when_none_are_announced_yet(client, case):
    response = client.get(reverse("label:laureates", kwargs={"edition": "2031"}))
    assert response.status_code == 200
    assert response.context["laureates"] == []
    assert "Les lauréats de cette édition n'ont pas encore été annoncés." in response.content.decode()


def test_the_forum_page_lists_the_laureates(client, forum, case):
    _jury, c = case
    for name, level in (("S", Level.BRONZE), ("R", Level.GOLD), ("Q", Level.SILVER)):
        Candidature.objects.filter(pk=c[name].pk).update(
            status=Status.LAUREATE, outcome_level=level, consent_publication=True
        )
    url = reverse("label:laureates", kwargs={"edition": "2031"})

    response = client.get(reverse("events:detail", kwargs={"slug": forum.slug}))

    assert response.context["sections"] == [
        Section(
            title="Lauréats Label Territoire Innovant 2031",
            template_name="events/section_list.html",
            context={
                "items": [
                    {"title": "Roubaix", "detail": f"Or · {REGION} · Projet de Roubaix", "url": url},
                    {"title": "Quimper", "detail": f"Argent · {REGION} · Projet de Quimper", "url": url},
                    {"title": "Saint-Omer", "detail": f"Bronze · {REGION} · Projet de Saint-Omer", "url": url},
                ]
            },
        )
    ]
    assert '<h2 class="h4">Lauréats Label Territoire Innovant 2031</h2>' in response.content.decode()
    other = EventFactory()
    assert client.get(reverse("events:detail", kwargs={"slug": other.slug})).context["sections"] == []


def test_the_laureate_mail_invites_to_the_forum_with_a_prefilled_registration(client, organiser, case):
    jury, c = case
    laureate = c["R"]
    laureate.owner.full_name = "Sophie Leroy"
    laureate.owner.email = "sophie+label@roubaix.example"
    laureate.owner.save()
    client.force_login(organiser)
    client.post(reverse("jury:decisions"), {"jury": jury.pk, f"decision-{laureate.pk}": "gold"})
    client.post(reverse("jury:decisions"), {"jury": jury.pk, "action": "publish", "reason": "Délibération du jury"})

    body = Notification.objects.get(kind="candidature_laureate").body_text
    link = next(line for line in body.splitlines() if "/evenements/" in line)
    assert link == (
        f"{settings.SITE_URL}/evenements/forum-2031/?nom=Sophie%20Leroy&email=sophie%2Blabel%40roubaix.example"
        "&organisation=Roubaix#inscription"
    )

    client.logout()
    parts = urlsplit(link)
    form = client.get(f"{parts.path}?{parts.query}").context["form"]
    assert not form.is_bound
    assert (form["full_name"].value(), form["email"].value(), form["organisation"].value()) == (
        "Sophie Leroy",
        "sophie+label@roubaix.example",
        "Roubaix",
    )


# --- the cost of each page -----------------------------------------------------------------------


def add_laureates(jury, jurors, number):
    for index in range(number):
        candidature = make_candidature(
            jury.edition,
            f"Commune {index}",
            status=Status.LAUREATE,
            outcome_level=Level.values[index % 3],
            consent_publication=True,
        )
        for position, juror in enumerate(jurors):
            scored(jury, juror, candidature, [(index + position) % 6, (index * position) % 6])


def test_each_page_costs_the_same_with_1_and_200_candidatures(client, organiser, forum, count_queries):
    edition = EditionFactory(slug="cout", forum=forum)
    CriterionFactory(edition=edition, name="Innovation", eliminatory_threshold=Decimal(1))
    CriterionFactory(edition=edition, name="Usagers")
    jury, jurors = jury_with_members(3, edition=edition)
    add_laureates(jury, jurors, 1)
    first = Candidature.objects.get(edition=edition)
    client.force_login(organiser)
    pages = [
        (reverse("jury:ranking"), {"jury": jury.pk}),
        (reverse("jury:ranking"), {"jury": jury.pk, "sort": "disagreement", "disagreement": "yes"}),
        (reverse("jury:deliberation", kwargs={"jury_pk": jury.pk, "pk": first.pk}), {"sort": "normalised"}),
        (reverse("jury:ranking_csv"), {"jury": jury.pk}),
        (reverse("jury:ranking_xlsx"), {"jury": jury.pk}),
        (reverse("label:laureates", kwargs={"edition": "cout"}), None),
        (reverse("events:detail", kwargs={"slug": forum.slug}), None),
    ]
    for url, data in pages:
        client.get(url, data)
    one = [count_queries(client, url, data) for url, data in pages]

    add_laureates(jury, jurors, 199)

    assert [count_queries(client, url, data) for url, data in pages] == one, one
    page = client.get(reverse("jury:ranking")).context["page"]
    assert (page.paginator.count, len(page)) == (200, 50)
    assert len(client.get(reverse("label:laureates", kwargs={"edition": "cout"})).context["laureates"]) == 200


def test_the_page_without_any_jury_or_candidature(client, organiser):
    client.force_login(organiser)
    response = client.get(reverse("jury:ranking"))
    assert response.status_code == 200
    assert "Aucun jury n'est encore constitué." in response.content.decode()
    jury, _members = jury_with_members(1)
    response = client.get(reverse("jury:ranking"))
    assert response.context["jury"] == jury
    assert table(response) == [["Aucune candidature pour ce jury."]]
    assert 'id="ranking-chart"' not in response.content.decode()
    assert "Publier les décisions" not in response.content.decode()
