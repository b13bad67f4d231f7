"""The reading of an uploaded table (govtrack.core.uploads.read_table), shared by the importers of
survey answers and of results: CSV as Indonesian spreadsheets write it, Excel's first sheet with typed
cells, and every unreadable file refused with its reason (never an exception the page cannot name)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from govtrack.core.uploads import TableUnreadable, read_table


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_with_a_byte_order_mark_and_semicolons_is_read_as_written(app_context):
    data = "\ufeffnomor;biaya\r\nM-1;25.000\r\n\"M-2\";\"2,5\"\r\n".encode()
    assert read_table(data, max_lines=10) == [["nomor", "biaya"], ["M-1", "25.000"], ["M-2", "2,5"]]
    # commas win when the first line has more of them
    assert read_table(b"a,b;c\n1,2;3\n", max_lines=10) == [["a", "b;c"], ["1", "2;3"]]


def test_a_workbook_gives_typed_cells_and_stops_after_one_line_too_many(app_context):
    data = _xlsx([["nomor", "tanggal", "biaya"], ["M-1", dt.date(2026, 3, 1), 25000], *[["M-x", None, i] for i in range(50)]])
    rows = read_table(data, max_lines=5)
    assert rows[0] == ["nomor", "tanggal", "biaya"]
    assert rows[1][0] == "M-1" and rows[1][1].date() == dt.date(2026, 3, 1) and rows[1][2] == 25000
    assert len(rows) == 7  # the header, the five allowed and one more: enough to say "too long"


@pytest.mark.parametrize(("data", "reason"), [
    (b"PK\x03\x04not a zip", "The file is not a readable Excel workbook (.xlsx)."),
    (b"\xff\xfe\x00garbage", "The file is neither UTF-8 text (CSV) nor an Excel workbook."),
    (b"nomor,biaya\nM-1\x00,2\n", "The file is neither UTF-8 text (CSV) nor an Excel workbook."),
    (b'nomor,biaya\n"M-1"x,2\n', "The file is not valid CSV: ',' expected after '\"'"),
])
def test_an_unreadable_file_is_refused_with_its_reason(app_context, data, reason):
    with pytest.raises(TableUnreadable) as caught:
        read_table(data, max_lines=10)
    assert caught.value.message == reason


def test_the_reasons_are_in_the_readers_language(app):
    with app.test_request_context(headers={"Accept-Language": "id"}), pytest.raises(TableUnreadable) as caught:
        read_table(b"PK\x03\x04not a zip", max_lines=10)
    assert caught.value.message == "Berkas ini bukan buku kerja Excel (.xlsx) yang dapat dibaca."
