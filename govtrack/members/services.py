"""Writes for the member roster: members, conflicts of interest, user links (the CSV import is
in `importer`).

Each function records its audit event in the caller's transaction and never commits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from govtrack.audit.services import record
from govtrack.auth.models import User
from govtrack.core import clock, dates
from govtrack.core.actor import Actor
from govtrack.core.text import BadText, normalise_name
from govtrack.errors import Conflict, ValidationFailed
from govtrack.extensions import db
from govtrack.members.models import Member, MemberInterest
from govtrack.partners.models import Partner

# The API and CSV name the rembug group `group`; the column is `group_name`.
FIELDS = ("number", "name", "group", "joined_on", "active", "investor")
NUMBER_RE = re.compile(r"^[0-9A-Z][0-9A-Z./-]*$")
NUMBER_MAX, NAME_MAX, GROUP_MAX, NOTE_MAX = 30, 200, 120, 2000
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "t", "ya"})
FALSE_WORDS = frozenset({"0", "false", "no", "n", "f", "tidak"})


# ---------------------------------------------------------------------------------------------
# Values: one set of rules for the form, the API and the CSV import


class _Bad(Exception):
    """A value refused; the message says why."""


# Each cleaner takes (value, today) and returns the stored value or raises _Bad. They run twice
# per CSV line (check, then write) on files of 280,000 lines, so the common case is kept short.


def clean_number(value, today: dt.date | None = None) -> str:
    number = str(value or "").strip().upper()
    if not number:
        raise _Bad(_l("Required."))
    if len(number) > NUMBER_MAX:
        raise _Bad(_l("At most %(n)d characters.", n=NUMBER_MAX))
    if not NUMBER_RE.match(number):
        raise _Bad(_l("Letters, digits, '-', '/' and '.' only, starting with a letter or digit."))
    return number


def _spaces(value) -> str:
    text = str(value or "")
    if "  " in text or text[:1].isspace() or text[-1:].isspace() or "\t" in text or "\n" in text:
        text = " ".join(text.split())
    return text


_PASTED_BREAKS = str.maketrans("\t\r\n", "   ")


def clean_name(value, today: dt.date | None = None) -> str:
    # Tabs and line breaks pasted from a spreadsheet become spaces; any other control character,
    # a text-direction override or a name with nothing visible is refused (core.text).
    try:
        name = _spaces(normalise_name(str(value or "").translate(_PASTED_BREAKS)))
    except BadText as bad:
        raise _Bad(bad.reason) from None
    if len(name) > NAME_MAX:
        raise _Bad(_l("At most %(n)d characters.", n=NAME_MAX))
    return name


def clean_group(value, today: dt.date | None = None) -> str | None:
    group = _spaces(value)
    if len(group) > GROUP_MAX:
        raise _Bad(_l("At most %(n)d characters.", n=GROUP_MAX))
    return group or None


def clean_date(value, today: dt.date) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise _Bad(_l("Not a date; write it as YYYY-MM-DD.")) from None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise _Bad(_l("Not a date; write it as YYYY-MM-DD."))
    if not dates.in_range(value):
        raise _Bad(dates.range_message())
    if value > today:
        raise _Bad(_l("The date is in the future."))
    return value


_WORDS = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}


def _flag(value, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return default
    word = _WORDS.get(value)  # "1" / "0": no stripping or folding needed
    if word is not None:
        return word
    text = str(value).strip().lower()
    if text == "":
        return default
    word = _WORDS.get(text)
    if word is None:
        raise _Bad(_l("Write 1 or 0 (yes or no)."))
    return word


def clean_active(value, today: dt.date | None = None) -> bool:
    return _flag(value, True)


def clean_investor(value, today: dt.date | None = None) -> bool:
    return _flag(value, False)


# field (API/CSV name) -> (column, cleaner)
_PLAN = {
    "number": ("number", clean_number),
    "name": ("name", clean_name),
    "group": ("group_name", clean_group),
    "joined_on": ("joined_on", clean_date),
    "active": ("active", clean_active),
    "investor": ("investor", clean_investor),
}


def clean_values(raw: dict, *, today: dt.date) -> tuple[dict, dict[str, list[str]]]:
    """Clean the given fields (API/CSV names); returns (values by column name, errors by field)."""
    values: dict = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        plan = _PLAN.get(key)
        if plan is None:
            errors[key] = [str(_l("Unknown field."))]
            continue
        try:
            values[plan[0]] = plan[1](value, today)
        except _Bad as bad:
            errors[key] = [str(bad.args[0])]
    return values, errors


def _invalid(errors: dict[str, list[str]]) -> ValidationFailed:
    return ValidationFailed(str(_l("Some values are not valid.")), fields=errors)


# ---------------------------------------------------------------------------------------------
# Members


@dataclass
class MemberData:
    number: str
    name: str
    group: str | None = None
    joined_on: dt.date | None = None
    active: bool = True
    investor: bool = False


def snapshot(member: Member) -> dict:
    return {
        "number": member.number,
        "name": member.name,
        "group": member.group_name,
        "joined_on": member.joined_on,
        "active": member.active,
        "investor": member.investor,
    }


def _number_taken(number: str) -> Conflict:
    return Conflict(
        str(_l("A member with number %(number)s already exists.", number=number)),
        code="duplicate",
        fields={"number": [str(_l("Already in use."))]},
    )


def _flush_unique(number: str) -> None:
    """Flush; a number another request took meanwhile is a 409, not a 500."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise _number_taken(number) from None


def create_member(*, actor: Actor, data: MemberData, today: dt.date | None = None) -> Member:
    """Put one member on the roster."""
    values, errors = clean_values(
        {k: getattr(data, k) for k in FIELDS}, today=today or clock.today()
    )
    if errors:
        raise _invalid(errors)
    if db.session.scalar(select(func.count()).where(Member.number == values["number"])):
        raise _number_taken(values["number"])
    member = Member(**values)
    db.session.add(member)
    _flush_unique(member.number)
    record("member.create", actor=actor, object_type="member", object_id=member.id, after=snapshot(member))
    return member


def update_member(*, actor: Actor, member: Member, changes: dict, today: dt.date | None = None) -> Member:
    """Change some fields (API names: number, name, group, joined_on, active, investor)."""
    values, errors = clean_values(changes, today=today or clock.today())
    if errors:
        raise _invalid(errors)
    number = values.get("number")
    if number is not None and number != member.number and db.session.scalar(
        select(func.count()).where(Member.number == number)
    ):
        raise _number_taken(number)
    before = snapshot(member)
    for column, value in values.items():
        setattr(member, column, value)
    after = snapshot(member)
    if after == before:
        return member
    _flush_unique(member.number)
    record("member.update", actor=actor, object_type="member", object_id=member.id, before=before, after=after)
    return member


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


def _interest_snapshot(interest: MemberInterest) -> dict:
    return {"member_id": interest.member_id, "partner_id": interest.partner_id, "note": interest.note}


def declare_interest(*, actor: Actor, member: Member, partner_id: int, note: str | None = None) -> MemberInterest:
    """The member declares an interest in a partner (they are recused on motions about it)."""
    partner = db.session.get(Partner, partner_id) if partner_id else None
    if partner is None:
        raise ValidationFailed(
            str(_l("No such partner.")), fields={"partner_id": [str(_l("No such partner."))]}
        )
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        raise _invalid({"note": [str(_l("At most %(n)d characters.", n=NOTE_MAX))]})
    def duplicate() -> Conflict:
        return Conflict(
            str(_l("%(member)s has already declared an interest in %(partner)s.",
                   member=member.name, partner=partner.name)),
            code="duplicate",
            fields={"partner_id": [str(_l("Already declared."))]},
        )

    if db.session.scalar(
        select(func.count()).where(MemberInterest.member_id == member.id, MemberInterest.partner_id == partner.id)
    ):
        raise duplicate()
    interest = MemberInterest(member_id=member.id, partner_id=partner.id, note=note)
    db.session.add(interest)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise duplicate() from None
    record(
        "member.interest_declare", actor=actor, object_type="member", object_id=member.id,
        after=_interest_snapshot(interest),
    )
    return interest


def withdraw_interest(*, actor: Actor, interest: MemberInterest) -> None:
    """Withdraw a declaration. The audit log keeps what it said; recusals already recorded stay."""
    before = _interest_snapshot(interest)
    db.session.delete(interest)
    db.session.flush()
    record("member.interest_withdraw", actor=actor, object_type="member", object_id=before["member_id"], before=before)


# ---------------------------------------------------------------------------------------------
# Users linked to members


def linked_user(member: Member) -> User | None:
    return db.session.scalar(select(User).where(User.member_id == member.id))


def link_user(*, actor: Actor, member: Member, user: User) -> User:
    """Link a login to this member. One login per member and one member per login (409)."""
    if user.member_id == member.id:
        return user
    current = linked_user(member)
    if current is not None:
        raise Conflict(
            str(_l("This member is already linked to %(email)s; unlink it first.", email=current.email)),
            code="member_linked",
            fields={"user_id": [str(_l("The member already has a login."))]},
        )
    if user.member_id is not None:
        raise Conflict(
            str(_l("%(email)s is already linked to another member.", email=user.email)),
            code="user_linked",
            fields={"user_id": [str(_l("This login belongs to another member."))]},
        )
    user.member_id = member.id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(str(_l("This login is already linked.")), code="user_linked") from None
    record(
        "member.link_user", actor=actor, object_type="member", object_id=member.id,
        after={"user_id": user.id, "email": user.email},
    )
    return user


def unlink_user(*, actor: Actor, member: Member) -> User | None:
    """Remove the link between this member and its login (if any); returns the login."""
    user = linked_user(member)
    if user is None:
        return None
    user.member_id = None
    db.session.flush()
    record(
        "member.unlink_user", actor=actor, object_type="member", object_id=member.id,
        before={"user_id": user.id, "email": user.email},
    )
    return user


def link_user_by_id(*, actor: Actor, member: Member, user_id: int | None) -> User | None:
    """The API's `user_id`: an id links that login, null removes the link."""
    if user_id is None:
        return unlink_user(actor=actor, member=member)
    user = db.session.get(User, user_id)
    if user is None:
        raise ValidationFailed(str(_l("No such user.")), fields={"user_id": [str(_l("No such user."))]})
    return link_user(actor=actor, member=member, user=user)
