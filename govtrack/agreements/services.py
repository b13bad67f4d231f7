"""Writes for agreements: create, edit while draft, parties, clauses, dependencies, documents and
status moves. Each records its audit event in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from govtrack.agreements import rules
from govtrack.agreements.models import (
    WATER_SECTORS,
    Agreement,
    AgreementDependency,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    Clause,
    ClauseStatus,
    ClauseVersion,
    Document,
    DocumentVersion,
    PartyRole,
    ProposedBy,
    Visibility,
)
from govtrack.agreements.queries import load_agreement
from govtrack.audit.services import record
from govtrack.core import uploads
from govtrack.core.actor import Actor, acting_user_id
from govtrack.core.clock import utcnow
from govtrack.core.labels import label
from govtrack.core.money import AmountError, check_amount
from govtrack.core.text import normalise_name_field
from govtrack.errors import Conflict, NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.partners.models import Partner


@dataclass
class PartyData:
    partner_id: int
    role: str


@dataclass
class ClauseData:
    text: str
    proposed_by: str = ProposedBy.cooperative.value
    number: int | None = None
    id: int | None = None


@dataclass
class AgreementData:
    title: str
    kind: str
    parties: list[PartyData]
    reference: str | None = None
    value_amount: Decimal | None = None
    value_currency: str = "IDR"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    summary: str | None = None
    visibility: str = Visibility.internal.value
    sector: str | None = None
    depends_on: list[int] = field(default_factory=list)
    clauses: list[ClauseData] = field(default_factory=list)


_signals = Namespace()
agreement_updated = _signals.signal("agreement-updated")
"""Sent as (agreement, actor=, before=snapshot) after every update_agreement, in its transaction:
areas above follow what they depend on (obligations follow the end date). A lower area cannot call
up, so the receivers are connected once, by name, in create_app()."""


SCALARS = (
    "title", "reference", "kind", "value_amount", "value_currency", "start_date", "end_date",
    "summary", "visibility", "sector",
)
# What may change at any stage without a decision: how the agreement is shown and classified.
NOT_TERMS = {"visibility", "summary", "sector"}


def snapshot(agreement: Agreement) -> dict:
    """The audited state of an agreement (relationships must be loaded)."""
    return {
        **{name: getattr(agreement, name) for name in SCALARS},
        "status": agreement.status,
        "parties": sorted([p.partner_id, p.role] for p in agreement.parties),
        "clauses": [[c.number, c.text, c.proposed_by, c.status] for c in agreement.clauses],
        "depends_on": sorted(
            db.session.scalars(
                select(AgreementDependency.depends_on_id).where(
                    AgreementDependency.agreement_id == agreement.id
                )
            )
        ) if agreement.id else [],
    }


def _invalid(fields: dict[str, list]) -> ValidationFailed:
    return ValidationFailed(
        str(_l("Some values are not valid.")), fields={k: [str(m) for m in v] for k, v in fields.items()}
    )


def _validate_scalars(values: dict) -> None:
    """Refuse what the rules forbid; the value comes back in `values` with two decimal places."""
    errors: dict[str, list] = {}
    if "title" in values and not (values["title"] or "").strip():
        errors["title"] = [_l("Required.")]
    if "kind" in values and values["kind"] not in {k.value for k in AgreementKind}:
        errors["kind"] = [_l("Not a known kind of agreement.")]
    if "visibility" in values and values["visibility"] not in {v.value for v in Visibility}:
        errors["visibility"] = [_l("Must be internal, members or public.")]
    if values.get("sector") is not None and values["sector"] not in WATER_SECTORS:
        errors["sector"] = [_l("Must be 14030, 14031 or 14032 (water and sanitation).")]
    if values.get("value_amount") is not None:
        try:
            values["value_amount"] = check_amount(values["value_amount"])
        except AmountError as err:
            errors["value"] = [err.message]
    cur = values.get("value_currency")
    if cur is not None and (len(cur) != 3 or not cur.isalpha() or not cur.isupper()):
        errors["value"] = [_l("Currency must be three capital letters, e.g. IDR.")]
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and end < start:
        errors["end_date"] = [_l("The end date is before the start date.")]
    if errors:
        raise _invalid(errors)


def _check_reference_free(reference: str | None, own_id: int | None) -> None:
    if not reference:
        return
    other = db.session.scalar(select(Agreement.id).where(Agreement.reference == reference))
    if other is not None and other != own_id:
        raise Conflict(
            str(_l("Another agreement already has this reference.")),
            code="duplicate",
            fields={"reference": [str(_l("Already in use."))]},
        )


def _set_parties(agreement: Agreement, parties: list[PartyData]) -> None:
    if not parties:
        raise _invalid({"parties": [_l("At least one party is needed.")]})
    seen = set()
    for p in parties:
        if p.role not in {r.value for r in PartyRole}:
            raise _invalid({"parties": [_l("Not a known party role: %(role)s", role=p.role)]})
        if (p.partner_id, p.role) in seen:
            raise _invalid({"parties": [_l("The same partner is named twice in the same role.")]})
        seen.add((p.partner_id, p.role))
    ids = {p.partner_id for p in parties}
    found = set(db.session.scalars(select(Partner.id).where(Partner.id.in_(ids))))
    if ids - found:
        raise _invalid({"parties": [_l("No partner with id %(id)s.", id=min(ids - found))]})
    agreement.parties.clear()
    db.session.flush()
    for p in parties:
        agreement.parties.append(AgreementParty(partner_id=p.partner_id, role=p.role))


def _set_clauses(agreement: Agreement, clauses: list[ClauseData]) -> None:
    """Replace the draft's clauses. Numbers default to their order; every text gets version 1."""
    numbers = []
    for i, c in enumerate(clauses, start=1):
        if not (c.text or "").strip():
            raise _invalid({"clauses": [_l("Clause %(n)d has no text.", n=i)]})
        if c.proposed_by not in {p.value for p in ProposedBy}:
            raise _invalid({"clauses": [_l("proposed_by must be cooperative or partner.")]})
        n = c.number or i
        if n < 1:
            raise _invalid({"clauses": [_l("Clause numbers start at 1.")]})
        numbers.append(n)
    if len(set(numbers)) != len(numbers):
        raise _invalid({"clauses": [_l("Two clauses have the same number.")]})
    existing = {c.id: c for c in agreement.clauses}
    keep_ids = {c.id for c in clauses if c.id}
    if keep_ids - set(existing):
        raise _invalid({"clauses": [_l("A clause id does not belong to this agreement.")]})
    for cid, clause in existing.items():
        if cid not in keep_ids:
            agreement.clauses.remove(clause)
    db.session.flush()
    # Move kept clauses out of the way first so renumbering cannot collide on the unique key.
    for c in clauses:
        if c.id:
            existing[c.id].number += 100000
    db.session.flush()
    for c, n in zip(clauses, numbers, strict=True):
        text = c.text.strip()
        if c.id:
            clause = existing[c.id]
            clause.number = n
            if clause.text != text or clause.proposed_by != c.proposed_by:
                clause.text, clause.proposed_by = text, c.proposed_by
                clause.versions[-1].text = text  # a draft's text is not yet a decided version
        else:
            clause = Clause(number=n, text=text, proposed_by=c.proposed_by, status=ClauseStatus.proposed.value)
            clause.versions = [ClauseVersion(version=1, text=text, status=clause.status)]
            agreement.clauses.append(clause)


def _agreement_names(ids: list[int]) -> dict[int, str]:
    """What people call each agreement in a message: its title, and its reference when it has one."""
    rows = db.session.execute(select(Agreement.id, Agreement.title, Agreement.reference).where(Agreement.id.in_(ids)))
    return {i: f"{title} ({reference})" if reference else title for i, title, reference in rows}


def _loop_through(agreement: Agreement, new: set[int]) -> list[int] | None:
    """The shortest loop the new dependencies would close, as ids in order from `agreement` back to
    it (A, B, C, A: A needs B, B needs C, C needs A), or None. Breadth first from the new
    dependencies over the stored ones, remembering how each agreement was reached."""
    edges: dict[int, list[int]] = {}
    for a, b in db.session.execute(select(AgreementDependency.agreement_id, AgreementDependency.depends_on_id)):
        edges.setdefault(a, []).append(b)
    came_from: dict[int, int | None] = {dep: None for dep in sorted(new)}
    queue = deque(sorted(new))
    while queue:
        node = queue.popleft()
        if node == agreement.id:
            path = [node]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])
            return [agreement.id, *reversed(path)]
        for nxt in sorted(edges.get(node, [])):
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    return None


def _set_dependencies(agreement: Agreement, depends_on: list[int]) -> None:
    ids = set(depends_on)
    if agreement.id in ids:
        loop = " → ".join([agreement.title] * 2)
        raise Conflict(str(_l("An agreement cannot depend on itself: %(loop)s.", loop=loop)),
                       code="dependency_cycle", fields={"depends_on": [str(_l("Cycle: %(loop)s.", loop=loop))]})
    found = set(db.session.scalars(select(Agreement.id).where(Agreement.id.in_(ids)))) if ids else set()
    if ids - found:
        raise _invalid({"depends_on": [_l("No agreement with id %(id)s.", id=min(ids - found))]})
    # A cycle exists when this agreement is reachable from one of its new dependencies.
    path = _loop_through(agreement, ids) if ids and agreement.id is not None else None
    if path is not None:
        names = _agreement_names(path)
        names[agreement.id] = agreement.title + (f" ({agreement.reference})" if agreement.reference else "")
        loop = " → ".join(names[i] for i in path)
        raise Conflict(
            str(_l("This dependency would make a cycle: %(loop)s.", loop=loop)),
            code="dependency_cycle",
            fields={"depends_on": [str(_l("Cycle: %(loop)s.", loop=loop))]},
        )
    current = set(
        db.session.scalars(
            select(AgreementDependency.depends_on_id).where(AgreementDependency.agreement_id == agreement.id)
        )
    )
    for dep in current - ids:
        db.session.delete(db.session.get(AgreementDependency, (agreement.id, dep)))
    for dep in ids - current:
        db.session.add(AgreementDependency(agreement_id=agreement.id, depends_on_id=dep))


def create_agreement(*, actor: Actor, data: AgreementData) -> Agreement:
    """Create a draft agreement with its parties, clauses and dependencies."""
    values = {name: getattr(data, name) for name in SCALARS}
    values["title"] = normalise_name_field(values["title"], field="title")
    values["reference"] = (values["reference"] or "").strip() or None
    _validate_scalars(values)
    _check_reference_free(values["reference"], None)
    agreement = Agreement(**values, status=AgreementStatus.draft.value,
                          created_by_id=acting_user_id(actor))
    agreement.parties, agreement.clauses = [], []
    db.session.add(agreement)
    _set_parties(agreement, data.parties)
    _set_clauses(agreement, data.clauses)
    db.session.flush()
    _set_dependencies(agreement, data.depends_on)
    db.session.flush()
    record("agreement.create", actor=actor, object_type="agreement", object_id=agreement.id,
           after=snapshot(agreement))
    return agreement


def update_agreement(
    *,
    actor: Actor,
    agreement: Agreement,
    changes: dict,
    parties: list[PartyData] | None = None,
    clauses: list[ClauseData] | None = None,
    depends_on: list[int] | None = None,
) -> Agreement:
    """Edit an agreement. Terms (everything but visibility, summary and sector) change only while draft."""
    unknown = set(changes) - set(SCALARS)
    if unknown:
        raise _invalid({k: [_l("Unknown field.")] for k in unknown})
    terms_touched = (set(changes) - NOT_TERMS) or parties is not None or clauses is not None
    if terms_touched and agreement.status != AgreementStatus.draft:
        raise Conflict(
            str(_l("Only a draft can be edited; after that, terms change only by a forum decision.")),
            code="not_draft",
        )
    before = snapshot(agreement)
    values = dict(changes)
    if "title" in values:
        values["title"] = normalise_name_field(values["title"], field="title")
    if "reference" in values:
        values["reference"] = (values["reference"] or "").strip() or None
        _check_reference_free(values["reference"], agreement.id)
    merged = {name: getattr(agreement, name) for name in SCALARS} | values
    _validate_scalars(merged)
    if "value_amount" in values:
        values["value_amount"] = merged["value_amount"]
    for key, value in values.items():
        setattr(agreement, key, value)
    if parties is not None:
        _set_parties(agreement, parties)
    if clauses is not None:
        _set_clauses(agreement, clauses)
    if depends_on is not None:
        _set_dependencies(agreement, depends_on)
    db.session.flush()
    record("agreement.update", actor=actor, object_type="agreement", object_id=agreement.id,
           before=before, after=snapshot(agreement))
    agreement_updated.send(agreement, actor=actor, before=before)
    return agreement


@dataclass(frozen=True)
class AgreementDecision:
    """A carried forum decision about an agreement, as the forums area reads it from its records
    (`forums.queries.agreement_decisions`)."""

    id: int
    agreement_id: int
    effect: str  # approve, approve_with_amendments, reject or terminate


# The decision effects that may make an agreement each decision-only status.
DECISION_EFFECTS: dict[str, frozenset[str]] = {
    AgreementStatus.approved: frozenset({"approve", "approve_with_amendments"}),
    AgreementStatus.rejected: frozenset({"reject"}),
    AgreementStatus.terminated: frozenset({"terminate"}),
}


def _check_move(agreement: Agreement, to: str) -> None:
    if to not in rules.allowed_targets(agreement.status):
        raise Conflict(
            str(_l("An agreement cannot go from %(a)s to %(b)s.", a=label("agreement_status", agreement.status).lower(),
                   b=label("agreement_status", to).lower())),
            code="invalid_transition",
        )


def _move(actor: Actor, agreement: Agreement, to: str, decision_ids: list[int]) -> Agreement:
    before = {"status": agreement.status}
    agreement.status = to
    if to == AgreementStatus.under_deliberation:
        agreement.deliberation = (agreement.deliberation or 0) + 1
    record("agreement.transition", actor=actor, object_type="agreement", object_id=agreement.id,
           before=before, after={"status": to, "decisions": decision_ids})
    return agreement


def transition_agreement(*, actor: Actor, agreement: Agreement, to: str) -> Agreement:
    """Move an agreement along its lifecycle where no decision is needed (deliberation, signing,
    suspension, completion). Approval, rejection and termination answer 409 `decision_required`
    here, whoever asks: only a carried forum decision makes them, through `apply_decision`."""
    if to not in {s.value for s in AgreementStatus}:
        raise _invalid({"to": [_l("Not a known status.")]})
    if to in rules.DECISION_REQUIRED and rules.allowed_targets(agreement.status):
        raise Conflict(
            str(_l("Only a carried forum decision can make this agreement %(b)s.", b=label("agreement_status", to).lower())),
            code="decision_required",
        )
    _check_move(agreement, to)
    return _move(actor, agreement, to, [])


def apply_decision(*, actor: Actor, agreement: Agreement, to: str,
                   decisions: list[AgreementDecision]) -> Agreement:
    """Make an agreement approved, rejected or terminated by the carried decisions that decided it
    (for an approval, one from every forum the approval policy requires: the forums area knows the
    policy and calls this only then). Each decision must be about this agreement and have an effect
    that makes it `to`; a draft passes through deliberation on the way."""
    if to not in DECISION_EFFECTS:
        raise _invalid({"to": [_l("Not a status a decision makes.")]})
    wrong = [d.id for d in decisions if d.agreement_id != agreement.id or d.effect not in DECISION_EFFECTS[to]]
    if not decisions or wrong:
        raise Conflict(
            str(_l("Decision %(id)s does not allow making this agreement %(b)s.", id=wrong[0],
                   b=label("agreement_status", to).lower())) if wrong
            else str(_l("Only a carried forum decision can make this agreement %(b)s.", b=label("agreement_status", to).lower())),
            code="decision_required",
        )
    if agreement.status == AgreementStatus.draft and to != AgreementStatus.under_deliberation:
        transition_agreement(actor=actor, agreement=agreement, to=AgreementStatus.under_deliberation)
    _check_move(agreement, to)
    return _move(actor, agreement, to, [d.id for d in decisions])


def amend_clause(*, actor: Actor, clause: Clause, text: str | None, status: str, decision_id: int) -> Clause:
    """Apply a decision to a clause: a new version with its text and status; earlier texts stay."""
    if status not in {s.value for s in ClauseStatus}:
        raise _invalid({"status": [_l("Not a known clause status.")]})
    versions = db.session.scalars(
        select(ClauseVersion).where(ClauseVersion.clause_id == clause.id).order_by(ClauseVersion.version)
    ).all()
    before = {"text": clause.text, "status": clause.status}
    if text is not None:
        clause.text = text.strip()
    clause.status = status
    db.session.add(
        ClauseVersion(
            clause_id=clause.id,
            version=(versions[-1].version + 1) if versions else 1,
            text=clause.text,
            status=status,
            decision_id=decision_id,
        )
    )
    record("clause.decide", actor=actor, object_type="clause", object_id=clause.id,
           before=before, after={"text": clause.text, "status": status, "decision_id": decision_id})
    return clause


def add_document(*, actor: Actor, agreement: Agreement, file) -> Document:
    """Store an uploaded file and attach it to the agreement."""
    stored = uploads.store_upload(file)
    doc = Document(agreement_id=agreement.id, **stored.columns(), uploaded_by_id=acting_user_id(actor))
    db.session.add(doc)
    try:
        db.session.flush()
        record("document.upload", actor=actor, object_type="agreement", object_id=agreement.id,
               after={"document": stored.original_name, "sha256": stored.sha256, "size": stored.size})
    except Exception:
        uploads.discard(stored.stored_name)
        raise
    return doc


STORED_FILE_COLUMNS = ("original_name", "stored_name", "content_type", "size", "sha256", "uploaded_by_id",
                       "uploaded_at")
REASON_MAX = 2000


def replace_document(*, actor: Actor, document: Document, file) -> Document:
    """Put a new file in the document's place (the same checks as an upload); the earlier file is
    kept, and served, as one of the document's versions. A removed document is not replaced."""
    if document.removed:
        raise Conflict(str(_l("This document was removed; upload a new document instead.")),
                       code="document_removed")
    stored = uploads.store_upload(file)
    earlier = {name: getattr(document, name) for name in STORED_FILE_COLUMNS}
    try:
        db.session.add(DocumentVersion(document_id=document.id, replaced_by_id=acting_user_id(actor), **earlier))
        for name, value in stored.columns().items():
            setattr(document, name, value)
        document.uploaded_by_id, document.uploaded_at = acting_user_id(actor), utcnow()
        db.session.flush()
        record("document.replace", actor=actor, object_type="agreement", object_id=document.agreement_id,
               before={"document": earlier["original_name"], "sha256": earlier["sha256"], "size": earlier["size"]},
               after={"document": stored.original_name, "sha256": stored.sha256, "size": stored.size})
    except Exception:
        uploads.discard(stored.stored_name)
        raise
    return document


def remove_document(*, actor: Actor, document: Document, reason: str) -> Document:
    """Remove a document, saying why: it stays listed as removed (with the reason), its files are
    kept, and they are served to staff only, no longer to members or the public."""
    reason = " ".join((reason or "").split())
    if not reason:
        message = str(_l("Say why the document is removed."))
        raise ValidationFailed(message, fields={"reason": [message]})
    if len(reason) > REASON_MAX:
        message = str(_l("At most %(n)d characters.", n=REASON_MAX))
        raise ValidationFailed(message, fields={"reason": [message]})
    if document.removed:
        raise Conflict(str(_l("This document was removed already.")), code="already_removed")
    document.removed_at, document.removed_by_id, document.removal_reason = utcnow(), acting_user_id(actor), reason
    db.session.flush()
    record("document.remove", actor=actor, object_type="agreement", object_id=document.agreement_id,
           before={"document": document.original_name}, after={"reason": reason})
    return document


def get_for_update(agreement_id: int) -> Agreement:
    agreement = load_agreement(agreement_id)
    if agreement is None:
        raise NotFound(str(_l("No such agreement.")))
    return agreement
