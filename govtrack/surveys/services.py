"""Writes of needs surveys: a survey and its questions, its sample, responses (in batches, each
with a client-made key so that a batch sent twice is stored once) and corrections.

Every function works in the caller's transaction and records its audit event; the caller commits.
A response batch is all or nothing: one invalid response refuses the batch, naming each problem
under `responses.{i}.…`, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from govtrack.audit.services import record
from govtrack.core import clock, dates
from govtrack.core.actor import Actor, acting_user_id
from govtrack.errors import Conflict, Forbidden, ValidationFailed
from govtrack.extensions import db
from govtrack.members.models import Centre, Member
from govtrack.surveys import rules
from govtrack.surveys.models import (
    PopulationKind,
    QuestionKind,
    Survey,
    SurveyEvidence,
    SurveyMember,
    SurveyQuestion,
    SurveyResponse,
    SurveyVisibility,
)

TITLE_MAX, PURPOSE_MAX, QUESTION_MAX, CHOICE_MAX, TEXT_ANSWER_MAX, KEY_MAX = 200, 5000, 500, 100, 500, 64
QUESTIONS_MAX, CHOICES_MAX, BATCH_MAX = 50, 30, 25000
NUMBER_MAX = 1e12
QUESTION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESPONSE_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
KINDS = tuple(k.value for k in QuestionKind)
CHOICE_KINDS = (QuestionKind.single, QuestionKind.multiple)


def _invalid(errors: dict) -> ValidationFailed:
    return ValidationFailed(str(_l("Some values are not valid.")), fields=errors)


def _text(value) -> str:
    return " ".join(str(value or "").split())


# --- surveys -------------------------------------------------------------------------------------


@dataclass
class QuestionInput:
    key: str
    kind: str
    text: str
    choices: list[str] = field(default_factory=list)
    required: bool = True


@dataclass
class SurveyInput:
    title: str
    purpose: str | None
    questions: list[QuestionInput]
    population_kind: str  # PopulationKind
    regions: list[str] = field(default_factory=list)
    centre_ids: list[int] = field(default_factory=list)
    sample_size: int | None = None  # None: everyone
    sample_seed: int | None = None  # None with a size: the server picks one and records it
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    visibility: str = SurveyVisibility.internal.value


def _check_questions(questions: Sequence[QuestionInput], errors: dict) -> list[QuestionInput]:
    if not questions:
        errors["questions"] = [str(_l("Add at least one question."))]
        return []
    if len(questions) > QUESTIONS_MAX:
        errors["questions"] = [str(_l("At most %(n)d questions.", n=QUESTIONS_MAX))]
        return []
    seen: set[str] = set()
    out = []
    for i, q in enumerate(questions):
        where = f"questions.{i}"
        key = str(q.key or "").strip().lower()
        if not QUESTION_KEY.match(key):
            errors[f"{where}.key"] = [str(_l(
                "Question %(n)d: the key is a small letter followed by small letters, digits or _ (at most 40).",
                n=i + 1))]
        elif key in seen:
            errors[f"{where}.key"] = [str(_l("Question %(n)d: the key “%(key)s” is used twice.", n=i + 1, key=key))]
        seen.add(key)
        if q.kind not in KINDS:
            errors[f"{where}.kind"] = [str(_l("Question %(n)d: choose the kind of answer.", n=i + 1))]
        text = _text(q.text)
        if not text:
            errors[f"{where}.text"] = [str(_l("Question %(n)d: write the question.", n=i + 1))]
        elif len(text) > QUESTION_MAX:
            errors[f"{where}.text"] = [str(_l("Question %(n)d: at most %(max)d characters.", n=i + 1, max=QUESTION_MAX))]
        choices = [_text(c) for c in (q.choices or []) if _text(c)]
        if q.kind in CHOICE_KINDS:
            if len(choices) < 2:
                errors[f"{where}.choices"] = [str(_l("Question %(n)d: give at least two choices.", n=i + 1))]
            elif len(choices) > CHOICES_MAX:
                errors[f"{where}.choices"] = [str(_l("Question %(n)d: at most %(max)d choices.", n=i + 1, max=CHOICES_MAX))]
            elif len({c.casefold() for c in choices}) != len(choices):
                errors[f"{where}.choices"] = [str(_l("Question %(n)d: a choice is given twice.", n=i + 1))]
            elif any(len(c) > CHOICE_MAX for c in choices):
                errors[f"{where}.choices"] = [str(_l("Question %(n)d: a choice has at most %(max)d characters.",
                                                     n=i + 1, max=CHOICE_MAX))]
        elif choices:
            errors[f"{where}.choices"] = [str(_l("Question %(n)d: only single and multiple choice questions have choices.",
                                                 n=i + 1))]
        out.append(QuestionInput(key, q.kind, text, choices if q.kind in CHOICE_KINDS else [], bool(q.required)))
    return out


def _check(data: SurveyInput, errors: dict, *, today: dt.date) -> None:
    title = _text(data.title)
    if not title:
        errors["title"] = [str(_l("Required."))]
    elif len(title) > TITLE_MAX:
        errors["title"] = [str(_l("At most %(n)d characters.", n=TITLE_MAX))]
    if data.purpose and len(data.purpose) > PURPOSE_MAX:
        errors["purpose"] = [str(_l("At most %(n)d characters.", n=PURPOSE_MAX))]
    if data.visibility not in tuple(v.value for v in SurveyVisibility):
        errors["visibility"] = [str(_l("Choose who may read the results."))]
    for name in ("opens_on", "closes_on"):
        value = getattr(data, name)
        if value is None:
            errors[name] = [str(_l("Required."))]
        elif not dates.in_range(value):
            errors[name] = [str(dates.range_message())]
    if "opens_on" not in errors and "closes_on" not in errors and data.closes_on < data.opens_on:
        errors["closes_on"] = [str(_l("The survey closes on or after the day it opens."))]


def _check_population(data: SurveyInput, errors: dict) -> tuple[str, list]:
    kind = data.population_kind
    if kind == PopulationKind.all:
        return kind, []
    if kind == PopulationKind.regions:
        regions = sorted({_text(r) for r in data.regions if _text(r)})
        if not regions:
            errors["population"] = [str(_l("Choose at least one region."))]
            return kind, []
        known = set(db.session.scalars(select(Centre.region).where(Centre.region.in_(regions), Centre.active.is_(True))))
        unknown = [r for r in regions if r not in known]
        if unknown:
            errors["population"] = [str(_l("No active centre is in the region(s): %(names)s.", names=", ".join(unknown)))]
        return kind, regions
    if kind == PopulationKind.centres:
        ids = sorted({int(i) for i in data.centre_ids})
        if not ids:
            errors["population"] = [str(_l("Choose at least one centre."))]
            return kind, []
        known = set(db.session.scalars(select(Centre.id).where(Centre.id.in_(ids), Centre.active.is_(True))))
        unknown = [str(i) for i in ids if i not in known]
        if unknown:
            errors["population"] = [str(_l("Not an active centre: %(ids)s.", ids=", ".join(unknown)))]
        return kind, ids
    errors["population"] = [str(_l("Choose all members, regions or centres."))]
    return kind, []


def _population_query(kind: str, values: list):
    """The active members of the population, with their centres (investors have no say in it)."""
    q = select(Member.id, Member.centre_id).where(Member.active.is_(True), Member.investor.is_(False))
    if kind == PopulationKind.regions:
        q = q.where(Member.centre_id.in_(select(Centre.id).where(Centre.region.in_(values))))
    elif kind == PopulationKind.centres:
        q = q.where(Member.centre_id.in_(values))
    return q


def create_survey(*, actor: Actor, data: SurveyInput, today: dt.date | None = None) -> Survey:
    """A new survey, its questions and its drawn sample (see `draw_sample`)."""
    today = today or clock.today()
    errors: dict[str, list[str]] = {}
    _check(data, errors, today=today)
    questions = _check_questions(data.questions, errors)
    kind, values = _check_population(data, errors)
    if data.sample_size is not None and (data.sample_size < 1 or data.sample_size > 10_000_000):
        errors["sample.size"] = [str(_l("A sample of at least one member."))]
    if data.sample_seed is not None and not (0 <= data.sample_seed < 2**62):
        errors["sample.seed"] = [str(_l("A whole number from 0."))]
    if errors:
        raise _invalid(errors)
    seed = data.sample_seed
    if data.sample_size is not None and seed is None:
        seed = secrets.randbelow(2**31)
    survey = Survey(
        title=_text(data.title), purpose=(data.purpose or "").strip() or None, population_kind=kind, population=values,
        sample_size=data.sample_size, sample_seed=seed if data.sample_size is not None else None,
        opens_on=data.opens_on, closes_on=data.closes_on, visibility=data.visibility,
        created_by_id=acting_user_id(actor),
        questions=[SurveyQuestion(position=i + 1, key=q.key, kind=q.kind, text=q.text, choices=q.choices,
                                  required=q.required) for i, q in enumerate(questions)],
    )
    db.session.add(survey)
    db.session.flush()
    drawn = draw_sample(survey)
    record("survey.create", actor=actor, object_type="survey", object_id=survey.id, after={
        **audit_view(survey), "drawn": drawn})
    return survey


def audit_view(survey: Survey) -> dict:
    return {
        "title": survey.title, "purpose": survey.purpose, "population_kind": survey.population_kind,
        "population": survey.population, "sample_size": survey.sample_size, "sample_seed": survey.sample_seed,
        "opens_on": survey.opens_on, "closes_on": survey.closes_on, "visibility": survey.visibility,
        "questions": [{"key": q.key, "kind": q.kind, "text": q.text, "choices": q.choices, "required": q.required}
                      for q in db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id)
                                                  .order_by(SurveyQuestion.position))],
    }


def draw_sample(survey: Survey) -> int:
    """Draw the survey's members from its population as it stands now (`rules.draw`) and keep them;
    answers how many. Everyone: one INSERT … SELECT. A sample: the population's ids read once, drawn
    in Python with the recorded seed, inserted in batches."""
    db.session.execute(delete(SurveyMember).where(SurveyMember.survey_id == survey.id))
    population = _population_query(survey.population_kind, list(survey.population or []))
    if survey.sample_size is None:
        sub = population.subquery()
        db.session.execute(insert(SurveyMember).from_select(
            ["survey_id", "member_id", "centre_id"], select(survey.id, sub.c.id, sub.c.centre_id)))
        size = db.session.scalar(select(func.count()).select_from(SurveyMember).where(SurveyMember.survey_id == survey.id))
        survey.population_size = size
    else:
        strata: dict[int | None, list[int]] = {}
        for member_id, centre_id in db.session.execute(population):
            strata.setdefault(centre_id, []).append(member_id)
        survey.population_size = sum(len(v) for v in strata.values())
        drawn = rules.draw(strata, survey.sample_size, survey.sample_seed)
        for start in range(0, len(drawn), 5000):
            db.session.execute(insert(SurveyMember), [
                {"survey_id": survey.id, "member_id": m, "centre_id": c} for m, c in drawn[start:start + 5000]])
        size = len(drawn)
    survey.drawn_at = clock.utcnow()
    return size


def redraw(*, actor: Actor, survey: Survey, seed: int | None = None) -> int:
    """Draw the sample again (the population may have changed, or a new seed is wanted): only while
    nobody has answered, since answers are counted against the sample they were drawn for."""
    if has_responses(survey):
        raise Conflict(str(_l("The sample cannot be drawn again: members have answered already.")), code="has_responses")
    if seed is not None and survey.sample_size is not None:
        survey.sample_seed = seed
    size = draw_sample(survey)
    record("survey.draw", actor=actor, object_type="survey", object_id=survey.id,
           after={"seed": survey.sample_seed, "drawn": size, "population_size": survey.population_size})
    return size


def has_responses(survey: Survey) -> bool:
    return db.session.scalar(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id).limit(1)) is not None


def update_survey(*, actor: Actor, survey: Survey, data: SurveyInput, today: dt.date | None = None) -> Survey:
    """Change a survey. Its questions, population and sample change only while nobody has answered
    (then the sample is drawn again); title, purpose, dates and visibility at any time."""
    today = today or clock.today()
    before = audit_view(survey)
    errors: dict[str, list[str]] = {}
    _check(data, errors, today=today)
    answered = has_responses(survey)
    questions = _check_questions(data.questions, errors)
    kind, values = _check_population(data, errors)
    if data.sample_size is not None and data.sample_size < 1:
        errors["sample.size"] = [str(_l("A sample of at least one member."))]
    if answered:
        same_questions = [(q.key, q.kind, q.text, q.choices, q.required) for q in questions] == [
            (q["key"], q["kind"], q["text"], q["choices"], q["required"]) for q in before["questions"]]
        same_population = (kind, values, data.sample_size) == (
            survey.population_kind, list(survey.population or []), survey.sample_size) and (
            data.sample_seed is None or data.sample_seed == survey.sample_seed)
        if not same_questions and "questions" not in errors:
            errors["questions"] = [str(_l("Members have answered: the questions can no longer change."))]
        if not same_population and "population" not in errors:
            errors["population"] = [str(_l("Members have answered: the population and the sample can no longer change."))]
    if errors:
        raise _invalid(errors)
    survey.title, survey.purpose = _text(data.title), (data.purpose or "").strip() or None
    survey.opens_on, survey.closes_on, survey.visibility = data.opens_on, data.closes_on, data.visibility
    if not answered:
        db.session.execute(delete(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id))
        db.session.add_all([SurveyQuestion(survey_id=survey.id, position=i + 1, key=q.key, kind=q.kind, text=q.text,
                                           choices=q.choices, required=q.required) for i, q in enumerate(questions)])
        survey.population_kind, survey.population, survey.sample_size = kind, values, data.sample_size
        if data.sample_size is None:
            survey.sample_seed = None
        elif data.sample_seed is not None:
            survey.sample_seed = data.sample_seed
        elif survey.sample_seed is None:
            survey.sample_seed = secrets.randbelow(2**31)
        db.session.flush()
        draw_sample(survey)
    db.session.flush()
    record("survey.update", actor=actor, object_type="survey", object_id=survey.id, before=before,
           after=audit_view(survey))
    return survey


# --- responses -----------------------------------------------------------------------------------


@dataclass
class ResponseInput:
    member_id: int | None
    answers: dict
    key: str | None = None  # made by the client; the server makes one when None
    answered_on: dt.date | None = None  # the day of the interview; today when None


def check_answers(questions: Sequence[SurveyQuestion], answers, where: str, errors: dict) -> dict:
    """The answers in stored form (keys of the survey only; values typed by the question's kind),
    with each problem named under `{where}.answers.{key}`."""
    if not isinstance(answers, dict):
        errors[f"{where}.answers"] = [str(_l("The answers are an object of question keys."))]
        return {}
    known = {q.key for q in questions}
    for key in answers:
        if key not in known:
            errors[f"{where}.answers.{key}"] = [str(_l("“%(key)s” is not a question of this survey.", key=str(key)[:40]))]
    out = {}
    for q in questions:
        name = f"{where}.answers.{q.key}"
        value = answers.get(q.key)
        if value is None or value == "" or value == []:
            if q.required:
                errors[name] = [str(_l("“%(q)s”: an answer is required.", q=_short(q.text)))]
            continue
        if q.kind == QuestionKind.yes_no:
            if not isinstance(value, bool):
                errors[name] = [str(_l("“%(q)s”: answer yes or no.", q=_short(q.text)))]
                continue
        elif q.kind == QuestionKind.single:
            if not isinstance(value, str) or value not in q.choices:
                errors[name] = [str(_l("“%(q)s”: choose one of: %(choices)s.", q=_short(q.text), choices="; ".join(q.choices)))]
                continue
        elif q.kind == QuestionKind.multiple:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or any(not isinstance(v, str) or v not in q.choices for v in value):
                errors[name] = [str(_l("“%(q)s”: choose among: %(choices)s.", q=_short(q.text), choices="; ".join(q.choices)))]
                continue
            if len(set(value)) != len(value):
                errors[name] = [str(_l("“%(q)s”: a choice is given twice.", q=_short(q.text)))]
                continue
            value = [c for c in q.choices if c in value]  # the survey's order
        elif q.kind == QuestionKind.number:
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                    or abs(value) > NUMBER_MAX:
                errors[name] = [str(_l("“%(q)s”: a number.", q=_short(q.text)))]
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
        elif q.kind == QuestionKind.text:
            if not isinstance(value, str):
                errors[name] = [str(_l("“%(q)s”: a text.", q=_short(q.text)))]
                continue
            value = value.strip()
            if len(value) > TEXT_ANSWER_MAX:
                errors[name] = [str(_l("“%(q)s”: at most %(n)d characters.", q=_short(q.text), n=TEXT_ANSWER_MAX))]
                continue
            if not value:
                if q.required:
                    errors[name] = [str(_l("“%(q)s”: an answer is required.", q=_short(q.text)))]
                continue
        out[q.key] = value
    return out


def _short(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def questions_of(survey: Survey) -> list[SurveyQuestion]:
    return list(db.session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id).order_by(SurveyQuestion.position)))


def officer_centre_ids(actor: Actor) -> set[int] | None:
    """The centres a field officer records for; None for anyone else (no restriction by centre)."""
    if getattr(actor, "role", None) != "officer":
        return None
    return set(db.session.scalars(select(Centre.id).where(Centre.officer_id == actor.id)))


def is_open(survey: Survey, day: dt.date) -> bool:
    return survey.opens_on <= day <= survey.closes_on


def _chunks(items: Sequence, n: int = 900) -> Iterable[Sequence]:
    for start in range(0, len(items), n):
        yield items[start:start + n]


def record_responses(*, actor: Actor, survey: Survey, items: Sequence[ResponseInput], channel: str,
                     today: dt.date | None = None, member_self: int | None = None) -> tuple[int, int]:
    """Store a batch of responses; answers (created, duplicates). A key already stored for this
    survey is a duplicate (the batch was sent before), not an error, whatever its answers. Otherwise
    each response must be for a member drawn for the survey, not answered yet, answered on a day the
    survey was open (not in the future), with valid answers; a field officer records only for the
    members of their centres, and `member_self` (the portal) only for that member."""
    today = today or clock.today()
    errors: dict[str, list[str]] = {}
    if not items:
        raise _invalid({"responses": [str(_l("No responses were sent."))]})
    if len(items) > BATCH_MAX:
        raise _invalid({"responses": [str(_l("At most %(n)d responses at once.", n=BATCH_MAX))]})
    questions = questions_of(survey)
    keys = [it.key for it in items if it.key]
    stored_keys: set[str] = set()
    for chunk in _chunks(sorted(set(keys))):
        stored_keys.update(db.session.scalars(
            select(SurveyResponse.key).where(SurveyResponse.survey_id == survey.id, SurveyResponse.key.in_(chunk))))
    fresh = [(i, it) for i, it in enumerate(items) if not (it.key and it.key in stored_keys)]
    duplicates = len(items) - len(fresh)
    member_ids = sorted({it.member_id for _, it in fresh if isinstance(it.member_id, int)})
    drawn: dict[int, int | None] = {}
    answered: set[int] = set()
    for chunk in _chunks(member_ids):
        drawn.update(db.session.execute(select(SurveyMember.member_id, SurveyMember.centre_id)
                                        .where(SurveyMember.survey_id == survey.id, SurveyMember.member_id.in_(chunk))).all())
        answered.update(db.session.scalars(select(SurveyResponse.member_id).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.member_id.in_(chunk))))
    own = officer_centre_ids(actor)
    seen_keys: set[str] = set()
    seen_members: set[int] = set()
    rows = []
    now = clock.utcnow()
    for i, it in fresh:
        where = f"responses.{i}"
        if it.key is not None:
            if not isinstance(it.key, str) or not RESPONSE_KEY.match(it.key):
                errors[f"{where}.key"] = [str(_l("A key of 8 to 64 letters, digits or - _ . :"))]
            elif it.key in seen_keys:
                errors[f"{where}.key"] = [str(_l("This key is given twice in the batch."))]
            if isinstance(it.key, str):
                seen_keys.add(it.key)
        day = it.answered_on or today
        if not dates.in_range(day) or day > today:
            errors[f"{where}.answered_on"] = [str(_l("The day of the answer is in the future."))]
        elif not is_open(survey, day):
            errors[f"{where}.answered_on"] = [str(_l(
                "The survey takes answers from %(opens)s to %(closes)s.",
                opens=dates_label(survey.opens_on), closes=dates_label(survey.closes_on)))]
        m = it.member_id
        if not isinstance(m, int) or isinstance(m, bool) or m not in drawn:
            errors[f"{where}.member_id"] = [str(_l("This member was not drawn for this survey."))]
        elif member_self is not None and m != member_self:
            errors[f"{where}.member_id"] = [str(_l("You answer only for yourself."))]
        elif own is not None and drawn[m] not in own:
            errors[f"{where}.member_id"] = [str(_l("This member is not in one of your centres."))]
        elif m in answered:
            errors[f"{where}.member_id"] = [str(_l("This member has answered already; correct that response instead."))]
        elif m in seen_members:
            errors[f"{where}.member_id"] = [str(_l("This member is given twice in the batch."))]
        else:
            seen_members.add(m)
        values = check_answers(questions, it.answers, where, errors)
        rows.append({"survey_id": survey.id, "member_id": m, "centre_id": drawn.get(m) if isinstance(m, int) else None,
                     "key": it.key or uuid.uuid4().hex, "channel": channel, "answers": values, "answered_on": day,
                     "recorded_by_id": acting_user_id(actor), "recorded_at": now})
    if errors:
        raise _invalid(errors)
    if rows:
        try:
            with db.session.begin_nested():
                for chunk in _chunks(rows, 2000):
                    db.session.execute(insert(SurveyResponse), list(chunk))
        except IntegrityError:
            raise Conflict(str(_l("Some of these responses were stored at the same moment by another request; "
                                  "send them again.")), code="concurrent") from None
        record("survey.responses", actor=actor, object_type="survey", object_id=survey.id, after={
            "created": len(rows), "duplicates": duplicates, "channel": channel,
            "keys": [r["key"] for r in rows[:50]] + (["…"] if len(rows) > 50 else [])})
    return len(rows), duplicates


def dates_label(day: dt.date) -> str:
    return format_date(day, format="medium")


def correct_response(*, actor: Actor, response: SurveyResponse, survey: Survey, answers: dict) -> SurveyResponse:
    """Replace a response's answers; the audit log keeps the earlier ones. A field officer corrects
    only for their centres."""
    own = officer_centre_ids(actor)
    if own is not None and response.centre_id not in own:
        raise Forbidden(str(_l("This member is not in one of your centres.")))
    errors: dict[str, list[str]] = {}
    values = check_answers(questions_of(survey), answers, "answers", errors)
    if errors:
        raise _invalid(errors)
    before = {"member_id": response.member_id, "answers": response.answers}
    response.answers = values
    response.corrected_at = clock.utcnow()
    db.session.flush()
    record("survey.response.correct", actor=actor, object_type="survey", object_id=survey.id,
           before=before, after={"member_id": response.member_id, "answers": values, "key": response.key})
    return response


# --- evidence ------------------------------------------------------------------------------------


NOTE_MAX = 2000


def attach_evidence(*, actor: Actor, survey: Survey, question_key: str | None = None, region: str | None = None,
                    agenda_item_id: int | None = None, motion_id: int | None = None, clause_id: int | None = None,
                    note: str | None = None) -> SurveyEvidence:
    """Attach the survey's result (whole, or one question; everywhere, or one region of its sample)
    as "bukti kebutuhan anggota" to one agenda item, motion or clause (the caller has loaded it and
    checked the user may change it). The same evidence twice on the same target is refused."""
    errors: dict[str, list[str]] = {}
    targets = [t for t in (agenda_item_id, motion_id, clause_id) if t is not None]
    if len(targets) != 1:
        errors["target"] = [str(_l("Attach the evidence to one agenda item, motion or clause."))]
    question_key = (question_key or "").strip() or None
    region = _text(region) or None
    if question_key is not None and question_key not in {q.key for q in questions_of(survey)}:
        errors["question_key"] = [str(_l("“%(key)s” is not a question of this survey.", key=question_key[:40]))]
    if region is not None:
        regions = set(db.session.scalars(
            select(Centre.region).join(SurveyMember, SurveyMember.centre_id == Centre.id)
            .where(SurveyMember.survey_id == survey.id, Centre.region == region).limit(1)))
        if region not in regions:
            errors["region"] = [str(_l("No member of this survey's sample is in the region “%(name)s”.", name=region[:120]))]
    note = (note or "").strip() or None
    if note and len(note) > NOTE_MAX:
        errors["note"] = [str(_l("At most %(n)d characters.", n=NOTE_MAX))]
    if errors:
        raise _invalid(errors)
    same = select(SurveyEvidence.id).where(
        SurveyEvidence.survey_id == survey.id,
        _is(SurveyEvidence.question_key, question_key), _is(SurveyEvidence.region, region),
        _is(SurveyEvidence.agenda_item_id, agenda_item_id), _is(SurveyEvidence.motion_id, motion_id),
        _is(SurveyEvidence.clause_id, clause_id))
    if db.session.scalar(same.limit(1)) is not None:
        raise Conflict(str(_l("This evidence is attached already.")), code="duplicate")
    evidence = SurveyEvidence(survey_id=survey.id, question_key=question_key, region=region,
                              agenda_item_id=agenda_item_id, motion_id=motion_id, clause_id=clause_id, note=note,
                              created_by_id=acting_user_id(actor))
    db.session.add(evidence)
    db.session.flush()
    record("survey.evidence", actor=actor, object_type="survey", object_id=survey.id, after={
        "evidence_id": evidence.id, "question_key": question_key, "region": region, "agenda_item_id": agenda_item_id,
        "motion_id": motion_id, "clause_id": clause_id, "note": note})
    return evidence


def _is(column, value):
    return column.is_(None) if value is None else column == value


def remove_evidence(*, actor: Actor, evidence: SurveyEvidence) -> None:
    before = {"evidence_id": evidence.id, "question_key": evidence.question_key, "region": evidence.region,
              "agenda_item_id": evidence.agenda_item_id, "motion_id": evidence.motion_id,
              "clause_id": evidence.clause_id, "note": evidence.note}
    survey_id = evidence.survey_id
    db.session.delete(evidence)
    db.session.flush()
    record("survey.evidence.remove", actor=actor, object_type="survey", object_id=survey_id, before=before)
