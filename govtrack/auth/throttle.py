"""The per-account sign-in throttle (OWASP ASVS 2.2.1): a growing delay, not a lock-out.

The first LOGIN_ACCOUNT_FREE_FAILURES failures at an account within an hour are free. After them
each further attempt waits DELAY * 2**k seconds after the last failure (k = failures past the free
ones), at most LOGIN_ACCOUNT_MAX_DELAY_SECONDS. An address that has not failed at this account in
the hour is not held up by the delay (so guesses from elsewhere cannot lock the owner out), but
at most LOGIN_ACCOUNT_HOURLY_CAP failures an hour reach an account from all addresses together.
The per-address limit (Flask-Limiter) stops a spray across many accounts.

Attempts are counted in the database (`sign_in_failures`), which every worker and host shares,
and each attempt is counted before its password is checked, under a lock per account (SQLite: the
request's BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so concurrent guesses cannot all slip
past the same count. A right password then deletes the account's rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, select, text

from govtrack.auth.models import SignInFailure
from govtrack.extensions import db

MEMORY = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Verdict:
    """May this attempt be checked? If not, how many seconds until it may."""

    allowed: bool
    retry_after: int = 0


def _lock(account: str) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(account.encode()).digest()[:8], "big", signed=True)
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def delay(failures: int) -> dt.timedelta:
    """How long after the last failure the next attempt waits, once `failures` are recorded."""
    cfg = current_app.config
    past_free = failures - cfg["LOGIN_ACCOUNT_FREE_FAILURES"]
    if past_free < 0:
        return dt.timedelta(0)
    seconds = cfg["LOGIN_ACCOUNT_DELAY_SECONDS"] * 2 ** min(past_free, 32)
    return dt.timedelta(seconds=min(seconds, cfg["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"]))


def _seconds(span: dt.timedelta) -> int:
    return max(1, math.ceil(span.total_seconds()))


def begin_attempt(*, account: str, address: str, now: dt.datetime) -> Verdict:
    """Count this attempt as a failure unless the account must wait; the caller commits."""
    _lock(account)
    since = now - MEMORY
    db.session.execute(delete(SignInFailure).where(SignInFailure.at <= since))
    rows = db.session.execute(
        select(SignInFailure.at, SignInFailure.address)
        .where(SignInFailure.account == account, SignInFailure.at > since)
        .order_by(SignInFailure.at)
    ).all()
    if len(rows) >= current_app.config["LOGIN_ACCOUNT_HOURLY_CAP"]:
        return Verdict(False, _seconds(rows[0].at + MEMORY - now))
    if rows:
        wait_until = rows[-1].at + delay(len(rows))
        known = any(r.address == address for r in rows)
        if now < wait_until and known:
            return Verdict(False, _seconds(wait_until - now))
    db.session.add(SignInFailure(account=account, address=address[:64], at=now))
    db.session.flush()
    return Verdict(True)


def succeeded(*, account: str) -> None:
    """The right password: the account's failures are forgotten."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.account == account))
