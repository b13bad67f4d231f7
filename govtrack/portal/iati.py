"""IATI 2.03: the published funder and lender agreements as `iati-activities` (/api/v1/public/iati.xml).

What is exported is exactly what the public may read (`portal_clause(None)`: visibility public and
approved, active or completed), restricted to agreements with a party in the role `funder` or
`lender`. Each agreement is one `iati-activity`:

- `iati-identifier`: GOVTRACK_IATI_ORG_REF, `-`, and the agreement's reference (its `/` written as
  `-`, which IATI identifiers may not contain) or, without one, its id;
- `reporting-org` and the `participating-org`s: each funder and lender as Funding (1), the
  cooperative as Implementing (4);
- `activity-status` from the agreement's status, `activity-date`s from its start and end dates
  (actual once it is in force), `recipient-country` Indonesia, the regions of its partners as
  `location`s, its water and sanitation `sector` (DAC 14030, 14031 or 14032);
- `budget` (the agreement's value over its period), `transaction`s: the incoming commitment (the
  value, on the start date) and incoming funds (each payment received on a disbursement the
  partner owes, reversed ones left out);
- `document-link`s to its public documents (category A11, contract) and to its public page (A12);
- its `result`s (output 1, outcome 2) with their indicators: baseline, and per period the target and
  the verified actuals only (a draft or submitted figure is not the funder's yet; a verified
  correction stands for what it corrected), the total and each split by its `dimension`s.

The activities are written one at a time (a batch of agreements read at once), so the memory of an
export stays flat however many agreements there are; the response streams them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from flask import current_app
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from govtrack.agreements.models import Agreement, AgreementParty
from govtrack.core import clock
from govtrack.core.web import external_url
from govtrack.extensions import db
from govtrack.obligations.models import Obligation, Occurrence, Payment
from govtrack.portal.queries import parties_and_documents, portal_clause
from govtrack.results.models import Actual, ActualStatus, Indicator, Result
from govtrack.results.queries import counting

BATCH = 100  # agreements read at once; with their results frameworks about 0.15 MiB each
FUNDING_ROLES = ("funder", "lender")
# Result kind -> IATI ResultType (1 output, 2 outcome); measure -> IndicatorMeasure (1 unit, 2 percentage).
RESULT_TYPE = {"output": "1", "outcome": "2"}
MEASURE = {"number": "1", "percentage": "2"}
# Agreement status (published ones) -> IATI ActivityStatus: 1 pipeline, 2 implementation, 4 closed.
ACTIVITY_STATUS = {"approved": "1", "active": "2", "completed": "4"}
DEFAULT_SECTOR = "14030"  # basic drinking water supply and basic sanitation
COUNTRY = "ID"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def org_ref() -> str:
    """GOVTRACK_IATI_ORG_REF: the cooperative's IATI organisation identifier."""
    return current_app.config["IATI_ORG_REF"]


def identifier(agreement: Agreement) -> str:
    own = (agreement.reference or str(agreement.id)).replace("/", "-").strip()
    return f"{org_ref()}-{own}"


def funding_clause():
    """SQL condition: the agreement has a party in the role funder or lender."""
    return Agreement.id.in_(select(AgreementParty.agreement_id).where(AgreementParty.role.in_(FUNDING_ROLES)))


def _narrative(parent: etree._Element, tag: str, text: str, **attrs) -> etree._Element:
    el = etree.SubElement(parent, tag, **attrs)
    etree.SubElement(el, "narrative").text = text
    return el


def _amount(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def _load(agreement_ids: list[int]):
    """Parties, documents and incoming funds of these agreements, one query each."""
    parties, documents = parties_and_documents(agreement_ids)
    funds = defaultdict(list)
    for payment, obligation in db.session.execute(
        select(Payment, Obligation)
        .join(Occurrence, Occurrence.id == Payment.occurrence_id)
        .join(Obligation, Obligation.id == Occurrence.obligation_id)
        .where(Obligation.agreement_id.in_(agreement_ids), Obligation.kind == "disbursement",
               Obligation.owed_by == "partner", Payment.reversed_at.is_(None), Payment.amount.is_not(None))
        .order_by(Payment.paid_on, Payment.id)
    ):
        funds[obligation.agreement_id].append((payment, obligation))
    results = defaultdict(list)
    for result in db.session.scalars(
        select(Result).where(Result.agreement_id.in_(agreement_ids)).order_by(Result.id)
        .options(selectinload(Result.indicators).options(
            selectinload(Indicator.targets),
            selectinload(Indicator.actuals.and_(Actual.status == ActualStatus.verified.value))
            .selectinload(Actual.dimensions)))
    ):
        results[result.agreement_id].append(result)
    return parties, documents, funds, results


def activity(agreement: Agreement, loaded, *, cooperative: str, language: str) -> etree._Element:
    """One `iati-activity` (see the module's docstring); elements in the order the schema requires."""
    parties_of, documents_of, funds_of, results_of = loaded
    updated = agreement.updated_at if agreement.updated_at.tzinfo else agreement.updated_at.replace(tzinfo=dt.UTC)
    act = etree.Element("iati-activity", {
        "last-updated-datetime": updated.isoformat(timespec="seconds"),
        XML_LANG: language,
        "default-currency": agreement.value_currency,
    })
    etree.SubElement(act, "iati-identifier").text = identifier(agreement)
    _narrative(act, "reporting-org", cooperative, ref=org_ref(), type="22")
    _narrative(act, "title", agreement.title)
    _narrative(act, "description", agreement.summary or agreement.title, type="1")
    funders = [(role, p) for role, p in parties_of[agreement.id] if role in FUNDING_ROLES]
    seen = set()
    for _role, partner in funders:
        if partner.id not in seen:
            seen.add(partner.id)
            _narrative(act, "participating-org", partner.name, role="1")
    _narrative(act, "participating-org", cooperative, role="4", ref=org_ref(), type="22")
    etree.SubElement(act, "activity-status", code=ACTIVITY_STATUS[agreement.status])
    in_force = agreement.status in ("active", "completed")
    start = agreement.start_date or clock.local(agreement.created_at if agreement.created_at.tzinfo
                                                else agreement.created_at.replace(tzinfo=dt.UTC)).date()
    etree.SubElement(act, "activity-date", type="2" if in_force and agreement.start_date else "1",
                     **{"iso-date": start.isoformat()})
    if agreement.end_date:
        etree.SubElement(act, "activity-date", type="4" if agreement.status == "completed" else "3",
                         **{"iso-date": agreement.end_date.isoformat()})
    etree.SubElement(act, "recipient-country", code=COUNTRY, percentage="100")
    regions = []  # where the work is: the regions of the partners that do not fund it
    for role, partner in parties_of[agreement.id]:
        if role not in FUNDING_ROLES and partner.region and partner.region not in regions:
            regions.append(partner.region)
    for region in regions:
        location = etree.SubElement(act, "location")
        _narrative(location, "name", region)
    etree.SubElement(act, "sector", vocabulary="1", code=agreement.sector or DEFAULT_SECTOR,
                     percentage="100")
    if agreement.value_amount is not None and agreement.start_date and agreement.end_date:
        budget = etree.SubElement(act, "budget", type="1", status="2")
        etree.SubElement(budget, "period-start", **{"iso-date": agreement.start_date.isoformat()})
        etree.SubElement(budget, "period-end", **{"iso-date": agreement.end_date.isoformat()})
        etree.SubElement(budget, "value", currency=agreement.value_currency,
                         **{"value-date": agreement.start_date.isoformat()}).text = _amount(agreement.value_amount)
    provider = funders[0][1] if funders else None
    if agreement.value_amount is not None:
        _transaction(act, "11", agreement.start_date or start, agreement.value_amount, agreement.value_currency,
                     provider, cooperative, "commitment")
    for payment, obligation in funds_of[agreement.id]:
        source = next((p for _r, p in parties_of[agreement.id] if p.id == obligation.partner_id), provider)
        _transaction(act, "1", payment.paid_on, payment.amount, obligation.currency, source, cooperative,
                     f"payment-{payment.id}")
    for doc in documents_of[agreement.id]:
        link = etree.SubElement(act, "document-link", format=doc.content_type,
                                url=external_url("agreements_api.download_document", agreement_id=agreement.id,
                                                 document_id=doc.id))
        _narrative(link, "title", doc.original_name)
        etree.SubElement(link, "category", code="A11")
        etree.SubElement(link, "language", code=language)
        uploaded = doc.uploaded_at if doc.uploaded_at.tzinfo else doc.uploaded_at.replace(tzinfo=dt.UTC)
        etree.SubElement(link, "document-date", **{"iso-date": clock.local(uploaded).date().isoformat()})
    page = etree.SubElement(act, "document-link", format="text/html",
                            url=external_url("portal.agreement", agreement_id=agreement.id))
    _narrative(page, "title", agreement.title)
    etree.SubElement(page, "category", code="A12")
    for result in results_of[agreement.id]:
        _result(act, result)
    return act


def _result(act, result: Result) -> None:
    """One `result`: its indicators with baseline and, per period, target and verified actuals."""
    el = etree.SubElement(act, "result", type=RESULT_TYPE[result.kind], **{"aggregation-status": "0"})
    _narrative(el, "title", result.title)
    for indicator in result.indicators:
        ind = etree.SubElement(el, "indicator", measure=MEASURE[indicator.measure],
                               ascending="1" if indicator.ascending else "0")
        _narrative(ind, "title", f"{indicator.title} ({indicator.unit})")
        if indicator.baseline_year is not None:
            baseline = {"year": str(indicator.baseline_year)}
            if indicator.baseline_value is not None:
                baseline["value"] = _number(indicator.baseline_value)
            etree.SubElement(ind, "baseline", **baseline)
        figures = counting(list(indicator.actuals))  # verified only: see _load
        targets = {(t.period_start, t.period_end): t.value for t in indicator.targets}
        for start, end in sorted(set(targets) | {(s, e) for s, e, _k in figures}):
            period = etree.SubElement(ind, "period")
            etree.SubElement(period, "period-start", **{"iso-date": start.isoformat()})
            etree.SubElement(period, "period-end", **{"iso-date": end.isoformat()})
            if (start, end) in targets:
                etree.SubElement(period, "target", value=_number(targets[(start, end)]))
            for (s, e, dims), actual in sorted(figures.items(), key=lambda kv: kv[0][2]):
                if (s, e) != (start, end):
                    continue
                out = etree.SubElement(period, "actual", value=_number(actual.value))
                for name, value in dims:
                    etree.SubElement(out, "dimension", name=name, value=value)


def _number(value: Decimal) -> str:
    """A figure as IATI's decimal: 500, 12.5 (no trailing zeros of the stored two decimals)."""
    text = f"{Decimal(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _transaction(act, code: str, date: dt.date, amount: Decimal, currency: str, provider, cooperative: str,
                 ref: str) -> None:
    tx = etree.SubElement(act, "transaction", ref=ref)
    etree.SubElement(tx, "transaction-type", code=code)
    etree.SubElement(tx, "transaction-date", **{"iso-date": date.isoformat()})
    etree.SubElement(tx, "value", currency=currency, **{"value-date": date.isoformat()}).text = _amount(amount)
    if provider is not None:
        _narrative(tx, "provider-org", provider.name)
    _narrative(tx, "receiver-org", cooperative, ref=org_ref())


def agreement_batches() -> Iterator[list[Agreement]]:
    """The public funder and lender agreements, BATCH at a time by id (keyset: flat memory)."""
    after = 0
    while True:
        batch = list(db.session.scalars(
            select(Agreement).where(portal_clause(None), funding_clause(), Agreement.id > after)
            .order_by(Agreement.id).limit(BATCH)
        ))
        if not batch:
            return
        yield batch
        after = batch[-1].id
        db.session.expunge_all()  # what was written is not kept


def activities_xml(*, cooperative: str) -> Iterator[bytes]:
    """The `iati-activities` document in pieces: the opening tag, each activity, the closing tag."""
    language = current_app.config.get("BABEL_DEFAULT_LOCALE") or "id"
    generated = clock.utcnow().isoformat(timespec="seconds")
    yield (f'<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<iati-activities version="2.03" generated-datetime="{generated}">\n').encode()
    for batch in agreement_batches():
        loaded = _load([a.id for a in batch])
        for agreement in batch:
            yield etree.tostring(activity(agreement, loaded, cooperative=cooperative, language=language),
                                 encoding="UTF-8") + b"\n"
    yield b"</iati-activities>\n"
