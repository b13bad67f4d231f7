"""The members CSV import: every line checked first (nothing written when one is bad), then
members upserted by number in chunks, in the caller's transaction. The audit log gets one event per
member added (`member.import_add`, the member's values) or changed (`member.import_change`, the
changed fields' old and new values), written a chunk at a time by `audit.services.record_many`,
then one event for the whole import (`member.import`, its counts). An unchanged member gets none.

A member's centre is named by its code (column `centre`, or `centre_code`) or, as before centres
were records, by its name (column `group`); a line needs one of the two columns. An unknown code
is an error of its line; a group name no centre has makes a new centre (`centre.create`, the next
RP-code), all of them in one statement before the members are written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from govtrack.audit.services import Entry, record, record_many
from govtrack.core import clock
from govtrack.core.actor import Actor
from govtrack.core.clock import utcnow
from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.members.models import Centre, Member, centre_key
from govtrack.members.services import _PLAN, CODE_PREFIX, FIELDS, _Bad, centre_snapshot, next_code

IMPORT_CHUNK = 1000  # rows per SELECT / upsert statement: well under every bind-parameter limit
MAX_REPORTED_ERRORS = 1000  # a file of 280,000 bad lines is reported by its first thousand


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
    # The centres the file names, found by the check: code -> (id, name); folded group name -> its
    # spelling in the file (the first), for those no centre has yet, and (id, name) for the others.
    centre_codes: dict = field(default_factory=dict, repr=False)
    group_centres: dict = field(default_factory=dict, repr=False)

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


_HEADER_ALIASES = {"group_name": "group", "rembug": "group", "joined": "joined_on", "centre_code": "centre"}
COLUMNS = (*FIELDS, "centre")


def expected_columns() -> str:
    return str(_l("%(cols)s (the centre by its code: a column centre instead of group)", cols=", ".join(FIELDS)))


def _header(cells: list[str]) -> list[str]:
    names = [_HEADER_ALIASES.get(n, n) for n in (c.strip().lower().replace(" ", "_") for c in cells)]
    expected = expected_columns()
    if not any(n in COLUMNS for n in names):
        raise _HeaderError(str(_l("The first line must name the columns: %(cols)s.", cols=expected)))
    missing = [f for f in FIELDS if f not in names and (f != "group" or "centre" not in names)]
    unknown = [n for n in names if n not in COLUMNS]
    doubled = sorted({n for n in names if n in COLUMNS and names.count(n) > 1})
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
                _l("The file is empty; its first line must name the columns: %(cols)s.", cols=expected_columns())
                if not first
                else _l("The first line must name the columns: %(cols)s.", cols=expected_columns())
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
    if values.get("_centre_code"):  # the centre's code wins over a group name
        values.pop("group_name", None)
    return values, None


def _chunks(items: list, size: int = IMPORT_CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def check_import(source: IO[bytes], *, today: dt.date) -> ImportResult:
    """First pass: every line checked, nothing written. Numbers repeated in the file and codes no
    centre has are errors."""
    result = ImportResult()
    seen: dict[str, int] = {}
    code_lines: dict[str, list[int]] = {}
    groups: dict[str, str] = {}
    errors: list[tuple[int, str]] = []
    for line, header, cells in _records(source, result):
        values, error = _row_values(header, cells, today)
        if error is None:
            first = seen.setdefault(values["number"], line)
            if first != line:
                error = str(_l("number: %(number)s is already on line %(line)d.", number=values["number"], line=first))
        if error is not None:
            errors.append((line, error))
            continue
        result.rows += 1
        code = values.get("_centre_code")
        if code:
            code_lines.setdefault(code, []).append(line)
        elif values.get("group_name"):
            groups.setdefault(centre_key(values["group_name"]), values["group_name"])
    for codes in _chunks(list(code_lines)):
        result.centre_codes.update(
            (code, (id_, name)) for code, id_, name in db.session.execute(
                select(Centre.code, Centre.id, Centre.name).where(Centre.code.in_(codes))))
    for code, lines in code_lines.items():
        if code not in result.centre_codes:
            result.rows -= len(lines)
            errors += [(line, str(_l("centre: No centre has the code %(code)s.", code=code))) for line in lines]
    for keys in _chunks(list(groups)):
        found = dict((key, (id_, name)) for key, id_, name in db.session.execute(
            select(Centre.name_key, Centre.id, Centre.name).where(Centre.name_key.in_(keys))))
        result.group_centres.update({key: found.get(key, groups[key]) for key in keys})
    for line, message in sorted(errors):
        result.add_error(line, message)
    return result


def _make_group_centres(result: ImportResult, actor: Actor, now: dt.datetime) -> None:
    """The centres for the file's group names that none has yet: one insert, their audit events."""
    new = [(key, name) for key, name in result.group_centres.items() if isinstance(name, str)]
    if not new:
        return
    first = int(next_code()[len(CODE_PREFIX):])
    rows = [{"code": f"{CODE_PREFIX}{first + n:05d}", "name": name, "name_key": key, "active": True,
             "created_at": now, "updated_at": now} for n, (key, name) in enumerate(new)]
    for chunk in _chunks(rows):
        db.session.execute(Centre.__table__.insert(), chunk)
    made = []
    for keys in _chunks([key for key, _name in new]):
        made += db.session.scalars(select(Centre).where(Centre.name_key.in_(keys)))
    for centre in made:
        result.group_centres[centre.name_key] = (centre.id, centre.name)
    record_many([Entry("centre.create", "centre", c.id, after=centre_snapshot(c)) for c in made], actor=actor)


def _centre_of(values: dict, result: ImportResult) -> None:
    """Set the line's centre_id and group_name (the centre's name) from its code or group name."""
    code = values.pop("_centre_code", None)
    if code:
        values["centre_id"], values["group_name"] = result.centre_codes[code]
    elif values.get("group_name"):
        values["centre_id"], values["group_name"] = result.group_centres[centre_key(values["group_name"])]
    else:
        values["centre_id"], values["group_name"] = None, None


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
        set_={c: stmt.excluded[c] for c in ("name", "group_name", "centre_id", "joined_on", "active", "investor",
                                            "updated_at")},
    )
    db.session.execute(stmt, rows)


_COMPARED = ("name", "group_name", "centre_id", "joined_on", "active", "investor")
# The audit log's names for the compared columns (those of members.services.snapshot: the centre
# is named there by its name, `group`).
_AUDIT_KEY = {"name": "name", "group_name": "group", "joined_on": "joined_on", "active": "active",
              "investor": "investor"}


def _number_match(numbers: list[str]):
    if db.session.get_bind().dialect.name == "postgresql":
        # One array parameter rather than 1,000: the statement text stays the same for every chunk.
        return Member.number == any_(bindparam("numbers", numbers, type_=postgresql.ARRAY(String)))
    return Member.number.in_(numbers)


def _write_chunk(rows: list[dict], now: dt.datetime, result: ImportResult, actor: Actor) -> None:
    """One SELECT for the chunk's numbers, one upsert of the new and changed rows, one SELECT of the
    new members' ids, and their audit events in one insert."""
    numbers = [r["number"] for r in rows]
    existing = {
        number: (id_, tuple(rest))
        for number, id_, *rest in db.session.execute(
            select(Member.number, Member.id, *(getattr(Member, c) for c in _COMPARED)).where(_number_match(numbers))
        )
    }
    writes, added, changed = [], [], []
    for row in rows:
        old = existing.get(row["number"])
        if old is None:
            result.created += 1
            added.append(row)
        else:
            values = tuple(row[c] for c in _COMPARED)
            if old[1] == values:
                result.unchanged += 1
                continue
            result.updated += 1
            before = {_AUDIT_KEY[c]: o for c, o, n in zip(_COMPARED, old[1], values, strict=True)
                      if o != n and c in _AUDIT_KEY}
            after = {_AUDIT_KEY[c]: row[c] for c in _COMPARED if _AUDIT_KEY.get(c) in before}
            changed.append(Entry("member.import_change", "member", old[0], before={"number": row["number"], **before},
                                 after={"number": row["number"], **after}))
        row["created_at"] = row["updated_at"] = now
        writes.append(row)
    if not writes:
        return
    _dialect_upsert(writes)
    entries = changed
    if added:
        ids = dict(db.session.execute(
            select(Member.number, Member.id).where(_number_match([r["number"] for r in added]))).all())
        entries = [*(Entry("member.import_add", "member", ids[r["number"]],
                           after={"number": r["number"], **{_AUDIT_KEY[c]: r[c] for c in _COMPARED if c in _AUDIT_KEY}})
                     for r in added), *changed]
    record_many(entries, actor=actor)


def import_members(
    *, actor: Actor, source: IO[bytes], today: dt.date | None = None, chunk_size: int = IMPORT_CHUNK
) -> ImportResult:
    """Import a CSV (number,name,group or centre,joined_on,active,investor) from a seekable binary file.

    Every line is checked first; any bad line raises ImportRejected and nothing is written.
    Then members are upserted by number, `chunk_size` rows per statement, in the caller's
    transaction, with an audit event per member added or changed and one for the whole import.
    """
    today = today or clock.today()
    result = check_import(source, today=today)
    if result.error_count:
        raise ImportRejected(result)
    now = utcnow()
    _make_group_centres(result, actor, now)
    chunk: list[dict] = []
    rest = ImportResult()
    for line, header, cells in _records(source, rest):
        values, error = _row_values(header, cells, today)
        if error is not None:  # the file changed between the passes
            raise ValidationFailed(str(_l("Line %(line)d changed while importing.", line=line)))
        _centre_of(values, result)
        chunk.append(values)
        if len(chunk) >= chunk_size:
            _write_chunk(chunk, now, result, actor)
            chunk = []
    if chunk:
        _write_chunk(chunk, now, result, actor)
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
