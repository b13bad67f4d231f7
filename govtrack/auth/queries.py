"""Reading users."""

from __future__ import annotations

from sqlalchemy import select

from govtrack.auth.models import ApiToken, User
from govtrack.extensions import db


def list_users(*, q: str | None = None, role: str | None = None) -> list[User]:
    stmt = select(User).order_by(User.name)
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where((User.email.like(like)) | (User.name.ilike(like)))
    if role:
        stmt = stmt.where(User.role == role)
    return list(db.session.scalars(stmt))


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def tokens_of(*, user_id: int) -> list[ApiToken]:
    """A user's API tokens, newest first (their expiry, last use and address are shown)."""
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))
