"""The funder's report as an Excel workbook: one sheet per part, typed cells (dates, figures,
amounts), headings in the reader's language."""

from __future__ import annotations

import io
from decimal import Decimal

from flask_babel import gettext as _

from govtrack.core.exports import Column, Kind, write_workbook
from govtrack.core.labels import label


def _figure(value) -> Decimal | None:
    """A figure as a Decimal (the workbook writes it as a number cell)."""
    return None if value is None else Decimal(value)


def _indicator_rows(report: dict):
    for ind in report["indicators"]:
        for p in ind["periods"] or [None]:
            base = [label("result_kind", ind["result_kind"]) if ind["result_kind"] else "", ind["result_title"],
                    ind["title"], ind["unit"], ind["baseline_year"], _figure(ind["baseline_value"])]
            if p is None:
                yield [*base, None, None, None, None, None, None, ""]
                continue
            status = label("actual_status", p["actual_status"]) if p["actual_status"] else ""
            yield [*base, p["period_start"], p["period_end"], _figure(p["target"]), _figure(p["actual"]),
                   _figure(p["percent"]), status, ""]
            for split in p["splits"]:
                dims = ", ".join(label("household_head_sex", v) if k == "sex" else f"{k}: {v}"
                                 for k, v in split["dimensions"].items())
                yield [*base, p["period_start"], p["period_end"], None, _figure(split["value"]), None,
                       label("actual_status", split["status"]), dims]


def _obligation_rows(rows):
    for r in rows:
        yield [r["due_on"], r["title"], label("owed_direction", r["owed_by"]), r["partner"], r["currency"],
               r["amount"], r["paid_amount"], r["fulfilled_on"], label("occurrence_status", r["status"])]


def _tranche_rows(rows):
    for r, base in zip(rows, _obligation_rows(rows), strict=True):
        conditions = "; ".join(
            _("%(indicator)s at least %(value)s by %(date)s", indicator=c["indicator"], value=c["at_least"],
              date=c["by"].isoformat()) + (f" ✓ {c['reached']}" if c["met"] else f" ({c['reached'] or '—'})")
            for c in r["conditions"])
        yield [*base, label("tranche_state", r["claim_state"]) if r["claim_state"] else "", conditions]


def report_workbook(report: dict) -> bytes:
    """The workbook's bytes (a report is a few hundred rows at most: written in memory)."""
    indicators = [
        Column(_("Result type")), Column(_("Result")), Column(_("Indicator")), Column(_("Unit")),
        Column(_("Baseline year"), Kind.integer), Column(_("Baseline"), Kind.number),
        Column(_("Period start"), Kind.date), Column(_("Period end"), Kind.date), Column(_("Target"), Kind.number),
        Column(_("Actual"), Kind.number), Column(_("Percent achieved"), Kind.number), Column(_("Actual status")),
        Column(_("Dimensions"), width=30),
    ]
    obligations = [
        Column(_("Due"), Kind.date), Column(_("Obligation"), width=30), Column(_("Direction")), Column(_("Partner")),
        Column(_("Currency")), Column(_("Amount"), Kind.money, currency=4), Column(_("Paid"), Kind.money, currency=4),
        Column(_("Fulfilled on"), Kind.date), Column(_("Status")),
    ]
    decisions = [Column(_("Date"), Kind.date), Column(_("Decision")), Column(_("Forum")), Column(_("Effect")),
                 Column(_("Text"), width=60)]
    a = report["agreement"]
    summary = [Column(_("Item"), width=28), Column(_("Value"), width=70)]
    summary_rows = [
        [_("Agreement"), a["title"]], [_("Reference"), a["reference"] or ""],
        [_("Funders"), ", ".join(a["funders"])],
        [_("Period"), f"{report['period_start'].isoformat()} – {report['period_end'].isoformat()}"],
        [_("Narrative"), report["narrative"] or ""],
    ]
    out = io.BytesIO()
    write_workbook(out, [
        (_("Report"), summary, summary_rows),
        (_("Indicators"), indicators, _indicator_rows(report)),
        (_("Tranches"), [*obligations, Column(_("Claim")), Column(_("Conditions"), width=50)],
         _tranche_rows(report["tranches"])),
        (_("Obligations of the period"), obligations, _obligation_rows(report["obligations"])),
        (_("Decisions"), decisions, ([d["date"], d["number"], d["forum"],
                                      label("decision_effect", d["effect"]) if d["effect"] else "", d["text"] or ""]
                                     for d in report["decisions"])),
    ])
    return out.getvalue()
