"""The home page per role and the search box in the header, in a real browser, in Indonesian first,
at 1280 and at 360 px. Screenshots of each role's home page go to test-artifacts/."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from govtrack.extensions import db
from tests.browser.conftest import (
    DRAFT_TITLE,
    describe,
    run_axe,
    screenshot,
    seed_meeting,
    seed_obligation,
    sign_in_through_the_form,
)

WIDTHS = [1280, 360]


@pytest.fixture
def day(seed, live_server):
    """The seed, plus what each role's home page lists: an open meeting of the central forum with
    the draft grant under deliberation, a meeting in three days, a report overdue for the manager,
    another draft, and the member's login linked to Siti Aminah on the central forum's roll."""
    from govtrack.agreements.services import AgreementData, PartyData, create_agreement
    from govtrack.auth.models import User
    from govtrack.core.clock import today, utcnow
    from govtrack.forums import services as forums
    from govtrack.forums.models import Forum

    with live_server.app.app_context():
        seed_meeting(seed, utcnow() - dt.timedelta(hours=1))
        forums.create_meeting(actor="test", forum=db.session.get(Forum, seed.forums["pusat"]),
                              title="Rembug pusat April", starts_at=utcnow() + dt.timedelta(days=3),
                              location="Balai desa Cibinong")
        seed_obligation(seed, today() - dt.timedelta(days=4))
        create_agreement(actor="test", data=AgreementData(
            title="Rancangan kerja sama jamban sehat", kind="supply", reference="PKS-2026-009",
            parties=[PartyData(partner_id=seed.partners["pemda"], role="regulator")]))
        db.session.get(User, seed.users["member"].id).member_id = seed.members["Siti Aminah"]
        db.session.commit()
    return seed



def search_from_the_header(page, width: int, words: str) -> None:
    """Type into the header's box and send it: with its button on a wide screen, with Enter (the
    phone keyboard's search key) on a phone, where the button is hidden from sight."""
    box = page.get_by_role("searchbox", name="Telusuri semua")
    box.fill(words)
    if width >= 576:
        page.get_by_role("button", name="Telusuri").click()
    else:
        box.press("Enter")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_board_sees_what_needs_attention_and_searches_from_the_header(day, new_page, width):
    page = new_page(locale="id-ID", width=width, axe=width == 1280)
    sign_in_through_the_form(page, day.users["board"])
    page.goto("/")
    meetings = page.get_by_role("region", name="Rapat dalam 14 hari ke depan")
    expect(meetings).to_contain_text("Rembug pusat Maret")
    expect(meetings).to_contain_text("Rembug pusat April")
    waiting = page.get_by_role("region", name="Perjanjian yang menunggu forum")
    expect(waiting).to_contain_text("Menunggu:")
    expect(waiting.get_by_role("link", name="Rembug pusat Maret")).to_be_visible()  # where it is on the agenda
    expect(page.get_by_role("region", name="Notulen yang menunggu persetujuan")).to_be_visible()
    if width == 1280:
        violations = run_axe(page)
        assert violations == [], describe(violations)
    screenshot(page, f"home-board-id-{width}")
    # One click from the agreement it waits for.
    waiting.get_by_role("link", name=f"PKS-2026-004 — {DRAFT_TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DRAFT_TITLE)

    # Search from the header: a word of a clause finds the agreement, grouped under its kind.
    search_from_the_header(page, width, "sumur")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cari")
    agreements = page.get_by_role("region", name="Perjanjian")
    expect(agreements.get_by_role("link", name=f"PKS-2026-004 — {DRAFT_TITLE}")).to_be_visible()
    expect(page.get_by_role("searchbox", name="Telusuri semua")).to_have_value("sumur")
    screenshot(page, f"search-board-id-{width}")
    # A member's number finds the member.
    search_from_the_header(page, width, "A0001")
    page.get_by_role("region", name="Anggota").get_by_role("link", name="A0001 — Siti Aminah").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Siti Aminah")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_manager_sees_their_overdue_report_and_records_it_in_one_click(day, new_page, width):
    page = new_page(locale="id-ID", width=width)
    sign_in_through_the_form(page, day.users["manager"])
    page.goto("/")
    mine = page.get_by_role("region", name="Kewajiban saya: terlambat dan segera jatuh tempo")
    expect(mine).to_contain_text("Laporan penggunaan dana triwulan I")
    expect(mine).to_contain_text("Terlambat")
    drafts = page.get_by_role("region", name="Perjanjian berstatus draf")
    expect(drafts.get_by_role("link", name="PKS-2026-009 — Rancangan kerja sama jamban sehat")).to_be_visible()
    screenshot(page, f"home-manager-id-{width}")
    mine.get_by_role("link", name="Catat pemenuhan").click()
    expect(page).to_have_url(f"{page.url.split('/obligations')[0]}/obligations/occurrences/"
                             f"{day.obligations['report-due']}/fulfil")
    # "Lihat semua" opens the same set: the manager's overdue occurrences.
    page.goto("/")
    page.get_by_role("region", name="Kewajiban saya: terlambat dan segera jatuh tempo").get_by_role(
        "link", name="Terlambat").click()
    expect(page.locator("main")).to_contain_text("Laporan penggunaan dana triwulan I")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_member_sees_new_publications_and_meetings_and_finds_only_what_is_published(day, new_page, width):
    page = new_page(locale="id-ID", width=width)
    sign_in_through_the_form(page, day.users["member"])
    page.goto("/")
    published = page.get_by_role("region", name="Perjanjian yang baru diterbitkan")
    expect(published.get_by_role("link", name=f"PKS-2025-002 — {day.titles['members']}")).to_be_visible()
    expect(published).not_to_contain_text(day.titles["internal"])
    meetings = page.get_by_role("region", name="Rapat anggota yang akan datang")
    expect(meetings).to_contain_text("Rembug pusat April")
    expect(meetings).to_contain_text("Balai desa Cibinong")
    expect(page.locator("main")).not_to_contain_text("Kewajiban saya")
    screenshot(page, f"home-member-id-{width}")
    # From the header: clause words of the agreement published to members find it; the draft and
    # the internal permit stay hidden.
    search_from_the_header(page, width, "plafon")
    page.get_by_role("region", name="Perjanjian").get_by_role("link", name=f"PKS-2025-002 — {day.titles['members']}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(day.titles["members"])
    for hidden in ("sumur", "galian"):
        search_from_the_header(page, width, hidden)
        expect(page.get_by_role("status")).to_contain_text(f"Tidak ditemukan apa pun untuk “{hidden}”")


def test_the_home_page_in_english(day, new_page):
    page = new_page(locale="en-US")
    sign_in_through_the_form(page, day.users["manager"])
    page.goto("/")
    expect(page.get_by_role("region", name="My obligations: overdue and due soon")).to_contain_text(
        "Laporan penggunaan dana triwulan I")
    expect(page.get_by_role("region", name="Agreements in draft")).to_be_visible()
