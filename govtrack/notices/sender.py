"""Sending the queued notices (`flask notices send`): each in its own transactions, so one that
fails keeps its place in the queue and the others still go."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from email.message import EmailMessage

from flask import current_app

from govtrack.core import mail
from govtrack.core.clock import utcnow
from govtrack.extensions import db
from govtrack.notices import services
from govtrack.notices.models import Notice

log = logging.getLogger(__name__)

BATCH = 500


def message(notice: Notice) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = notice.subject
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = notice.recipient
    msg.set_content(notice.body)
    return msg


def send_due(*, now: dt.datetime | None = None, send: Callable[[EmailMessage], None] = mail.send,
             limit: int = BATCH) -> dict[str, int]:
    """Send every notice that is due (at most `limit`). A notice is claimed (committed) before the
    mail goes and marked sent (committed) right after, so a second sender skips it; a failure is
    recorded on it with the next attempt's time. A sender killed between the two commits leaves
    the claim to expire, and the notice is sent again: at least once, never silently lost."""
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0}
    for notice_id in services.due_ids(now=now, limit=limit):
        notice = services.claim(notice_id, now=now)
        db.session.commit()
        if notice is None:
            continue
        try:
            send(message(notice))
        except mail.SEND_ERRORS as err:
            db.session.rollback()
            notice = db.session.get(Notice, notice_id, populate_existing=True)
            services.mark_failed(notice, now=now, error=f"{type(err).__name__}: {err}")
            db.session.commit()
            log.warning("notice %s to user %s failed (attempt %s): %s", notice_id, notice.user_id,
                        notice.attempts, err)
            counts["failed"] += 1
            continue
        services.mark_sent(notice, now=now)
        db.session.commit()
        counts["sent"] += 1
    return counts
