"""User accounts and API tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from govtrack.auth.permissions import Role
from govtrack.core import versions
from govtrack.core.clock import utcnow
from govtrack.extensions import db

ROLE_VALUES = ", ".join(f"'{r.value}'" for r in Role)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(db.Model):
    """A login. Its `session_token` is part of the session id: rotating it ends every session."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    locale: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    # The roster member this login belongs to, if any (one login per member).
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), unique=True)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user", lazy="raise")

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    last_used_ip: Mapped[str | None] = mapped_column(String(64))
    revoked_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens", lazy="joined")


class SignInFailure(db.Model):
    """One failed (or still running) sign-in at an account, from an address.

    The rows are the shared memory of the per-account throttle: every worker process and host sees
    them, with or without Redis. An attempt is recorded before its password is checked and deleted
    with the account's others when the password is right, so concurrent guesses cannot slip past
    the count. `account` is the e-mail as typed (normalised): unknown accounts are throttled alike.
    """

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_account_at", "account", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(index=True)


# Sign-ins, sign-outs, password and language changes are no data any cache is computed from.
versions.ignore("users", "last_login_at", "session_token", "password_hash", "locale")
versions.ignore("api_tokens", "last_used_at", "last_used_ip")
