"""One formula-safe writer for every CSV and XLSX: what people typed comes out as text, never as a formula."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.exports import Table, csv_lines, csv_value, xlsx_bytes
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_the_registrations_csv_keeps_formulas_as_text(organiser_client):
    event = EventFactory()
    at = timezone.make_aware(datetime(2031, 6, 18, 10, 30))
    RegistrationFactory(
        event=event, full_name="=cmd|' /C calc'!A0", email="a@ville.example", organisation="@SUM(1)", created_at=at
    )
    RegistrationFactory(
        event=event,
        full_name="+33 6 12 34 56 78",
        email="b@ville.example",
        organisation="-2+3",
        attendance="online",
        created_at=at,
    )
    RegistrationFactory(
        event=event, full_name="\tTabulation", email="c@ville.example", organisation="\rRetour", created_at=at
    )

    response = organiser_client.get(reverse("events:registrations_csv", kwargs={"slug": event.slug}))

    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(content[1:]), delimiter=";")) == [
        ["Nom", "Adresse e-mail", "Organisation", "Participation", "État", "Inscrit le"],
        ["'=cmd|' /C calc'!A0", "a@ville.example", "'@SUM(1)", "Sur place", "Confirmée", "18/06/2031 10:30"],
        ["'+33 6 12 34 56 78", "b@ville.example", "'-2+3", "En ligne", "Confirmée", "18/06/2031 10:30"],
        ["'\tTabulation", "c@ville.example", "'\rRetour", "Sur place", "Confirmée", "18/06/2031 10:30"],
    ]


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Lille = Roubaix", "Lille = Roubaix"),
        (None, ""),
        (Decimal("15000.5"), "15000,50"),
        (datetime(2020, 6, 19, 23, 59), "19/06/2020 23:59"),
        (12000, 12000),
    ],
)
def test_a_csv_value(value, written):
    assert csv_value(value, ",") == written


def test_csv_lines_of_a_table_in_the_language_asked():
    table = Table(["montant"], iter([[Decimal("1.5")], ["=2"]]))

    assert list(csv_lines(table, "en")) == ["\ufeff", "montant\r\n", "1.50\r\n", "'=2\r\n"]


def test_an_xlsx_workbook_keeps_text_as_text_and_instants_as_dates():
    typed = '=HYPERLINK("https://evil.example")'
    header = ["texte", "nombre", "vide", "rien", "instant", "décimal", "lien", "chiffres"]
    table = Table(
        header,
        iter([[typed, 3, "", None, datetime(2026, 12, 1, 14, 5), Decimal("12.50"), "https://a.example", "0042"]]),
    )

    workbook = load_workbook(io.BytesIO(xlsx_bytes(table, "Candidatures [2026]")))

    sheet = workbook.active
    assert sheet.title == "Candidatures  2026 "
    cells = list(sheet.iter_rows(min_row=2, values_only=False))[0]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        (typed, "s"),
        (3, "n"),
        (None, "n"),
        (None, "n"),
        (datetime(2026, 12, 1, 14, 5), "d"),
        (12.5, "n"),
        ("https://a.example", "s"),
        ("0042", "s"),
    ]
    assert cells[4].number_format == "dd/mm/yyyy hh:mm"
    assert [cell.value for cell in sheet[1]] == [
        "texte",
        "nombre",
        "vide",
        "rien",
        "instant",
        "décimal",
        "lien",
        "chiffres",
    ]
