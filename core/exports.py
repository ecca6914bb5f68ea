"""Tables written for spreadsheets: CSV for a French Excel, XLSX cells; what people typed never runs as a formula.

Every CSV and XLSX the site writes goes through here. An export is any object with ``header()`` (the column
titles) and ``rows()`` (lists of values); ``Table`` makes one from a header and rows already at hand.
"""

import csv
import io
from datetime import datetime
from decimal import Decimal

import xlsxwriter
from django.utils import formats, numberformat, translation

# A spreadsheet runs a cell starting with one of these as a formula: people write these texts.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Table:
    """An export from a header and rows (any iterable, read once, while the lines are written)."""

    def __init__(self, header, rows):
        self._header = header
        self._rows = rows

    def header(self):
        return self._header

    def rows(self):
        return self._rows


class _Echo:
    def write(self, value):
        return value


def csv_value(value, decimal_separator=None):
    """A cell as text; pass ``decimal_separator`` (the language's) when writing many, to look it up once."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, Decimal):
        separator = decimal_separator or formats.get_format("DECIMAL_SEPARATOR")
        return numberformat.format(value, separator, decimal_pos=2)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(export, language):
    """UTF-8 with a BOM and ";" between fields: what a French Excel opens without asking. Lines, to stream."""
    writer = csv.writer(_Echo(), delimiter=";")
    with translation.override(language):
        separator = formats.get_format("DECIMAL_SEPARATOR")
        yield "\ufeff"
        yield writer.writerow([str(title) for title in export.header()])
        for row in export.rows():
            yield writer.writerow([csv_value(value, separator) for value in row])


# XlsxWriter reads nothing into what it is given: text stays text (no formula, number or link guessed from it).
XLSX_OPTIONS = {
    # Built in memory, no temporary file: a few thousand rows make a few hundred kilobytes.
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "remove_timezone": True,
}
# Characters a sheet's name may not hold, and its longest length.
SHEET_NAME_FORBIDDEN = str.maketrans({character: " " for character in "[]:*?/\\"})
SHEET_NAME_LENGTH = 31


def xlsx_bytes(export, title):
    """The export as a one-sheet XLSX workbook named ``title``: text written as text, whatever it starts with,
    instants as dates, empty values as empty cells."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, XLSX_OPTIONS)
    sheet = workbook.add_worksheet(str(title).translate(SHEET_NAME_FORBIDDEN)[:SHEET_NAME_LENGTH])
    instant = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for column, heading in enumerate(export.header()):
        sheet.write_string(0, column, str(heading))
    for line, row in enumerate(export.rows(), start=1):
        for column, value in enumerate(row):
            _write_cell(sheet, line, column, value, instant)
    workbook.close()
    return buffer.getvalue()


def _write_cell(sheet, line, column, value, instant):
    if value is None or value == "":
        return
    if isinstance(value, str):
        sheet.write_string(line, column, value)
    elif isinstance(value, bool):
        sheet.write_boolean(line, column, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(line, column, float(value))
    elif isinstance(value, datetime):
        sheet.write_datetime(line, column, value, instant)
    else:
        sheet.write_string(line, column, str(value))
