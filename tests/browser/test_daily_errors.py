"""A board secretary who reads only Indonesian, on a desk (1280 px) and on a phone (360 px): a tally
larger than the attendance is refused with the reason beside the counts, and closing the vote first
shows the outcome it will record, with the counts, before anything is final."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from govtrack.extensions import db
from tests.browser.conftest import (
    describe,
    run_axe,
    screenshot,
    seed_meeting,
    sign_in_through_the_form,
)

NOW = dt.datetime(2026, 3, 14, 2, 0, tzinfo=dt.UTC)
WIDTHS = [1280, 360]


def _motion_page(page, seed) -> None:
    page.goto(f"/forums/motions/{seed.motions['approve']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Menyetujui hibah sumur bor")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_tally_larger_than_the_attendance_is_named_beside_the_counts(seed, new_page, live_server, width):
    with live_server.app.app_context():
        seed_meeting(seed, NOW)  # 9 of the 12 members present
        db.session.remove()
    page = new_page(locale="id-ID", width=width, axe=True)
    sign_in_through_the_form(page, seed.users["board"])
    _motion_page(page, seed)
    page.get_by_label("Setuju", exact=True).fill("8")
    page.get_by_label("Tidak setuju", exact=True).fill("3")
    page.get_by_label("Abstain", exact=True).fill("0")
    page.get_by_role("button", name="Catat hitungan suara").click()

    error = page.locator("#tally-errors")
    expect(error).to_be_visible()
    expect(error).to_contain_text("11 suara (8 setuju, 3 tidak setuju, 0 abstain)")
    expect(error).to_contain_text("hanya 9 anggota yang hadir langsung atau melalui kuasa")
    # beside the counts: in the same fieldset, each count marked invalid and described by it
    fieldset = page.locator("fieldset").filter(has=error)
    for label in ("Setuju", "Tidak setuju", "Abstain"):
        field = fieldset.get_by_label(label, exact=True)
        expect(field).to_have_class(re.compile(r"\bis-invalid\b"))
        expect(field).to_have_attribute("aria-describedby", re.compile(r"\btally-errors\b"))
    expect(page.locator("main")).not_to_contain_text("Beberapa isian tidak sah.")
    # on a phone the reason is on the screen once the counts are (no sideways scrolling needed)
    box = error.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
    violations = run_axe(page)
    assert not violations, describe(violations)
    screenshot(page, f"tally-larger-than-attendance-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_closing_a_vote_shows_the_outcome_before_it_is_final(seed, new_page, live_server, width):
    with live_server.app.app_context():
        seed_meeting(seed, NOW)
        db.session.remove()
    page = new_page(locale="id-ID", width=width)
    sign_in_through_the_form(page, seed.users["board"])
    _motion_page(page, seed)
    page.get_by_label("Setuju", exact=True).fill("6")
    page.get_by_label("Tidak setuju", exact=True).fill("2")
    page.get_by_label("Abstain", exact=True).fill("1")
    page.get_by_role("button", name="Catat hitungan suara").click()
    expect(page.locator("main")).to_contain_text("6 setuju, 2 tidak setuju, 1 abstain")

    page.get_by_role("link", name="Tutup pemungutan suara…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tutup pemungutan suara atas “Menyetujui hibah sumur bor”?")
    outcome = page.locator(".confirm-outcome")
    expect(outcome).to_contain_text("Hasil bila pemungutan suara ditutup sekarang")
    expect(outcome).to_contain_text(re.compile(r"Diterima\s+— 6 setuju, 2 tidak setuju, 1 abstain"))
    expect(outcome).to_contain_text("Hadir (langsung atau melalui kuasa): 9 dari 12")
    expect(page.locator("main")).to_contain_text("Penutupan pemungutan suara bersifat final")
    expect(page.locator("main")).to_contain_text("menyetujui perjanjian")
    screenshot(page, f"close-vote-confirmation-{width}")
    # nothing is closed yet: back on the motion page it is still open
    page.get_by_role("link", name="Batal").click()
    expect(page.get_by_role("link", name="Tutup pemungutan suara…")).to_be_visible()

    page.get_by_role("link", name="Tutup pemungutan suara…").click()
    page.get_by_role("button", name="Ya, tutup pemungutan suara").click()
    expect(page.locator("main")).to_contain_text(re.compile(r"Diterima\s+— 6 setuju, 2 tidak setuju, 1 abstain"))
    decision = page.get_by_role("heading", level=1).locator(".badge").inner_text()
    assert re.fullmatch(r"RP-\d{4}-001", decision), decision
