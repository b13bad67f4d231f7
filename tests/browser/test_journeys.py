"""The journeys of real people, in a real browser."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from playwright.sync_api import expect

from govtrack.extensions import db
from tests.browser.conftest import (
    DRAFT_TITLE,
    ROLL,
    screenshot,
    seed_obligation,
    sign_in_through_the_form,
)

TODAY = dt.date(2026, 3, 14)  # the obligations pages' "today", pinned


def tiny_pdf(text: str) -> bytes:
    """A small but real one-page PDF (catalog, page tree, page, content stream, font, xref)."""
    content = f"BT /F1 18 Tf 72 770 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def test_a_member_finds_and_reads_a_published_agreement_in_indonesian(seed, new_page):
    page = new_page(locale="en-US")
    sign_in_through_the_form(page, seed.users["member"])
    # the member chooses Bahasa Indonesia with the switcher in the header
    page.select_option("#lang-switch", "id")
    page.get_by_role("button", name="Change").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_role("navigation", name="Utama").get_by_role("link", name="Perjanjian terbitan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Perjanjian terbitan")
    # searching by the partner's name finds the agreement published to members
    page.get_by_role("searchbox", name="Cari").fill("Bank Syariah")
    page.get_by_role("button", name="Cari").click()
    results = page.get_by_role("region", name="Hasil pencarian")
    expect(results.get_by_role("link")).to_have_count(1)
    results.get_by_role("link", name=seed.titles["members"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(seed.titles["members"])
    main = page.locator("main")
    expect(main).to_contain_text("Rp 2.500.000.000")
    expect(main).to_contain_text("1 Juni 2025")
    expect(main).to_contain_text("Bank Syariah Makmur, sebagai pemberi pinjaman")
    expect(page.get_by_role("heading", name="Apa yang disepakati, poin demi poin")).to_be_visible()
    expect(main).to_contain_text("Bank menyediakan plafon")
    screenshot(page, "member-reads-agreement-id")


def test_an_anonymous_visitor_reads_a_public_agreement_and_cannot_reach_an_internal_one(
    seed, new_page, live_server
):
    page = new_page()
    page.goto("/published/")
    results = page.get_by_role("region", name="Results")
    expect(results.get_by_role("link")).to_have_count(1)  # neither the members' nor the internal one
    expect(results).not_to_contain_text(seed.titles["members"])
    expect(results).not_to_contain_text(seed.titles["internal"])
    results.get_by_role("link", name=seed.titles["public"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(seed.titles["public"])
    expect(page.locator("main")).to_contain_text("IDR 1,500,000,000")
    expect(page.locator("main")).to_contain_text("Yayasan Air Sehat, as funder")
    # typing the address of an internal agreement answers as for one that does not exist
    internal = page.goto(f"/published/{seed.agreements['internal']}")
    missing = page.request.get(live_server("/published/999999"))
    assert internal.status == missing.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("404")
    expect(page.locator("main")).to_contain_text("Not found.")
    expect(page.locator("main")).not_to_contain_text(seed.titles["internal"])
    api = page.request.get(live_server(f"/api/v1/public/agreements/{seed.agreements['internal']}"))
    assert api.status == 404
    assert not re.search("galian", page.content())
    screenshot(page, "anonymous-cannot-reach-internal")


def test_a_board_member_runs_a_central_forum_meeting_and_sees_the_agreement_approved(seed, new_page):
    page = new_page()
    sign_in_through_the_form(page, seed.users["board"])
    nav = page.get_by_role("navigation", name="Main")
    # schedule a meeting of the central forum
    nav.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Forum").select_option(label="Forum Rembug Pusat")
    page.get_by_label("Title").fill("Rembug pusat April")
    page.get_by_label("Starts at (WIB)").fill("2026-04-02T09:00")
    page.get_by_label("Location").fill("Balai desa Cibinong")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rembug pusat April")
    # the draft agreement on its agenda, then the meeting opens
    page.get_by_label("Agenda item").fill("Hibah sumur bor")
    page.get_by_label("Agreement deliberated").fill("PKS-2026-004")  # its reference (suggested as awaiting)
    page.get_by_role("button", name="Add to the agenda").click()
    expect(page.locator("#agenda li")).to_contain_text(DRAFT_TITLE)
    page.get_by_role("button", name="Open the meeting").click()
    expect(page.get_by_role("status").filter(has_text="The meeting is open.")).to_be_visible()
    # attendance on the roll-call screen: ten present, one absent from each group
    page.get_by_role("link", name="Roll call: attendance and votes").click()
    absent = {ROLL["Rembug Mawar"][-1], ROLL["Rembug Melati"][-1]}
    names = [name for group in ROLL.values() for name in group]
    assert len(names) == 12
    for name in names:
        row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(f"^{name} ")))
        row.get_by_label("Absent" if name in absent else "Present", exact=True).check()
    # the save button is at the top of the rows and in the bar at their bottom: either saves
    page.get_by_role("button", name="Record attendance and votes").last.click()
    expect(page.locator("main")).to_contain_text("Recorded: 12 attendance changes, 0 votes.")
    expect(page.locator("main")).to_contain_text("Present (in person or by proxy): 10 of 12 eligible")
    # table a motion to approve the agreement
    page.get_by_role("link", name="Rembug pusat April").click()
    page.get_by_role("link", name="New motion").click()
    page.get_by_label("Title").fill("Menyetujui hibah sumur bor")
    page.get_by_label("Text of the motion").fill("Forum rembug pusat menyetujui perjanjian hibah sumur bor.")
    page.get_by_label("Effect if carried").select_option(label="Approve the agreement")
    page.get_by_label("Agreement", exact=True).fill("pks-2026-004")  # any case
    page.get_by_role("button", name="Table the motion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Menyetujui hibah sumur bor")
    # the roll-call vote: 7 yes, 2 no, 1 abstaining
    page.get_by_role("link", name="Roll-call votes").click()
    present = [name for name in names if name not in absent]
    choices = ["Yes"] * 7 + ["No"] * 2 + ["Abstain"]
    for name, choice in zip(present, choices, strict=True):
        page.get_by_role("radiogroup", name=f"Vote of {name}").get_by_label(choice, exact=True).check()
    # the save button is at the top of the rows and in the bar at their bottom: either saves
    page.get_by_role("button", name="Record attendance and votes").last.click()
    expect(page.locator("main")).to_contain_text("Recorded: 0 attendance changes, 10 votes.")
    expect(page.locator("main")).to_contain_text("7 yes, 2 no, 1 abstaining so far.")
    # close the vote: carried, a decision of the central forum
    page.get_by_role("link", name="Rembug pusat April").click()
    page.get_by_role("link", name=re.compile("Menyetujui hibah sumur bor")).click()
    # closing asks first, and says what it would record
    page.get_by_role("link", name="Close the vote…").click()
    expect(page.locator("main")).to_contain_text("Carried")
    page.get_by_role("button", name="Yes, close the vote").click()
    expect(page.locator("main")).to_contain_text("Carried — 7 yes, 2 no, 1 abstaining")
    decision = page.get_by_role("heading", level=1).locator(".badge").inner_text()
    assert re.fullmatch(r"RP-\d{4}-001", decision), decision
    # the agreement page: approved, with the decision in its trail
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agreements", exact=True).click()
    page.get_by_role("link", name=DRAFT_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DRAFT_TITLE)
    expect(page.locator("#status-h")).to_have_text("Status: Approved")
    trail = page.get_by_role("region", name="Decisions")
    expect(trail).to_contain_text(decision)
    expect(trail).to_contain_text("Forum Rembug Pusat")
    expect(trail.get_by_role("link", name="Rembug pusat April")).to_be_visible()
    screenshot(page, "board-meeting-approves-agreement")


def test_a_manager_records_an_obligation_fulfilled_with_evidence(seed, new_page, monkeypatch,
                                                                  live_server, tmp_path):
    from govtrack.core import clock

    monkeypatch.setattr(clock, "today", lambda: TODAY)
    with live_server.app.app_context():
        seed_obligation(seed, due_on=TODAY + dt.timedelta(days=10))
        db.session.remove()
    evidence = tmp_path / "laporan-triwulan-1.pdf"
    evidence.write_bytes(tiny_pdf("Laporan penggunaan dana triwulan I"))
    page = new_page()
    sign_in_through_the_form(page, seed.users["manager"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Obligations").click()
    row = page.get_by_role("row").filter(has_text="Laporan penggunaan dana triwulan I")
    expect(row).to_contain_text("Due soon")
    detail = row.get_by_role("link", name="Laporan penggunaan dana triwulan I").get_attribute("href")
    row.get_by_role("link", name="Fulfil…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fulfil: Laporan penggunaan dana triwulan I")
    expect(page.get_by_label("Fulfilled on")).to_have_value(TODAY.isoformat())
    page.get_by_label("Fulfilled on").fill("2026-03-13")
    page.get_by_label("Note").fill("Dikirim ke yayasan lewat pos.")
    page.get_by_label(re.compile("^Evidence")).set_input_files(evidence)
    page.get_by_role("button", name="Record").click()
    expect(page.locator("main")).to_contain_text("Fulfilment recorded.")
    # back on the dashboard the manager came from (with its filters), where the row is gone
    expect(page.get_by_role("heading", level=1)).to_contain_text("Obligations")
    expect(page.get_by_role("row").filter(has_text="Laporan penggunaan dana triwulan I")).to_have_count(0)
    page.goto(live_server.url + detail)
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan penggunaan dana triwulan I")
    occurrence = page.locator("main table tbody tr").first
    expect(occurrence).to_contain_text("Fulfilled")
    expect(occurrence).to_contain_text("Mar 13, 2026")
    expect(occurrence).to_contain_text("Dikirim ke yayasan lewat pos.")
    link = occurrence.get_by_role("link", name="laporan-triwulan-1.pdf")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "laporan-triwulan-1.pdf"
    assert Path(download.value.path()).read_bytes() == evidence.read_bytes()
    screenshot(page, "manager-fulfils-obligation")
    # and nothing is left to do on the dashboard
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Obligations").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Obligations")
    expect(page.locator("main")).not_to_contain_text("Laporan penggunaan dana triwulan I")
