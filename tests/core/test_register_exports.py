"""The registers' exports (members, partners, agreements): each `.csv` and `.xlsx`, with the page's
filters and order, typed cells, labels in the reader's language, formula cells neutralised,
streamed in batches, and only to those who may see the page."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import lxml.html
import openpyxl
import pytest

from govtrack.agreements import views as agreement_views
from govtrack.core.paging import encode_cursor
from govtrack.members import views as member_views
from govtrack.partners import views as partner_views
from govtrack.partners.services import ContactData
from tests.conftest import csrf_token

ID = {"Accept-Language": "id"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTERS = ("members", "partners", "agreements")


def read_csv(resp) -> list[list[str]]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv", resp.status_code
    assert resp.headers["Content-Disposition"].startswith("attachment") and ".csv" in resp.headers[
        "Content-Disposition"]
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


def read_xlsx(resp):
    assert resp.status_code == 200 and resp.mimetype == XLSX, resp.status_code
    book = openpyxl.load_workbook(io.BytesIO(resp.get_data()))
    assert len(book.worksheets) == 1
    sheet = book.worksheets[0]
    assert all(c.font.b for c in sheet[1]) and sheet.freeze_panes == "A2"
    return sheet


def page_rows(resp) -> list[list[str]]:
    assert resp.status_code == 200
    doc = lxml.html.fromstring(resp.get_data(as_text=True))
    return [[" ".join(" ".join(td.itertext()).split()) for td in tr.findall("td")]
            for tr in doc.xpath("//table/tbody/tr") if len(tr.findall("td")) > 1]


def test_each_register_page_links_its_exports_with_its_filters(client, sign_in):
    sign_in("admin")
    for register, query, cursor in (("members", "q=siti&active=yes", ["siti", 1]),
                                    ("partners", "category=other", [1]), ("agreements", "kind=loan", [1])):
        resp = client.get(f"/{register}/?{query}&cursor={encode_cursor(cursor)}")
        assert resp.status_code == 200
        doc = lxml.html.fromstring(resp.get_data(as_text=True))
        links = {a.get("href") for a in doc.xpath("//div[contains(@class, 'register-exports')]/a")}
        assert links == {f"/{register}/export.csv?{query}", f"/{register}/export.xlsx?{query}"}, links


@pytest.mark.parametrize("register", REGISTERS)
def test_exports_follow_the_page_s_permission(client, sign_in, register):
    for fmt in ("csv", "xlsx"):
        resp = client.get(f"/{register}/export.{fmt}")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    sign_in("member")  # members read what is published to them (/published/), not the registers
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/{register}/export.{fmt}").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in("manager")
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/{register}/export.{fmt}").status_code == 200


def test_the_roster_export_is_the_page_s_search_every_page_of_it(client, sign_in, make_member, monkeypatch):
    monkeypatch.setattr(member_views, "EXPORT_BATCH", 2)  # several batches, as at 280,000 members
    make_member("Siti Rahayu", number="A-001", joined_on=dt.date(2019, 4, 12))
    make_member("Siti Aminah", number="A-002", group="Rembug Mawar", active=False)
    make_member("Sitti Nur", number="A-003", investor=True)
    make_member("Budi Santoso", number="A-004")
    make_member("=HYPERLINK(\"http://evil.example\")", number="A-005")
    sign_in("board")
    shown = page_rows(client.get("/members/?q=sit", headers=ID))
    rows = read_csv(client.get("/members/export.csv?q=sit", headers=ID))
    assert rows[0] == ["Nomor", "Nama", "Kelompok rembug", "Bergabung pada", "Status", "Investor"]
    assert [r[:2] for r in rows[1:]] == [r[:2] for r in shown] and len(shown) == 3
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["A-001"][2:] == ["Rembug Melati", "2019-04-12", "aktif", "tidak"]
    assert by_number["A-002"][4] == "tidak aktif" and by_number["A-003"][5] == "ya"
    # The whole roster: every member, formulas neutralised.
    rows = read_csv(client.get("/members/export.csv"))
    assert [r[0] for r in rows[1:]] == ["A-001", "A-002", "A-003", "A-004", "A-005"]
    assert rows[5][1].startswith("'=HYPERLINK")
    # The filters of the page: inactive only; a group.
    assert [r[0] for r in read_csv(client.get("/members/export.csv?active=no"))[1:]] == ["A-002"]
    assert [r[0] for r in read_csv(client.get("/members/export.csv?group=Rembug+Mawar"))[1:]] == ["A-002"]


def test_the_roster_workbook_has_typed_cells(client, sign_in, make_member):
    make_member("Siti Rahayu", number="A-001", joined_on=dt.date(2019, 4, 12))
    make_member("@SUM(A1)", number="A-002")
    sign_in("board")
    sheet = read_xlsx(client.get("/members/export.xlsx", headers=ID))
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("Nomor", "Nama", "Kelompok rembug", "Bergabung pada", "Status", "Investor")
    assert values[1][:3] == ("A-001", "Siti Rahayu", "Rembug Melati")
    assert values[1][3] == dt.datetime(2019, 4, 12) and sheet["D2"].number_format == "dd/mm/yyyy"
    assert values[1][4:] == ("aktif", "tidak")
    assert sheet["B3"].value == "@SUM(A1)" and sheet["B3"].quotePrefix and sheet["B3"].data_type != "f"
    assert values[2][3] is None


def test_a_bad_cursor_like_search_answers_400_not_a_broken_file(client, sign_in):
    sign_in("board")
    assert client.get("/members/export.csv?q=" + "x" * 500).status_code == 200  # cut to 200 as the page


def test_the_roster_export_streams(app, make_member, sign_in, client):
    make_member("Siti", number="A-001")
    user = sign_in("board")
    with app.test_request_context("/members/export.csv"):
        from flask_login import login_user

        login_user(user)
        resp = member_views._export("csv")
        assert resp.is_streamed and resp.mimetype == "text/csv"
        body = "".join(resp.response)
    assert body.splitlines()[1].startswith("A-001,Siti")


def test_the_partners_export_is_the_filtered_list_with_labels(client, sign_in, make_partner, monkeypatch):
    monkeypatch.setattr(partner_views, "EXPORT_BATCH", 1)
    make_partner("Dinas PU Bogor", category="local_government", region="Kabupaten Bogor", legal_name="Dinas PUPR",
                 registration_no="AHU-1", contacts=[ContactData(name="Pak Ahmad"), ContactData(name="Bu Rina")])
    make_partner("Yayasan Air", category="nonprofit_funder")
    make_partner("+Bank Syariah", category="financial_institution")
    sign_in("manager")
    rows = read_csv(client.get("/partners/export.csv", headers=ID))
    assert rows[0] == ["Nama", "Nama resmi", "Kategori", "Wilayah", "Nomor registrasi", "Kontak", "Status"]
    assert rows[1] == ["Dinas PU Bogor", "Dinas PUPR", "Pemerintah daerah", "Kabupaten Bogor", "AHU-1",
                       "Pak Ahmad, Bu Rina", "Aktif"]
    assert rows[3][0] == "'+Bank Syariah"
    shown = page_rows(client.get("/partners/?category=local_government", headers=ID))
    filtered = read_csv(client.get("/partners/export.csv?category=local_government", headers=ID))
    assert [r[0] for r in filtered[1:]] == [r[0].split(" Dinas PUPR")[0] for r in shown] == ["Dinas PU Bogor"]
    sheet = read_xlsx(client.get("/partners/export.xlsx?category=local_government", headers=ID))
    assert [c.value for c in sheet[2]] == rows[1]


def test_the_agreements_export_has_amounts_and_dates_typed(client, sign_in, make_partner, make_agreement,
                                                         monkeypatch):
    monkeypatch.setattr(agreement_views, "EXPORT_BATCH", 1)
    bank = make_partner("Bank Syariah", category="financial_institution")
    make_agreement("Pembiayaan air", kind="loan", parties=[(bank, "lender")], reference="PKS/001",
                   value_amount=Decimal("1500000000"), start_date=dt.date(2026, 1, 1), end_date=dt.date(2028, 12, 31),
                   status="active", visibility="public")
    make_agreement("Hibah sanitasi", kind="grant", reference="PKS/002")
    sign_in("manager")
    shown = page_rows(client.get("/agreements/", headers=ID))
    rows = read_csv(client.get("/agreements/export.csv", headers=ID))
    assert rows[0] == ["Nomor", "Judul", "Jenis", "Para pihak", "Mata uang", "Nilai", "Tanggal mulai",
                       "Tanggal berakhir", "Status", "Keterbukaan"]
    assert [r[1] for r in rows[1:]] == [r[0].split(" PKS/")[0] for r in shown] == ["Hibah sanitasi", "Pembiayaan air"]
    loan = rows[2]
    assert loan[0] == "PKS/001" and loan[2] == "Pinjaman" and loan[3] == "Bank Syariah (Pemberi pinjaman)"
    assert loan[4:] == ["IDR", "1500000000.00", "2026-01-01", "2028-12-31", "Aktif", "Publik"]
    sheet = read_xlsx(client.get("/agreements/export.xlsx?kind=loan", headers=ID))
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2 and values[1][5] == 1500000000 and sheet["F2"].number_format.startswith('"Rp "')
    assert values[1][6] == dt.datetime(2026, 1, 1) and values[1][7] == dt.datetime(2028, 12, 31)
    filtered = read_csv(client.get("/agreements/export.csv?kind=loan", headers=ID))
    assert [r[0] for r in filtered[1:]] == ["PKS/001"]
