"""The position form as a field officer uses it at a rembug pusat's weekly meeting: a phone 360 px
wide, Indonesian only. They open the agreement under deliberation, pick their centre, tap a position
for each point (no script needed), type the amendment proposed, save; a mistake comes back beside its
point with what was tapped kept. No console error and no CSP violation on the way; axe passes."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from govtrack.agreements.models import Clause
from govtrack.agreements.services import (
    AgreementData,
    ClauseData,
    PartyData,
    create_agreement,
    transition_agreement,
)
from govtrack.auth.services import create_user
from govtrack.extensions import db
from govtrack.members.services import MemberData, create_centre, create_member
from tests.browser.conftest import PASSWORD, describe, run_axe, screenshot, sign_in_through_the_form

POINTS = ["Bank menyediakan plafon Rp 2.500.000.000.", "Margin 9 % per tahun.", "Agunan tanggung renteng kelompok."]


def _deliberation(live_server, seed) -> dict:
    with live_server.app.app_context():
        officer = create_user(actor="test", email="petugas@koperasi.test", name="Pak Yusuf (petugas)",
                              role="officer", password=PASSWORD)
        centre = create_centre(actor="test", values={"name": "Rembug Pusat Melati", "code": "RP-00101",
                                                     "region": "Kec. Cibinong, Kab. Bogor", "officer_id": officer.id})
        create_centre(actor="test", values={"name": "Rembug Pusat Mawar", "code": "RP-00102"})
        for i in range(12):
            create_member(actor="test", today=dt.date(2026, 1, 1),
                          data=MemberData(number=f"C{i:04d}", name=f"Anggota Melati {i}", centre="RP-00101"))
        agreement = create_agreement(actor="test", data=AgreementData(
            title="Kredit modal kerja jamban sehat", kind="credit_line",
            parties=[PartyData(partner_id=seed.partners["bank"], role="lender")],
            clauses=[ClauseData(text=t) for t in POINTS]))
        transition_agreement(actor="test", agreement=agreement, to="under_deliberation")
        db.session.commit()
        clauses = list(db.session.scalars(db.select(Clause.id).where(Clause.agreement_id == agreement.id)
                                          .order_by(Clause.number)))
        out = {"agreement": agreement.id, "clauses": clauses, "centre": centre.id}
        db.session.refresh(officer)
        db.session.expunge(officer)
        out["officer"] = officer
        db.session.remove()
    return out


def test_an_officer_records_the_centres_positions_on_a_phone_in_indonesian(seed, new_page, live_server):
    data = _deliberation(live_server, seed)
    page = new_page(locale="id-ID", width=360, height=780)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text} ({m.location.get('url')})")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    sign_in_through_the_form(page, data["officer"])
    page.goto("/centres/positions")
    expect(page.get_by_role("heading", name="Posisi rembug pusat")).to_be_visible()
    page.get_by_role("link", name="Kredit modal kerja jamban sehat").click()
    # only the officer's own centre is offered; a tap on its name chooses it
    expect(page.get_by_text("Rembug Pusat Mawar")).to_have_count(0)
    page.get_by_label("Rembug Pusat Melati").check()
    page.get_by_role("button", name="Pilih rembug pusat ini").click()
    expect(page.get_by_role("heading", name="Rembug Pusat Melati RP-00101")).to_be_visible()
    expect(page.get_by_text("Dari 12 anggota.")).to_be_visible()
    page.get_by_label("Anggota hadir").fill("11")
    point1, point2, point3 = (page.get_by_role("group", name=f"Poin {n}") for n in (1, 2, 3))
    # each choice is a large tap target across the phone's width
    setuju = point1.get_by_text("Setuju", exact=True)
    box = setuju.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 280, box
    setuju.click()
    point2.get_by_text("Usul ubah", exact=True).click()  # ... but the text is forgotten
    point3.get_by_text("Tolak", exact=True).click()
    page.get_by_role("button", name="Simpan posisi").click()
    expect(point2.get_by_role("alert")).to_have_text("Poin 2: tuliskan perubahan yang diusulkan rembug pusat.")
    expect(point1.get_by_label("Setuju", exact=True)).to_be_checked()  # what was tapped is kept
    expect(point3.get_by_label("Tolak", exact=True)).to_be_checked()
    point2.get_by_label("Usulan teks (untuk usul ubah)").fill("Margin 7 % per tahun.")
    page.get_by_role("button", name="Simpan posisi").click()
    expect(page.get_by_text("3 posisi Rembug Pusat Melati telah dicatat.")).to_be_visible()
    expect(point2.get_by_text("Tercatat sebelumnya: Usul ubah")).to_be_visible()
    screenshot(page, "centres-positions-360-id")
    # Chromium reports an HTTP error status as a console error: the 422 of the save with a mistake
    # is the page answering as it should, and the app has no favicon; anything else is a problem.
    expected = (f"status of 422 (UNPROCESSABLE ENTITY) ({live_server.url}/centres/positions/{data['agreement']})",
                "/favicon.ico)")
    assert [p for p in problems if not p.endswith(expected)] == [], problems

    # the same form, checked by axe (a context that lets axe's script in)
    audit = new_page(locale="id-ID", width=360, height=780, axe=True)
    sign_in_through_the_form(audit, data["officer"])
    audit.goto(f"/centres/positions/{data['agreement']}?centre_id={data['centre']}")
    expect(audit.get_by_text("Tercatat sebelumnya: Usul ubah").first).to_be_visible()
    violations = run_axe(audit)
    assert not violations, describe(violations)

    # the board reads the roll-up beside each point of the agreement
    board = new_page(locale="id-ID", width=360, height=780)
    sign_in_through_the_form(board, seed.users["board"])
    board.goto(f"/agreements/{data['agreement']}")
    expect(board.get_by_text("Usul ubah: 1 rembug pusat (11 anggota hadir)")).to_be_visible()
    expect(board.get_by_text("Margin 7 % per tahun.")).to_be_attached()


def test_the_board_reads_the_centres_on_a_phone_in_indonesian(seed, new_page, live_server):
    data = _deliberation(live_server, seed)
    page = new_page(locale="id-ID", width=360, height=780, axe=True)
    sign_in_through_the_form(page, seed.users["board"])
    page.goto("/centres/?q=melati")
    expect(page.get_by_role("heading", name="Rembug pusat", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="RP-00101")).to_be_visible()
    violations = run_axe(page)
    assert not violations, describe(violations)
    screenshot(page, "centres-list-360-id")
    page.get_by_role("link", name="RP-00101").click()
    expect(page.get_by_role("heading", name="Rembug Pusat Melati RP-00101")).to_be_visible()
    expect(page.get_by_text("12 aktif dari 12")).to_be_visible()
    expect(page.get_by_text("Pak Yusuf (petugas)")).to_be_visible()
    violations = run_axe(page)
    assert not violations, describe(violations)
    screenshot(page, "centres-detail-360-id")
    assert data["centre"]
