"""The upload of paper survey forms, a CSV or Excel (.xlsx) file: one response a line, the member by
their number (column `member_number`), one column per question key, optionally `answered_on` (the
day of the interview) and `key` (a response key: a line whose key is stored already is a duplicate,
not an error, as in the batch API).

The whole file is checked first and nothing is written when any line is wrong; every problem is
named by line and column. Values are read as people write them on paper forms: yes/no as ya/tidak,
yes/no, 1/0; one choice as its text (in any case, stored in the survey's spelling); several choices
separated by ";"; numbers as 25000, 25.000 (a dot between thousands), 2,5 (a comma before the
decimals) or a number cell; dates as 2026-11-30, 30/11/2026 or a date cell. Member numbers are
looked up in chunks, and the responses are written by `services.record_responses` (one INSERT per
2,000), so 20,000 lines are a few seconds. `parse_answer` is shared with the forms that answer one
response (the officer's correction, the member's own answers in the portal)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook

from govtrack.core.actor import Actor
from govtrack.core.uploads import TableUnreadable, read_table
from govtrack.errors import TooLarge, ValidationFailed
from govtrack.extensions import db
from govtrack.surveys import queries, services
from govtrack.surveys.models import Channel, QuestionKind, Survey, SurveyQuestion

MEMBER_COLUMN = "member_number"
OPTIONAL = ("answered_on", "key")
MAX_LINES = services.BATCH_MAX
MAX_BYTES = 16 * 1024 * 1024
MAX_REPORTED = 500
YES = frozenset({"ya", "yes", "y", "1", "true", "benar"})
NO = frozenset({"tidak", "no", "n", "t", "0", "false", "salah"})
# 25000, -25000, 25.000, 1.250.000 (dots between thousands), each with an optional decimal comma
_NUMBER = re.compile(r"^-?([0-9]+|[0-9]{1,3}(\.[0-9]{3})+)(,[0-9]+)?$")


@dataclass
class Problem:
    line: int
    column: str  # "" for the whole line or file
    message: str


@dataclass
class UploadResult:
    created: int = 0
    duplicates: int = 0
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0

    def add(self, line: int, column: str, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(Problem(line, column, message))


def problem_text(p: Problem) -> str:
    if p.column:
        return str(_l("Line %(line)d, column %(column)s: %(message)s", line=p.line, column=p.column, message=p.message))
    return str(_l("Line %(line)d: %(message)s", line=p.line, message=p.message))


class UploadRefused(ValidationFailed):
    """The file has bad lines (or is no table of responses); nothing was written."""

    def __init__(self, result: UploadResult):
        super().__init__(
            str(_l("%(n)d problem(s) in the file; nothing was recorded.", n=result.problem_count)),
            fields={"file": [problem_text(p) for p in result.problems[:20]]},
        )
        self.result = result


def _refuse(line: int, message: str, column: str = ""):
    result = UploadResult()
    result.add(line, column, message)
    return UploadRefused(result)


# --- values ----------------------------------------------------------------------------------------


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_number(value) -> int | float:
    """A number as written on an Indonesian form ("25.000", "2,5", "Rp 1.250.000") or a number cell."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        return value
    text = cell_text(value).replace(" ", "").replace("\u00a0", "")
    if text.lower().startswith("rp"):
        text = text[2:].lstrip(".")
    if not _NUMBER.match(text):
        raise ValueError
    number = float(text.replace(".", "").replace(",", "."))
    return int(number) if number.is_integer() and "," not in text else number


def _choice(question: SurveyQuestion, text: str) -> str | None:
    folded = " ".join(text.split()).casefold()
    for c in question.choices:
        if c.casefold() == folded:
            return c
    return None


def parse_answer(question: SurveyQuestion, value):
    """The stored form of one written answer (None for an empty one); ValueError with the reason,
    in the reader's language, for a value that is not an answer to this question."""
    texts = [cell_text(v) for v in value if cell_text(v)] if isinstance(value, list) else None  # checkboxes
    text = cell_text(value) if texts is None else "; ".join(texts)
    if not text:
        return None
    kind = question.kind
    if kind == QuestionKind.yes_no:
        word = text.casefold()
        if word in YES:
            return True
        if word in NO:
            return False
        raise ValueError(str(_l("write ya or tidak (or yes/no, 1/0).")))
    if kind == QuestionKind.single:
        chosen = _choice(question, text)
        if chosen is None:
            raise ValueError(str(_l("choose one of: %(choices)s.", choices="; ".join(question.choices))))
        return chosen
    if kind == QuestionKind.multiple:
        parts = texts if texts is not None else [p for p in (s.strip() for s in text.split(";")) if p]
        chosen = []
        for part in parts:
            c = _choice(question, part)
            if c is None:
                raise ValueError(str(_l("“%(value)s” is not a choice; choose among: %(choices)s (separated by ;).",
                                        value=part[:60], choices="; ".join(question.choices))))
            if c in chosen:
                raise ValueError(str(_l("“%(value)s” is given twice.", value=c)))
            chosen.append(c)
        return [c for c in question.choices if c in chosen]
    if kind == QuestionKind.number:
        try:
            number = parse_number(value)
        except ValueError:
            raise ValueError(str(_l("not a number; write it as 25000, 25.000 or 2,5."))) from None
        if number != number or abs(number) > services.NUMBER_MAX:  # NaN or too large
            raise ValueError(str(_l("not a number; write it as 25000, 25.000 or 2,5.")))
        return number
    if len(text) > services.TEXT_ANSWER_MAX:
        raise ValueError(str(_l("at most %(n)d characters.", n=services.TEXT_ANSWER_MAX)))
    return text


def parse_day(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(str(_l("not a date; write it as 2026-11-30 or 30/11/2026.")))


# --- the file --------------------------------------------------------------------------------------


def _rows(data: bytes) -> list[list]:
    """The file's lines as lists of cells (`core.uploads.read_table`), refused at line 1 if unreadable."""
    try:
        return read_table(data, max_lines=MAX_LINES)
    except TableUnreadable as err:
        raise _refuse(1, err.message) from None


def header(questions: list[SurveyQuestion]) -> list[str]:
    """The columns of the survey's template: member_number, every question's key, answered_on."""
    return [MEMBER_COLUMN, *(q.key for q in questions), "answered_on"]


def _names(cells: list, questions: list[SurveyQuestion]) -> list[str]:
    names = [cell_text(c).lower().replace(" ", "_") for c in cells]
    while names and names[-1] == "":
        names.pop()
    keys = {q.key for q in questions}
    missing = [MEMBER_COLUMN] if MEMBER_COLUMN not in names else []
    missing += [q.key for q in questions if q.required and q.key not in names]
    unknown = [n for n in names if n and n != MEMBER_COLUMN and n not in keys and n not in OPTIONAL]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    reasons = []
    if missing:
        reasons.append(str(_l("missing column(s): %(cols)s", cols=", ".join(missing))))
    if unknown:
        reasons.append(str(_l("unknown column(s): %(cols)s", cols=", ".join(c[:40] for c in unknown[:10]))))
    if doubled:
        reasons.append(str(_l("repeated column(s): %(cols)s", cols=", ".join(doubled))))
    if "" in names:
        reasons.append(str(_l("a column without a name")))
    if reasons:
        raise _refuse(1, str(_l("The first line must name the columns %(cols)s: %(problems)s.",
                                 cols=", ".join(header(questions)), problems="; ".join(reasons))))
    return names


def read_upload(data: bytes) -> list[list]:
    if len(data) > MAX_BYTES:
        raise TooLarge(str(_l("The file is larger than %(mb)s MB.", mb=MAX_BYTES // 1024 // 1024)),
                       fields={"file": [str(_l("Too large."))]})
    return _rows(data)


def import_responses(*, actor: Actor, survey: Survey, data: bytes, today: dt.date) -> UploadResult:
    """Check the whole file, then record every line as a response (channel `upload`), in the caller's
    transaction; raises UploadRefused naming every problem by line and column, having written nothing."""
    rows = read_upload(data)
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(cell_text(c) for c in r)]
    questions = queries.questions(survey)
    if not numbered:
        raise _refuse(1, str(_l("The file is empty; its first line must name the columns %(cols)s.",
                                 cols=", ".join(header(questions)))))
    header_line, header_cells = numbered[0]
    names = _names(header_cells, questions)
    lines = numbered[1:]
    if len(lines) > MAX_LINES:
        raise _refuse(header_line + MAX_LINES + 1, str(_l("At most %(n)d lines in one file; split it.", n=MAX_LINES)))
    if not lines:
        raise _refuse(header_line + 1, str(_l("The file names its columns but has no responses.")))
    result = UploadResult(rows=len(lines))
    by_key = {q.key: q for q in questions}
    at = {n: i for i, n in enumerate(names)}
    width = len(names)
    numbers = queries.members_by_number(
        cell_text(r[at[MEMBER_COLUMN]]).upper() for _, r in lines if len(r) > at[MEMBER_COLUMN])
    seen: dict[int, int] = {}
    items: list[services.ResponseInput] = []
    item_lines: list[int] = []
    for line, cells in lines:
        if len(cells) > width and any(cell_text(c) for c in cells[width:]):
            result.add(line, "", str(_l("More values than the first line has columns.")))
            continue
        cells = list(cells) + [None] * (width - len(cells))
        bad = False
        number = cell_text(cells[at[MEMBER_COLUMN]]).upper()
        member_id = numbers.get(number)
        if not number:
            result.add(line, MEMBER_COLUMN, str(_l("the member's number is missing.")))
            bad = True
        elif member_id is None:
            result.add(line, MEMBER_COLUMN, str(_l("no member has the number %(number)s.", number=number[:40])))
            bad = True
        elif member_id in seen:
            result.add(line, MEMBER_COLUMN, str(_l("member %(number)s is on line %(other)d already.",
                                                   number=number, other=seen[member_id])))
            bad = True
        else:
            seen[member_id] = line
        answers = {}
        for name, q in by_key.items():
            if name not in at:
                continue
            try:
                value = parse_answer(q, cells[at[name]])
            except ValueError as err:
                result.add(line, name, str(err))
                bad = True
                continue
            if value is None:
                if q.required:
                    result.add(line, name, str(_l("an answer is required.")))
                    bad = True
                continue
            answers[name] = value
        day = None
        if "answered_on" in at and cell_text(cells[at["answered_on"]]):
            try:
                day = parse_day(cells[at["answered_on"]])
            except ValueError as err:
                result.add(line, "answered_on", str(err))
                bad = True
        key = cell_text(cells[at["key"]]) if "key" in at else ""
        if not bad:
            items.append(services.ResponseInput(member_id=member_id, answers=answers, key=key or None,
                                                answered_on=day))
            item_lines.append(line)
    if items:
        # The service checks the rest (drawn, answered already, the officer's centres, the day, the
        # keys); when some lines were refused above, its writes are undone with the savepoint.
        savepoint = db.session.begin_nested()
        try:
            created, duplicates = services.record_responses(actor=actor, survey=survey, items=items,
                                                            channel=Channel.upload, today=today)
        except ValidationFailed as err:
            savepoint.rollback()
            _service_problems(err, item_lines, result)
        else:
            if result.problem_count:
                savepoint.rollback()
            else:
                savepoint.commit()
                result.created, result.duplicates = created, duplicates
    if result.problem_count:
        result.problems.sort(key=lambda p: (p.line, p.column != MEMBER_COLUMN, p.column))
        raise UploadRefused(result)
    return result


_SERVICE_FIELD = re.compile(r"^responses\.(\d+)\.(\w+)(?:\.(\w+))?$")


def _service_problems(err: ValidationFailed, item_lines: list[int], result: UploadResult) -> None:
    columns = {"member_id": MEMBER_COLUMN, "answered_on": "answered_on", "key": "key"}
    for name, messages in (err.fields or {}).items():
        m = _SERVICE_FIELD.match(name)
        if m is None:
            for message in messages:
                result.add(1, "", str(message))
            continue
        line = item_lines[int(m.group(1))]
        column = m.group(3) if m.group(2) == "answers" and m.group(3) else columns.get(m.group(2), "")
        for message in messages:
            result.add(line, column, str(message))


def template_csv(questions: list[SurveyQuestion]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(header(questions))
    return out.getvalue()


def template_xlsx(questions: list[SurveyQuestion]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("responses")
    sheet.append(header(questions))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
