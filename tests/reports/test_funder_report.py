"""The funder's report: /agreements/{id}/report, its .xlsx twin, /api/v1/agreements/{id}/report, the
narrative, and a report obligation fulfilled with the report attached in one step."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.core import clock
from govtrack.extensions import db
from govtrack.obligations.models import EvidenceFile, Occurrence
from govtrack.obligations.services import (
    ConditionData,
    ObligationData,
    create_obligation,
    fulfil,
    set_conditions,
)
from govtrack.reports.models import ReportNarrative
from govtrack.reports.queries import default_period
from govtrack.results import services as results
from govtrack.results.models import Indicator
from tests.conftest import csrf_token

TODAY = dt.date(2026, 11, 30)
ID = {"Accept-Language": "id"}
Q1, Q2 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31)), (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


@pytest.fixture
def grant(app, app_context, make_partner, make_agreement, make_user, monkeypatch):
    """A grant with a results framework (targets for two quarters; Q1's actual verified and split by
    sex, Q2's only submitted), three tranches (one received), a quarterly report owed, a decision."""
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    funder = make_partner("Yayasan Air Bersih")
    agreement = make_agreement("Hibah Sanitasi", reference="PKS/2026/001", parties=[(funder, "funder")],
                               status="active", start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31),
                               value_amount=Decimal("1200000000"))
    result = results.create_result(actor="test", agreement=agreement, kind="output", title="Jamban terbangun",
                                   indicators=[results.IndicatorData(
                                       title="Jamban sehat", unit="unit", baseline_year=2025, baseline_value="0",
                                       targets=[results.TargetData(*Q1, "20"), results.TargetData(*Q2, "50")])])
    indicator = db.session.scalar(select(Indicator).where(Indicator.result_id == result.id))
    clerk, checker = make_user("manager"), make_user("board")

    def actual(period, value, dims=None, verify=True):
        a = results.record_actual(actor=clerk, indicator=indicator, agreement=agreement, today=TODAY,
                                  data=results.ActualData(*period, value, dimensions=dims or {}))
        results.submit_actual(actor=clerk, actual=a)
        if verify:
            results.verify_actual(actor=checker, actual=a)

    actual(Q1, "22")
    actual(Q1, "9", {"sex": "female"})
    actual(Q2, "47", verify=False)
    with app.test_request_context():
        tranches = create_obligation(actor="test", today=TODAY, data=ObligationData(
            agreement_id=agreement.id, owed_by="partner", partner_id=funder.id, kind="disbursement",
            title="Tahap hibah", amount=Decimal("400000000"), rrule="FREQ=MONTHLY;INTERVAL=4;COUNT=3",
            starts_on=dt.date(2026, 2, 15)))
        report = create_obligation(actor="test", today=TODAY, data=ObligationData(
            agreement_id=agreement.id, owed_by="cooperative", partner_id=funder.id, kind="report",
            title="Laporan triwulanan", due_date=dt.date(2026, 12, 15)))
        fulfil(actor="test", obligation=tranches, on=dt.date(2026, 2, 14))
        # The later tranches wait for 50 toilets verified by the end of June (only 22 are).
        set_conditions(actor="test", obligation=tranches, conditions=[
            ConditionData(indicator_id=indicator.id, at_least=Decimal("50"), by_date=dt.date(2026, 6, 30))])
    db.session.commit()
    return {"agreement": agreement, "funder": funder, "indicator": indicator, "report": report}


def _as_manager(client, sign_in):
    sign_in("manager")
    return client


def test_the_default_period_is_the_last_whole_quarter():
    assert default_period(dt.date(2026, 11, 30)) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert default_period(dt.date(2026, 1, 1)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert default_period(dt.date(2026, 4, 1)) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def test_the_page_shows_the_figures_entered_in_indonesian(client, sign_in, grant):
    _as_manager(client, sign_in)
    a = grant["agreement"]
    resp = client.get(f"/agreements/{a.id}/report?period_start=2026-01-01&period_end=2026-06-30", headers=ID)
    assert resp.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))
    assert "Laporan untuk penyandang dana: Hibah Sanitasi" in text
    assert "1 Jan – 31 Mar 2026 20 22 110,0%" in text          # target, actual, percent achieved
    assert "Perempuan 9" in text or "perempuan 9" in text.lower()  # the split by sex of the household head
    assert "1 Apr – 30 Jun 2026 50 47 Diajukan" in text        # submitted, not verified: marked
    assert "Diterima sejauh ini: Rp 400.000.000." in text
    assert "Laporan triwulanan" in text and "Disusun oleh (manajer)" in text
    assert "Jamban sehat paling sedikit 50 pada 30 Jun 2026: belum (22 terverifikasi)" in text
    assert "Penuhi “Laporan triwulanan” jatuh tempo 15 Des 2026 dengan laporan ini" in text


def test_the_api_answers_the_same_figures(api_as, grant):
    a = grant["agreement"]
    api = api_as("manager")
    resp = api.get(f"/api/v1/agreements/{a.id}/report?period_start=2026-01-01&period_end=2026-06-30")
    assert resp.status_code == 200
    body = resp.get_json()
    (ind,) = body["indicators"]
    assert [(p["target"], p["actual"], p["actual_status"], p["percent"]) for p in ind["periods"]] == [
        ("20.00", "22.00", "verified", "110.0"), ("50.00", "47.00", "submitted", "94.0")]
    assert ind["periods"][0]["splits"] == [{"dimensions": {"sex": "female"}, "value": "9.00", "status": "verified"}]
    assert body["received"] == {"amount": "400000000.00", "currency": "IDR"}
    assert [t["status"] for t in body["tranches"]] == ["fulfilled", "overdue", "overdue"]
    # A received tranche has no claim state; the open ones are late: June passed with 22 of 50 verified.
    assert [t["claim_state"] for t in body["tranches"]] == [None, "late", "late"]
    assert body["tranches"][1]["conditions"] == [{"indicator_id": grant["indicator"].id, "indicator": "Jamban sehat",
                                                  "at_least": "50.00", "by": "2026-06-30", "reached": "22.00",
                                                  "met": False, "projected": None, "on_track": None}]
    assert body["agreement"]["funders"] == ["Yayasan Air Bersih"]
    # Only the period's obligations: the tranches of February and June; the report is due in December.
    assert [(o["title"], o["due_on"]) for o in body["obligations"]] == [
        ("Tahap hibah", "2026-02-15"), ("Tahap hibah", "2026-06-15")]
    bad = api.get(f"/api/v1/agreements/{a.id}/report?period_start=2026-06-30&period_end=2026-01-01")
    assert bad.status_code == 422 and "period_end" in bad.get_json()["error"]["fields"]
    assert api.get("/api/v1/agreements/99999/report").status_code == 404
    assert api_as("member").get(f"/api/v1/agreements/{a.id}/report").status_code == 403
    assert "/api/v1/agreements/{agreement_id}/report" in api.get("/api/v1/openapi.json").get_json()["paths"]


def test_the_workbook_has_typed_cells_equal_to_the_actuals(client, sign_in, grant):
    _as_manager(client, sign_in)
    a = grant["agreement"]
    resp = client.get(f"/agreements/{a.id}/report.xlsx?period_start=2026-01-01&period_end=2026-06-30", headers=ID)
    assert resp.status_code == 200
    assert 'filename="laporan-PKS-2026-001-2026-01-01-2026-06-30.xlsx"' in resp.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(resp.data))
    assert book.sheetnames == ["Laporan", "Indikator", "Tahap pencairan", "Kewajiban periode ini", "Keputusan"]
    rows = list(book["Indikator"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Jenis hasil", "Hasil", "Indikator")
    q1 = rows[1]
    assert q1[6] == dt.datetime(2026, 1, 1) and q1[8] == 20 and q1[9] == 22 and q1[10] == 110
    assert isinstance(q1[9], int | float) and q1[11] == "Terverifikasi"
    assert rows[2][9] == 9 and rows[2][12] == "Perempuan"
    tranches = list(book["Tahap pencairan"].iter_rows(values_only=True))
    assert tranches[1][5] == 400000000 and tranches[1][0] == dt.datetime(2026, 2, 15)


def test_the_narrative_is_saved_audited_and_refused_when_too_long(client, sign_in, grant):
    _as_manager(client, sign_in)
    a = grant["agreement"]
    url = f"/agreements/{a.id}/report?period_start=2026-01-01&period_end=2026-06-30"
    data = {"csrf_token": csrf_token(client, url), "period_start": "2026-01-01", "period_end": "2026-06-30"}
    long = client.post(f"/agreements/{a.id}/report/narrative", data={**data, "narrative": "x" * 20001}, headers=ID)
    assert long.status_code == 422 and "20000" in long.get_data(as_text=True)
    assert db.session.scalar(select(ReportNarrative)) is None
    ok = client.post(f"/agreements/{a.id}/report/narrative", data={**data, "narrative": "Musim hujan menunda 3 unit."},
                     headers=ID)
    assert ok.status_code == 302
    page = client.get(url, headers=ID).get_data(as_text=True)
    assert "Musim hujan menunda 3 unit." in page
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "report.narrative")).one()
    assert json.loads(event.after)["text"] == "Musim hujan menunda 3 unit."
    # Another period has its own narrative: this one is not shown there.
    other = client.get(f"/agreements/{a.id}/report?period_start=2026-07-01&period_end=2026-09-30", headers=ID)
    assert "Musim hujan" not in other.get_data(as_text=True)


def test_a_board_member_reads_but_cannot_write_the_narrative(client, sign_in, grant):
    sign_in("board")
    a = grant["agreement"]
    url = f"/agreements/{a.id}/report"
    page = client.get(url, headers=ID)
    assert page.status_code == 200 and "Simpan narasi" not in page.get_data(as_text=True)
    resp = client.post(f"/agreements/{a.id}/report/narrative", data={
        "csrf_token": csrf_token(client, url), "period_start": "2026-07-01", "period_end": "2026-09-30",
        "narrative": "x"})
    assert resp.status_code == 403


def test_a_report_obligation_is_fulfilled_with_the_report_attached(client, sign_in, grant):
    _as_manager(client, sign_in)
    a = grant["agreement"]
    url = f"/agreements/{a.id}/report?period_start=2026-07-01&period_end=2026-09-30"
    occurrence = db.session.scalar(select(Occurrence).where(Occurrence.obligation_id == grant["report"].id))
    resp = client.post(f"/agreements/{a.id}/report/fulfil", data={
        "csrf_token": csrf_token(client, url), "period_start": "2026-07-01", "period_end": "2026-09-30",
        "occurrence_id": str(occurrence.id)}, headers=ID)
    assert resp.status_code == 302
    db.session.expire_all()
    occurrence = db.session.get(Occurrence, occurrence.id)
    assert occurrence.fulfilled_on == TODAY
    evidence = db.session.scalars(select(EvidenceFile).where(EvidenceFile.occurrence_id == occurrence.id)).one()
    assert evidence.original_name == "laporan-PKS-2026-001-2026-07-01-2026-09-30.xlsx"
    assert evidence.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    page = client.get(url, headers=ID).get_data(as_text=True)
    assert "Kewajiban laporan telah dipenuhi" in page and "Penuhi “Laporan triwulanan”" not in page
    # Once fulfilled it cannot be fulfilled again; an occurrence of another agreement is not found.
    again = client.post(f"/agreements/{a.id}/report/fulfil", data={
        "csrf_token": csrf_token(client, url), "period_start": "2026-07-01", "period_end": "2026-09-30",
        "occurrence_id": str(occurrence.id)}, headers=ID, follow_redirects=True)
    assert "Jadwal ini sudah terpenuhi." in again.get_data(as_text=True)


def test_a_bad_period_on_the_page_is_named(client, sign_in, grant):
    _as_manager(client, sign_in)
    resp = client.get(f"/agreements/{grant['agreement'].id}/report?period_start=2026-06-30&period_end=2026-01-01",
                      headers=ID)
    assert resp.status_code == 422
    assert "Periode berakhir sebelum dimulai." in resp.get_data(as_text=True)
    assert client.get("/agreements/99999/report").status_code == 404


def test_the_report_reads_a_bounded_number_of_queries(client, sign_in, grant, count_queries):
    _as_manager(client, sign_in)
    url = f"/api/v1/agreements/{grant['agreement'].id}/report?period_start=2026-01-01&period_end=2026-12-31"
    client.get(url)
    with count_queries() as q:
        assert client.get(url).status_code == 200
    assert q.count <= 25, q.statements
