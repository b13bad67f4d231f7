"""The books of record, the voters (issue 17, points 3 and 6), as a secretary who reads only
Indonesian does it on a phone (360 px) and a desk (1280 px):

- the voter picker: typing part of a name finds the member (any word of it), an investor is shown
  but cannot be chosen, the chosen member becomes a line of the list; a pasted line naming nobody
  is reported by its number, the list is kept, and once corrected the forum page lists the voters;
- the roll-call screen: three mistakes of three kinds come back in one submit, each beside its row
  with the member's name and number, nothing typed is lost; "Semua hadir" marks the rows without a
  choice; the save button stays in sight at the bottom.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from govtrack.extensions import db
from govtrack.members.services import MemberData, create_member
from tests.browser.conftest import (
    describe,
    run_axe,
    screenshot,
    seed_meeting,
    sign_in_through_the_form,
)

NOW = dt.datetime(2026, 3, 14, 2, 0, tzinfo=dt.UTC)
WIDTHS = [360, 1280]


def _add_members(live_server) -> None:
    with live_server.app.app_context():
        for number, name, investor in [("A0013", "Sri Komariah", False), ("A0014", "Komang Modal", True)]:
            create_member(actor="test", today=dt.date(2026, 1, 1), data=MemberData(
                number=number, name=name, group="Rembug Melati", investor=investor))
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_voter_picker_finds_by_name_and_the_paste_box_names_each_unknown_line(seed, new_page, live_server,
                                                                                  width):
    _add_members(live_server)
    page = new_page(locale="id-ID", width=width, axe=True)
    sign_in_through_the_form(page, seed.users["board"])
    page.goto("/forums/new")
    page.get_by_label("Nama", exact=True).fill("Dewan Pengawas Syariah")
    page.get_by_label("Jenis").select_option("sharia_supervisory")
    page.get_by_label("Semua anggota aktif yang bukan investor boleh memberi suara").uncheck()

    picker = page.get_by_label("Cari anggota menurut nama atau nomor")
    expect(picker).to_be_visible()
    picker.press_sequentially("koma", delay=30)  # a word inside the name, not its beginning
    results = page.locator("[data-voter-results]")
    sri = results.get_by_role("button", name=re.compile("Sri Komariah · A0013"))
    expect(sri).to_be_enabled()
    investor = results.get_by_role("button", name=re.compile("Komang Modal"))
    expect(investor).to_be_disabled()
    expect(investor).to_contain_text("investor; investor tidak punya hak suara")
    violations = run_axe(page)
    assert not violations, describe(violations)
    sri.click()
    expect(page.locator("[data-voter-status]")).to_have_text("Sri Komariah ditambahkan ke daftar pemilik hak suara.")
    voters = page.locator("#voter_numbers")
    expect(voters).to_have_value("A0013 Sri Komariah\n")
    expect(picker).to_be_focused()
    # a number finds the member too; Enter chooses the only one found
    picker.press_sequentially("A0001", delay=30)
    expect(results.get_by_role("button", name=re.compile("Siti Aminah"))).to_be_visible()
    picker.press("Enter")
    expect(voters).to_have_value("A0013 Sri Komariah\nA0001 Siti Aminah\n")

    # a pasted line naming nobody: refused by its line number, the list kept as it was
    voters.fill("A0013 Sri Komariah\nA0001 Siti Aminah\nSri Komariyah\nDewi Lestari\n")
    page.get_by_role("button", name="Buat").click()
    errors = page.locator("#voter_numbers-errors")
    expect(errors).to_have_text(re.compile("Baris 3: “Sri Komariyah” tidak ditemukan."))
    expect(page.locator("#voter_numbers")).to_have_value(re.compile("Sri Komariyah"))
    expect(page.locator("#voter_numbers")).to_have_attribute("aria-describedby", re.compile("voter_numbers-errors"))
    box = errors.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
    violations = run_axe(page)
    assert not violations, describe(violations)
    screenshot(page, f"records-voters-paste-error-{width}")

    page.locator("#voter_numbers").fill("A0013 Sri Komariah\nA0001 Siti Aminah\nDewi Lestari\n")
    page.get_by_role("button", name="Buat").click()
    expect(page.locator(".alert-success")).to_be_visible()
    page.get_by_role("link", name="Dewan Pengawas Syariah").click()
    voters_list = page.locator("#voters-list")
    expect(voters_list).to_contain_text("A0013")
    expect(voters_list).to_contain_text("Sri Komariah")
    expect(voters_list.locator("tbody tr")).to_have_count(3)
    screenshot(page, f"records-voters-forum-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_roll_call_reports_every_mistake_at_once_beside_its_row(seed, new_page, live_server, width):
    with live_server.app.app_context():
        seed_meeting(seed, NOW)  # 9 of the 12 members present, a motion on the table
        db.session.remove()
    wulan, ratna, endang = (seed.members[n] for n in ("Wulan Sari", "Ratna Dewi", "Endang Susilowati"))
    siti = seed.members["Siti Aminah"]
    page = new_page(locale="id-ID", width=width, axe=True)
    sign_in_through_the_form(page, seed.users["board"])
    page.goto(f"/forums/meetings/{seed.meetings['open']}/roll-call?motion={seed.motions['approve']}")
    # the save button is in sight at the bottom of the screen before any scrolling
    bottom = page.locator(".save-bar-bottom button[type=submit]").first
    expect(bottom).to_be_in_viewport()

    page.locator(f"#att-{wulan}-proxy").check()
    page.locator(f"#holder-{wulan}").fill("A0010")  # her own number
    page.locator(f"#att-{ratna}-proxy").check()  # no holder given
    page.locator(f"#vote-{endang}-yes").check()  # not present
    page.locator(f"#vote-{siti}-yes").check()  # a good vote, kept
    bottom.click()

    summary = page.locator("#roll-call-errors")
    expect(summary).to_contain_text("Tidak ada yang dicatat.")
    expect(summary.locator("li")).to_have_count(3)
    expect(page.locator(f"#row-{wulan}")).to_contain_text(
        "Wulan Sari (no. anggota A0010) tidak dapat menjadi penerima kuasa untuk dirinya sendiri.")
    expect(page.locator(f"#row-{ratna}")).to_contain_text(
        "Ratna Dewi (no. anggota A0011) diwakili kuasa: isi nomor anggota penerima kuasanya.")
    expect(page.locator(f"#row-{endang}")).to_contain_text(
        "Endang Susilowati (no. anggota A0012) tidak hadir dan tidak diwakili kuasa.")
    for member_id in (wulan, ratna, endang):
        expect(page.locator(f"#row-{member_id}")).to_have_class(re.compile(r"\btable-danger\b"))
    expect(page.locator(f"#row-{siti}")).not_to_have_class(re.compile(r"\btable-danger\b"))
    # nothing typed is lost
    expect(page.locator(f"#att-{wulan}-proxy")).to_be_checked()
    expect(page.locator(f"#holder-{wulan}")).to_have_value("A0010")
    expect(page.locator(f"#vote-{siti}-yes")).to_be_checked()
    expect(page.locator(f"#vote-{endang}-yes")).to_be_checked()
    violations = run_axe(page)
    assert not violations, describe(violations)
    screenshot(page, f"records-roll-call-errors-{width}")

    # "Semua hadir" marks the rows without a choice present, on the screen; nothing is saved yet
    page.locator(f"#att-{wulan}-present").check()
    page.locator(f"#att-{ratna}-present").check()
    page.locator(".save-bar-top [data-all-present]").click()
    expect(page.locator("[data-all-present-status]")).to_have_text("1 anggota ditandai hadir; catat untuk menyimpannya.")
    expect(page.locator(f"#att-{endang}-present")).to_be_checked()
    expect(page.locator(f"#att-{wulan}-present")).to_be_checked()
    page.locator(".save-bar-bottom button[type=submit]").first.click()
    expect(page.locator(".alert-success")).to_contain_text("3 perubahan kehadiran, 2 suara")
