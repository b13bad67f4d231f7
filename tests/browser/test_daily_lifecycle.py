"""A board secretary's week in Indonesian, at a desk (1280 px) and on a phone (360 px): a meeting
rescheduled, another cancelled with a reason and shown struck through, a motion withdrawn."""

from __future__ import annotations

import datetime as dt

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


def _scheduled(seed, title: str, days: int) -> int:
    from govtrack.forums import services
    from govtrack.forums.models import Forum

    forum = db.session.get(Forum, seed.forums["pusat"])
    meeting = services.create_meeting(actor="test", forum=forum, title=title, starts_at=NOW + dt.timedelta(days=days),
                                      location="Balai desa Cibinong")
    db.session.commit()
    return meeting.id


@pytest.mark.parametrize("width", [1280, 360])
def test_a_secretary_reschedules_cancels_and_withdraws_in_indonesian(seed, new_page, live_server, width):
    with live_server.app.app_context():
        april = _scheduled(seed, "Rembug pusat April", 19)
        may = _scheduled(seed, "Rembug pusat Mei", 49)
        seed_meeting(seed, NOW)
    page = new_page(locale="id-ID", width=width, height=800, axe=True)
    sign_in_through_the_form(page, seed.users["board"])

    # Reschedule April's meeting: a new day and a new place.
    page.goto(f"/forums/meetings/{april}")
    page.get_by_role("link", name="Ubah atau jadwalkan ulang").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ubah atau jadwalkan ulang rapat")
    page.locator("#starts_at").fill("2026-04-09T02:00")
    page.get_by_label("Tempat").fill("Aula Koperasi")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("main")).to_contain_text("Rapat telah disimpan.")
    expect(page.locator("main header")).to_contain_text("9 April 2026")
    expect(page.locator("main header")).to_contain_text("Aula Koperasi")

    # Cancel May's meeting with a reason; the list shows it struck through, with the reason.
    page.goto(f"/forums/meetings/{may}")
    page.get_by_role("link", name="Batalkan rapat").click()
    page.get_by_role("button", name="Batalkan rapat").click()             # no reason: refused, nothing changes
    expect(page.locator("main")).to_contain_text("Mohon perbaiki isian yang ditandai.")
    page.get_by_label("Alasan").fill("Bertepatan dengan musim tanam; dijadwalkan ulang bulan Juni.")
    page.get_by_role("button", name="Batalkan rapat").click()
    expect(page.locator("main")).to_contain_text("Rapat telah dibatalkan.")
    expect(page.locator("#cancel-reason")).to_contain_text("Bertepatan dengan musim tanam")
    expect(page.get_by_role("button", name="Buka rapat")).to_have_count(0)
    page.goto("/forums/meetings")
    row = page.locator("tr.meeting-cancelled")
    expect(row).to_have_count(1)
    expect(row.locator("s").first).to_be_visible()
    title = row.locator("s a")
    expect(title).to_have_text("Rembug pusat Mei")
    assert "line-through" in title.evaluate("el => getComputedStyle(el.closest('s')).textDecorationLine")
    expect(row).to_contain_text("Dibatalkan: Bertepatan dengan musim tanam; dijadwalkan ulang bulan Juni.")
    expect(row).to_contain_text("Dibatalkan")
    violations = run_axe(page)
    assert not violations, describe(violations)

    # Withdraw the motion on the table of the open meeting, with its reason.
    page.goto(f"/forums/motions/{seed.motions['approve']}")
    page.get_by_label("Alasan").fill("Naskah hibah masih direvisi oleh yayasan.")
    page.get_by_role("button", name="Tarik usul keputusan").click()
    expect(page.locator("main")).to_contain_text("Usul keputusan telah ditarik.")
    expect(page.locator("#withdraw-reason")).to_contain_text("Naskah hibah masih direvisi oleh yayasan.")
    expect(page.locator("h1 s")).to_have_text("Menyetujui hibah sumur bor")
    expect(page.get_by_role("button", name="Tutup pemungutan suara")).to_have_count(0)
    page.goto(f"/forums/meetings/{seed.meetings['open']}")
    expect(page.locator(".motion-withdrawn")).to_contain_text("Ditarik: Naskah hibah masih direvisi oleh yayasan.")
    screenshot(page, f"daily-lifecycle-{width}")


@pytest.mark.parametrize("width", [1280, 360])
def test_a_member_reads_the_agenda_of_her_next_meeting_in_indonesian(seed, new_page, live_server, width):
    from govtrack.auth.models import User
    from govtrack.forums import services
    from govtrack.forums.models import Meeting
    from govtrack.members.models import Member
    from govtrack.members.services import link_user

    with live_server.app.app_context():
        soon = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=6)
        meeting_id = _scheduled(seed, "Rembug pusat pekan depan", 0)
        meeting = db.session.get(Meeting, meeting_id)
        services.update_meeting(actor="test", meeting=meeting, title=meeting.title, starts_at=soon,
                                location="Balai desa Cibinong")
        services.add_agenda_item(actor="test", meeting=meeting, title="Laporan hibah air bersih",
                                 agreement_id=seed.agreements["public"])
        services.add_agenda_item(actor="test", meeting=meeting, title="Izin galian pipa",
                                 agreement_id=seed.agreements["internal"])
        link_user(actor="test", member=db.session.get(Member, seed.members["Siti Aminah"]),
                  user=db.session.get(User, seed.users["member"].id))
        db.session.commit()
    page = new_page(locale="id-ID", width=width, height=800, axe=True)
    sign_in_through_the_form(page, seed.users["member"])
    page.goto("/published/meetings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapat saya yang akan datang")
    card = page.locator(f"#meeting-{meeting_id}")
    expect(card).to_contain_text("Rembug pusat pekan depan")
    expect(card).to_contain_text("Balai desa Cibinong")
    expect(card.get_by_role("link", name=seed.titles["public"])).to_be_visible()
    expect(card).to_contain_text("Izin galian pipa")
    expect(card).not_to_contain_text(seed.titles["internal"])      # not published to members
    violations = run_axe(page)
    assert not violations, describe(violations)
    screenshot(page, f"daily-lifecycle-member-{width}")
