"""Writes for the member roster: members, the CSV import, conflicts of interest, user links.

Each function records its audit event in the caller's transaction and never commits.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from govtrack.audit.services import record
from govtrack.auth.models import User
from govtrack.core import clock, dates
from govtrack.core.clock import utcnow
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

IMPORT_CHUNK = 1000  # rows per SELECT / upsert statement: well under every bind-parameter limit
MAX_REPORTED_ERRORS = 1000  # a file of 280,000 bad lines is reported by its first thousand


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


def create_member(*, actor, data: MemberData, today: dt.date | None = None) -> Member:
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


def update_member(*, actor, member: Member, changes: dict, today: dt.date | None = None) -> Member:
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
# CSV import


@dataclass
class LineError:
    line: int
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[LineError] = field(default_factory=list)
    error_count: int = 0  # every bad line, also past MAX_REPORTED_ERRORS

    def add_error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(LineError(line, message))


class ImportRejected(ValidationFailed):
    """The file has bad lines; nothing was written. `result.errors` names each line."""

    def __init__(self, result: ImportResult):
        super().__init__(
            str(_l("%(n)d line(s) of the file are not valid; nothing was imported.", n=result.error_count)),
            fields={"file": [f"{e.line}: {e.message}" for e in result.errors[:20]]},
        )
        self.result = result


class _HeaderError(Exception):
    pass


_HEADER_ALIASES = {"group_name": "group", "rembug": "group", "joined": "joined_on"}


def _header(cells: list[str]) -> list[str]:
    names = [_HEADER_ALIASES.get(n, n) for n in (c.strip().lower().replace(" ", "_") for c in cells)]
    expected = ", ".join(FIELDS)
    if not any(n in FIELDS for n in names):
        raise _HeaderError(str(_l("The first line must name the columns: %(cols)s.", cols=expected)))
    missing = [f for f in FIELDS if f not in names]
    unknown = [n for n in names if n not in FIELDS]
    doubled = sorted({n for n in names if n in FIELDS and names.count(n) > 1})
    problems = []
    if missing:
        problems.append(str(_l("missing column(s): %(cols)s", cols=", ".join(missing))))
    if unknown:
        problems.append(str(_l("unknown column(s): %(cols)s", cols=", ".join(unknown))))
    if doubled:
        problems.append(str(_l("repeated column(s): %(cols)s", cols=", ".join(doubled))))
    if problems:
        raise _HeaderError(
            str(_l("The header is not right (%(problems)s). Expected: %(cols)s.",
                   problems="; ".join(problems), cols=expected))
        )
    return names


def _records(source: IO[bytes], result: ImportResult) -> Iterator[tuple[int, list[str], list[str]]]:
    """(first line number, header, cells) of each non-empty record; file-level errors go to
    `result` and end the walk. Streams: the file is never held in memory as text."""
    source.seek(0)
    # errors="replace": a byte that is not UTF-8 becomes U+FFFD, caught per line below, so the
    # report names the line rather than the 8 KB block the decoder happened to be reading.
    text = io.TextIOWrapper(source, encoding="utf-8-sig", errors="replace", newline="")
    try:
        first = text.readline()
        if not first.strip():
            message = (
                _l("The file is empty; its first line must name the columns: %(cols)s.", cols=", ".join(FIELDS))
                if not first
                else _l("The first line must name the columns: %(cols)s.", cols=", ".join(FIELDS))
            )
            result.add_error(1, str(message))
            return
        # Spreadsheets set to Indonesian write ';' between values.
        delimiter = ";" if first.count(";") > first.count(",") else ","
        reader = csv.reader(itertools.chain([first], text), delimiter=delimiter, strict=True)
        header: list[str] | None = None
        last = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                result.add_error(reader.line_num, str(_l("Cannot read this line as CSV (%(err)s).", err=str(err))))
                return
            line, last = last + 1, reader.line_num
            if header is None:
                try:
                    header = _header(cells)
                except _HeaderError as err:
                    result.add_error(line, str(err))
                    return
                continue
            if not any(c.strip() for c in cells):
                continue
            yield line, header, cells
    finally:
        text.detach()  # leave `source` open for the second pass


def _row_values(header: list[str], cells: list[str], today: dt.date) -> tuple[dict | None, str | None]:
    if len(cells) != len(header):
        return None, str(_l("Expected %(n)d values, found %(m)d.", n=len(header), m=len(cells)))
    values: dict = {}
    errors: list[str] = []
    for name, cell in zip(header, cells, strict=True):
        if "\ufffd" in cell:
            return None, str(_l("Not UTF-8 text; save the file as \"CSV UTF-8\"."))
        if "\x00" in cell:
            return None, str(_l("A value contains a NUL character."))
        column, cleaner = _PLAN[name]
        try:
            values[column] = cleaner(cell, today)
        except _Bad as bad:
            errors.append(f"{name}: {bad.args[0]}")
    if errors:
        return None, "; ".join(errors)
    return values, None


def check_import(source: IO[bytes], *, today: dt.date) -> ImportResult:
    """First pass: every line checked, nothing written. Numbers repeated in the file are errors."""
    result = ImportResult()
    seen: dict[str, int] = {}
    for line, header, cells in _records(source, result):
        values, error = _row_values(header, cells, today)
        if error is None:
            first = seen.setdefault(values["number"], line)
            if first != line:
                error = str(_l("number: %(number)s is already on line %(line)d.", number=values["number"], line=first))
        if error is not None:
            result.add_error(line, error)
        else:
            result.rows += 1
    return result


def _dialect_upsert(rows: list[dict]) -> None:
    table = Member.__table__
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        insert = pg_insert
    elif dialect == "sqlite":
        insert = sqlite_insert
    else:  # pragma: no cover - govtrack runs on SQLite and PostgreSQL
        raise NotImplementedError(dialect)
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.number],
        set_={c: stmt.excluded[c] for c in ("name", "group_name", "joined_on", "active", "investor", "updated_at")},
    )
    db.session.execute(stmt, rows)


_COMPARED = ("name", "group_name", "joined_on", "active", "investor")


def _write_chunk(rows: list[dict], now: dt.datetime, result: ImportResult) -> None:
    """One SELECT for the chunk's numbers, then one upsert of the new and changed rows."""
    numbers = [r["number"] for r in rows]
    if db.session.get_bind().dialect.name == "postgresql":
        # One array parameter rather than 1,000: the statement text stays the same for every chunk.
        match = Member.number == any_(bindparam("numbers", numbers, type_=postgresql.ARRAY(String)))
    else:
        match = Member.number.in_(numbers)
    existing = {
        number: tuple(rest)
        for number, *rest in db.session.execute(
            select(Member.number, *(getattr(Member, c) for c in _COMPARED)).where(match)
        )
    }
    writes = []
    for row in rows:
        old = existing.get(row["number"])
        if old is None:
            result.created += 1
        elif old != tuple(row[c] for c in _COMPARED):
            result.updated += 1
        else:
            result.unchanged += 1
            continue
        row["created_at"] = row["updated_at"] = now
        writes.append(row)
    if writes:
        _dialect_upsert(writes)


def import_members(
    *, actor, source: IO[bytes], today: dt.date | None = None, chunk_size: int = IMPORT_CHUNK
) -> ImportResult:
    """Import a CSV (number,name,group,joined_on,active,investor) from a seekable binary file.

    Every line is checked first; any bad line raises ImportRejected and nothing is written.
    Then members are upserted by number, `chunk_size` rows per statement, in the caller's
    transaction, with one audit event for the whole import.
    """
    today = today or clock.today()
    result = check_import(source, today=today)
    if result.error_count:
        raise ImportRejected(result)
    now = utcnow()
    chunk: list[dict] = []
    rest = ImportResult()
    for line, header, cells in _records(source, rest):
        values, error = _row_values(header, cells, today)
        if error is not None:  # the file changed between the passes
            raise ValidationFailed(str(_l("Line %(line)d changed while importing.", line=line)))
        chunk.append(values)
        if len(chunk) >= chunk_size:
            _write_chunk(chunk, now, result)
            chunk = []
    if chunk:
        _write_chunk(chunk, now, result)
    db.session.expire_all()  # members loaded earlier in this session may be stale now
    record(
        "member.import",
        actor=actor,
        object_type="member",
        object_id=None,
        after={"rows": result.rows, "created": result.created, "updated": result.updated,
               "unchanged": result.unchanged},
    )
    return result


# ---------------------------------------------------------------------------------------------
# Conflicts of interest


def _interest_snapshot(interest: MemberInterest) -> dict:
    return {"member_id": interest.member_id, "partner_id": interest.partner_id, "note": interest.note}


def declare_interest(*, actor, member: Member, partner_id: int, note: str | None = None) -> MemberInterest:
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


def withdraw_interest(*, actor, interest: MemberInterest) -> None:
    """Withdraw a declaration. The audit log keeps what it said; recusals already recorded stay."""
    before = _interest_snapshot(interest)
    db.session.delete(interest)
    db.session.flush()
    record("member.interest_withdraw", actor=actor, object_type="member", object_id=before["member_id"], before=before)


# ---------------------------------------------------------------------------------------------
# Users linked to members


def linked_user(member: Member) -> User | None:
    return db.session.scalar(select(User).where(User.member_id == member.id))


def link_user(*, actor, member: Member, user: User) -> User:
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


def unlink_user(*, actor, member: Member) -> User | None:
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


def link_user_by_id(*, actor, member: Member, user_id: int | None) -> User | None:
    """The API's `user_id`: an id links that login, null removes the link."""
    if user_id is None:
        return unlink_user(actor=actor, member=member)
    user = db.session.get(User, user_id)
    if user is None:
        raise ValidationFailed(str(_l("No such user.")), fields={"user_id": [str(_l("No such user."))]})
    return link_user(actor=actor, member=member, user=user)
