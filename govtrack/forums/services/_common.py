"""What the forums' services share: field errors, names, the meeting lock and its checks, and
the agreement statuses each effect applies to. The locking order is in the package docstring."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from govtrack.agreements import services as agreement_services
from govtrack.agreements.models import Agreement, AgreementStatus
from govtrack.core.actor import Actor
from govtrack.core.labels import label
from govtrack.core.text import BadText, normalise_name
from govtrack.errors import Conflict, NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.forums import queries
from govtrack.forums.models import Effect, Forum, Meeting, MeetingStatus

S = AgreementStatus


# The agreement statuses in which a motion with each effect makes sense.
EFFECT_STATUSES: dict[str, frozenset[str]] = {
    Effect.approve: frozenset({S.draft, S.under_deliberation}),
    # Amending an approved or active agreement: deliberated while the approved terms stay in force.
    Effect.approve_with_amendments: frozenset(
        {S.draft, S.under_deliberation, S.approved, S.active, S.suspended}
    ),
    Effect.reject: frozenset({S.draft, S.under_deliberation}),
    Effect.terminate: frozenset({S.approved, S.active, S.suspended}),
}


def _invalid(fields: dict[str, list]) -> ValidationFailed:
    return ValidationFailed(
        str(_l("Some values are not valid.")), fields={k: [str(m) for m in v] for k, v in fields.items()}
    )


def _who(member, member_id: int | None = None) -> str:
    """A member as a message names them: name and member number (never a bare database id)."""
    if member is None:
        return str(_l("member id %(id)s (not on the roster)", id=member_id))
    return str(_l("%(name)s (member no. %(number)s)", name=member.name, number=member.number))


def _not_voter_reason(member, why: str | None = None) -> str:
    """Why an existing member is not a voter of a forum (or of a meeting), in words; `why` is the
    code queries.not_voter_members gives when the meeting's roll was fixed when it opened."""
    if member.investor:
        return str(_l("an investor (investors have no vote)"))
    if not member.active:
        return str(_l("not an active member"))
    if why == "after_opening":
        return str(_l("not on the roll of voters fixed when the meeting opened"))
    return str(_l("not on this forum's list of voters"))


def _shown(value: str | None, field: str, errors: dict[str, list]) -> str:
    """A name or title in its stored form (one rule for every door: core.text); a refusal goes
    into `errors` under its field."""
    try:
        return normalise_name(value)
    except BadText as bad:
        errors[field] = [bad.reason]
        return ""


REASON_MAX = 2000


def _reason(text: str | None, field: str = "reason") -> str:
    """A reason given in words (kept with the cancelled meeting or withdrawn motion)."""
    reason = (text or "").strip()
    if not reason:
        raise _invalid({field: [_l("Give the reason in a few words.")]})
    if len(reason) > REASON_MAX:
        raise _invalid({field: [_l("At most %(n)d characters.", n=REASON_MAX)]})
    return reason


def _values(enum_cls) -> set[str]:
    return {e.value for e in enum_cls}


def _lock_meeting(meeting: Meeting) -> Meeting:
    """Lock the meeting row and re-read it (another request may have changed it meanwhile)."""
    locked = db.session.scalar(
        select(Meeting).where(Meeting.id == meeting.id).with_for_update()
        .execution_options(populate_existing=True)
    )
    if locked is None:
        raise NotFound(str(_l("No such meeting.")))
    return locked


def _not_closed(meeting: Meeting) -> None:
    """A closed or cancelled meeting changes no more (nothing is added to a cancelled one)."""
    if meeting.status == MeetingStatus.cancelled:
        raise Conflict(str(_l("This meeting was cancelled; it cannot be opened and nothing can be added to it.")),
                       code="meeting_cancelled")
    if meeting.status == MeetingStatus.closed:
        raise Conflict(str(_l("This meeting is closed; it changes no more.")), code="meeting_closed")


def _must_be_open(meeting: Meeting) -> None:
    _not_closed(meeting)
    if meeting.status != MeetingStatus.open:
        raise Conflict(str(_l("The meeting is not open yet.")), code="meeting_not_open")


def _forum(meeting: Meeting) -> Forum:
    forum = db.session.get(Forum, meeting.forum_id)
    assert forum is not None
    return forum


def _deliberate(actor: Actor, agreement_ids) -> list[int]:
    """Draft agreements on the table of an open meeting become under_deliberation."""
    moved = []
    ids = sorted({i for i in agreement_ids if i})
    if not ids:
        return moved
    for agreement in db.session.scalars(
        select(Agreement).where(Agreement.id.in_(ids), Agreement.status == S.draft.value)
        .with_for_update().execution_options(populate_existing=True)
    ):
        agreement_services.transition_agreement(actor=actor, agreement=agreement, to=S.under_deliberation)
        moved.append(agreement.id)
    return moved


def _check_forum_in_policy(forum: Forum, agreement: Agreement) -> None:
    """Only a forum whose approval the policy requires decides on an agreement: it may approve,
    amend, reject or terminate it (each required forum can thus refuse what all must approve)."""
    required = queries.required_forum_kinds(agreement.kind)
    if forum.kind not in required:
        message = str(_l("The approval policy does not give this forum a say on %(kind)s agreements; it needs "
                         "%(required)s.", kind=label("agreement_kind", agreement.kind),
                         required=", ".join(label("forum_kind", k) for k in required)))
        raise Conflict(message, code="forum_not_in_policy", fields={"effect": [message]})
