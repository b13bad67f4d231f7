"""The Excel twins of the CSV exports: the same rows as the CSV, in typed cells.

Each workbook is opened with openpyxl and compared cell by cell with its CSV: a date is a date, an
amount is a number formatted `"Rp "#,##0` (Excel shows it with the reader's grouping, 1.500.000 in
Indonesian), a text is the same text (a formula-like one marked as text instead of an apostrophe)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from govtrack.core.exports import Column, Kind, write_xlsx
from govtrack.extensions import db

D = dt.date
ID = {"Accept-Language": "id"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_csv(resp) -> list[list[str]]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


def read_xlsx(resp):
    assert resp.status_code == 200 and resp.mimetype == XLSX
    assert resp.headers["Content-Disposition"].startswith("attachment") and ".xlsx" in resp.headers[
        "Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(resp.get_data()))
    assert len(book.worksheets) == 1
    return book.worksheets[0]


def assert_same_table(sheet, rows: list[list[str]], kinds: dict[str, str]) -> None:
    """Every cell of the workbook holds what the CSV says, typed by its column's kind."""
    header = rows[0]
    assert [c.value for c in sheet[1]] == header
    assert all(c.font.b for c in sheet[1]), "the header row is bold"
    assert sheet.freeze_panes == "A2", "the header row is frozen"
    assert sheet.max_row == len(rows)
    for r, csv_row in enumerate(rows[1:], start=2):
        cells = sheet[r]
        assert len(cells) == len(csv_row)
        for name, cell, text in zip(header, cells, csv_row, strict=True):
            where = (r, name, text, cell.value)
            if text == "":
                assert cell.value is None, where
                continue
            kind = kinds.get(name, "text")
            if kind == "date":
                assert isinstance(cell.value, dt.datetime) and cell.is_date, where
                assert cell.value.date().isoformat() == text and cell.number_format == "dd/mm/yyyy", where
            elif kind == "month" and re.fullmatch(r"\d{4}-\d{2}", text):
                assert isinstance(cell.value, dt.datetime) and cell.is_date, where
                assert cell.value.strftime("%Y-%m") == text and cell.number_format == "mmmm yyyy", where
            elif kind == "money":
                assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), where
                assert Decimal(str(cell.value)) == Decimal(text), where
                assert cell.number_format in ('"Rp "#,##0', '"Rp "#,##0.00', '"USD "#,##0.00'), where
            elif text.startswith("'") and text[1:2] in ("=", "+", "-", "@", "\t", "\r"):
                # the CSV's apostrophe; the workbook keeps the text and marks it as text
                assert cell.data_type == "s" and cell.value == text[1:], where
                assert cell.quotePrefix, where
            else:
                assert cell.data_type == "s" and cell.value == text, where


OBLIGATION_KINDS = {"Jatuh tempo": "date", "Terpenuhi pada": "date", "Jumlah": "money", "Dibayar": "money",
                    "Sisa": "money"}


@pytest.fixture
def exported(app, setting, make_obligation):
    """Obligations with every kind of cell: whole and cent amounts, a part payment, a fulfilled one,
    no amount, a dollar amount, a formula-like title and note."""
    from govtrack.obligations.services import fulfil, load_for_update

    make_obligation(due_date=D(2027, 3, 1), title="Tahap 2 hibah", amount="1500000000")
    make_obligation(due_date=D(2027, 3, 20), title="=HYPERLINK(\"http://x\")", amount="250000.50")
    make_obligation(due_date=D(2027, 4, 2), title="Laporan triwulan", kind="report")
    make_obligation(due_date=D(2027, 5, 1), title="Cicilan", owed_by="cooperative",
                    partner_id=setting["lender"].id, kind="repayment", amount="12500", currency="USD")
    paid = make_obligation(due_date=D(2027, 3, 10), title="Dibayar sebagian", amount="1000000")
    done = make_obligation(due_date=D(2027, 2, 1), title="Sudah dipenuhi", amount="300000")
    with app.test_request_context():
        fulfil(actor="test", obligation=load_for_update(paid.id), on=D(2027, 3, 12), note="@sebagian",
               amount=Decimal("400000"))
        fulfil(actor="test", obligation=load_for_update(done.id), on=D(2027, 2, 3), note="lunas")
    db.session.commit()
    return setting


def test_the_obligations_workbook_holds_the_csv_s_rows_in_typed_cells(client, sign_in, exported, today):
    sign_in(exported["manager"])
    for query in ("", "?status=open", "?status=fulfilled", "?status=overdue&direction=partner"):
        rows = read_csv(client.get("/obligations/export.csv" + query, headers=ID))
        sheet = read_xlsx(client.get("/obligations/export.xlsx" + query, headers=ID))
        assert_same_table(sheet, rows, OBLIGATION_KINDS)
        assert len(rows) > 1, query  # each filter finds something, or the comparison proves little
    # The cells a reader relies on, by value.
    sheet = read_xlsx(client.get("/obligations/export.xlsx", headers=ID))
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Jatuh tempo", "Status", "Arah"]
    by_title = {row[header.index("Kewajiban")].value: row for row in sheet.iter_rows(min_row=2)}
    grant = by_title["Tahap 2 hibah"]
    assert grant[header.index("Jatuh tempo")].value == dt.datetime(2027, 3, 1)
    assert grant[header.index("Jumlah")].value == 1500000000
    assert grant[header.index("Jumlah")].number_format == '"Rp "#,##0'
    cents = by_title['=HYPERLINK("http://x")'][header.index("Jumlah")]
    assert cents.value == 250000.5 and cents.number_format == '"Rp "#,##0.00'
    assert by_title["Cicilan"][header.index("Jumlah")].number_format == '"USD "#,##0.00'
    part = by_title["Dibayar sebagian"]
    assert (part[header.index("Dibayar")].value, part[header.index("Sisa")].value) == (400000, 600000)
    assert part[header.index("Catatan")].value == "@sebagian" and part[header.index("Catatan")].quotePrefix
    assert by_title["Sudah dipenuhi"][header.index("Terpenuhi pada")].value == dt.datetime(2027, 2, 3)
    assert by_title["Laporan triwulan"][header.index("Jumlah")].value is None
    assert by_title["Laporan triwulan"][header.index("Jenis")].value == "Laporan"  # a label, not `report`
    assert sheet.title == "Kewajiban"


def test_the_workbook_follows_the_view_s_filters(client, sign_in, exported, today):
    sign_in(exported["manager"])
    sheet = read_xlsx(client.get("/obligations/export.xlsx?status=overdue&direction=partner"))
    titles = {row[6].value for row in sheet.iter_rows(min_row=2)}
    assert titles == {"Tahap 2 hibah", "Dibayar sebagian"}


def test_the_maturity_wall_workbook_holds_the_csv_s_rows(client, sign_in, setting, make_obligation, today):
    make_obligation(due_date=D(2027, 1, 10), title="Terlambat", owed_by="cooperative", kind="repayment",
                    partner_id=setting["lender"].id, amount="2000000")
    make_obligation(due_date=D(2027, 5, 10), title="Mei", owed_by="cooperative", kind="repayment",
                    partner_id=setting["lender"].id, amount="7500000")
    sign_in(setting["manager"])
    rows = read_csv(client.get("/obligations/maturity.csv", headers=ID))
    sheet = read_xlsx(client.get("/obligations/maturity.xlsx", headers=ID))
    assert_same_table(sheet, rows, {"Bulan": "month", "Jumlah": "money"})
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values[0] == ["Lewat jatuh tempo dari bulan-bulan sebelumnya", "IDR", 2000000]
    assert [dt.datetime(2027, 5, 1), "IDR", 7500000] in values


@pytest.mark.parametrize("role", [None, "member", "board", "manager", "admin"])
def test_each_workbook_answers_exactly_as_its_csv_does(client, sign_in, setting, role):
    sign_in(role)
    for csv_url in ("/obligations/export.csv", "/obligations/maturity.csv"):
        want = client.get(csv_url)
        got = client.get(csv_url.replace(".csv", ".xlsx"))
        assert got.status_code == want.status_code, (role, csv_url)
        if want.status_code == 302:
            assert got.headers["Location"].split("?")[0] == want.headers["Location"].split("?")[0]
        if want.status_code == 200:
            assert got.mimetype == XLSX and got.headers["Cache-Control"] == want.headers["Cache-Control"]
        want.close()
        got.close()


def test_every_csv_route_has_an_xlsx_twin_and_every_csv_link_a_workbook_link_beside_it(
    app, client, sign_in, setting
):
    rules = {r.rule: r for r in app.url_map.iter_rules()}
    csv_rules = [rule for rule in rules if rule.endswith(".csv")]
    assert {"/obligations/export.csv", "/obligations/maturity.csv"} <= set(csv_rules)
    for rule in csv_rules:
        twin = rules.get(rule[:-4] + ".xlsx")
        assert twin is not None, rule
        assert twin.endpoint == rules[rule].endpoint.removesuffix("_csv") + "_xlsx", rule
    sign_in(setting["manager"])
    for page in ("/obligations/", "/obligations/list?status=overdue&direction=partner", "/obligations/maturity"):
        html = client.get(page, headers=ID).get_data(as_text=True)
        csv_links = re.findall(r'href="([^"]+)\.csv(\?[^"]*)?"', html)
        assert csv_links, page
        for path, query in csv_links:
            assert f'href="{path}.xlsx{query}"' in html, (page, path, query)
        assert "Ekspor Excel" in html, page


def test_amounts_excel_cannot_hold_exactly_are_written_as_exact_text(tmp_path):
    columns = [Column("Tanggal", Kind.date), Column("Mata uang"), Column("Jumlah", Kind.money, currency=1),
               Column("Anggota", Kind.integer)]
    rows = [[D(2027, 1, 2), "IDR", Decimal("999999999999999.99"), 3],
            [D(2027, 1, 3), "IDR", Decimal("999999999999999"), 4],
            [None, "IDR", Decimal("0.00"), None]]
    path = tmp_path / "t.xlsx"
    with open(path, "wb") as out:
        assert write_xlsx(out, columns, rows, sheet_name="Uji: a/b?") == 3
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet.title == "Uji  a b "
    assert [c.value for c in sheet[2]] == [dt.datetime(2027, 1, 2), "IDR", "999999999999999.99", 3]
    assert sheet["C3"].value == 999999999999999 and sheet["C3"].number_format == '"Rp "#,##0'
    assert sheet["A4"].value is None and sheet["C4"].value == 0 and sheet["D4"].value is None
    assert sheet.auto_filter.ref == "A1:D4"

