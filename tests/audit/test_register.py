"""The auditor's view of the audit log: filters by user (name or e-mail), local dates, object and
action; the sign-in history; each event in words; the exports with the chain's anchor."""

from __future__ import annotations

import csv
import datetime as dt
import io

import lxml.html
import openpyxl
import pytest
from sqlalchemy import func, select

from govtrack.audit import queries
from govtrack.audit import services as audit_services
from govtrack.audit.models import AuditEvent
from govtrack.audit.queries import AuditFilter
from govtrack.audit.services import parse_anchor, verify_chain
from govtrack.extensions import db
from govtrack.partners.services import update_partner
from tests.conftest import PASSWORD, csrf_token

ID = {"Accept-Language": "id"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(html: str) -> list[list[str]]:
    """The events table as text, one list of cells per event."""
    doc = lxml.html.fromstring(html)
    return [[" ".join(td.text_content().split()) for td in tr.findall("td")]
            for tr in doc.xpath("//table/tbody/tr") if len(tr.findall("td")) > 1]


def read_csv(resp) -> list[list[str]]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv", resp.status_code
    assert resp.headers["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


@pytest.fixture
def admin(make_user):
    return make_user("admin", email="auditor@example.test", name="Ibu Auditor")


def test_only_those_allowed_see_the_log_and_its_exports(client, sign_in, make_user):
    for url in ("/admin/audit/", "/admin/audit/export.csv", "/admin/audit/export.xlsx"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
    for role in ("manager", "board", "member"):
        sign_in(role)
        for url in ("/admin/audit/", "/admin/audit/export.csv", "/admin/audit/export.xlsx"):
            assert client.get(url).status_code == 403, (role, url)
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_filter_by_user_e_mail_or_part_of_the_name(client, sign_in, admin, make_user, make_partner):
    rina = make_user("manager", email="rina@example.test", name="Rina Wulandari")
    budi = make_user("manager", email="budi@example.test", name="Budi Santoso")
    partner = make_partner("Dinas PU")
    update_partner(actor=rina, partner=partner, changes={"region": "Kabupaten Bogor"})
    update_partner(actor=budi, partner=partner, changes={"region": "Kota Depok"})
    db.session.commit()
    sign_in(admin)
    for who in ("rina@example.test", "RINA@example.test", "wulan"):
        resp = client.get(f"/admin/audit/?user={who}")
        assert resp.status_code == 200, who
        rows = rows_of(resp.get_data(as_text=True))
        assert rows and all("Rina Wulandari (rina@example.test)" in r[2] for r in rows), (who, rows)
        assert any("Region: — → Kabupaten Bogor" in r[5] for r in rows), rows
        assert "Rina Wulandari" in resp.get_data(as_text=True).split("Events of:")[1][:200]


def test_an_unknown_user_is_said_and_nothing_is_listed(client, sign_in, admin, make_partner):
    make_partner("Dinas PU")
    sign_in(admin)
    resp = client.get("/admin/audit/?user=nobody@example.test", headers=ID)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "nobody@example.test" in html and rows_of(html) == []
    doc = lxml.html.fromstring(html)
    assert doc.get_element_by_id("user").get("aria-invalid") == "true"
    assert doc.get_element_by_id("user-error").text_content().strip()
    # ... and the exports refuse it too, rather than exporting everything.
    resp = client.get("/admin/audit/export.csv?user=nobody@example.test")
    assert resp.status_code == 422 and "nobody@example.test" in resp.get_data(as_text=True)


@pytest.mark.parametrize("query, field", [("from=2026-02-30", "from"), ("to=yesterday", "to"),
                                          ("from=1800-01-01", "from"), ("from=2026-03-02&to=2026-03-01", "to"),
                                          ("object_id=abc", "object_id"), ("object_type=nothing", "object_type"),
                                          ("action=partner.explode", "action")])
def test_a_bad_filter_is_named_never_ignored(client, sign_in, admin, query, field):
    sign_in(admin)
    resp = client.get(f"/admin/audit/?{query}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and rows_of(html) == [], query
    assert lxml.html.fromstring(html).get_element_by_id(f"{field}-error").text_content().strip()


def test_dates_are_the_cooperative_s_days(client, sign_in, admin, make_partner, monkeypatch):
    # 18:30 UTC on 1 March is 01:30 WIB on 2 March: the event belongs to 2 March.
    monkeypatch.setattr(audit_services, "utcnow", lambda: dt.datetime(2026, 3, 1, 18, 30, tzinfo=dt.UTC))
    make_partner("Mitra Maret")
    monkeypatch.undo()
    sign_in(admin)
    march_2 = rows_of(client.get("/admin/audit/?from=2026-03-02&to=2026-03-02").get_data(as_text=True))
    assert [r[3] for r in march_2] == ["Partner added"]
    assert "2 Mar 2026, 01:30 WIB" in march_2[0][1]
    assert rows_of(client.get("/admin/audit/?from=2026-03-01&to=2026-03-01").get_data(as_text=True)) == []
    assert rows_of(client.get("/admin/audit/?to=2026-03-01").get_data(as_text=True)) == []
    assert len(rows_of(client.get("/admin/audit/?from=2026-03-01").get_data(as_text=True))) >= 2  # + sign-in


def test_filter_by_object_and_action(client, sign_in, admin, make_partner):
    first, second = make_partner("Mitra Satu"), make_partner("Mitra Dua")
    update_partner(actor="test", partner=first, changes={"name": "Mitra Satu Baru"})
    db.session.commit()
    sign_in(admin)
    rows = rows_of(client.get(f"/admin/audit/?object_type=partner&object_id={first.id}").get_data(as_text=True))
    assert [r[3] for r in rows] == ["Partner changed", "Partner added"]
    assert "Name: Mitra Satu → Mitra Satu Baru" in rows[0][5] and "Partner: Mitra Satu Baru" in rows[0][4]
    rows = rows_of(client.get("/admin/audit/?action=partner.create").get_data(as_text=True))
    assert sorted(r[4] for r in rows) == ["Partner: Mitra Dua", "Partner: Mitra Satu Baru"]
    assert second.id


def test_sign_in_history_lists_sign_ins_and_refusals_with_the_account_tried(client, sign_in, admin, make_user,
                                                                            make_partner):
    siti = make_user("board", email="siti@example.test", name="Siti Aminah")
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"email": "siti@example.test", "password": "wrong password 1",
                                       "csrf_token": token}).status_code == 401
    sign_in(siti)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    make_partner("Mitra Lain")
    sign_in(admin)
    html = client.get("/admin/audit/?view=sign_ins").get_data(as_text=True)
    actions = [r[3] for r in rows_of(html)]
    assert {"Signed in", "Sign-in failed", "Signed out"} <= set(actions)
    assert "Partner added" not in actions and "User created" not in actions
    failed = next(r for r in rows_of(html) if r[3] == "Sign-in failed")
    assert "someone not signed in" in failed[2]
    assert "Reason: Wrong e-mail or password" in failed[5] and "siti@example.test" in failed[5]
    # One person's history also has the refused sign-ins at their account (done by no one signed in).
    rows = rows_of(client.get("/admin/audit/?view=sign_ins&user=siti@example.test").get_data(as_text=True))
    assert [r[3] for r in rows] == ["Signed out", "Signed in", "Sign-in failed"]
    # The action list of the tab offers its own actions only.
    doc = lxml.html.fromstring(html)
    assert {o.get("value") for o in doc.xpath("//select[@id='action']/option")} == {"", *queries.SIGN_IN_ACTIONS}
    assert PASSWORD


def test_the_page_costs_the_same_queries_for_few_or_many_events(client, sign_in, admin, make_partner,
                                                              count_queries):
    sign_in(admin)
    make_partner("Mitra 0")
    with count_queries() as few:
        assert client.get("/admin/audit/").status_code == 200
    for i in range(1, 60):
        make_partner(f"Mitra {i}")
    with count_queries() as many:
        html = client.get("/admin/audit/").get_data(as_text=True)
    assert len(rows_of(html)) == 50 and "Older" in html
    # One query for the events and one per kind of object they name, whatever their number (the
    # first page named users and partners; the second, partners made by the test actor, only those).
    assert many.count <= few.count <= 8, (few.statements, many.statements)


def test_csv_export_is_the_filtered_view_and_ends_with_the_anchor(client, sign_in, admin, make_user,
                                                                   make_partner):
    evil = make_user("manager", name="=HYPERLINK(\"http://evil.example\")")
    update_partner(actor=evil, partner=make_partner("Mitra Biasa"), changes={"region": "Kota Bogor"})
    db.session.commit()
    sign_in(admin)
    page = rows_of(client.get("/admin/audit/?object_type=partner").get_data(as_text=True))
    resp = client.get("/admin/audit/export.csv?object_type=partner", headers=ID)
    rows = read_csv(resp)
    header, blank = rows[0], rows.index([])
    body, tail = rows[1:blank], rows[blank + 1:]
    assert header[:3] == ["No.", "Waktu (WIB)", "Siapa"]
    assert [int(r[0]) for r in body] == [int(r[0]) for r in page]
    assert all(dt.datetime.fromisoformat(r[1]).utcoffset() == dt.timedelta(hours=7) for r in body)
    assert {r[3] for r in body} == {"Mitra ditambahkan", "Data mitra diubah"}
    assert any(r[2].startswith("'=") and "HYPERLINK" in r[2] for r in body)  # neutralised
    assert any("Wilayah: — → Kota Bogor" in r[7] for r in body)
    about = dict(r[:2] for r in tail)
    anchor = parse_anchor(about["Jangkar log audit"])
    head = db.session.scalar(select(func.max(AuditEvent.id)))
    assert anchor.seq == head and verify_chain(anchors=[anchor]).ok
    assert "flask audit verify --anchor" in about["Cara memeriksa"]
    assert "Mitra" in about["Saringan"] or "Objek" in about["Saringan"]


def test_xlsx_export_has_typed_cells_and_the_anchor_on_its_own_sheet(client, sign_in, admin, make_partner):
    make_partner("@SUM(A1)")
    sign_in(admin)
    resp = client.get("/admin/audit/export.xlsx?object_type=partner", headers=ID)
    assert resp.status_code == 200 and resp.mimetype == XLSX
    book = openpyxl.load_workbook(io.BytesIO(resp.get_data()))
    assert book.sheetnames == ["Log audit", "Jangkar"]
    sheet, anchor_sheet = book.worksheets
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("No.", "Waktu (WIB)")
    assert len(values) == 2 and isinstance(values[1][0], int) and isinstance(values[1][1], dt.datetime)
    name_cell = sheet.cell(row=2, column=7)
    assert name_cell.value == "Mitra: @SUM(A1)" or name_cell.value.endswith("@SUM(A1)")
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    about = {r[0]: r[1] for r in anchor_sheet.iter_rows(values_only=True)}
    anchor = parse_anchor(about["Jangkar log audit"])
    assert verify_chain(anchors=[anchor]).ok and anchor.seq == db.session.scalar(select(func.max(AuditEvent.id)))


def test_the_export_stops_at_its_anchor(app_context, make_partner):
    for i in range(5):
        make_partner(f"Mitra {i}")
    upto = db.session.scalar(select(func.max(AuditEvent.id))) - 2
    got = [e.id for batch in queries.export_batches(AuditFilter(), upto=upto, batch=2) for e in batch]
    assert got == list(range(upto, 0, -1))


def test_roster_import_events_read_as_the_member_s_changes(client, sign_in, admin, app):
    from tests.members.conftest import csv_bytes, import_csv

    with app.test_request_context():
        import_csv(csv_bytes("R-1,Ani,Rembug Melati,,1,0"))
        import_csv(csv_bytes("R-1,Ani,Rembug Kenanga,,1,0"))
    sign_in(admin)
    rows = rows_of(client.get("/admin/audit/?object_type=member").get_data(as_text=True))
    assert [r[3] for r in rows] == ["Roster imported", "Member changed by a roster import", "Roster imported",
                                    "Member added by a roster import"]
    assert "Member: Ani (R-1)" in rows[1][4] and "Rembug group: Rembug Melati → Rembug Kenanga" in rows[1][5]
    member_id = db.session.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "member.import_add"))
    one = rows_of(client.get(f"/admin/audit/?object_type=member&object_id={member_id}").get_data(as_text=True))
    assert len(one) == 2
