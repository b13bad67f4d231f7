"""The funder's report of one agreement over one period, read from the records it reports on.

`funder_report` answers one dict (the API's body, the page's and the workbook's content):
- `indicators`: each indicator of the agreement's results framework with its baseline and, for each
  of its periods that overlaps the report's, the target, the actual that counts (a verified one, or
  else the newest not yet verified, marked so), percent achieved, and the splits by dimensions;
- `tranches`: every disbursement the funders owe under the agreement (the whole schedule: a
  funder reads what is still to come), with what was received and its status, and for a tranche
  waiting for results its conditions (indicator, at least, by, reached, met) and whether it can be
  claimed (`claim_state`: waiting, claimable, late);
- `obligations`: what fell due in the period, both ways;
- `decisions`: the forums' decisions about the agreement, oldest first (those after the period too:
  a funder reads what the cooperative decided since);
- `narrative`: what the manager wrote for this period (or None).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from govtrack.agreements.models import Agreement, AgreementParty
from govtrack.extensions import db
from govtrack.forums.queries import published_decisions
from govtrack.obligations.queries import Filters, export_rows, tranches
from govtrack.partners.models import Partner
from govtrack.reports.models import ReportNarrative
from govtrack.results.queries import period_rows, results_of

FUNDING_ROLES = ("funder", "lender")


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last whole calendar quarter before `today` (funders ask for quarterly reports)."""
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = quarter_start - dt.timedelta(days=1)
    return dt.date(end.year, end.month - 2, 1), end


def _overlaps(start: dt.date, end: dt.date, period_start: dt.date, period_end: dt.date) -> bool:
    return period_start <= end and period_end >= start


def _indicators(agreement_id: int, start: dt.date, end: dt.date) -> list[dict]:
    out = []
    for result in results_of(agreement_id):
        for indicator in result.indicators:
            periods = []
            for row in period_rows(indicator):
                if not _overlaps(start, end, row.period_start, row.period_end):
                    continue
                periods.append({
                    "period_start": row.period_start,
                    "period_end": row.period_end,
                    "target": row.target,
                    "actual": row.actual.value if row.actual else None,
                    "actual_status": row.actual.status if row.actual else None,
                    "percent": row.percent,
                    "splits": [{"dimensions": dict(a.dimension_key), "value": a.value, "status": a.status}
                               for a in row.splits],
                })
            out.append({
                "result_id": result.id, "result_title": result.title, "result_kind": result.kind,
                "indicator_id": indicator.id, "title": indicator.title, "unit": indicator.unit,
                "measure": indicator.measure, "ascending": indicator.ascending,
                "baseline_year": indicator.baseline_year, "baseline_value": indicator.baseline_value,
                "periods": periods,
            })
    return out


def _row(r) -> dict:
    return {
        "occurrence_id": r.id, "obligation_id": r.obligation_id, "title": r.title, "kind": r.kind,
        "owed_by": r.owed_by, "partner": r.partner_name, "due_on": r.due_on, "amount": r.amount,
        "paid_amount": r.paid_amount, "currency": r.currency, "fulfilled_on": r.fulfilled_on,
        "status": str(r.status),
    }


def funder_report(agreement: Agreement, *, start: dt.date, end: dt.date, today: dt.date) -> dict:
    """The report of `agreement` over [start, end] (see the module's docstring)."""
    funders = list(db.session.scalars(
        select(Partner.name).join(AgreementParty, AgreementParty.partner_id == Partner.id)
        .where(AgreementParty.agreement_id == agreement.id, AgreementParty.role.in_(FUNDING_ROLES))
        .order_by(AgreementParty.id)
    ))
    owed = [_row(r) for r in export_rows(filters=Filters(agreement_id=agreement.id, direction="partner"),
                                         today=today) if r.kind == "disbursement"]
    conditioned = tranches([t["obligation_id"] for t in owed])
    for t in owed:
        found = conditioned.get(t["obligation_id"])
        open_ = t["status"] not in ("fulfilled", "waived")
        t["claim_state"] = found.state(today=today) if found is not None and open_ else None
        t["conditions"] = [
            {"indicator_id": c.condition.indicator_id, "indicator": c.condition.indicator.title,
             "at_least": c.condition.at_least, "by": c.condition.by_date, "reached": c.reached, "met": c.met,
             "projected": c.projected, "on_track": c.on_track}
            for c in (found.conditions if found is not None else [])
        ]
    in_period = [_row(r) for r in export_rows(
        filters=Filters(agreement_id=agreement.id, due_from=start, due_before=end + dt.timedelta(days=1)),
        today=today)]
    decisions = [
        {"id": d.id, "number": d.number, "date": d.decided_on, "forum": d.forum_name, "effect": d.effect,
         "method": d.method, "yes": d.yes, "no": d.no, "abstain": d.abstain, "text": d.text}
        for d in reversed(published_decisions([agreement.id])[agreement.id])
    ]
    narrative = db.session.scalar(select(ReportNarrative).where(
        ReportNarrative.agreement_id == agreement.id, ReportNarrative.period_start == start,
        ReportNarrative.period_end == end))
    received = sum((t["paid_amount"] or Decimal(0) for t in owed), Decimal(0))
    return {
        "agreement": {
            "id": agreement.id, "title": agreement.title, "reference": agreement.reference, "kind": agreement.kind,
            "status": agreement.status, "value": agreement.value_amount, "currency": agreement.value_currency,
            "start_date": agreement.start_date, "end_date": agreement.end_date, "funders": funders,
        },
        "period_start": start,
        "period_end": end,
        "indicators": _indicators(agreement.id, start, end),
        "tranches": owed,
        "received": received,
        "obligations": in_period,
        "decisions": decisions,
        "narrative": narrative.text if narrative else None,
        "narrative_updated_at": narrative.updated_at if narrative else None,
    }


def open_report_occurrences(agreement_id: int, today: dt.date) -> list[dict]:
    """The open `report` obligations the cooperative owes under the agreement (the report can
    fulfil one of them, attached as its evidence)."""
    return [_row(r) for r in export_rows(
        filters=Filters(agreement_id=agreement_id, direction="cooperative", status="open"), today=today)
        if r.kind == "report"]
