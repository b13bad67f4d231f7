"""Demo data: obligations both ways on the demo agreements: grant disbursements owed by funders,
quarterly reports owed by the cooperative, monthly loan repayments by RRULE, construction
milestones; the past mostly fulfilled (with notes), a few left overdue."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from govtrack.agreements.models import AgreementParty
from govtrack.core import clock
from govtrack.extensions import db
from govtrack.obligations import recurrence
from govtrack.obligations.models import Occurrence
from govtrack.obligations.services import ObligationData, create_obligation, fulfil

log = logging.getLogger(__name__)
ACTOR = "demo"


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, dict):
        return list(value.values())
    return list(value)


def _responsibles(ctx: dict) -> list:
    users = [u for u in _as_list(ctx.get("users")) if hasattr(u, "id")]
    managers = [u for u in users if getattr(u, "role", None) == "manager"]
    return managers or users or [None]


def _settle_past(ob, *, today: dt.date, leave_open: int, notes: list[str]) -> None:
    """Fulfil the occurrences already due, except the last `leave_open` (left overdue); one in
    four is paid a few days late so the scorecards show something."""
    past = list(db.session.scalars(
        select(Occurrence).where(Occurrence.obligation_id == ob.id, Occurrence.due_on < today)
        .order_by(Occurrence.due_on)
    ))
    keep = past[len(past) - leave_open:] if leave_open else []
    for i, occ in enumerate(past):
        if occ in keep:
            continue
        on = occ.due_on + dt.timedelta(days=6 if i % 4 == 3 else -1)
        fulfil(actor=ACTOR, obligation=ob, occurrence_id=occ.id, on=min(on, today),
               note=notes[i % len(notes)] if notes else None)


def load(ctx: dict) -> None:
    """Add obligations to ctx["agreements"] (from the core loader); does nothing without them."""
    agreements = [a for a in _as_list(ctx.get("agreements")) if hasattr(a, "id")]
    if not agreements:
        log.info("no demo agreements: no demo obligations")
        return
    today = clock.today()
    people = _responsibles(ctx)
    parties: dict[int, list[tuple[int, str]]] = {}
    for agreement_id, partner_id, role in db.session.execute(
        select(AgreementParty.agreement_id, AgreementParty.partner_id, AgreementParty.role)
        .where(AgreementParty.agreement_id.in_([a.id for a in agreements]))
        .order_by(AgreementParty.id)
    ):
        parties.setdefault(agreement_id, []).append((partner_id, role))
    created = []
    for n, agreement in enumerate(agreements):
        who = people[n % len(people)]
        responsible_id = getattr(who, "id", None)
        sides = parties.get(agreement.id) or []
        if not sides:
            continue
        partner_id, role = sides[0]
        start = agreement.start_date or (today - relativedelta(months=8))
        value = agreement.value_amount or Decimal("600000000")
        kind = agreement.kind

        def make(_agreement_id=agreement.id, _responsible_id=responsible_id, **kw):
            ob = create_obligation(actor=ACTOR, today=today, data=ObligationData(
                agreement_id=_agreement_id, responsible_id=_responsible_id, **kw))
            created.append(ob)
            return ob

        if kind in ("grant", "technical_assistance"):
            tranche = (value / 3).quantize(Decimal("1"))
            for i, offset in enumerate((1, 5, 9)):
                ob = make(owed_by="partner", partner_id=partner_id, kind="disbursement",
                          title=f"Tahap hibah {i + 1}", amount=tranche,
                          due_date=start + relativedelta(months=offset))
                if i == 0:
                    _settle_past(ob, today=today, leave_open=0, notes=["Diterima penuh; bukti transfer bank terlampir."])
            ob = make(owed_by="cooperative", partner_id=partner_id, kind="report",
                      title="Laporan kemajuan triwulanan",
                      rrule=recurrence.build_rule("quarterly", start, day=15), starts_on=start)
            _settle_past(ob, today=today, leave_open=1, notes=["Dikirim lewat surel kepada petugas program."])
        elif kind in ("loan", "credit_line"):
            instalment = (value / 36).quantize(Decimal("1"))
            ob = make(owed_by="cooperative", partner_id=partner_id, kind="repayment",
                      title="Angsuran bulanan", amount=instalment,
                      rrule=recurrence.build_rule("monthly", start, day=25, count=36), starts_on=start)
            _settle_past(ob, today=today, leave_open=1, notes=["Didebit otomatis dari rekening operasional."])
            make(owed_by="cooperative", partner_id=partner_id, kind="compliance",
                 title="Laporan keuangan tahunan yang diaudit",
                 rrule=recurrence.build_rule("yearly", start + relativedelta(months=4)),
                 starts_on=start + relativedelta(months=4))
        elif kind in ("construction", "supply"):
            for i, (offset, title) in enumerate(((1, "Survei lokasi selesai"), (3, "Fondasi reservoir"),
                                                 (6, "Pipa terpasang ke 120 rumah tangga"), (9, "Serah terima"))):
                ob = make(owed_by="partner", partner_id=partner_id, kind="construction_milestone",
                          title=title, due_date=start + relativedelta(months=offset))
                if i == 0:
                    _settle_past(ob, today=today, leave_open=0, notes=["Diperiksa di lokasi oleh petugas lapangan."])
            make(owed_by="cooperative", partner_id=partner_id, kind="payment", title="Pembayaran termin",
                 amount=(value / 4).quantize(Decimal("1")), due_date=start + relativedelta(months=4))
        else:
            make(owed_by="partner" if role in ("regulator", "implementer") else "cooperative",
                 partner_id=partner_id, kind="compliance", title="Rapat tinjauan tahunan",
                 rrule=recurrence.build_rule("yearly", start + relativedelta(months=11)),
                 starts_on=start + relativedelta(months=11))
    db.session.flush()
    ctx["obligations"] = created
