"""Writes for users: create, edit, passwords, sessions and API tokens."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from govtrack.audit.services import record
from govtrack.auth import throttle
from govtrack.auth.models import ApiToken, User, new_session_token
from govtrack.auth.passwords import problems
from govtrack.auth.permissions import Role
from govtrack.core.actor import Actor, acting_user_id
from govtrack.core.clock import utcnow
from govtrack.core.text import normalise_name_field
from govtrack.errors import Conflict, ValidationFailed
from govtrack.extensions import db

MAX_TOKEN_DAYS = 3650
# The last use of a token is written at most this often from one address (a write per API read
# would serialise the readers on SQLite); a new address is written, and audited, at once.
TOKEN_USE_GRANULARITY = dt.timedelta(minutes=10)


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


def _check_password_strength(password: str, field: str = "password", *, email: str, name: str) -> None:
    found = problems(password, email=email, name=name)
    if found:
        raise ValidationFailed(str(_l("This password is too weak.")), fields={field: found})


def _user_snapshot(user: User) -> dict:
    return {"email": user.email, "name": user.name, "role": user.role, "active": user.active}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(*, actor: Actor, email: str, name: str, role: str, password: str | None) -> User:
    """Create a login. A user without a password cannot sign in until one is set."""
    email = normalise_email(email)
    if role not in {r.value for r in Role}:
        raise ValidationFailed(str(_l("Unknown role.")), fields={"role": [str(_l("Unknown role."))]})
    name = normalise_name_field(name, field="name")
    if db.session.scalar(select(func.count()).where(User.email == email)):
        raise Conflict(
            str(_l("A user with this e-mail already exists.")),
            code="duplicate",
            fields={"email": [str(_l("Already in use."))]},
        )
    if password is not None:
        _check_password_strength(password, email=email, name=name)
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    record("user.create", actor=actor, object_type="user", object_id=user.id, after=_user_snapshot(user))
    return user


def update_user(*, actor: Actor, user: User, name: str, role: str, active: bool) -> User:
    """Change name, role or active flag; deactivation ends every session and token."""
    if role not in {r.value for r in Role}:
        raise ValidationFailed(str(_l("Unknown role.")), fields={"role": [str(_l("Unknown role."))]})
    if acting_user_id(actor) == user.id and (
        not active or role != user.role
    ):
        raise Conflict(str(_l("You cannot change your own role or deactivate yourself.")))
    name = normalise_name_field(name, field="name")
    before = _user_snapshot(user)
    user.name, user.role = name, role
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
    _check_password_strength(new, "new_password", email=user.email, name=user.name)
    user.password_hash = hasher.hash(new)
    end_sessions(user)
    revoked = _revoke(user)
    record("user.password_change", actor=user, object_type="user", object_id=user.id,
           after={"tokens_revoked": revoked})


def set_password(*, actor: Actor, user: User, password: str) -> None:
    """An admin (or the CLI) sets a password; the user's sessions end and API tokens are revoked."""
    _check_password_strength(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    end_sessions(user)
    revoked = _revoke(user)
    record("user.password_set", actor=actor, object_type="user", object_id=user.id,
           after={"tokens_revoked": revoked})


def begin_sign_in(*, email: str, address: str, now: dt.datetime) -> throttle.Verdict:
    """Count a sign-in attempt at this account, or refuse it while the account must wait.

    Committed by the caller before the password is checked: the attempt counts whatever follows."""
    verdict = throttle.begin_attempt(account=normalise_email(email)[:254], address=address, now=now)
    if not verdict.allowed:
        record_sign_in_failure(email=email, reason="throttled")
    return verdict


def record_sign_in_failure(*, email: str, reason: str) -> None:
    """Audit a refused sign-in, naming the account tried (known or not)."""
    account = normalise_email(email)[:254]
    user_id = db.session.scalar(select(User.id).where(User.email == account))
    record("user.sign_in_failed", actor="anonymous", object_type="user", object_id=user_id,
           after={"email": account, "reason": reason})


def signed_in(*, user: User) -> None:
    """The password was right: forget the account's failures and audit the sign-in."""
    throttle.succeeded(account=user.email)
    record("user.sign_in", actor=user, object_type="user", object_id=user.id)


def sign_out(*, user: User) -> None:
    """End this user's sessions (a copied cookie stops working) and audit it."""
    end_sessions(user)
    record("user.sign_out", actor=user, object_type="user", object_id=user.id)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, actor: Actor, user: User, days: int | None = None) -> str:
    """A new API token for `user`, valid for `days` (or until revoked); the plain text is returned
    once and never stored."""
    if days is not None and not 1 <= days <= MAX_TOKEN_DAYS:
        message = str(_l("Between 1 and %(n)d days, or empty for no expiry.", n=MAX_TOKEN_DAYS))
        raise ValidationFailed(message, fields={"days": [message]})
    token = "gt_" + secrets.token_urlsafe(32)
    expires_at = utcnow() + dt.timedelta(days=days) if days else None
    db.session.add(ApiToken(user_id=user.id, token_hash=_token_digest(token), expires_at=expires_at))
    record("user.token_issue", actor=actor, object_type="user", object_id=user.id,
           after={"expires_at": expires_at})
    return token


def _revoke(user: User) -> int:
    n = 0
    for token in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = utcnow()
        n += 1
    return n


def revoke_tokens(*, actor: Actor, user: User) -> int:
    """Revoke every API token of `user`; returns how many were live."""
    n = _revoke(user)
    record("user.token_revoke", actor=actor, object_type="user", object_id=user.id, after={"revoked": n})
    return n


def live_token(token: str, *, now: dt.datetime) -> ApiToken | None:
    """The live (not revoked, not expired) token of an active user, or None."""
    row = db.session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _token_digest(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.active or (row.expires_at is not None and row.expires_at <= now):
        return None
    return row


def user_for_token(token: str) -> User | None:
    """The active user behind a live bearer token, or None."""
    row = live_token(token, now=utcnow())
    return row.user if row is not None else None


def needs_use_noted(token: ApiToken, *, address: str, now: dt.datetime) -> bool:
    """Is this use worth a write: a new address, or the last use noted long enough ago?"""
    return (
        token.last_used_ip != address
        or token.last_used_at is None
        or now - token.last_used_at >= TOKEN_USE_GRANULARITY
    )


def note_token_use(*, token_id: int, user: User, address: str, now: dt.datetime, new_address: bool) -> None:
    """Write the token's last use and address; a use from another address than the last one is
    audited. The caller ends its read transaction first: the UPDATE is this transaction's first
    statement, so SQLite takes the write lock before anything is read (a read first would fail at
    once under a concurrent writer instead of waiting)."""
    db.session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now, last_used_ip=address[:64])
    )
    if new_address:
        record("user.token_new_address", actor=user, object_type="user", object_id=user.id,
               after={"token_id": token_id, "address": address})
