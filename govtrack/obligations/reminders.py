"""The daily digest e-mail: what each responsible user has overdue and due soon."""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from govtrack.auth.models import User
from govtrack.core.mail import SEND_ERRORS, send
from govtrack.core.web import external_url
from govtrack.extensions import db
from govtrack.obligations import queries, services

log = logging.getLogger(__name__)


def _dashboard_url() -> str | None:
    try:
        return external_url("obligations.dashboard")
    except RuntimeError:  # no request and no SERVER_NAME configured: the mail goes without a link
        return None


def compose(user: User, rows, today: dt.date) -> EmailMessage:
    cfg = current_app.config
    with force_locale(user.locale or cfg["BABEL_DEFAULT_LOCALE"]):
        overdue = [r for r in rows if r.status == "overdue"]
        soon = [r for r in rows if r.status == "due_soon"]
        msg = EmailMessage()
        msg["Subject"] = _("Obligations: %(o)d overdue, %(s)d due soon (%(d)s)", o=len(overdue), s=len(soon),
                           d=today.isoformat())
        msg["From"] = cfg["MAIL_FROM"]
        msg["To"] = user.email
        msg.set_content(render_template("obligations/digest.txt", user=user, overdue=overdue, soon=soon,
                                        today=today, dashboard_url=_dashboard_url()))
    return msg


def send_digests(*, today: dt.date, actor="cli") -> dict[str, int]:
    """One digest per responsible user per day. Each user's send is its own transaction: the log
    row is claimed first, the mail sent, then committed; a failed send rolls the claim back so a
    later run retries it."""
    items = queries.digest_items(today=today)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(items))))} if items else {}
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    for user_id, rows in items.items():
        user = users.get(user_id)
        if user is None or not user.email:
            continue
        if not services.log_reminder(actor=actor, user_id=user_id, day=today, items=len(rows)):
            db.session.rollback()
            counts["skipped"] += 1
            continue
        try:
            send(compose(user, rows, today))
        except SEND_ERRORS as err:
            db.session.rollback()
            log.warning("reminder to user %s failed: %s", user_id, err)
            counts["failed"] += 1
            continue
        db.session.commit()
        counts["sent"] += 1
    return counts
