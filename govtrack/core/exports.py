"""Tables people download: one list of typed columns, written as CSV or as an Excel workbook.

The CSV is text (ISO dates, amounts with a dot) and streams as it is written. Indonesian Excel reads
such a file wrongly (a dot is its thousands separator), so every CSV export has an `.xlsx` twin with
typed cells: dates are dates, amounts are numbers shown as `Rp 1.500.000` (the format string is
`"Rp "#,##0`; Excel puts in the reader's own grouping mark), the header row is bold and frozen.

The workbook is written by XlsxWriter in constant-memory mode into an anonymous temporary file, one
row at a time (no row is kept once the next is written; strings are written inline, not collected
into a shared table), and then streamed from that file: memory stays flat however many rows.

Sheets of record (the audit export) carry a few lines more: `csv_response(..., footer=...)` adds rows
after the table (after an empty row), and `xlsx_response(..., extra_sheets=...)` adds small sheets
(name, rows) after the table's, e.g. the audit chain's anchor at the time of export.

Times (`Kind.datetime`) are the cooperative's wall clock: the CSV writes ISO 8601 with the offset
(`2026-12-05T09:00:00+07:00`), the workbook a date-time cell (Excel has no zones: the column title
names it, e.g. "Waktu (WIB)").

Formulas: a CSV cell that starts with = + - @, a tab or a carriage return gets a leading apostrophe
(`csv_safe`). A workbook's text cell is never a formula (it is written as a string), and one that a
spreadsheet would read as a formula once edited is marked "quote prefix", Excel's own way of saying
"this is text", so the person sees the text as it was entered.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import xlsxwriter
from flask import Response, stream_with_context

from govtrack.core import clock

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel keeps 15 significant digits; a longer amount (past ten trillion with cents) would be
# silently rounded, so it is written as exact text instead.
EXCEL_DIGITS = 15
CHUNK = 64 * 1024


class Kind(StrEnum):
    """What a column holds: how the CSV spells it and which cell type the workbook gives it."""

    text = "text"
    date = "date"
    month = "month"  # a date standing for its month (the first day)
    money = "money"  # Decimal; its currency is in another column (`Column.currency`)
    integer = "integer"
    datetime = "datetime"  # an aware time, written on the cooperative's wall clock
    number = "number"  # a Decimal figure (an indicator's value, a percentage), no currency


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading (already in the reader's language) and its kind."""

    title: str
    kind: Kind = Kind.text
    currency: int | None = None  # for money: the index of the column holding the currency code
    width: int | None = None  # in characters, for the workbook


def csv_safe(value) -> str:
    """A spreadsheet must not run a cell as a formula: neutralise = + - @ (and tab, CR) first."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _wall(value: dt.datetime) -> dt.datetime:
    """An aware time on the cooperative's wall clock (a naive one is taken as UTC, as stored)."""
    return clock.local(value if value.tzinfo else value.replace(tzinfo=dt.UTC))


def csv_text(value, kind: Kind) -> str:
    """How the CSV writes one value: ISO dates, `2026-05` for a month, amounts as plain decimals."""
    if value is None:
        return ""
    if kind is Kind.datetime and isinstance(value, dt.datetime):
        return _wall(value).isoformat(timespec="seconds")
    if kind is Kind.month and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.isoformat()
    return csv_safe(value)


def csv_chunks(columns: Sequence[Column], rows: Iterable[Sequence],
               footer: Iterable[Sequence] | Callable[[], Iterable[Sequence]] = ()) -> Iterator[str]:
    """The CSV text in chunks of about 64 KiB: the header, the rows, then (after an empty row) the
    footer rows, if any (a callable is called once the rows are written)."""
    kinds = [c.kind for c in columns]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([csv_safe(c.title) for c in columns])
    for row in rows:
        writer.writerow([csv_text(v, k) for v, k in zip(row, kinds, strict=True)])
        if buf.tell() > CHUNK:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    extra = list(footer() if callable(footer) else footer)
    if extra:
        writer.writerow([])
        for row in extra:
            writer.writerow([csv_safe(v) for v in row])
    yield buf.getvalue()


def csv_response(columns: Sequence[Column], rows: Iterable[Sequence], filename: str, *,
                 footer: Iterable[Sequence] | Callable[[], Iterable[Sequence]] = ()) -> Response:
    """A CSV download, written and sent in chunks of about 64 KiB (rows read once, in order)."""

    def generate() -> Iterator[str]:
        yield from csv_chunks(columns, rows, footer)

    return Response(
        stream_with_context(generate()), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def table_response(fmt: str, columns: Sequence[Column], rows: Iterable[Sequence], stem: str,
                   sheet: str) -> Response:
    """A register's table as CSV or as an Excel workbook: `fmt` is the route's extension ("csv" or
    "xlsx"), `stem` the file's name without it, `sheet` the workbook's sheet."""
    if fmt == "xlsx":
        return xlsx_response(columns, rows, f"{stem}.xlsx", sheet_name=sheet)
    return csv_response(columns, rows, f"{stem}.csv")


def paged(fetch: Callable[[str | None], object]) -> Iterator:
    """Every item of a keyset-paged list, page after page: `fetch(cursor)` answers a
    `core.paging.Page` (items and the next cursor). An export reads its page's own query this way,
    so it lists what the page lists, with the same filters and permissions, a batch at a time."""
    cursor = None
    while True:
        page = fetch(cursor)
        yield from page.items
        cursor = page.next
        if not cursor:
            return


def money_format(currency: str | None, amount: Decimal) -> str:
    """Excel's number format for an amount: `"Rp "#,##0` for whole rupiah, with cents when it has them."""
    code = currency if currency and re.fullmatch(r"[A-Z]{3}", currency) else ""
    prefix = '"Rp "' if code in ("IDR", "") else f'"{code} "'
    whole = amount == amount.to_integral_value() and code in ("IDR", "")
    return prefix + ("#,##0" if whole else "#,##0.00")


def excel_exact(amount: Decimal) -> bool:
    """Whether Excel can hold the amount without rounding it (15 significant digits)."""
    digits = amount.normalize().as_tuple()
    return len(digits.digits) <= EXCEL_DIGITS


class _Formats:
    """The workbook's cell formats, made once each (XlsxWriter wants a fixed set per file)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "dd/mm/yyyy"})
        self.month = book.add_format({"num_format": "mmmm yyyy"})
        self.datetime = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
        self.text = book.add_format({})
        self.quoted = book.add_format({"quote_prefix": True})
        self.integer = book.add_format({"num_format": "0"})
        self.whole = book.add_format({"num_format": "#,##0"})
        self.decimal = book.add_format({"num_format": "#,##0.0#"})
        self._money: dict[str, object] = {}

    def money(self, num_format: str):
        fmt = self._money.get(num_format)
        if fmt is None:
            fmt = self._money[num_format] = self.book.add_format({"num_format": num_format})
        return fmt


def _write_cell(sheet, formats: _Formats, r: int, c: int, value, column: Column, row: Sequence) -> None:
    if value is None or value == "":
        return  # an empty cell, as the CSV's empty field
    kind = column.kind
    if kind in (Kind.date, Kind.month) and isinstance(value, dt.date):
        when = dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime) else value
        sheet.write_datetime(r, c, when, formats.month if kind is Kind.month else formats.date)
        return
    if kind is Kind.money and isinstance(value, Decimal) and value.is_finite() and excel_exact(value):
        currency = row[column.currency] if column.currency is not None else None
        sheet.write_number(r, c, float(value), formats.money(money_format(currency, value)))
        return
    if kind is Kind.integer and isinstance(value, int) and not isinstance(value, bool):
        sheet.write_number(r, c, value, formats.integer)
        return
    if kind is Kind.number and isinstance(value, Decimal) and value.is_finite() and excel_exact(value):
        whole = value == value.to_integral_value()
        sheet.write_number(r, c, float(value), formats.whole if whole else formats.decimal)
        return
    if kind is Kind.datetime and isinstance(value, dt.datetime):
        sheet.write_datetime(r, c, _wall(value).replace(tzinfo=None), formats.datetime)
        return
    text = str(value)
    sheet.write_string(r, c, text, formats.quoted if text.startswith(FORMULA_STARTS) else formats.text)


def _sheet_name(name: str) -> str:
    # Sheet names: at most 31 characters and none of []:*?/\ (Excel's rule).
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31] or "Sheet1"


def _workbook(out) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tempfile.gettempdir(),
                                     "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})


def _table_sheet(book, formats: _Formats, name: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
    """One sheet of typed cells under a bold, frozen header row; answers the number of rows."""
    sheet = book.add_worksheet(_sheet_name(name))
    for c, column in enumerate(columns):
        width = column.width or {Kind.date: 12, Kind.month: 16, Kind.money: 18, Kind.integer: 10,
                                 Kind.datetime: 17, Kind.number: 12}.get(
            column.kind, max(12, min(40, len(column.title) + 2)))
        sheet.set_column(c, c, width)
        sheet.write_string(0, c, column.title, formats.header)
    sheet.freeze_panes(1, 0)
    n = 0
    for n, row in enumerate(rows, start=1):
        for c, (value, column) in enumerate(zip(row, columns, strict=True)):
            _write_cell(sheet, formats, n, c, value, column, row)
    if n:
        sheet.autofilter(0, 0, n, len(columns) - 1)
    return n


def write_workbook(out, tables: Iterable[tuple[str, Sequence[Column], Iterable[Sequence]]]) -> None:
    """A workbook of several typed tables, one sheet each (name, columns, rows), as write_xlsx writes one."""
    book = _workbook(out)
    formats = _Formats(book)
    for name, columns, rows in tables:
        _table_sheet(book, formats, name, columns, rows)
    book.close()


def write_xlsx(out, columns: Sequence[Column], rows: Iterable[Sequence], *, sheet_name: str,
               extra_sheets: Iterable[tuple[str, Sequence[Sequence]]]
               | Callable[[], Iterable[tuple[str, Sequence[Sequence]]]] = ()) -> int:
    """Write a workbook to the binary file `out`: the table's sheet, then any small extra sheets
    (name, rows of text; a callable is called once the table is written); answers the number of
    data rows."""
    book = _workbook(out)
    formats = _Formats(book)
    n = _table_sheet(book, formats, sheet_name, columns, rows)
    for name, extra_rows in (extra_sheets() if callable(extra_sheets) else extra_sheets):
        extra = book.add_worksheet(_sheet_name(name))
        extra.set_column(0, 0, 28)
        extra.set_column(1, 1, 60)
        for r, row in enumerate(extra_rows):
            for c, value in enumerate(row):
                if value is not None and value != "":
                    text = str(value)
                    extra.write_string(r, c, text, formats.quoted if text.startswith(FORMULA_STARTS) else formats.text)
    book.close()
    return n


def xlsx_response(columns: Sequence[Column], rows: Iterable[Sequence], filename: str, *,
                  sheet_name: str, extra_sheets=()) -> Response:
    """An Excel download: written to a temporary file (rows read once, in order), then streamed."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the generator below once sent
    try:
        write_xlsx(spool, columns, rows, sheet_name=sheet_name, extra_sheets=extra_sheets)
        size = spool.tell()
        spool.seek(0)
    except BaseException:
        spool.close()
        raise

    def generate() -> Iterator[bytes]:
        try:
            while chunk := spool.read(CHUNK):
                yield chunk
        finally:
            spool.close()

    return Response(
        generate(), mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Content-Length": str(size)},
    )
