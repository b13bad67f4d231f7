"""The roll-up where the forum decides, as the board reads it on a phone before the vote: the motion
page 360 px wide in Indonesian shows what the rembug pusat said on each point (a chart and its
table), the proposed texts and the centres not heard yet by region; nothing scrolls sideways, no
console error or CSP violation, and axe passes."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from govtrack.agreements.models import Agreement, Clause
from govtrack.agreements.services import transition_agreement
from govtrack.centres.services import ClausePosition, record_positions
from govtrack.core.clock import utcnow
from govtrack.extensions import db
from govtrack.members.services import MemberData, create_centre, create_member
from tests.browser.conftest import (
    describe,
    run_axe,
    screenshot,
    seed_meeting,
    sign_in_through_the_form,
)

TODAY = dt.date(2026, 1, 1)


def _heard(live_server, seed) -> None:
    """The draft grant under deliberation; four centres in two regions and one with none: three
    heard (one proposes a text on point 2), two not yet (and the seed's two, with no region)."""
    with live_server.app.app_context():
        agreement = db.session.get(Agreement, seed.agreements["draft"])
        transition_agreement(actor="test", agreement=agreement, to="under_deliberation")
        clauses = list(db.session.scalars(db.select(Clause).where(Clause.agreement_id == agreement.id)
                                          .order_by(Clause.number)))
        centres = {}
        for code, name, region in [("RP-00201", "Rembug Pusat Anggrek", "Kec. Cibinong, Kab. Bogor"),
                                   ("RP-00202", "Rembug Pusat Dahlia", "Kec. Cibinong, Kab. Bogor"),
                                   ("RP-00203", "Rembug Pusat Kenanga", "Kec. Ciampea, Kab. Bogor"),
                                   ("RP-00204", "Rembug Pusat Teratai", "Kec. Ciampea, Kab. Bogor"),
                                   ("RP-00205", "Rembug Pusat Flamboyan", None)]:
            centres[code] = create_centre(actor="test", values={"name": name, "code": code, "region": region})
            for i in range(5):
                create_member(actor="test", today=TODAY, data=MemberData(
                    number=f"{code}-{i}", name=f"Anggota {name} {i}", centre=code))
        for code, present, second in [("RP-00201", 5, ("support", None)),
                                      ("RP-00202", 4, ("amend", "Rembug Mawar dan Melati memelihara sumur bersama.")),
                                      ("RP-00203", 5, ("oppose", None))]:
            record_positions(actor="test", agreement=agreement, centre=centres[code], held_on=TODAY,
                             members_present=present, today=TODAY,
                             positions=[ClausePosition(clauses[0].id, "support"), ClausePosition(clauses[1].id, *second)])
        db.session.commit()
        seed_meeting(seed, utcnow())
        db.session.remove()


def test_the_motion_page_reads_the_centres_on_a_phone_in_indonesian(seed, new_page, live_server):
    _heard(live_server, seed)
    page = new_page(locale="id-ID", width=360, height=780, axe=True)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    sign_in_through_the_form(page, seed.users["board"])
    page.goto(f"/forums/motions/{seed.motions['approve']}")
    rollup = page.get_by_role("region", name="Yang dikatakan rembug pusat")
    expect(rollup).to_be_visible()
    # the table, in Indonesian: point 1 heard from three centres, all in support
    row = rollup.locator(f"#rollup-{seed.agreements['draft']}-1")
    expect(row).to_contain_text("Poin 1")
    expect(row.locator("td[data-label='Setuju']")).to_contain_text("3 rembug pusat")
    expect(row.locator("td[data-label='Setuju']")).to_contain_text("14 anggota hadir")
    # not heard: Teratai, Flamboyan, and the seed's Rembug Mawar and Rembug Melati (no region)
    expect(row.locator("td[data-label='Belum didengar']")).to_contain_text("4 rembug pusat")
    row2 = rollup.locator(f"#rollup-{seed.agreements['draft']}-2")
    expect(row2.locator("td[data-label='Usul ubah']")).to_contain_text("1 rembug pusat")
    expect(row2.locator("td[data-label='Tolak']")).to_contain_text("1 rembug pusat")
    # the chart came from the server, drawn
    chart = rollup.get_by_role("img", name="Diagram batang sikap rembug pusat pada tiap poin; jumlah yang sama ada di tabel.")
    expect(chart).to_be_visible()
    chart.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    # the proposed text and, behind a fold, the centres not heard yet by region
    rollup.get_by_text("1 usulan teks").first.click()
    expect(rollup.get_by_text("Rembug Mawar dan Melati memelihara sumur bersama.")).to_be_visible()
    rollup.get_by_text("Belum didengar, di 2 wilayah").first.click()
    expect(rollup.get_by_text("Tanpa wilayah").first).to_be_visible()
    expect(rollup.get_by_text("Rembug Pusat Teratai (RP-00204)").first).to_be_visible()
    # it fits the phone: nothing scrolls sideways
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    screenshot(page, "rollup-motion-360-id")
    violations = run_axe(page)
    assert not violations, describe(violations)
    assert [p for p in problems if not p.endswith("/favicon.ico)")] == [], problems
