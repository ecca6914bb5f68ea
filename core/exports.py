"""Tables written for spreadsheets: CSV for a French Excel, XLSX cells; what people typed never runs as a formula.

Every CSV and XLSX the site writes goes through here. An export is any object with ``header()`` (the column
titles) and ``rows()`` (lists of values); ``Table`` makes one from a header and rows already at hand.
"""

import csv
from datetime import datetime
from decimal import Decimal

from django.utils import formats, numberformat, translation
from openpyxl.cell import WriteOnlyCell

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


def xlsx_cell(sheet, value):
    if value in (None, ""):
        return None
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever was typed
    elif isinstance(value, datetime):
        cell.number_format = "dd/mm/yyyy hh:mm"
    return cell
