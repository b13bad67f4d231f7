"""The decision register as a secretary walks it on a phone, in Indonesian (issue 17, point 1):
the register (filtered by year, exported) → the decision's page (the vote, the named votes, what it
did to each clause in words) → the agreement, which lists the decision back. Every page passes axe
(WCAG 2.1 AA) at 360 px and none is wider than the screen."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import (
    DRAFT_TITLE,
    approve_draft_with_point_2_amended,
    describe,
    run_axe,
    screenshot,
    sign_in_through_the_form,
)
from tests.core.test_no_raw_codes import raw_codes_in

PHONE = 360


def _fits_and_passes_axe(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} is {width} px wide on a {PHONE} px screen"
    violations = run_axe(page)
    assert violations == [], describe(violations)
    text = page.locator("main").inner_text()
    assert raw_codes_in(text) == [], raw_codes_in(text)


def test_register_to_decision_to_agreement_on_a_phone(seed, new_page, live_server):
    made = approve_draft_with_point_2_amended(live_server, seed, text="Forum menyetujui hibah; poin 2 diubah.")
    page = new_page(locale="id-ID", width=PHONE, height=740, axe=True)
    sign_in_through_the_form(page, seed.users["board"])

    # the register, filtered by this year (the filters fold behind "Saring" on a phone)
    page.goto("/forums/decisions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar keputusan")
    # a year that is no year: the filters stay open, the field says what is wrong, nothing is listed
    page.locator("details.fold summary").click()
    page.get_by_label("Tahun").fill("20266")
    page.get_by_role("button", name="Saring", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("details.fold")).to_have_attribute("open", "")
    expect(page.locator("main .alert-danger")).to_contain_text("Tahun: Isi tahun dari 1900 sampai 2200.")
    expect(page.locator("#year-errors")).to_contain_text("Isi tahun dari 1900 sampai 2200.")
    expect(page.locator("tbody")).to_contain_text("Perbaiki saringan untuk melihat keputusan.")
    _fits_and_passes_axe(page)
    screenshot(page, "records-decisions-register-error-360")
    page.get_by_label("Tahun").fill(str(made["year"]))
    page.get_by_role("button", name="Saring", exact=True).click()
    page.wait_for_load_state()
    assert f"year={made['year']}" in page.url
    expect(page.locator("details.fold summary")).to_contain_text("1 saringan aktif")
    row = page.locator("tr", has=page.get_by_role("link", name=made["number"]))
    expect(row).to_contain_text("PKS-2026-004 — " + DRAFT_TITLE)
    expect(row).to_contain_text("poin 2 → diubah")
    expect(row.get_by_role("link", name="PKS-2026-004 — " + DRAFT_TITLE)).to_have_attribute(
        "href", f"/agreements/{seed.agreements['draft']}")
    expect(page.get_by_role("link", name="Ekspor CSV")).to_have_attribute(
        "href", f"/forums/decisions/export.csv?year={made['year']}")
    # on a phone each decision is a block with its columns' names, not a table wider than the screen
    expect(row.locator('td[data-label="Perjanjian"]')).to_be_visible()
    box = row.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, box
    cell = row.locator('td[data-label="Keputusan"]')
    assert page.evaluate("(el) => getComputedStyle(el, '::before').content", cell.element_handle()) == '"Keputusan"'
    _fits_and_passes_axe(page)
    screenshot(page, "records-decisions-register-360")

    # the decision's page: the number links there
    row.get_by_role("link", name=made["number"]).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/forums/decisions/{made['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Keputusan {made['number']}")
    main = page.locator("main")
    expect(main).to_contain_text("9 setuju, 3 tidak setuju, 0 abstain")
    expect(main).to_contain_text("12 hadir dari 12 pemilik hak suara")
    effects = page.locator("ul.decision-effects")
    expect(effects).to_contain_text("Poin 2 (PKS-2026-004): Diusulkan → Diubah")
    expect(effects).to_contain_text("Poin 1 (PKS-2026-004): Diusulkan → Diterima")
    expect(effects).to_contain_text("Perjanjian PKS-2026-004: Sedang dimusyawarahkan → Disetujui")
    expect(effects.get_by_role("link", name="Poin 2")).to_have_attribute(
        "href", f"/agreements/{seed.agreements['draft']}#clause-{made['clause_id']}")
    votes = page.locator("section[aria-labelledby=named-votes]")
    expect(votes.locator("tr", has_text="Siti Aminah")).to_contain_text("Setuju")
    expect(votes.locator("tr", has_text="Endang Susilowati")).to_contain_text("Tidak setuju")
    _fits_and_passes_axe(page)
    screenshot(page, "records-decision-page-360")

    # on to the agreement, which lists the decision back
    page.locator("dl.decision-record").get_by_role("link", name="PKS-2026-004 — " + DRAFT_TITLE).click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DRAFT_TITLE)
    trail = page.locator("section.decision-trail")
    expect(trail.get_by_role("link", name=made["number"])).to_have_attribute("href", f"/forums/decisions/{made['id']}")
    screenshot(page, "records-decision-agreement-360")


def test_a_member_reads_the_decision_without_the_ballots(seed, new_page, live_server):
    made = approve_draft_with_point_2_amended(live_server, seed, text="Forum menyetujui hibah; poin 2 diubah.")  # the grant is published to members
    page = new_page(locale="id-ID", width=PHONE, height=740, axe=True)
    sign_in_through_the_form(page, seed.users["member"])
    page.goto(f"/forums/decisions/{made['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Keputusan {made['number']}")
    expect(page.locator("main")).to_contain_text("9 setuju, 3 tidak setuju, 0 abstain")
    expect(page.locator("main")).not_to_contain_text("Siti Aminah")
    expect(page.locator("ul.decision-effects").get_by_role("link", name="Poin 2")).to_have_attribute(
        "href", f"/published/{seed.agreements['draft']}#clause-2")
    _fits_and_passes_axe(page)
