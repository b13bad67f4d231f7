"""Writes for the member roster: centres (rembug pusat), members, conflicts of interest, user
links (the CSV import is in `importer`).

A member's centre is `centre_id`; `group_name` repeats the centre's name and is written only here
(and by the import), with every change of a member's centre or of a centre's name.

Each function records its audit event in the caller's transaction and never commits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from govtrack.audit.services import record
from govtrack.auth.models import User
from govtrack.auth.permissions import Role
from govtrack.core import clock, dates
from govtrack.core.actor import Actor
from govtrack.core.text import BadText, normalise_name
from govtrack.errors import Conflict, ValidationFailed
from govtrack.extensions import db
from govtrack.members.models import Centre, Member, MemberInterest, centre_key
from govtrack.partners.models import Partner

# The API and CSV name the rembug group `group` (the centre's name); the column is `group_name`.
# `centre` (the CSV's centre code) or `centre_id` (the API's) name the centre instead.
FIELDS = ("number", "name", "group", "joined_on", "active", "investor")
CENTRE_FIELDS = ("name", "code", "region", "chair_member_id", "officer_id", "active")
CODE_MAX, REGION_MAX = 30, 120
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
    # Resolved to a centre by resolve_centre (they need the database): kept as given here.
    "centre": ("_centre_code", lambda value, today=None: clean_code(value, required=False)),
    "centre_id": ("centre_id", lambda value, today=None: _id(value)),
}


def _id(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Bad(_l("Not a valid id."))
    return value


def clean_code(value, today: dt.date | None = None, *, required: bool = True) -> str | None:
    """A centre's code: letters, digits, '-', '/', '.', stored in capitals."""
    code = str(value or "").strip().upper()
    if not code:
        if required:
            raise _Bad(_l("Required."))
        return None
    if len(code) > CODE_MAX:
        raise _Bad(_l("At most %(n)d characters.", n=CODE_MAX))
    if not NUMBER_RE.match(code):
        raise _Bad(_l("Letters, digits, '-', '/' and '.' only, starting with a letter or digit."))
    return code


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


def resolve_centre(values: dict, *, actor: Actor) -> None:
    """Turn the centre a member's values name (`centre_id`, a `centre` code, or a `group` name)
    into `centre_id` and `group_name`, in place. An unknown id or code is a field error; a group
    name no centre has makes a new centre (what the roster's free-text groups did before)."""
    code = values.pop("_centre_code", None)
    if "centre_id" in values:
        centre_id = values.pop("centre_id")
        centre = db.session.get(Centre, centre_id) if centre_id is not None else None
        if centre_id is not None and centre is None:
            raise _invalid({"centre_id": [str(_l("No such centre."))]})
    elif code is not None:
        centre = db.session.scalar(select(Centre).where(Centre.code == code))
        if centre is None:
            raise _invalid({"centre": [str(_l("No centre has the code %(code)s.", code=code))]})
    elif "group_name" in values:
        name = values["group_name"]
        centre = centre_for_group(actor=actor, name=name) if name else None
    else:
        return
    values["centre_id"] = centre.id if centre else None
    values["group_name"] = centre.name if centre else None


# ---------------------------------------------------------------------------------------------
# Centres (rembug pusat)


CODE_PREFIX = "RP-"


def next_code() -> str:
    """The next free code of the RP-00001 series (the codes migration 0017 gave the groups)."""
    last = db.session.scalar(select(func.max(Centre.code)).where(Centre.code.like(CODE_PREFIX + "_____")))
    n = int(last[len(CODE_PREFIX):]) + 1 if last and last[len(CODE_PREFIX):].isdigit() else 1
    code = f"{CODE_PREFIX}{n:05d}"
    while db.session.scalar(select(func.count()).where(Centre.code == code)):
        n += 1
        code = f"{CODE_PREFIX}{n:05d}"
    return code


def centre_snapshot(centre: Centre) -> dict:
    return {
        "code": centre.code, "name": centre.name, "region": centre.region,
        "chair_member_id": centre.chair_member_id, "officer_id": centre.officer_id, "active": centre.active,
    }


def _centre_name(value) -> str:
    name = clean_name(value)
    if len(name) > GROUP_MAX:
        raise _Bad(_l("At most %(n)d characters.", n=GROUP_MAX))
    return name


def _region(value) -> str | None:
    region = _spaces(value)
    if len(region) > REGION_MAX:
        raise _Bad(_l("At most %(n)d characters.", n=REGION_MAX))
    return region or None


def _clean_centre(raw: dict, centre: Centre | None) -> dict:
    """Check a centre's values (API names); raises ValidationFailed naming each bad field."""
    plan = {
        "name": _centre_name, "code": clean_code, "region": _region,
        "chair_member_id": _id, "officer_id": _id, "active": lambda v: _flag(v, True),
    }
    values: dict = {}
    errors: dict[str, list[str]] = {}
    for key, value in raw.items():
        if key not in plan:
            errors[key] = [str(_l("Unknown field."))]
            continue
        try:
            values[key] = plan[key](value)
        except _Bad as bad:
            errors[key] = [str(bad.args[0])]
    chair_id = values.get("chair_member_id")
    if "chair_member_id" not in errors and chair_id is not None:
        chair = db.session.get(Member, chair_id)
        if chair is None:
            errors["chair_member_id"] = [str(_l("No such member."))]
        elif centre is None or chair.centre_id != centre.id:
            errors["chair_member_id"] = [str(_l("The chair must be a member of this centre."))]
        elif not chair.active:
            errors["chair_member_id"] = [str(_l("%(name)s is not an active member.", name=chair.name))]
    officer_id = values.get("officer_id")
    if "officer_id" not in errors and officer_id is not None:
        officer = db.session.get(User, officer_id)
        if officer is None:
            errors["officer_id"] = [str(_l("No such user."))]
        elif officer.role != Role.officer or not officer.active:
            errors["officer_id"] = [str(_l("%(name)s is not an active field officer.", name=officer.name))]
    if errors:
        raise _invalid(errors)
    return values


def _centre_taken(values: dict, centre: Centre | None) -> None:
    others = select(func.count()).select_from(Centre)
    if centre is not None:
        others = others.where(Centre.id != centre.id)
    if "code" in values and db.session.scalar(others.where(Centre.code == values["code"])):
        raise Conflict(str(_l("A centre with code %(code)s already exists.", code=values["code"])),
                       code="duplicate", fields={"code": [str(_l("Already in use."))]})
    if "name" in values and db.session.scalar(others.where(Centre.name_key == centre_key(values["name"]))):
        raise Conflict(str(_l("A centre named %(name)s already exists.", name=values["name"])),
                       code="duplicate", fields={"name": [str(_l("Already in use."))]})


def _flush_centre() -> None:
    """Flush; a code or name another request took meanwhile is a 409, not a 500."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(str(_l("A centre with this code or name already exists.")), code="duplicate") from None


def create_centre(*, actor: Actor, values: dict) -> Centre:
    """Make a centre (API names: name, code, region, officer_id, active; no chair yet, as it has
    no members). Without a code it gets the next of the RP-00001 series."""
    values = dict(values)
    if not values.get("code"):
        values["code"] = next_code()
    if "name" not in values:
        raise _invalid({"name": [str(_l("Required."))]})
    values = _clean_centre(values, None)
    _centre_taken(values, None)
    centre = Centre(**values, name_key=centre_key(values["name"]))
    db.session.add(centre)
    _flush_centre()
    record("centre.create", actor=actor, object_type="centre", object_id=centre.id, after=centre_snapshot(centre))
    return centre


def update_centre(*, actor: Actor, centre: Centre, changes: dict) -> Centre:
    """Change some of a centre's fields; a new name is copied to its members' `group_name`."""
    values = _clean_centre(changes, centre)
    _centre_taken(values, centre)
    before = centre_snapshot(centre)
    for column, value in values.items():
        setattr(centre, column, value)
    centre.name_key = centre_key(centre.name)
    after = centre_snapshot(centre)
    if after == before:
        return centre
    _flush_centre()
    if after["name"] != before["name"]:
        db.session.execute(update(Member).where(Member.centre_id == centre.id).values(group_name=centre.name)
                           .execution_options(synchronize_session=False))
        db.session.expire_all()
    record("centre.update", actor=actor, object_type="centre", object_id=centre.id, before=before, after=after)
    return db.session.get(Centre, centre.id)


def centre_for_group(*, actor: Actor, name: str) -> Centre:
    """The centre a free-text group name means (the same name folded), made when there is none."""
    centre = db.session.scalar(select(Centre).where(Centre.name_key == centre_key(name)))
    if centre is None:
        centre = create_centre(actor=actor, values={"name": name})
    return centre


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
    centre_id: int | None = None
    centre: str | None = None  # a centre's code


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
    raw = {k: getattr(data, k) for k in FIELDS}
    if data.centre_id is not None:
        raw["centre_id"] = data.centre_id
    elif data.centre:
        raw["centre"] = data.centre
    values, errors = clean_values(raw, today=today or clock.today())
    if errors:
        raise _invalid(errors)
    resolve_centre(values, actor=actor)
    if db.session.scalar(select(func.count()).where(Member.number == values["number"])):
        raise _number_taken(values["number"])
    member = Member(**values)
    db.session.add(member)
    _flush_unique(member.number)
    record("member.create", actor=actor, object_type="member", object_id=member.id, after=snapshot(member))
    return member


def update_member(*, actor: Actor, member: Member, changes: dict, today: dt.date | None = None) -> Member:
    """Change some fields (API names: number, name, group, joined_on, active, investor, and the
    centre as `centre_id` or its code `centre`, which win over `group`)."""
    values, errors = clean_values(changes, today=today or clock.today())
    if errors:
        raise _invalid(errors)
    resolve_centre(values, actor=actor)
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
    if before["group"] != after["group"]:
        _leave_chair(actor=actor, member=member)
    record("member.update", actor=actor, object_type="member", object_id=member.id, before=before, after=after)
    return member


def _leave_chair(*, actor: Actor, member: Member) -> None:
    """A member who moves to another centre is no longer the chair of the one they left."""
    for centre in db.session.scalars(
        select(Centre).where(Centre.chair_member_id == member.id, Centre.id != func.coalesce(member.centre_id, 0))
    ):
        before = centre_snapshot(centre)
        centre.chair_member_id = None
        db.session.flush()
        record("centre.update", actor=actor, object_type="centre", object_id=centre.id, before=before,
               after=centre_snapshot(centre))


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
