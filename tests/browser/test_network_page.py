"""The network page as a board member reads it on a phone (360 px, Indonesian): the summary for
the board is the first thing under the heading, before the filters, the map and the tables; the
page never scrolls sideways; axe-core finds no WCAG 2.1 A/AA violation; the picture loads and the
summary's what-if opens the detailed answer for the largest partner.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import describe, run_axe, screenshot, sign_in_through_the_form

OVERFLOW_JS = (
    "() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
    " view: window.innerWidth, wide: [...document.querySelectorAll('main *')]"
    ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
    " && !e.closest('.table-responsive'))"
    ".slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)})"
)
# The elements of <main> that come before the summary: only the heading and its lead sentence.
BEFORE_SUMMARY_JS = (
    "() => { const s = document.getElementById('board-summary'); const out = [];"
    " for (const e of document.querySelector('main').querySelectorAll('*')) {"
    "   if (e === s) break; if (e.contains(s)) continue; out.push(e.tagName.toLowerCase()); }"
    " return out; }"
)


def test_a_board_member_reads_the_summary_first_on_a_phone_in_indonesian(seed, new_page):
    page = new_page(locale="id-ID", width=360, height=780, axe=True)
    sign_in_through_the_form(page, seed.users["board"])
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    response = page.goto("/network/")
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", "id")

    summary = page.locator("#board-summary")
    expect(summary.get_by_role("heading", name="Ringkasan untuk pengurus")).to_be_visible()
    assert page.evaluate(BEFORE_SUMMARY_JS) == ["h1", "p"]
    # On the first screen of a phone: the summary's heading and its first sentences.
    assert summary.bounding_box()["y"] < 400
    # The board's network (staff): the public grant, the members' credit line, the internal permit.
    points = summary.locator("li")
    expect(points.nth(0)).to_have_text(
        "3 mitra dan 3 perjanjian (3 aktif), dengan nilai seluruhnya Rp 4.000.000.000.")
    expect(points.nth(1)).to_contain_text("Sangat terpusat:")
    expect(points.nth(1)).to_contain_text("Likuiditas (pinjaman, fasilitas kredit) pada Bank Syariah Makmur (100%)")
    expect(points.nth(3)).to_have_text(
        "Ketergantungan terbesar: Bank Syariah Makmur, dengan nilai Rp 2.500.000.000 yang dipertaruhkan "
        "(62,5% dari nilai semua perjanjian).")
    expect(points.nth(4)).to_contain_text(
        "Jika Bank Syariah Makmur keluar: 1 perjanjian gagal langsung, nilai Rp 2.500.000.000 terancam, "
        "tidak ada kewajiban terbuka yang terdampak.")

    widths = page.evaluate(OVERFLOW_JS)
    assert widths["doc"] <= widths["view"] and widths["body"] <= widths["view"], widths
    picture = page.locator("img.network-picture")
    expect(picture).to_be_visible()
    assert page.evaluate("img => img.complete && img.naturalWidth", picture.element_handle()) == 1440
    violations = run_axe(page)
    assert not violations, describe(violations)
    screenshot(page, "network-page-phone-id")

    # The what-if of the summary opens the detailed answer for that partner, further down.
    summary.get_by_role("link", name="Jika Bank Syariah Makmur keluar").click()
    page.wait_for_load_state()
    assert page.url.endswith("#whatif-h") and "partner_id=" in page.url
    expect(page.locator("#whatif-answer")).to_contain_text(
        "Jika Bank Syariah Makmur keluar: perjanjian yang langsung gagal: 1;")
    expect(page.locator("#whatif-answer")).to_contain_text("nilai yang terancam: Rp 2.500.000.000.")
    widths = page.evaluate(OVERFLOW_JS)
    assert widths["doc"] <= widths["view"], widths
    violations = run_axe(page)
    assert not violations, describe(violations)
    # axe injects its own script (the page's CSP is bypassed for it); nothing else may complain.
    assert not errors, errors
