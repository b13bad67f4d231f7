"""Reading what is published: to members (visibility members or public) and to everyone (public).

Everything the portal, the public API and the feed show goes through `portal_clause` or
`on_portal`, which add the publication rule on top of govtrack.agreements.queries' visibility
rule. Staff see internal agreements on their own pages, never here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from govtrack.agreements.models import (
    PUBLISHED_STATUSES,
    Agreement,
    AgreementParty,
    Clause,
    Document,
    Visibility,
)
from govtrack.agreements.queries import can_see, visibility_clause
from govtrack.auth.permissions import can
from govtrack.core.paging import Page, keyset_page
from govtrack.extensions import db
from govtrack.forums.models import AgendaItem, Forum, ForumVoter, Meeting, MeetingStatus
from govtrack.members.models import Member
from govtrack.partners.models import Partner

PUBLISHED = [s.value for s in PUBLISHED_STATUSES]


def audience(user) -> list[str]:
    """The visibilities `user` may read on the portal (None: an anonymous visitor)."""
    if can(user, "portal.view"):
        return [Visibility.members.value, Visibility.public.value]
    return [Visibility.public.value]


def portal_clause(user):
    """SQL condition: the agreement is published to `user` (and `user` may see it at all)."""
    cond = Agreement.status.in_(PUBLISHED) & Agreement.visibility.in_(audience(user))
    extra = visibility_clause(user)
    return cond if extra is None else cond & extra


def on_portal(user, agreement: Agreement | None) -> bool:
    """The Python twin of `portal_clause` for one loaded agreement."""
    return (
        agreement is not None
        and agreement.status in PUBLISHED
        and agreement.visibility in audience(user)
        and can_see(user, agreement)
    )


def published_filter(
    *,
    user,
    q: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    year: int | None = None,
) -> Select:
    """Published agreements for `user`, filtered; `q` searches title, reference, summary and partners."""
    stmt = select(Agreement).where(portal_clause(user))
    if q and q.strip():
        like = f"%{q.strip()}%"
        by_partner = (
            select(AgreementParty.agreement_id)
            .join(Partner, Partner.id == AgreementParty.partner_id)
            .where(or_(Partner.name.ilike(like), Partner.legal_name.ilike(like)))
        )
        stmt = stmt.where(
            or_(
                Agreement.title.ilike(like),
                Agreement.reference.ilike(like),
                Agreement.summary.ilike(like),
                Agreement.id.in_(by_partner),
            )
        )
    if category:
        stmt = stmt.where(
            Agreement.id.in_(
                select(AgreementParty.agreement_id)
                .join(Partner, Partner.id == AgreementParty.partner_id)
                .where(Partner.category == category)
            )
        )
    if kind:
        stmt = stmt.where(Agreement.kind == kind)
    if year:
        # A range rather than a function of the column, so an index on start_date can serve it.
        stmt = stmt.where(Agreement.start_date >= dt.date(year, 1, 1), Agreement.start_date <= dt.date(year, 12, 31))
    return stmt


def published_page(*, user, cursor: str | None, limit: int, **filters) -> Page:
    """One keyset page of published agreements, newest first, with their parties."""
    stmt = published_filter(user=user, **filters).options(
        selectinload(Agreement.parties).joinedload(AgreementParty.partner)
    )
    return keyset_page(stmt, id_column=Agreement.id, cursor=cursor, limit=limit, descending=True)


def published_page_full(*, user, cursor: str | None, limit: int, **filters) -> Page:
    """As published_page, with documents too (for the API, which reads the clauses as rows with
    govtrack.agreements.queries.clauses_of)."""
    stmt = published_filter(user=user, **filters).options(
        selectinload(Agreement.parties).joinedload(AgreementParty.partner),
        selectinload(Agreement.documents),
    )
    return keyset_page(stmt, id_column=Agreement.id, cursor=cursor, limit=limit, descending=True)


def published_agreement(agreement_id: int, *, user) -> Agreement | None:
    """One agreement published to `user` with everything its page shows; None when it is not."""
    stmt = (
        select(Agreement)
        .where(Agreement.id == agreement_id, portal_clause(user))
        .options(
            selectinload(Agreement.parties).joinedload(AgreementParty.partner),
            selectinload(Agreement.clauses).selectinload(Clause.versions),
            selectinload(Agreement.documents),
            selectinload(Agreement.dependencies),
        )
    )
    agreement = db.session.scalar(stmt)
    return agreement if on_portal(user, agreement) else None


def recently_published(*, limit: int = 50) -> list[Agreement]:
    """Public agreements, most recently changed first (the Atom feed); always the public's view."""
    stmt = (
        select(Agreement)
        .where(portal_clause(None))
        .options(selectinload(Agreement.parties).joinedload(AgreementParty.partner))
        .order_by(Agreement.updated_at.desc(), Agreement.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


@dataclass(frozen=True)
class UpcomingItem:
    """An agenda item as a voter reads it: the agreement named only when it is published to them."""

    position: int
    title: str
    agreement: Agreement | None
    clause_numbers: list[int]


def upcoming_meetings(user, *, since: dt.datetime, limit: int = 50) -> list[tuple[Meeting, list[UpcomingItem]]]:
    """Meetings from `since` on (scheduled, open or cancelled) of the forums in which the member
    linked to `user` votes, soonest first, each with its agenda. An agreement on the agenda is
    named only when it is published to the user; the item's own title is the announcement."""
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return []
    member = db.session.get(Member, member_id)
    if member is None or not member.active or member.investor:
        return []
    named = select(ForumVoter.forum_id).where(ForumVoter.member_id == member_id)
    meetings = list(db.session.scalars(
        select(Meeting).join(Forum, Forum.id == Meeting.forum_id)
        .where(Meeting.starts_at >= since,
               Meeting.status.in_([MeetingStatus.scheduled.value, MeetingStatus.open.value,
                                   MeetingStatus.cancelled.value]),
               or_(Forum.all_members.is_(True), Forum.id.in_(named)))
        .options(joinedload(Meeting.forum),
                 selectinload(Meeting.agenda).options(joinedload(AgendaItem.agreement),
                                                      selectinload(AgendaItem.clauses)))
        .order_by(Meeting.starts_at, Meeting.id).limit(limit)
    ))
    out = []
    for meeting in meetings:
        items = []
        for item in meeting.agenda:
            shown = item.agreement if on_portal(user, item.agreement) else None
            items.append(UpcomingItem(position=item.position, title=item.title, agreement=shown,
                                      clause_numbers=[c.number for c in item.clauses] if shown else []))
        out.append((meeting, items))
    return out


def parties_and_documents(agreement_ids: list[int]) -> tuple[dict, dict]:
    """For the open-data exports: each agreement's parties as (role, Partner), in their order, and
    its documents still served (not removed), one query each; every id asked is a key."""
    parties: dict[int, list] = {i: [] for i in agreement_ids}
    for agreement_id, role, partner in db.session.execute(
        select(AgreementParty.agreement_id, AgreementParty.role, Partner)
        .join(Partner, Partner.id == AgreementParty.partner_id)
        .where(AgreementParty.agreement_id.in_(agreement_ids))
        .order_by(AgreementParty.agreement_id, AgreementParty.id)
    ):
        parties[agreement_id].append((role, partner))
    documents: dict[int, list] = {i: [] for i in agreement_ids}
    for doc in db.session.scalars(
        select(Document).where(Document.agreement_id.in_(agreement_ids), Document.removed_at.is_(None))
        .order_by(Document.id)
    ):
        documents[doc.agreement_id].append(doc)
    return parties, documents
