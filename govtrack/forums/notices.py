"""The e-mail notices of a meeting scheduled, rescheduled or cancelled, to the forum's voters who
have a login. Composed in each reader's language when the change is made and queued in the
outbox (`govtrack.notices`) in the same transaction, so the notice exists exactly when the
change does."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from govtrack.core.web import external_url
from govtrack.forums import queries
from govtrack.forums.models import Forum, Meeting
from govtrack.notices.services import NoticeData, enqueue

SCHEDULED, RESCHEDULED, CANCELLED = "scheduled", "rescheduled", "cancelled"


def _portal_url() -> str | None:
    try:
        return external_url("portal.meetings")
    except RuntimeError:  # no request and no SERVER_NAME: the notice goes without a link
        return None


def _subject(event: str, meeting: Meeting) -> str:
    if event == CANCELLED:
        return _("Meeting cancelled: %(title)s", title=meeting.title)
    if event == RESCHEDULED:
        return _("Meeting changed: %(title)s", title=meeting.title)
    return _("Meeting scheduled: %(title)s", title=meeting.title)


def queue_meeting_notices(*, meeting: Meeting, forum: Forum, event: str, change_id: int,
                          before: dict | None = None) -> int:
    """Queue one notice per voter of the forum who has an active login with an e-mail address.
    `change_id` (the audit event of the change) makes each person's notice of one change unique.
    Returns how many were queued."""
    users = queries.voter_users(forum)
    if not users:
        return 0
    url = _portal_url()
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    notices = []
    for user in users:
        with force_locale(user.locale or default):
            notices.append(NoticeData(
                key=f"audit:{change_id}:user:{user.id}", user_id=user.id, recipient=user.email,
                subject=_subject(event, meeting),
                body=render_template("forums/meeting_notice.txt", event=event, meeting=meeting, forum=forum,
                                     user=user, before=before or {}, url=url),
            ))
    return enqueue(notices=notices)
