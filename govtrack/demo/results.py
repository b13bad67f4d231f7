"""Demo data: the results framework of the sanitation grant (PKS/2026/001): toilets built (split by
the sex of the household head and by district), households with safe sanitation (a percentage), and
households still defecating in the open (lower is better); actuals for the agreement's first two
quarters entered by the manager and verified by the board, and the third waiting for verification;
the grant's second tranche claimable on those results, its third waiting for the rest."""

from __future__ import annotations

import datetime as dt
import io
import logging
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from govtrack.agreements.services import add_document
from govtrack.core import clock
from govtrack.extensions import db
from govtrack.obligations.models import Obligation
from govtrack.obligations.services import ConditionData, set_conditions
from govtrack.results import queries, services

log = logging.getLogger(__name__)
ACTOR = "demo"
REFERENCE = "PKS/2026/001"
# A one-page PDF: the demo's scanned record of handover (berita acara) as evidence.
PDF = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
       b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def _quarters(start: dt.date, n: int) -> list[tuple[dt.date, dt.date]]:
    """The agreement's first n quarters, from its start date."""
    return [(start + relativedelta(months=3 * i), start + relativedelta(months=3 * (i + 1)) - dt.timedelta(days=1))
            for i in range(n)]


def load(ctx: dict) -> None:
    agreement = next((a for a in ctx.get("agreements", []) if getattr(a, "reference", None) == REFERENCE), None)
    users = ctx.get("users") or {}
    if agreement is None or agreement.start_date is None:
        log.info("no demo grant: no demo results framework")
        return
    manager, board = users.get("manager", ACTOR), users.get("board", ACTOR)
    q = _quarters(agreement.start_date, 4)
    toilets, share, open_defecation = (
        services.IndicatorData(
            title="Jamban sehat keluarga terbangun dan diserahterimakan", unit="unit", code="JAMBAN",
            baseline_year=2025, baseline_value=Decimal(0),
            targets=[services.TargetData(*q[i], Decimal(v)) for i, v in enumerate((20, 50, 90, 120))]),
        services.IndicatorData(
            title="Rumah tangga dengan akses sanitasi layak", unit="% rumah tangga", code="AKSES",
            measure="percentage", baseline_year=2025, baseline_value=Decimal("41.5"),
            targets=[services.TargetData(*q[1], Decimal(55)), services.TargetData(*q[3], Decimal(70))]),
        services.IndicatorData(
            title="Rumah tangga yang masih buang air besar sembarangan", unit="rumah tangga", code="BABS",
            ascending=False, baseline_year=2025, baseline_value=Decimal(310),
            targets=[services.TargetData(*q[3], Decimal(120))]),
    )
    output = services.create_result(actor=manager, agreement=agreement, kind="output",
                                    title="Jamban sehat terbangun di Desa Cibinong", indicators=[toilets])
    outcome = services.create_result(actor=manager, agreement=agreement, kind="outcome",
                                     title="Keluarga anggota hidup dengan sanitasi layak",
                                     indicators=[share, open_defecation])
    db.session.flush()
    _by_id, by_code = queries.indicators_by_key(agreement.id)
    evidence = add_document(actor=manager, agreement=agreement, file=FileStorage(
        io.BytesIO(PDF), filename="Berita acara serah terima jamban triwulan I dan II.pdf"))
    today = clock.today()

    def actual(code: str, period: tuple[dt.date, dt.date], value: str, dims=None, *, verify: bool = True,
               documents=()):
        if period[0] > today:
            return None  # a quarter that has not begun has no actual yet
        a = services.record_actual(actor=manager, indicator=by_code[code], agreement=agreement, today=today,
                                   data=services.ActualData(*period, Decimal(value), dims or {},
                                                            document_ids=[d.id for d in documents]))
        services.submit_actual(actor=manager, actual=a)
        if verify:
            services.verify_actual(actor=board, actual=a)
        return a

    for period, total, split in ((q[0], "22", ("9", "13")), (q[1], "47", ("21", "26"))):
        actual("JAMBAN", period, total, documents=[evidence])
        actual("JAMBAN", period, split[0], {"sex": "female", "region": "Kec. Cibinong"})
        actual("JAMBAN", period, split[1], {"sex": "male", "region": "Kec. Cibinong"})
    actual("AKSES", q[1], "52.3")
    actual("BABS", q[1], "236")
    # The third quarter waits for the board's verification.
    actual("JAMBAN", q[2], "84", verify=False)
    db.session.flush()
    ctx["results"] = [output, outcome]
    _tranches(agreement, by_code, q)


def _tranches(agreement, by_code: dict, q: list[tuple[dt.date, dt.date]]) -> None:
    """The grant's second tranche waits for 45 toilets by the end of the second quarter (met by the
    verified 47: claimable); the third for all 120 and 60 % of households by the grant's end."""
    tranches = {o.title: o for o in db.session.scalars(
        select(Obligation).where(Obligation.agreement_id == agreement.id, Obligation.kind == "disbursement"))}
    plans = {"Tahap hibah 2": [("JAMBAN", "45", q[1][1])],
             "Tahap hibah 3": [("JAMBAN", "120", agreement.end_date or q[3][1]), ("AKSES", "60", agreement.end_date
                                                                                  or q[3][1])]}
    for title, conditions in plans.items():
        if title in tranches:
            set_conditions(actor=ACTOR, obligation=tranches[title], conditions=[
                ConditionData(by_code[code].id, Decimal(value), by) for code, value, by in conditions])
