"""Plain words, never raw codes, in Indonesian at 1280 and 360 px: the decision register says
"poin 2 → diubah" for an amended clause (its number within the agreement, not its database id),
the agreement page shows its clauses "Diubah" / "Diterima" and the decision by its number, and an
obligation's schedule reads "Setiap bulan, tanggal 10" rather than its RRULE."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from govtrack.extensions import db
from govtrack.obligations.services import ObligationData, create_obligation
from tests.browser.conftest import (
    DRAFT_TITLE,
    approve_draft_with_point_2_amended,
    screenshot,
    sign_in_through_the_form,
)
from tests.core.test_no_raw_codes import raw_codes_in

WIDTHS = [1280, 360]


def _amend_and_approve(live_server, seed) -> dict:
    """The central forum approves the draft grant with its point 2 amended, by roll-call; a monthly
    report on the 10th is added to the public grant. Returns the decision's number and ids."""
    made = approve_draft_with_point_2_amended(live_server, seed, text="Poin 2 diubah.")
    with live_server.app.app_context():
        ob = create_obligation(actor="test", today=dt.date(2026, 3, 1), data=ObligationData(
            agreement_id=seed.agreements["public"], owed_by="cooperative", kind="report",
            partner_id=seed.partners["yayasan"], title="Laporan kemajuan bulanan",
            rrule="FREQ=MONTHLY;BYMONTHDAY=10", starts_on=dt.date(2026, 3, 10),
            responsible_id=seed.users["manager"].id))
        db.session.commit()
        return {"number": made["number"], "clause_id": made["clause_id"], "obligation": ob.id}


def _no_raw_code(page) -> None:
    text = page.locator("main").inner_text()
    assert raw_codes_in(text) == [], raw_codes_in(text)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_register_and_the_agreement_say_what_was_decided_in_words(seed, new_page, live_server, width):
    made = _amend_and_approve(live_server, seed)
    page = new_page(locale="id-ID", width=width)
    sign_in_through_the_form(page, seed.users["board"])

    page.goto("/forums/decisions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar keputusan")
    row = page.locator("tr", has=page.get_by_role("link", name=made["number"]))
    expect(row).to_contain_text("PKS-2026-004 — " + DRAFT_TITLE)
    expect(row).to_contain_text("Menyetujui perjanjian dengan perubahan")
    expect(row).to_contain_text("PKS-2026-004 → disetujui")
    expect(row).to_contain_text("poin 1 → diterima")
    expect(row).to_contain_text("poin 2 → diubah")
    expect(row).not_to_contain_text(f"poin {made['clause_id']} ")
    _no_raw_code(page)
    screenshot(page, f"labels-decision-register-{width}")

    page.goto(f"/agreements/{seed.agreements['draft']}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(DRAFT_TITLE)
    main = page.locator("main")
    expect(main).to_contain_text("Disetujui")
    clauses = page.locator("section[aria-labelledby=clauses-h]")
    expect(clauses).to_contain_text("Diubah")
    expect(clauses).to_contain_text("Diterima")
    expect(clauses).to_contain_text(f"keputusan {made['number']}")
    _no_raw_code(page)
    screenshot(page, f"labels-agreement-{width}")

    page.goto(f"/obligations/{made['obligation']}")
    expect(page.locator("main")).to_contain_text("Setiap bulan, tanggal 10")
    expect(page.locator("main")).not_to_contain_text("FREQ=")
    _no_raw_code(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_audit_log_reads_in_words(seed, new_page, live_server, width):
    _amend_and_approve(live_server, seed)
    page = new_page(locale="id-ID", width=width)
    sign_in_through_the_form(page, seed.users["admin"])
    page.goto("/admin/audit/")
    main = page.locator("main")
    expect(main).to_contain_text("Poin diputuskan")
    expect(main).to_contain_text("Diusulkan → Diubah")
    expect(main).to_contain_text("Status perjanjian berubah")
    expect(main).not_to_contain_text('{"')
    _no_raw_code(page)
    screenshot(page, f"labels-audit-{width}")
