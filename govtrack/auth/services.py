"""Writes for users: create, edit, passwords, sessions and API tokens."""

from __future__ import annotations

import contextlib
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from govtrack.audit.services import record
from govtrack.auth.models import ApiToken, User, new_session_token
from govtrack.auth.permissions import Role
from govtrack.core.clock import utcnow
from govtrack.errors import Conflict, ValidationFailed
from govtrack.extensions import db

MIN_PASSWORD_LENGTH = 12


def _hasher() -> PasswordHasher:
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """argon2id with the configured cost (RFC 9106 / OWASP: t=3, m=64 MiB, p=4)."""
    return _hasher().hash(password)


def _check_password_strength(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            str(_l("Password too short.")),
            fields={field: [str(_l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH))]},
        )


def _user_snapshot(user: User) -> dict:
    return {"email": user.email, "name": user.name, "role": user.role, "active": user.active}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(*, actor, email: str, name: str, role: str, password: str | None) -> User:
    """Create a login. A user without a password cannot sign in until one is set."""
    email = normalise_email(email)
    if role not in {r.value for r in Role}:
        raise ValidationFailed(str(_l("Unknown role.")), fields={"role": [str(_l("Unknown role."))]})
    if not name.strip():
        raise ValidationFailed(str(_l("Name is required.")), fields={"name": [str(_l("Required."))]})
    if db.session.scalar(select(func.count()).where(User.email == email)):
        raise Conflict(
            str(_l("A user with this e-mail already exists.")),
            code="duplicate",
            fields={"email": [str(_l("Already in use."))]},
        )
    if password is not None:
        _check_password_strength(password)
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    record("user.create", actor=actor, object_type="user", object_id=user.id, after=_user_snapshot(user))
    return user


def update_user(*, actor, user: User, name: str, role: str, active: bool) -> User:
    """Change name, role or active flag; deactivation ends every session and token."""
    if role not in {r.value for r in Role}:
        raise ValidationFailed(str(_l("Unknown role.")), fields={"role": [str(_l("Unknown role."))]})
    if actor is not None and getattr(actor, "id", None) == user.id and (
        not active or role != user.role
    ):
        raise Conflict(str(_l("You cannot change your own role or deactivate yourself.")))
    before = _user_snapshot(user)
    user.name, user.role = name.strip(), role
    if user.active and not active:
        end_sessions(user)
        for token in db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)):
            token.revoked_at = token.revoked_at or utcnow()
    user.active = active
    record("user.update", actor=actor, object_type="user", object_id=user.id, before=before, after=_user_snapshot(user))
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None. Costs the same for unknown users."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    hasher = _hasher()
    if user is None or not user.password_hash or not user.active:
        # Spend the same time as a real check, so timing does not reveal which e-mails exist.
        with contextlib.suppress(VerificationError, InvalidHashError):
            hasher.verify(_dummy_hash(), password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    user.last_login_at = utcnow()
    return user


_DUMMY: dict[tuple, str] = {}


def _dummy_hash() -> str:
    h = _hasher()
    key = (h.time_cost, h.memory_cost, h.parallelism)
    if key not in _DUMMY:
        _DUMMY[key] = h.hash(secrets.token_hex(16))
    return _DUMMY[key]


def end_sessions(user: User) -> None:
    """Invalidate every session of this user (their cookies carry the old token)."""
    user.session_token = new_session_token()


def change_password(*, user: User, current: str, new: str) -> None:
    """The user changes their own password; their other sessions end."""
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash or "", current)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise ValidationFailed(
            str(_l("Current password is wrong.")),
            fields={"current_password": [str(_l("Current password is wrong."))]},
        ) from None
    _check_password_strength(new, "new_password")
    user.password_hash = hasher.hash(new)
    end_sessions(user)
    record("user.password_change", actor=user, object_type="user", object_id=user.id)


def set_password(*, actor, user: User, password: str) -> None:
    """An admin (or the CLI) sets a password; the user's sessions end."""
    _check_password_strength(password)
    user.password_hash = hash_password(password)
    end_sessions(user)
    record("user.password_set", actor=actor, object_type="user", object_id=user.id)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, actor, user: User) -> str:
    """A new API token for `user`; the plain text is returned once and never stored."""
    token = "gt_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_digest(token)))
    record("user.token_issue", actor=actor, object_type="user", object_id=user.id)
    return token


def revoke_tokens(*, actor, user: User) -> int:
    """Revoke every API token of `user`; returns how many were live."""
    n = 0
    for token in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = utcnow()
        n += 1
    record("user.token_revoke", actor=actor, object_type="user", object_id=user.id, after={"revoked": n})
    return n


def user_for_token(token: str) -> User | None:
    """The active user behind a live bearer token, or None."""
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _token_digest(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active:
        return None
    return row.user
