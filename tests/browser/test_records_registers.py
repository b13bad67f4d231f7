"""An auditor and a secretary with the registers, in Indonesian, on a desktop and a 360-pixel phone:
the audit log's sign-in history filtered by a person's e-mail, read in words on the cooperative's
clock, exported with its anchor; the roster downloaded as a workbook from its page."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from govtrack.extensions import db
from govtrack.members.models import Member
from tests.browser.conftest import describe, run_axe, screenshot, sign_in_through_the_form


@pytest.mark.parametrize("width", [1280, 360])
def test_an_auditor_reads_one_person_s_sign_ins_and_exports_them_with_the_anchor(seed, new_page, width):
    board = seed.users["board"]
    page = new_page(locale="id-ID", axe=True, width=width, height=900 if width > 400 else 740)
    sign_in_through_the_form(page, board)  # a sign-in to find later
    # Leave the page first: a request still on its way (an image, a stylesheet) answers with the
    # refreshed session cookie, which would come back after the cookies are cleared.
    page.goto("about:blank")
    page.context.clear_cookies()
    sign_in_through_the_form(page, seed.users["admin"])
    page.goto("/admin/audit/")
    page.get_by_role("link", name="Riwayat masuk").click()
    page.get_by_label("Pengguna (nama atau e-mail)").fill(board.email)
    page.get_by_role("button", name="Saring").click()
    main = page.locator("main")
    expect(main).to_contain_text(f"Kejadian dari: {board.name}")
    row = page.get_by_role("row").filter(has_text="Masuk").first
    expect(row).to_contain_text(f"{board.name} ({board.email})")
    expect(row).to_contain_text("WIB")
    expect(main).not_to_contain_text("user.sign_in")
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box  # on a phone: one block per event
    assert run_axe(page) == [], describe(run_axe(page))
    screenshot(page, f"records-registers-sign-ins-{width}")

    with page.expect_download() as download:
        page.get_by_role("link", name="Ekspor CSV").click()
    with open(download.value.path(), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["No.", "Waktu (WIB)", "Siapa"]
    tail = {r[0]: r[1] for r in rows[rows.index([]) + 1:]}
    assert ":" in tail["Jangkar log audit"] and board.email in tail["Saringan"]

    page.get_by_label("Pengguna (nama atau e-mail)").fill("tidak.ada@koperasi.test")
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_role("alert").first).to_contain_text("tidak.ada@koperasi.test")
    expect(page.get_by_role("link", name="Ekspor CSV")).to_have_count(0)


def test_a_secretary_downloads_the_roster_as_a_workbook_from_its_page(seed, new_page, live_server):
    with live_server.app.app_context():
        numbers = sorted(db.session.scalars(select(Member.number)))
        db.session.remove()
    page = new_page(locale="id-ID", width=360, height=740)
    sign_in_through_the_form(page, seed.users["board"])
    page.goto("/members/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Ekspor Excel").click()
    with open(download.value.path(), "rb") as f:
        sheet = openpyxl.load_workbook(io.BytesIO(f.read())).worksheets[0]
    assert [c.value for c in sheet[1]] == ["Nomor", "Nama", "Kelompok rembug", "Bergabung pada", "Status", "Investor"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == numbers
    screenshot(page, "records-registers-members-360")
