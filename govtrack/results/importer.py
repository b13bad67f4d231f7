"""Import of actuals from the cooperative's loan system, a CSV or Excel (.xlsx) file: one actual a
line, its indicator named by id or by code. The whole file is checked first, each line by the same
rules as a form (govtrack.results.services.check_new_actual); one bad line and nothing is written,
and the answer names every bad line. A good file becomes draft actuals (one audit event each, and
one `actual.import` for the file), in the caller's transaction.

Columns (the first line names them, in any order): `indicator` (its id or code), `period_start`,
`period_end` (ISO dates, 2026-03-31, or date cells), `value` (written as people of the user's
language type numbers, or a number cell), optionally `note`; every other column is a dimension
(`sex`: female/male, `region`, or any the cooperative adds), an empty cell meaning no split."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from govtrack.agreements.models import Agreement
from govtrack.audit.services import record
from govtrack.core import dates
from govtrack.core.actor import Actor
from govtrack.core.money import AmountError, current_locale, parse_typed_amount
from govtrack.core.uploads import TableUnreadable, read_table
from govtrack.errors import TooLarge, ValidationFailed
from govtrack.extensions import db
from govtrack.results import queries, services

COLUMNS = ("indicator", "period_start", "period_end", "value")
OPTIONAL = ("note",)
MAX_LINES = 10000
MAX_BYTES = 5 * 1024 * 1024
MAX_REPORTED = 200


@dataclass
class Problem:
    line: int
    message: str


class ImportRefused(ValidationFailed):
    """The file has bad lines (or is no table of actuals); nothing was written."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        total = total if total is not None else len(problems)
        super().__init__(
            str(_l("%(n)d line(s) of the file are not valid; nothing was imported.", n=total)),
            fields={"file": [str(_l("Line %(line)d: %(message)s", line=p.line, message=p.message))
                             for p in problems[:MAX_REPORTED]]},
        )
        self.problems = problems[:MAX_REPORTED]
        self.total = total


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _rows(data: bytes) -> list[list]:
    """The file's lines as lists of cells (`core.uploads.read_table`), refused at line 1 if unreadable."""
    try:
        return read_table(data, max_lines=MAX_LINES)
    except TableUnreadable as err:
        raise ImportRefused([Problem(1, err.message)]) from None


def _header(cells: list) -> list[str]:
    names = [_cell_text(c).lower().replace(" ", "_") for c in cells]
    missing = [c for c in COLUMNS if c not in names]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    if missing or doubled or "" in names:
        reasons = []
        if missing:
            reasons.append(str(_l("missing column(s): %(cols)s", cols=", ".join(missing))))
        if doubled:
            reasons.append(str(_l("repeated column(s): %(cols)s", cols=", ".join(doubled))))
        if "" in names:
            reasons.append(str(_l("a column without a name")))
        raise ImportRefused([Problem(1, str(_l(
            "The first line must name the columns %(cols)s (then any dimensions): %(problems)s.",
            cols=", ".join(COLUMNS), problems="; ".join(reasons))))])
    return names


def _date(value, column: str) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(_cell_text(value))
        except ValueError:
            raise ValueError(str(_l("%(column)s: not a date; write it as 2026-03-31.", column=column))) from None
    if not dates.in_range(day):
        raise ValueError(f"{column}: {dates.range_message()}")
    return day


def _value(value, locale: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(str(_l("value: not a number.")))
    if isinstance(value, int | float):
        return Decimal(str(value))
    try:
        return parse_typed_amount(_cell_text(value), locale=locale)
    except AmountError as err:
        raise ValueError(f"value: {err.message}") from None


def _field_words(fields: dict[str, list[str]]) -> str:
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())


def import_actuals(*, actor: Actor, agreement: Agreement, file: FileStorage | None, today: dt.date) -> int:
    """Check the whole file, then record every line as a draft actual; answers how many."""
    if file is None or not file.filename:
        raise ValidationFailed(str(_l("Choose a file.")), fields={"file": [str(_l("Choose a file."))]})
    data = file.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise TooLarge(str(_l("The file is larger than %(mb)s MB.", mb=MAX_BYTES // 1024 // 1024)),
                       fields={"file": [str(_l("Too large."))]})
    rows = [r for r in _rows(data)]
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(_cell_text(c) for c in r)]
    if not numbered:
        raise ImportRefused([Problem(1, str(_l("The file is empty; its first line must name the columns %(cols)s.",
                                               cols=", ".join(COLUMNS))))])
    header_line, header_cells = numbered[0]
    names = _header(header_cells)
    lines = numbered[1:]
    if len(lines) > MAX_LINES:
        raise ImportRefused([Problem(MAX_LINES + header_line + 1, str(_l(
            "At most %(n)d lines in one file; split it.", n=MAX_LINES)))])
    if not lines:
        raise ImportRefused([Problem(header_line + 1, str(_l("The file names its columns but has no actuals.")))])
    by_id, by_code = queries.indicators_by_key(agreement.id)
    locale = current_locale()
    problems: list[Problem] = []
    ready: list[tuple[object, services.ActualData]] = []
    seen: dict[tuple, int] = {}
    for line, cells in lines:
        cells = list(cells) + [None] * (len(names) - len(cells))
        if len(cells) > len(names) and any(_cell_text(c) for c in cells[len(names):]):
            problems.append(Problem(line, str(_l("More values than the first line has columns."))))
            continue
        row = dict(zip(names, cells, strict=False))
        reasons = []
        key = _cell_text(row["indicator"])
        indicator = by_code.get(key) or (by_id.get(int(key)) if key.isdigit() and len(key) < 10 else None)
        if indicator is None:
            reasons.append(str(_l("indicator: no indicator %(key)s in this agreement (give its id or code).",
                                  key=key or "—")))
        parsed = {}
        for column in ("period_start", "period_end"):
            try:
                parsed[column] = _date(row[column], column)
            except ValueError as err:
                reasons.append(str(err))
        try:
            parsed["value"] = _value(row["value"], locale)
        except ValueError as err:
            reasons.append(str(err))
        dimensions = {n: _cell_text(row[n]) for n in names if n not in COLUMNS + OPTIONAL and _cell_text(row[n])}
        if reasons or indicator is None:
            problems.append(Problem(line, "; ".join(reasons)))
            continue
        data = services.ActualData(period_start=parsed["period_start"], period_end=parsed["period_end"],
                                   value=parsed["value"], dimensions=dimensions,
                                   note=_cell_text(row.get("note")) or None)
        figure = (indicator.id, data.period_start, data.period_end, tuple(sorted(dimensions.items())))
        if figure in seen:
            problems.append(Problem(line, str(_l("Line %(other)d has the same indicator, period and dimensions.",
                                                 other=seen[figure]))))
            continue
        seen[figure] = line
        try:
            services.check_new_actual(indicator=indicator, agreement=agreement, data=data, today=today)
        except ValidationFailed as err:
            problems.append(Problem(line, _field_words(err.fields) or err.message))
            continue
        ready.append((indicator, data))
    if problems:
        raise ImportRefused(problems)
    for indicator, data in ready:
        services.record_actual(actor=actor, indicator=indicator, agreement=agreement, data=data, today=today)
    record("actual.import", actor=actor, object_type="agreement", object_id=agreement.id,
           after={"rows": len(ready), "document": file.filename[:200]})
    db.session.flush()
    return len(ready)
