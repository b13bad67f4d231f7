"""Reading partners."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from govtrack.core.paging import Page, keyset_page
from govtrack.extensions import db
from govtrack.partners.models import Partner


def partner_filter(
    *, q: str | None = None, category: str | None = None, region: str | None = None, active: bool | None = None
) -> Select:
    stmt = select(Partner)
    if q:
        like = f"%{q.strip()}%"
        stmt = stmt.where(or_(Partner.name.ilike(like), Partner.legal_name.ilike(like)))
    if category:
        stmt = stmt.where(Partner.category == category)
    if region:
        stmt = stmt.where(Partner.region.ilike(f"%{region.strip()}%"))
    if active is not None:
        stmt = stmt.where(Partner.active.is_(active))
    return stmt


def partner_ids_named(text: str) -> Select:
    """A subquery of the ids of partners whose name or legal name contains `text` (any case): the
    list filters use it instead of a select of every partner, which grows with the partners."""
    # % and _ typed by the user are letters, not wildcards.
    like = "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return select(Partner.id).where(
        or_(Partner.name.ilike(like, escape="\\"), Partner.legal_name.ilike(like, escape="\\"))
    )


def partner_name(partner_id: int | None) -> str | None:
    """The name of one partner (for a filter chip), or None."""
    if partner_id is None:
        return None
    return db.session.scalar(select(Partner.name).where(Partner.id == partner_id))


def partner_page(*, cursor: str | None, limit: int, **filters) -> Page:
    """Partners in id order, one keyset page, with their contacts."""
    stmt = partner_filter(**filters).options(selectinload(Partner.contacts))
    return keyset_page(stmt, id_column=Partner.id, cursor=cursor, limit=limit)


def get_partner(partner_id: int) -> Partner | None:
    return db.session.scalar(
        select(Partner).where(Partner.id == partner_id).options(selectinload(Partner.contacts))
    )


def partner_choices(*, active_only: bool = True) -> list[tuple[int, str]]:
    stmt = select(Partner.id, Partner.name).order_by(func.lower(Partner.name))
    if active_only:
        stmt = stmt.where(Partner.active.is_(True))
    return [(pid, name) for pid, name in db.session.execute(stmt)]


def regions() -> list[str]:
    return [r for r in db.session.scalars(select(Partner.region).distinct().order_by(Partner.region)) if r]
