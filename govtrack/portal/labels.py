"""Plain-language, translated names for the codes members see (kinds, roles, statuses)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CATEGORY = {
    "local_government": _l("Local government"),
    "central_government": _l("Central government"),
    "nonprofit_funder": _l("Non-profit funder"),
    "financial_institution": _l("Financial institution"),
    "construction_partner": _l("Construction partner"),
    "other": _l("Other"),
}

KIND = {
    "mou": _l("Memorandum of understanding"),
    "grant": _l("Grant"),
    "loan": _l("Loan"),
    "credit_line": _l("Credit line"),
    "guarantee": _l("Guarantee"),
    "technical_assistance": _l("Technical assistance"),
    "supply": _l("Supply"),
    "construction": _l("Construction"),
    "permit": _l("Permit"),
    "other": _l("Other"),
}

ROLE = {
    "funder": _l("Funder"),
    "lender": _l("Lender"),
    "guarantor": _l("Guarantor"),
    "supplier": _l("Supplier"),
    "contractor": _l("Contractor"),
    "regulator": _l("Regulator"),
    "implementer": _l("Implementer"),
    "other": _l("Other"),
}

AGREEMENT_STATUS = {
    "draft": _l("Draft"),
    "under_deliberation": _l("Under deliberation"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "active": _l("Active"),
    "suspended": _l("Suspended"),
    "completed": _l("Completed"),
    "terminated": _l("Terminated"),
}

CLAUSE_STATUS = {
    "proposed": _l("Proposed"),
    "accepted": _l("Accepted"),
    "amended": _l("Amended"),
    "rejected": _l("Rejected"),
}

PROPOSED_BY = {
    "cooperative": _l("the cooperative"),
    "partner": _l("the partner"),
}

OWED_BY = {
    "cooperative": _l("The cooperative"),
    "partner": _l("The partner"),
}

OBLIGATION_KIND = {
    "payment": _l("Payment"),
    "repayment": _l("Repayment"),
    "disbursement": _l("Disbursement"),
    "report": _l("Report"),
    "delivery": _l("Delivery"),
    "construction_milestone": _l("Construction milestone"),
    "compliance": _l("Compliance"),
    "other": _l("Other"),
}

OBLIGATION_STATUS = {
    "pending": _l("Pending"),
    "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"),
    "fulfilled": _l("Fulfilled"),
    "waived": _l("Waived"),
}

OUTCOME = {
    "carried": _l("Carried"),
    "defeated": _l("Defeated"),
    "no_quorum": _l("No quorum"),
}

METHOD = {
    "consensus": _l("By consensus (mufakat)"),
    "roll_call": _l("By roll-call vote"),
    "tally": _l("By counted vote"),
    "vote": _l("By vote"),
}

EFFECT = {
    "approve": _l("Approved the agreement"),
    "approve_with_amendments": _l("Approved the agreement with amendments"),
    "reject": _l("Rejected the agreement"),
    "terminate": _l("Terminated the agreement"),
    "waive_obligation": _l("Waived an obligation"),
    "none": _l("General resolution"),
}

TABLES = {
    "category": CATEGORY,
    "kind": KIND,
    "role": ROLE,
    "agreement_status": AGREEMENT_STATUS,
    "clause_status": CLAUSE_STATUS,
    "proposed_by": PROPOSED_BY,
    "owed_by": OWED_BY,
    "obligation_kind": OBLIGATION_KIND,
    "obligation_status": OBLIGATION_STATUS,
    "outcome": OUTCOME,
    "method": METHOD,
    "effect": EFFECT,
}


def label(table: str, code: str | None) -> str:
    """The translated label of `code` in `table`; the code itself when it has none."""
    if code is None:
        return ""
    value = TABLES[table].get(code)
    return str(value) if value is not None else code


def choices(table: str) -> list[tuple[str, str]]:
    return [(code, str(text)) for code, text in TABLES[table].items()]
