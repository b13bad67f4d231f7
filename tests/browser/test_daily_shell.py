"""Day one on a phone and on paper, in Indonesian: the header folds at 360 px (and is whole at
1280 px), the members' portal folds its filters behind "Saring", pages print as paper records, the
glossary explains the hard words, and the Excel twin of an export downloads beside its CSV."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from playwright.sync_api import expect

from govtrack.extensions import db
from tests.browser.conftest import (
    describe,
    run_axe,
    screenshot,
    seed_meeting,
    seed_obligation,
    sign_in_through_the_form,
)

PHONE = {"width": 360, "height": 640}
HEADER_MAX = 100  # px: one line of header on a phone (it was some 400 px before the menu folded)
NOW = dt.datetime(2026, 3, 14, 2, 0, tzinfo=dt.UTC)  # 09.00 WIB
MENU = {"member": ["Perjanjian terbitan", "Jaringan"],
        "board": ["Perjanjian terbitan", "Mitra", "Perjanjian", "Anggota", "Survei", "Rapat", "Keputusan", "Kewajiban",
                  "Jaringan"]}


def header_height(page) -> float:
    return page.evaluate("() => document.querySelector('body > header').getBoundingClientRect().height")


def test_on_a_phone_the_menu_folds_and_the_first_published_agreement_is_on_the_first_screen(seed, new_page):
    page = new_page(locale="id-ID", axe=True, **PHONE)
    sign_in_through_the_form(page, seed.users["member"])
    page.goto("/published/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Perjanjian terbitan")
    assert header_height(page) <= HEADER_MAX, header_height(page)
    nav = page.get_by_role("navigation", name="Utama")
    menu = nav.locator("summary", has_text="Menu")
    expect(menu).to_be_visible()
    for name in MENU["member"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_hidden()
    expect(page.get_by_role("button", name="Keluar")).to_be_hidden()
    # the filters fold behind "Saring"; the first result shows on the first screen
    results = page.get_by_role("region", name="Hasil pencarian")
    first = results.get_by_role("link").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    expect(page.get_by_role("searchbox", name="Cari")).to_be_hidden()
    violations = run_axe(page)  # the collapsed header and folded filters
    assert not violations, describe(violations)
    screenshot(page, "phone-published-folded-id")
    # the menu opens below the one-line header, over the page; Escape closes it again
    menu.click()
    for name in MENU["member"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    assert header_height(page) <= HEADER_MAX
    violations = run_axe(page)
    assert not violations, describe(violations)
    screenshot(page, "phone-menu-open-id")
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="Jaringan", exact=True)).to_be_hidden()
    expect(menu).to_be_focused()
    # "Saring" opens the search and filters; a search keeps them folded and says how many are on
    page.locator("summary", has_text="Saring").click()
    page.get_by_role("searchbox", name="Cari").fill("Bank Syariah")
    page.get_by_role("button", name="Cari").click()
    expect(results.get_by_role("link")).to_have_count(1)
    expect(results.get_by_role("link", name=seed.titles["members"])).to_be_visible()
    expect(page.locator("summary", has_text="Saring")).to_contain_text("1 saringan aktif")
    expect(page.get_by_role("searchbox", name="Cari")).to_be_hidden()
    # the menu's links lead where they say
    menu.click()
    nav.get_by_role("link", name="Jaringan", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jaringan ketergantungan")


def test_on_a_phone_without_javascript_the_menu_still_opens_and_the_print_note_shows(
    seed, browser, live_server
):
    context = browser.new_context(base_url=live_server.url, locale="id-ID", viewport=PHONE,
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in_through_the_form(page, seed.users["member"])
        page.goto(f"/published/{seed.agreements['members']}")
        nav = page.get_by_role("navigation", name="Utama")
        expect(nav.get_by_role("link", name="Jaringan", exact=True)).to_be_hidden()
        nav.locator("summary", has_text="Menu").click()
        expect(nav.get_by_role("link", name="Jaringan", exact=True)).to_be_visible()
        # no script, no Print button: the page says how to print instead
        expect(page.get_by_role("button", name="Cetak beserta keputusannya")).to_be_hidden()
        expect(page.get_by_text("Untuk mencetak halaman ini, tekan Ctrl+P")).to_be_visible()
    finally:
        context.close()


def test_at_1280_px_the_whole_menu_shows_in_one_header(seed, new_page):
    page = new_page(locale="id-ID", axe=True)
    sign_in_through_the_form(page, seed.users["board"])
    page.goto("/forums/")
    nav = page.get_by_role("navigation", name="Utama")
    for name in MENU["board"]:
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(nav.locator("summary", has_text="Menu")).to_be_hidden()
    expect(page.locator("#lang-switch")).to_be_visible()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    assert header_height(page) <= HEADER_MAX, header_height(page)
    # the portal's filters are open at this width, without a "Saring" button
    page.goto("/published/")
    expect(page.get_by_role("searchbox", name="Cari")).to_be_visible()
    expect(page.locator("summary", has_text="Saring")).to_be_hidden()
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_the_minutes_print_as_a_paper_record(seed, new_page, live_server):
    from govtrack.forums import services
    from govtrack.forums.models import Meeting

    with live_server.app.app_context():
        seed_meeting(seed, NOW)
        meeting = db.session.get(Meeting, seed.meetings["open"])
        services.set_minutes(actor="test", meeting=meeting, text=(
            "## Pembukaan\n\nKetua membuka rapat. Rujukan: [anggaran dasar](https://koperasi.example/ad.pdf)."))
        db.session.commit()
        db.session.remove()
    for width in (1280, 360):
        page = new_page(locale="id-ID", width=width, height=800)
        page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; };")
        sign_in_through_the_form(page, seed.users["board"])
        page.goto(f"/forums/meetings/{seed.meetings['open']}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Rembug pusat Maret")
        button = page.get_by_role("button", name="Cetak notulen")
        expect(button).to_be_visible()
        expect(page.get_by_text("Untuk mencetak halaman ini, tekan Ctrl+P")).to_be_hidden()
        button.click()
        assert page.evaluate("() => window.__printed") == 1
        # the Markdown help beside the minutes form
        expect(page.get_by_label("Notulen (Markdown)")).to_have_accessible_description(
            "Markdown: # Judul dan ## Subjudul di barisnya sendiri; baris yang diawali - atau 1. menjadi daftar; "
            "**tebal**, *miring*; [teks](https://…) menjadi tautan; baris kosong memulai paragraf baru. "
            "HTML tidak diterapkan: ditampilkan apa adanya.")
        # on paper: no header, menu, forms or buttons; the minutes, and where their link goes
        page.emulate_media(media="print")
        expect(page.locator("body > header")).to_be_hidden()
        expect(page.locator("footer")).to_be_hidden()
        expect(button).to_be_hidden()
        expect(page.get_by_role("button", name="Tambahkan ke agenda")).to_be_hidden()
        expect(page.locator("main form").first).to_be_hidden()
        expect(page.get_by_role("heading", name="Pembukaan")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Rembug pusat Maret")
        after = page.evaluate("""() => getComputedStyle(
            document.querySelector('.minutes-text a[href^="https"]'), '::after').content""")
        assert after == '" (https://koperasi.example/ad.pdf)"', after
        page.emulate_media(media="screen")
        expect(button).to_be_visible()
    screenshot(page, "phone-meeting-print-id")


def test_an_agreement_prints_with_its_decision_trail(seed, new_page):
    page = new_page(locale="id-ID", **PHONE)
    page.add_init_script("window.print = () => { window.__printed = true; };")
    sign_in_through_the_form(page, seed.users["manager"])
    page.goto(f"/agreements/{seed.agreements['public']}")
    button = page.get_by_role("button", name="Cetak beserta keputusannya")
    button.click()
    assert page.evaluate("() => window.__printed") is True
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Keputusan", exact=True)).to_be_visible()
    expect(button).to_be_hidden()
    expect(page.locator("body > header")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Jejak halaman")).to_be_hidden()


def test_the_glossary_explains_the_words_the_network_page_uses(seed, new_page):
    for width in (1280, 360):
        page = new_page(locale="id-ID", axe=True, width=width, height=720)
        sign_in_through_the_form(page, seed.users["board"])
        page.goto("/network/")
        page.locator("#spof-h").get_by_role("link", name="Titik rawan tunggal", exact=True).click()
        assert page.url.endswith("/glossary#single-point-of-failure"), page.url
        entry = page.locator("#single-point-of-failure")
        expect(entry).to_be_in_viewport()
        expect(entry).to_contain_text("Titik rawan tunggal")
        expect(entry).to_contain_text("(English: Single point of failure)")
        expect(page.locator("main")).to_contain_text("sendirian menyatukan bagian-bagian jaringan")
        for word in ("Kuorum", "Ambang suara", "Mufakat", "Kuasa", "Perantara"):
            expect(page.get_by_role("term").filter(has_text=word).first).to_be_visible()
        violations = run_axe(page)
        assert not violations, describe(violations)
        if width == 360:
            assert header_height(page) <= HEADER_MAX
            screenshot(page, "phone-glossary-id")
        # and the footer leads back to it from any page
        page.goto("/published/")
        page.locator("footer").get_by_role("link", name="Glosarium").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Glosarium")


def test_a_manager_downloads_the_obligations_as_excel_beside_the_csv(seed, new_page, monkeypatch, live_server):
    from govtrack.core import clock

    today = dt.date(2026, 3, 14)
    monkeypatch.setattr(clock, "today", lambda: today)
    with live_server.app.app_context():
        seed_obligation(seed, due_on=today - dt.timedelta(days=3))
        db.session.remove()
    page = new_page(locale="id-ID", **PHONE)
    sign_in_through_the_form(page, seed.users["manager"])
    page.goto("/obligations/list?status=overdue")
    expect(page.get_by_role("link", name="Ekspor CSV")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ekspor Excel").click()
    assert download.value.suggested_filename == f"obligations-{today.isoformat()}.xlsx"
    with open(download.value.path(), "rb") as f:
        sheet = openpyxl.load_workbook(io.BytesIO(f.read())).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Jatuh tempo", "Status", "Arah"]
    [row] = list(sheet.iter_rows(min_row=2, values_only=True))
    assert row[0] == dt.datetime(2026, 3, 11) and row[1] == "Lewat jatuh tempo"
    assert row[header.index("Kewajiban")] == "Laporan penggunaan dana triwulan I"
