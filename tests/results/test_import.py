"""The import of actuals from the loan system: a good CSV or Excel file becomes draft actuals; a
file with one bad line writes nothing and names every bad line, on the page and in the API."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.results.models import Actual
from tests.conftest import csrf_token

ID = {"Accept-Language": "id"}


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Actual))


def _upload(client, url, data: bytes, name: str, headers=None, **extra):
    return client.post(url, data={"file": (io.BytesIO(data), name), **extra}, content_type="multipart/form-data",
                       headers=headers or {})


def test_a_good_csv_becomes_draft_actuals_split_by_its_dimension_columns(client, sign_in, framework):
    agreement, indicator = framework()
    sign_in("manager")
    url = f"/agreements/{agreement.id}/results/import"
    text = ("indicator;period_start;period_end;value;sex;region\n"
            "TOILET;2026-01-01;2026-03-31;1.250;;\n"
            f"{indicator.id};2026-01-01;2026-03-31;600;female;Kab. Bogor\n"
            "\n"
            "toilet;2026-04-01;2026-06-30;87,5;;\n").replace("toilet", "TOILET")
    resp = _upload(client, url, text.encode(), "realisasi.csv", headers=ID, csrf_token=csrf_token(client, url))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    actuals = db.session.scalars(select(Actual).order_by(Actual.id).options(selectinload(Actual.dimensions))).all()
    assert [(str(a.value), a.status, a.dimension_key) for a in actuals] == [
        ("1250.00", "draft", ()), ("600.00", "draft", (("region", "Kab. Bogor"), ("sex", "female"))),
        ("87.50", "draft", ())]
    assert db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "actual.import")) == \
        '{"document":"realisasi.csv","rows":3}'


def test_a_bad_file_writes_nothing_and_names_every_bad_line(client, sign_in, framework, actual_of):
    agreement, indicator = framework(measure="percentage", targets=())
    actual_of(indicator, 50, period=(dt.date(2026, 4, 1), dt.date(2026, 6, 30)))
    sign_in("manager")
    url = f"/agreements/{agreement.id}/results/import"
    text = ("indicator,period_start,period_end,value,sex\n"
            "TOILET,2026-01-01,2026-03-31,40,\n"          # line 2: good
            "NOPE,2026-01-01,2026-03-31,40,\n"            # line 3: no such indicator
            "TOILET,2026-03-31,2026-01-01,40,\n"          # line 4: period backwards
            "TOILET,2026-01-01,2026-03-31,101,female\n"   # line 5: over 100 percent
            "TOILET,31/01/2026,2026-03-31,4,\n"           # line 6: not an ISO date
            "TOILET,2026-01-01,2026-03-31,40,\n"          # line 7: same figure as line 2
            "TOILET,2026-04-01,2026-06-30,55,\n"          # line 8: a verified figure exists
            "TOILET,2026-01-01,2026-03-31,3,lainnya\n")   # line 9: sex is female or male
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    resp = _upload(client, url, text.encode(), "realisasi.csv", csrf_token=csrf_token(client, url))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    for line in (3, 4, 5, 6, 7, 8, 9):
        assert f"Line {line}:" in page, line
    assert "Line 2:" not in page
    assert "no indicator NOPE" in page and "The period ends before it starts." in page
    assert "A percentage is from 0 to 100." in page and "not a date; write it as 2026-03-31" in page
    assert "Line 2 has the same indicator, period and dimensions." in page
    assert "The sex of the household head is female or male." in page
    assert _count() == 1  # only the verified one from before
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_an_excel_file_is_read_with_typed_cells(api_as, framework):
    agreement, indicator = framework()
    book = Workbook()
    sheet = book.active
    sheet.append(["Indicator", "Period start", "Period end", "Value", "Region"])
    sheet.append(["TOILET", dt.date(2026, 1, 1), dt.datetime(2026, 3, 31), 120, "Kab. Bogor"])
    sheet.append([indicator.id, "2026-01-01", "2026-03-31", 300.25, None])
    data = io.BytesIO()
    book.save(data)
    resp = api_as("manager").client.post(
        f"/api/v1/agreements/{agreement.id}/results/import", data={"file": (io.BytesIO(data.getvalue()), "r.xlsx")},
        headers=api_as("manager").headers, content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"imported": 2}
    assert sorted(str(a.value) for a in db.session.scalars(select(Actual))) == ["120.00", "300.25"]


def test_the_api_names_the_bad_lines_in_the_file_field(api_as, framework):
    agreement, _indicator = framework()
    manager = api_as("manager")
    resp = manager.client.post(
        f"/api/v1/agreements/{agreement.id}/results/import", headers=manager.headers,
        data={"file": (io.BytesIO(b"indicator,period_start,period_end,value\nTOILET,2026-01-01,2026-03-31,x\n"),
                       "r.csv")}, content_type="multipart/form-data")
    assert resp.status_code == 422
    [message] = resp.get_json()["error"]["fields"]["file"]
    assert message.startswith("Line 2: value: Not an amount")
    assert _count() == 0


def test_a_file_without_the_columns_is_refused_at_line_1(api_as, framework):
    agreement, _indicator = framework()
    manager = api_as("manager")
    for data in (b"id,value\n1,2\n", b"", b"\xff\xfe\x00garbage", b"PK\x03\x04not a zip",
                 b"indicator,period_start,period_end,value\x00\n", b'indicator,"period_start"x\n'):
        resp = manager.client.post(f"/api/v1/agreements/{agreement.id}/results/import", headers=manager.headers,
                                   data={"file": (io.BytesIO(data), "r.csv")}, content_type="multipart/form-data")
        assert resp.status_code == 422, data
        assert resp.get_json()["error"]["fields"]["file"][0].startswith("Line 1: "), resp.get_json()
    assert _count() == 0
