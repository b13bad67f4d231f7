"""The results framework (issue 16) as a manager who reads only Indonesian does it on a phone
(360 px): from the agreement's page to its "Kerangka hasil", the targets and verified actuals with
percent achieved written the Indonesian way, a new actual typed as Indonesians write numbers (and
refused beside its field when it is over 100 percent), submitted for verification. axe finds no
WCAG A/AA violation, and with the CSP enforced the browser reports no console error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from playwright.sync_api import expect

from govtrack.agreements.queries import load_agreement
from govtrack.extensions import db
from govtrack.obligations.services import (
    ConditionData,
    ObligationData,
    create_obligation,
    set_conditions,
)
from govtrack.results import queries, services
from tests.browser.conftest import describe, run_axe, screenshot, sign_in_through_the_form

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
Q2 = (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def _framework(live_server, seed) -> int:
    """Two indicators on the public grant; the first quarter's actuals verified."""
    with live_server.app.app_context():
        agreement = load_agreement(seed.agreements["public"])
        services.create_result(actor="test", agreement=agreement, kind="output", title="Sambungan air terpasang",
                               indicators=[
            services.IndicatorData(title="Sambungan rumah baru", unit="rumah tangga", code="SR",
                                   baseline_year=2025, baseline_value=Decimal(0),
                                   targets=[services.TargetData(*Q1, Decimal(1000)),
                                            services.TargetData(*Q2, Decimal(2500))]),
            services.IndicatorData(title="Rumah tangga puas dengan layanan", unit="%", code="PUAS",
                                   measure="percentage", baseline_year=2025, baseline_value=Decimal("60"),
                                   targets=[services.TargetData(*Q1, Decimal(80))])])
        db.session.flush()
        _ids, by_code = queries.indicators_by_key(agreement.id)
        for code, value, dims in (("SR", "1250.5", {}), ("SR", "700", {"sex": "female", "region": "Kab. Bogor"}),
                                  ("PUAS", "75", {})):
            actual = services.record_actual(actor="test", indicator=by_code[code], agreement=agreement,
                                            today=dt.date(2026, 11, 30),
                                            data=services.ActualData(*Q1, Decimal(value), dims))
            services.submit_actual(actor="test", actual=actual)
            services.verify_actual(actor="verifier", actual=actual)
        db.session.commit()
        sr_id = by_code["SR"].id
        db.session.remove()
    return sr_id


def test_a_manager_reads_the_framework_and_records_an_actual_on_a_phone(seed, new_page, live_server):
    sr_id = _framework(live_server, seed)
    agreement_id = seed.agreements["public"]
    page = new_page(locale="id-ID", width=360)  # the CSP enforced: no axe here
    problems: list[str] = []
    failed: list[tuple[int, str]] = []
    # A refused form answers 422, which Chromium logs as a failed resource: those are counted
    # apart (exactly one is expected), every other console error or warning is a problem, except
    # the browser's own request for /favicon.ico, which the app does not serve (on every page).
    page.on("console", lambda m: problems.append(f"{m.text} {m.location.get('url')}")
            if m.type in ("error", "warning") and "status of 422" not in m.text
            and not m.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    sign_in_through_the_form(page, seed.users["manager"])
    page.goto(f"/agreements/{agreement_id}")
    section = page.locator("#results")
    expect(section).to_contain_text("1 hasil, 2 indikator.")
    section.get_by_role("link", name="Hasil, indikator, target dan realisasi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kerangka hasil: Hibah air bersih untuk rembug Cibinong")
    table = page.get_by_role("table", name="Target dan realisasi Sambungan rumah baru")
    first = table.get_by_role("row").nth(1)
    expect(first).to_contain_text("1 Jan – 31 Mar 2026")
    expect(first).to_contain_text("1.000")
    expect(first).to_contain_text("1.250,5")
    expect(first).to_contain_text("125,1%")  # (1250.5 - 0) / (1000 - 0)
    expect(table).to_contain_text("Kab. Bogor · Perempuan")
    puas = page.get_by_role("table", name="Target dan realisasi Rumah tangga puas dengan layanan")
    expect(puas.get_by_role("row").nth(1)).to_contain_text("75,0%")  # (75 - 60) / (80 - 60)

    # A new actual for the second quarter, typed the Indonesian way.
    page.locator(f"#indicator-{sr_id}").get_by_role("link", name="Catat realisasi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Realisasi baru untuk “Sambungan rumah baru”")
    page.get_by_label("Periode dari").fill("2026-04-01")
    page.get_by_label("Periode sampai").fill("2026-03-31")
    page.get_by_label("Realisasi", exact=True).fill("2.100,25")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#period_end-errors")).to_have_text("Periode berakhir sebelum dimulai.")
    expect(page.get_by_label("Realisasi", exact=True)).to_have_value("2.100,25")  # nothing typed is lost
    page.get_by_label("Periode sampai").fill("2026-06-30")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert-success")).to_contain_text("Realisasi dicatat sebagai draf.")
    q2 = page.get_by_role("table", name="Target dan realisasi Sambungan rumah baru").get_by_role("row").filter(
        has_text="1 Apr – 30 Jun 2026")
    row = q2
    expect(row).to_contain_text("2.100,25")
    expect(row).to_contain_text("Draf")
    expect(row).to_contain_text("84,0%")  # 2100.25 of 2500
    page.get_by_role("button", name="Ajukan untuk verifikasi").click()
    expect(page.locator(".alert-success")).to_contain_text("diajukan untuk verifikasi")
    expect(q2).to_contain_text("Diajukan")
    # No horizontal scroll of the page itself at 360 px (wide tables scroll in their own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "results-framework-360-id")
    assert not problems, (problems, failed)
    assert [status for status, _url in failed] == [422]

    # axe on the framework page and on the actual's form, in a context that may inject it.
    axe_page = new_page(locale="id-ID", width=360, axe=True)
    sign_in_through_the_form(axe_page, seed.users["manager"])
    for path in (f"/agreements/{agreement_id}/results",
                 f"/agreements/{agreement_id}/indicators/{sr_id}/actuals/new"):
        axe_page.goto(path)
        violations = run_axe(axe_page)
        assert not violations, f"{path}: {describe(violations)}"


def test_a_tranche_waits_for_its_conditions_and_becomes_claimable(seed, new_page, live_server):
    """The second tranche of the grant waits for 2,000 connections by 30 June 2026; the page says
    how far the verified actuals are, the manager lowers the condition to what was verified, and
    the tranche becomes claimable."""
    sr_id = _framework(live_server, seed)
    with live_server.app.app_context():
        ob = create_obligation(actor="test", today=dt.date(2026, 1, 1), data=ObligationData(
            agreement_id=seed.agreements["public"], owed_by="partner", partner_id=seed.partners["yayasan"],
            kind="disbursement", title="Tahap hibah 2", amount=Decimal("500000000"), due_date=dt.date(2027, 1, 15)))
        set_conditions(actor="test", obligation=ob, conditions=[ConditionData(sr_id, Decimal(2000), dt.date(2026, 6, 30))])
        db.session.commit()
        ob_id = ob.id
        db.session.remove()
    page = new_page(locale="id-ID", width=360, axe=True)
    sign_in_through_the_form(page, seed.users["manager"])
    page.goto(f"/obligations/{ob_id}")
    section = page.locator("#conditions")
    expect(section).to_contain_text("Terlambat")  # 30 June 2026 passed with 1.250,5 verified
    expect(section).to_contain_text("Sambungan rumah baru: paling sedikit 2.000 paling lambat 30 Jun 2026")
    expect(section).to_contain_text("belum terpenuhi (terverifikasi: 1.250,5)")
    violations = run_axe(page)
    assert not violations, describe(violations)
    section.get_by_role("link", name="Ubah syarat").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Syarat pencairan Tahap hibah 2")
    violations = run_axe(page)
    assert not violations, describe(violations)
    page.locator("#rows-0-at_least").fill("1.250")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".alert-success")).to_contain_text("Syarat Tahap hibah 2 disimpan.")
    expect(page.locator("#conditions")).to_contain_text("Dapat ditagih")
    page.goto("/obligations/")
    expect(page.get_by_role("region", name="Tahap pencairan yang menunggu hasil")
           .get_by_role("listitem").first).to_contain_text("Dapat ditagih")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "results-tranche-dashboard-360-id")
