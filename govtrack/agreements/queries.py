"""Reading agreements, with the visibility rule that decides who may see which."""

from __future__ import annotations

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import selectinload

from govtrack.agreements.models import (
    PUBLISHED_STATUSES,
    Agreement,
    AgreementDependency,
    AgreementParty,
    Clause,
    ClauseVersion,
    Document,
    DocumentVersion,
    Visibility,
)
from govtrack.auth.permissions import can
from govtrack.core.ids import parse_id
from govtrack.core.paging import Page, keyset_page
from govtrack.extensions import db
from govtrack.partners.queries import partner_ids_named


def visibility_clause(user):
    """The SQL condition for the agreements `user` may see (None: all of them)."""
    if can(user, "agreements.view"):
        return None
    published = Agreement.status.in_([s.value for s in PUBLISHED_STATUSES])
    if can(user, "portal.view"):
        return published & Agreement.visibility.in_([Visibility.members.value, Visibility.public.value])
    return published & (Agreement.visibility == Visibility.public.value)


def visible(stmt: Select, user) -> Select:
    cond = visibility_clause(user)
    return stmt if cond is None else stmt.where(cond)


def can_see(user, agreement: Agreement) -> bool:
    if can(user, "agreements.view"):
        return True
    if not agreement.is_published:
        return False
    if agreement.visibility == Visibility.public.value:
        return True
    return agreement.visibility == Visibility.members.value and can(user, "portal.view")


def _eager(stmt: Select) -> Select:
    return stmt.options(
        selectinload(Agreement.parties).joinedload(AgreementParty.partner),
        selectinload(Agreement.clauses).selectinload(Clause.versions),
    )


def agreement_filter(
    *,
    user,
    q: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    partner_id: int | None = None,
    partner_name: str | None = None,
    visibility: str | None = None,
) -> Select:
    stmt = visible(select(Agreement), user)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Agreement.title.ilike(like), Agreement.reference.ilike(like)))
    if status:
        stmt = stmt.where(Agreement.status == status)
    if kind:
        stmt = stmt.where(Agreement.kind == kind)
    if visibility:
        stmt = stmt.where(Agreement.visibility == visibility)
    if partner_id is not None:
        stmt = stmt.where(
            Agreement.id.in_(select(AgreementParty.agreement_id).where(AgreementParty.partner_id == partner_id))
        )
    if partner_name:
        stmt = stmt.where(
            Agreement.id.in_(
                select(AgreementParty.agreement_id).where(AgreementParty.partner_id.in_(partner_ids_named(partner_name)))
            )
        )
    return stmt


def agreement_page(*, user, cursor: str | None, limit: int, descending: bool = False, **filters) -> Page:
    """One keyset page of the agreements `user` may see, with their parties (and partners) loaded.
    Clauses are not: a list shows none, and the API reads them as rows (clauses_of)."""
    stmt = agreement_filter(user=user, **filters).options(
        selectinload(Agreement.parties).joinedload(AgreementParty.partner)
    )
    return keyset_page(stmt, id_column=Agreement.id, cursor=cursor, limit=limit, descending=descending)


def clauses_of(agreement_ids: list[int], *, statuses: tuple[str, ...] | None = None) -> dict[int, list[dict]]:
    """For each agreement id, its clauses (in number order) as plain dicts, each with its `versions`
    (every earlier text, oldest first): two queries for a whole page, and no ORM objects, which
    would cost more than the rows at a page of 50 agreements with hundreds of versions."""
    out: dict[int, list[dict]] = {i: [] for i in agreement_ids}
    if not agreement_ids:
        return out
    stmt = (
        select(Clause.id, Clause.agreement_id, Clause.number, Clause.text, Clause.proposed_by, Clause.status)
        .where(Clause.agreement_id.in_(agreement_ids))
        .order_by(Clause.agreement_id, Clause.number, Clause.id)
    )
    if statuses is not None:
        stmt = stmt.where(Clause.status.in_(statuses))
    by_id: dict[int, dict] = {}
    for cid, aid, number, text, proposed_by, status in db.session.execute(stmt):
        clause = {"id": cid, "number": number, "text": text, "proposed_by": proposed_by, "status": status,
                  "versions": []}
        by_id[cid] = clause
        out[aid].append(clause)
    if by_id:
        versions = db.session.execute(
            select(ClauseVersion.clause_id, ClauseVersion.version, ClauseVersion.text, ClauseVersion.status,
                   ClauseVersion.decision_id)
            .join(Clause, Clause.id == ClauseVersion.clause_id)
            .where(Clause.agreement_id.in_(agreement_ids))
            .order_by(ClauseVersion.clause_id, ClauseVersion.version)
        )
        for cid, version, text, status, decision_id in versions:
            clause = by_id.get(cid)
            if clause is not None:
                clause["versions"].append(
                    {"version": version, "text": text, "status": status, "decision_id": decision_id})
    return out


def load_agreement(agreement_id: int) -> Agreement | None:
    """One agreement with parties, clauses (and their versions) and documents loaded."""
    stmt = _eager(select(Agreement).where(Agreement.id == agreement_id)).options(
        selectinload(Agreement.documents).options(selectinload(Document.versions), selectinload(Document.removed_by)),
        selectinload(Agreement.dependencies),
    )
    return db.session.scalar(stmt)


def dependency_ids(agreement_ids: list[int]) -> dict[int, list[int]]:
    """For each agreement id, the ids it depends on (one query for a whole page)."""
    out: dict[int, list[int]] = {i: [] for i in agreement_ids}
    if not agreement_ids:
        return out
    rows = db.session.execute(
        select(AgreementDependency.agreement_id, AgreementDependency.depends_on_id)
        .where(AgreementDependency.agreement_id.in_(agreement_ids))
        .order_by(AgreementDependency.depends_on_id)
    )
    for a, b in rows:
        out[a].append(b)
    return out


def dependents(agreement_id: int, *, user) -> list[Agreement]:
    """Agreements that need this one (that the user may see)."""
    stmt = visible(
        select(Agreement).join(AgreementDependency, AgreementDependency.agreement_id == Agreement.id)
        .where(AgreementDependency.depends_on_id == agreement_id).order_by(Agreement.id),
        user,
    )
    return list(db.session.scalars(stmt))


def agreements_of_partner(partner_id: int, *, user) -> list[Agreement]:
    stmt = visible(
        select(Agreement)
        .where(Agreement.id.in_(select(AgreementParty.agreement_id).where(AgreementParty.partner_id == partner_id)))
        .order_by(Agreement.id.desc()),
        user,
    )
    return list(db.session.scalars(stmt))


def get_document(document_id: int) -> Document | None:
    return db.session.scalar(
        select(Document).where(Document.id == document_id).options(selectinload(Document.agreement))
    )


def get_document_version(version_id: int) -> DocumentVersion | None:
    """An earlier file of a document, with its document and agreement."""
    return db.session.scalar(
        select(DocumentVersion).where(DocumentVersion.id == version_id)
        .options(selectinload(DocumentVersion.document).selectinload(Document.agreement))
    )


def may_download(user, document: Document) -> bool:
    """The current file of a document: to whoever may see its agreement, unless it was removed;
    a removed document's file, like every earlier file, only to staff (those who see every
    agreement), who keep the record."""
    if not can_see(user, document.agreement):
        return False
    return not document.removed or can(user, "agreements.view")


def may_see_history(user) -> bool:
    """A document's earlier files (and who replaced or removed it): staff only."""
    return can(user, "agreements.view")


AWAITING_DECISION = ("under_deliberation", "draft", "approved")


def find_agreement(text: str | None) -> int | None:
    """The id of the agreement a person typed: its number ("12" or "#12") or its reference (any
    case). None for nothing typed (or "0"); LookupError when nothing matches."""
    text = (text or "").strip()
    if text in ("", "0"):
        return None
    digits = text.removeprefix("#")
    if digits.isascii() and digits.isdigit():  # a number names an id, never a reference
        number = parse_id(digits)
        found = db.session.scalar(select(Agreement.id).where(Agreement.id == number)) if number else None
    else:
        found = db.session.scalar(
            select(Agreement.id).where(func.lower(Agreement.reference) == text.lower()).order_by(Agreement.id).limit(1)
        )
    if found is None:
        raise LookupError(text)
    return found


def awaiting_decision(limit: int = 50) -> list[tuple[int, str | None, str]]:
    """(id, reference, title) of the newest agreements a forum is about to decide, to suggest."""
    stmt = (
        select(Agreement.id, Agreement.reference, Agreement.title)
        .where(Agreement.status.in_(AWAITING_DECISION))
        .order_by(Agreement.id.desc())
        .limit(limit)
    )
    return [tuple(r) for r in db.session.execute(stmt)]


def agreement_choices(*, exclude: int | None = None) -> list[tuple[int, str]]:
    """Agreements for a select (at most 2,000): those a forum is about to decide first (under
    deliberation, draft, approved), then the newest of the rest."""
    first = case((Agreement.status.in_(AWAITING_DECISION), 0), else_=1)
    stmt = select(Agreement.id, Agreement.title, Agreement.reference).order_by(first, Agreement.id.desc())
    if exclude is not None:
        stmt = stmt.where(Agreement.id != exclude)
    return [(i, f"{ref + ' — ' if ref else ''}{title}") for i, title, ref in db.session.execute(stmt.limit(2000))]
