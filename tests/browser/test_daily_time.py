"""A secretary's day in local time: she types the meeting's start on the cooperative's clock (WIB)
and reads it back the same way, in Indonesian, on a desktop and on a 360-pixel phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in_through_the_form


@pytest.mark.parametrize("width", [1280, 360])
def test_a_secretary_schedules_a_meeting_at_nine_and_reads_nine_wib(seed, new_page, width):
    page = new_page(locale="id-ID", width=width, height=900 if width > 400 else 740)
    sign_in_through_the_form(page, seed.users["board"])
    page.goto("/forums/meetings")
    page.get_by_role("link", name="Jadwalkan rapat").click()

    form = page.locator("main form[method=post]")
    expect(form.get_by_text("Mulai pukul (WIB)", exact=True)).to_be_visible()
    expect(form).not_to_contain_text("UTC")
    page.get_by_label("Forum", exact=True).select_option(label="Forum Rembug Pusat")
    page.get_by_label("Judul").fill("Rapat pengurus Desember")
    page.get_by_label("Mulai pukul (WIB)").fill("2026-12-05T09:00")
    page.get_by_label("Tempat").fill("Balai Koperasi")
    page.get_by_role("button", name="Jadwal", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rapat pengurus Desember")
    main = page.locator("main")
    expect(main).to_contain_text("Sabtu, 5 Desember 2026, 09.00 WIB")
    expect(main).not_to_contain_text("UTC")
    expect(main).not_to_contain_text("16.00")
    screenshot(page, f"daily-time-meeting-{width}")

    page.goto("/forums/meetings")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Rapat pengurus Desember"))
    expect(row).to_contain_text("5 Des 2026, 09.00 WIB")
    expect(row).not_to_contain_text(re.compile(r"09\.00\.00|UTC"))
    screenshot(page, f"daily-time-meetings-{width}")
