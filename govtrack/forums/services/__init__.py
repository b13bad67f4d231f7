"""Writes for forums: forums and the approval policy, meetings (attendance, agenda, minutes),
motions, votes, consensus, closing, and the decisions that apply their effects.

Locking: every write about a meeting first locks the meeting row (SELECT ... FOR UPDATE on
PostgreSQL; on SQLite a writing request already holds the database write lock from BEGIN
IMMEDIATE), then the motion row, then the forum row (decision numbers), then the agreement row.
A vote racing the close of its motion is therefore either counted before the close or refused.

The writes live in one module per part: `forums` (forums and the approval policy), `meetings`
(meetings, attendance, agenda, minutes), `motions` (motions, votes, consensus, closing) and
`decisions` (decisions and their effects); callers use them through this package.
"""

from govtrack.forums.services._common import EFFECT_STATUSES
from govtrack.forums.services.forums import (
    ForumData,
    create_forum,
    forum_snapshot,
    set_policy,
    update_forum,
)
from govtrack.forums.services.meetings import (
    AttendanceEntry,
    add_agenda_item,
    approve_minutes,
    cancel_meeting,
    close_meeting,
    create_meeting,
    meeting_snapshot,
    open_meeting,
    set_attendance,
    set_minutes,
    set_officers,
    update_meeting,
)
from govtrack.forums.services.motions import (
    AmendmentData,
    ClosePreview,
    MotionData,
    VoteRefusal,
    cast_votes,
    check_votes,
    close_motion,
    close_preview,
    consensus,
    create_motion,
    motion_counts,
    motion_snapshot,
    record_roll_call,
    record_tally,
    withdraw_motion,
)

__all__ = [
    "EFFECT_STATUSES",
    "AmendmentData",
    "ClosePreview",
    "AttendanceEntry",
    "ForumData",
    "MotionData",
    "VoteRefusal",
    "add_agenda_item",
    "approve_minutes",
    "cancel_meeting",
    "cast_votes",
    "check_votes",
    "close_meeting",
    "close_motion",
    "close_preview",
    "consensus",
    "create_forum",
    "create_meeting",
    "create_motion",
    "forum_snapshot",
    "meeting_snapshot",
    "motion_counts",
    "motion_snapshot",
    "open_meeting",
    "record_roll_call",
    "record_tally",
    "set_attendance",
    "set_minutes",
    "set_officers",
    "set_policy",
    "update_forum",
    "update_meeting",
    "withdraw_motion",
]
