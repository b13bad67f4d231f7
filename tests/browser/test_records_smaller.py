"""Issue 17, the smaller points, in Indonesian at a desk (1280 px) and on a phone (360 px): an amount
typed as Indonesians write it (250.000.000) and shown back that way; a document replaced and then
removed with a reason, struck through for staff and gone from the members' portal; the roster
found by a surname. axe finds no WCAG 2.1 AA violation on the new pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.agreements.conftest import MINIMAL_PDF
from tests.browser.conftest import describe, run_axe, screenshot, sign_in_through_the_form

REASON = "Salah unggah: draf lama, bukan yang ditandatangani."


@pytest.mark.parametrize("width", [1280, 360])
def test_a_manager_types_money_and_keeps_documents_in_indonesian(seed, new_page, tmp_path, width):
    page = new_page(locale="id-ID", width=width, height=900, axe=True)
    sign_in_through_the_form(page, seed.users["manager"])

    # An amount as Indonesians type it; a refused one says why, with an example.
    draft = seed.agreements["draft"]
    page.goto(f"/agreements/{draft}/edit")
    value = page.locator("#value")
    expect(value).to_have_value("350.000.000")
    expect(value).to_have_attribute("placeholder", "contoh: 250.000.000")
    value.fill("25.00.000")
    value.press("Enter")
    expect(page.locator("#value-errors")).to_contain_text("Pemisah ribuan salah tempat")
    expect(page.locator("#value-errors")).to_contain_text("250.000.000")
    page.locator("#value").fill("250.000.000,50")
    page.locator("#value").press("Enter")
    expect(page.locator("main")).to_contain_text("Rp 250.000.000,50")
    page.goto(f"/agreements/{draft}/edit")
    expect(page.locator("#value")).to_have_value("250.000.000,50")

    # A document uploaded, replaced (the earlier file kept), then removed with a reason.
    public = seed.agreements["public"]
    first, second = tmp_path / "perjanjian-lama.pdf", tmp_path / "perjanjian-baru.pdf"
    first.write_bytes(MINIMAL_PDF)
    second.write_bytes(MINIMAL_PDF.replace(b"/Count 0", b"/Count 0 "))
    page.goto(f"/agreements/{public}")
    page.locator("#file").set_input_files(str(first))
    page.get_by_role("button", name="Unggah").click()
    page.locator("#documents").get_by_role("link", name="Ganti").click()
    assert not run_axe(page), describe(run_axe(page))
    page.locator("#file").set_input_files(str(second))
    page.get_by_role("button", name="Ganti berkasnya").click()
    documents = page.locator("#documents")
    expect(documents).to_contain_text("perjanjian-baru.pdf")
    expect(documents).to_contain_text("1 berkas sebelumnya")
    documents.get_by_role("link", name="Hapus").click()
    page.get_by_role("button", name="Ya, hapus").click()          # no reason: refused, nothing changes
    expect(page.locator("#reason-errors")).to_contain_text("Sebutkan alasan dokumen dihapus.")
    assert not run_axe(page), describe(run_axe(page))
    page.get_by_label("Mengapa dihapus?").fill(REASON)
    page.get_by_role("button", name="Ya, hapus").click()
    expect(documents).to_contain_text("dihapus")
    expect(documents).to_contain_text(REASON)
    expect(documents.locator("del")).to_contain_text("perjanjian-baru.pdf")
    assert not run_axe(page), describe(run_axe(page))
    screenshot(page, f"records-smaller-documents-{width}")

    # The roster, by a surname alone.
    page.goto("/members/?q=Lestari")
    expect(page.locator("tbody")).to_contain_text("Dewi Lestari")
    expect(page.locator("#contains")).to_have_count(0)

    # Members reading the portal no longer get the removed file.
    member = new_page(locale="id-ID", width=width)
    sign_in_through_the_form(member, seed.users["member"])
    member.goto(f"/published/{public}")
    expect(member.locator("main")).not_to_contain_text("perjanjian-baru.pdf")
    expect(member.locator("main")).not_to_contain_text("perjanjian-lama.pdf")
