"""Reading needs surveys: lists, a survey with its questions, the drawn members of a centre, and the
results (counts, shares and 95 % margins of error per question; by region and by centre), cached by
the data versions of the tables they are computed from.

Results are computed from one read of the responses' (centre, answers) and two aggregates of the
sample; a result as published to members or the public (`published`) drops the text answers and
suppresses every cell of fewer than 5 respondents (`rules.suppress_cells`).
"""

from __future__ import annotations

import gc
import hashlib
import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import Text, func, or_, select, type_coerce
from sqlalchemy.orm import joinedload

from govtrack.core import versions
from govtrack.core.cache import remember_json
from govtrack.extensions import db
from govtrack.members import queries as members_queries
from govtrack.members.models import Centre, Member
from govtrack.surveys import rules
from govtrack.surveys.models import (
    QuestionKind,
    Survey,
    SurveyEvidence,
    SurveyMember,
    SurveyQuestion,
    SurveyResponse,
)

TABLES = ("surveys", "survey_questions", "survey_members", "survey_responses")
versions.track(*TABLES)


def stamp() -> list:
    """What a cached result was computed from: the survey tables' data versions and the centres'
    fingerprint (their names and regions show in the results; not tracked, see centres_fingerprint)."""
    return [versions.tokens(db.session, *TABLES), members_queries.centres_fingerprint()]
NO_REGION = ""  # the region key of centres without one (pages say "Tanpa wilayah")
YES, NO = "yes", "no"


def get(survey_id: int) -> Survey | None:
    return db.session.get(Survey, survey_id)


def questions(survey: Survey) -> list[SurveyQuestion]:
    return list(db.session.scalars(
        select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id).order_by(SurveyQuestion.position)))


def listing(limit: int = 200) -> list[Survey]:
    return list(db.session.scalars(select(Survey).order_by(Survey.opens_on.desc(), Survey.id.desc()).limit(limit)))


def sample_size(survey: Survey) -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyMember).where(SurveyMember.survey_id == survey.id)) or 0


def response_count(survey: Survey) -> int:
    return db.session.scalar(
        select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id)) or 0


def drawn_at_centre(survey: Survey, centre_id: int) -> list[tuple[Member, SurveyResponse | None]]:
    """The members drawn at one centre, by name, each with their response if any (the officer's list)."""
    rows = db.session.execute(
        select(Member, SurveyResponse)
        .join(SurveyMember, (SurveyMember.member_id == Member.id) & (SurveyMember.survey_id == survey.id))
        .outerjoin(SurveyResponse, (SurveyResponse.member_id == Member.id) & (SurveyResponse.survey_id == survey.id))
        .where(SurveyMember.centre_id == centre_id).order_by(Member.name, Member.id)).all()
    return [(m, r) for m, r in rows]


def response_of(survey: Survey, member_id: int) -> SurveyResponse | None:
    return db.session.scalar(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.member_id == member_id))


def evidence_conditions(*, agenda_item_ids=(), motion_ids=(), clause_ids=()) -> list:
    """The conditions "attached to one of these agenda items, motions or clauses" (to be OR-ed)."""
    conds = []
    if agenda_item_ids:
        conds.append(SurveyEvidence.agenda_item_id.in_(list(agenda_item_ids)))
    if motion_ids:
        conds.append(SurveyEvidence.motion_id.in_(list(motion_ids)))
    if clause_ids:
        conds.append(SurveyEvidence.clause_id.in_(list(clause_ids)))
    return conds


def evidence_for(*, agenda_item_ids=(), motion_ids=(), clause_ids=()) -> list[SurveyEvidence]:
    """The survey evidence attached to any of these agenda items, motions or clauses (one query)."""
    conds = evidence_conditions(agenda_item_ids=agenda_item_ids, motion_ids=motion_ids, clause_ids=clause_ids)
    if not conds:
        return []
    return list(db.session.scalars(select(SurveyEvidence).where(or_(*conds))
                                   .options(joinedload(SurveyEvidence.survey)).order_by(SurveyEvidence.id)))


# --- results -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Question:
    """What the tallies read of a question (see `compute`)."""

    key: str
    kind: str
    text: str
    choices: list


def _tally(question: SurveyQuestion | _Question, values: list) -> dict:
    """Counts (and for numbers: mean, median, min, max) of one question's answers in one group."""
    n = len(values)
    out: dict = {"respondents": n}
    # list.count rather than a Counter: most groups are a centre's one to three respondents, where
    # building a Counter cost more than counting (60,000 groups at L)
    if question.kind == QuestionKind.yes_no:
        out["counts"] = {YES: values.count(True), NO: values.count(False)}
    elif question.kind == QuestionKind.single:
        out["counts"] = {choice: values.count(choice) for choice in question.choices}
    elif question.kind == QuestionKind.multiple:
        chosen = [v for answer in values for v in answer]
        out["counts"] = {choice: chosen.count(choice) for choice in question.choices}
    elif question.kind == QuestionKind.number:
        out["counts"] = {}
        if values:
            out["mean"] = statistics.fmean(values)
            out["median"] = statistics.median(values)
            out["min"], out["max"] = min(values), max(values)
    else:  # text: only how many answered; the texts are read one by one by those allowed to
        out["counts"] = {}
    return out


def _shares(group: dict, population: int | None) -> dict:
    n = group["respondents"]
    group["shares"] = {k: (c / n if n else None) for k, c in group["counts"].items()}
    group["margin"] = {k: (rules.margin(s, n, population) if s is not None else None) for k, s in group["shares"].items()}
    return group


def compute(survey: Survey, *, centres: bool = True) -> dict:
    """The survey's results (see `_compute`), with no cyclic garbage collection meanwhile: at L the
    tallies allocate some hundred thousand small dicts and lists, and each burst set off full
    collections that walked every object of the process (as the network's `quiet_gc` found).
    Without `centres` the per-centre tables are neither tallied nor returned."""
    was = gc.isenabled()
    gc.disable()
    try:
        return _compute(survey, centres=centres)
    finally:
        if was:
            gc.enable()


def _compute(survey: Survey, *, centres: bool = True) -> dict:
    """The survey's results (see the module docstring), JSON-ready. Groups' finite-population
    corrections use the population of the group, estimated as the survey's population in the
    proportion of the group's drawn members (exact for everyone; for a proportionally allocated
    stratified sample, to within one member per centre)."""
    # plain copies: the tallies below read each question's kind and choices some 60,000 times at L
    # (6 questions by 11,200 centres), where an ORM attribute costs several times a slot
    qs = [_Question(q.key, q.kind, q.text, list(q.choices or [])) for q in questions(survey)]
    centre_region: dict[int | None, str] = {}
    centre_names: dict[int | None, tuple[str, str]] = {}
    drawn_by_centre: dict[int | None, int] = {}
    for centre_id, code, name, region, n in db.session.execute(
        select(SurveyMember.centre_id, Centre.code, Centre.name, Centre.region, func.count())
        .outerjoin(Centre, Centre.id == SurveyMember.centre_id)
        .where(SurveyMember.survey_id == survey.id)
        .group_by(SurveyMember.centre_id, Centre.code, Centre.name, Centre.region)
    ):
        drawn_by_centre[centre_id] = n
        centre_region[centre_id] = region or NO_REGION
        centre_names[centre_id] = (code or "", name or "")
    drawn = sum(drawn_by_centre.values())
    population = survey.population_size or drawn
    scale = population / drawn if drawn else 1.0
    drawn_by_region: dict[str, int] = defaultdict(int)
    for c, n in drawn_by_centre.items():
        drawn_by_region[centre_region[c]] += n

    by_q: dict[str, list] = {q.key: [] for q in qs}
    by_q_region: dict[str, dict[str, list]] = {q.key: defaultdict(list) for q in qs}
    by_q_centre: dict[str, dict[int | None, list]] = {q.key: defaultdict(list) for q in qs}
    responded_region: Counter = Counter()
    responded_centre: Counter = Counter()
    responses = 0
    # The answers read as text and decoded in one json.loads: SQLAlchemy's JSON result processing
    # (a json.loads per row) took ten times as long as the query itself at 20,000 responses.
    # PostgreSQL's driver hands back dicts, used as they come.
    rows = db.session.execute(select(SurveyResponse.centre_id, type_coerce(SurveyResponse.answers, Text))
                              .where(SurveyResponse.survey_id == survey.id)).all()
    texts = [a for _, a in rows if isinstance(a, str)]
    decoded = iter(json.loads("[" + ",".join(texts) + "]") if texts else [])
    for centre_id, answers in rows:
        responses += 1
        if isinstance(answers, str):
            answers = next(decoded)
        region = centre_region.get(centre_id, NO_REGION)
        responded_region[region] += 1
        responded_centre[centre_id] += 1
        for key, value in answers.items():
            if key in by_q:
                by_q[key].append(value)
                by_q_region[key][region].append(value)
                if centres:
                    by_q_centre[key][centre_id].append(value)

    out_questions = []
    for q in qs:
        whole = _shares({"key": q.key, "kind": q.kind, "text": q.text, "choices": list(q.choices or []),
                         **_tally(q, by_q[q.key])}, population)
        whole["by_region"] = [
            _shares({"region": r, "sample": drawn_by_region[r], **_tally(q, by_q_region[q.key].get(r, []))},
                    round(drawn_by_region[r] * scale))
            for r in sorted(drawn_by_region)]
        if centres:
            whole["by_centre"] = [
                _shares({"centre_id": c, "code": centre_names[c][0], "name": centre_names[c][1], "region": centre_region[c],
                         "sample": drawn_by_centre[c], **_tally(q, by_q_centre[q.key].get(c, []))},
                        round(drawn_by_centre[c] * scale))
                for c in sorted(drawn_by_centre, key=lambda c: centre_names[c])
                if by_q_centre[q.key].get(c)]
        out_questions.append(whole)
    return {
        "survey_id": survey.id, "responses": responses, "sample": drawn, "population": population,
        "response_rate": (responses / drawn) if drawn else None,
        "regions": [{"region": r, "sample": drawn_by_region[r], "responses": responded_region.get(r, 0)}
                    for r in sorted(drawn_by_region)],
        "questions": out_questions,
    }


def results(survey: Survey) -> dict:
    """`compute`, cached by the data versions of the survey tables (one query when nothing changed)."""
    raw = json.dumps([survey.id, stamp()])
    key = f"survey-results-{survey.id}-{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    return remember_json(key, lambda: compute(survey))


def _suppress_group(group: dict) -> dict:
    n = group["respondents"]
    shown = rules.suppress_cells(group["counts"], n)
    group = dict(group)
    group["counts"] = shown
    group["shares"] = {k: (group["shares"][k] if shown[k] is not None else None) for k in shown}
    group["margin"] = {k: (group["margin"][k] if shown[k] is not None else None) for k in shown}
    if n < rules.SMALL_CELL:
        for name in ("mean", "median", "min", "max"):
            group.pop(name, None)
        group["suppressed"] = True
        if n:  # how many answered in a small group is itself a small cell
            group["respondents"] = None
    else:
        group.pop("min", None)  # an extreme value can name a member; the mean and median cannot
        group.pop("max", None)
        group["suppressed"] = any(v is None for v in shown.values())
    return group


def published(result: dict) -> dict:
    """What members and the public may read of `result`: aggregates only, without text questions
    and without the per-centre table (a centre's few respondents are people one knows), every cell
    under 5 respondents suppressed, the response counts of small regions too."""
    out = {k: v for k, v in result.items() if k not in ("questions", "regions")}
    out["regions"] = [
        {**r, "responses": r["responses"] if r["responses"] >= rules.SMALL_CELL or r["responses"] == 0 else None}
        for r in result["regions"]]
    out["questions"] = []
    for q in result["questions"]:
        if q["kind"] == QuestionKind.text:
            continue
        pub = _suppress_group({k: v for k, v in q.items() if k not in ("by_region", "by_centre")})
        pub["by_region"] = _protect_across([_suppress_group(g) for g in q["by_region"]], pub)
        out["questions"].append(pub)
    return out


def _hide_group(group: dict) -> None:
    group["counts"] = {k: None for k in group["counts"]}
    group["shares"] = {k: None for k in group["counts"]}
    group["margin"] = {k: None for k in group["counts"]}
    for name in ("mean", "median", "min", "max"):
        group.pop(name, None)
    group["respondents"] = None
    group["suppressed"] = True


def _protect_across(groups: list[dict], whole: dict) -> list[dict]:
    """Secondary suppression across the groups of one question: a cell hidden in only one group
    would be found by subtracting the groups shown from the whole, so the smallest other group that
    shows that cell (or, for numbers, its mean) is hidden entirely too; repeated until no cell or
    mean is hidden in exactly one group. (How many answered in a group is not protected: it says
    nothing of what anyone answered.)"""
    def sizes(g):
        return g["respondents"] if g["respondents"] is not None else -1

    changed = True
    while changed:
        changed = False
        columns = [(k, lambda g, k=k: g["counts"].get(k) is None) for k in whole["counts"] if whole["counts"][k] is not None]
        if whole.get("mean") is not None:
            columns.append(("mean", lambda g: "mean" not in g and g["respondents"] != 0))
        for _, hidden in columns:
            shut = [g for g in groups if hidden(g)]
            if len(shut) != 1:
                continue
            open_ = [g for g in groups if not hidden(g) and g["respondents"]]
            if not open_:
                continue
            _hide_group(min(open_, key=sizes))
            changed = True
            break
    return groups


# --- offline capture -----------------------------------------------------------------------------


def capture_centres(survey: Survey, *, officer_id: int | None = None, limit: int = 500) -> list[Centre]:
    """The centres with members drawn for the survey, by name; a field officer's (`officer_id`) only."""
    q = select(Centre).where(Centre.id.in_(
        select(SurveyMember.centre_id).where(SurveyMember.survey_id == survey.id).distinct()))
    if officer_id is not None:
        q = q.where(Centre.officer_id == officer_id)
    return list(db.session.scalars(q.order_by(Centre.name, Centre.id).limit(limit)))


def has_drawn_at(survey: Survey, centre_id: int) -> bool:
    """Whether any member of the centre is drawn for the survey."""
    return db.session.scalar(select(SurveyMember.member_id).where(
        SurveyMember.survey_id == survey.id, SurveyMember.centre_id == centre_id).limit(1)) is not None


# --- the surveys' pages and API: lists, counts, centres, a member's surveys (helper: surveys) -----


NOT_OPEN, OPEN, CLOSED = "not_open", "open", "closed"


def state(survey: Survey, today) -> str:
    """Not open yet, open or closed, by the survey's dates against `today` (labels: survey_state)."""
    if today < survey.opens_on:
        return NOT_OPEN
    return OPEN if today <= survey.closes_on else CLOSED


def counts(survey_ids) -> dict[int, tuple[int, int]]:
    """Survey id -> (members drawn, responses), two grouped queries for any number of surveys."""
    ids = sorted(set(survey_ids))
    if not ids:
        return {}
    drawn = dict(db.session.execute(select(SurveyMember.survey_id, func.count()).where(
        SurveyMember.survey_id.in_(ids)).group_by(SurveyMember.survey_id)).all())
    answered = dict(db.session.execute(select(SurveyResponse.survey_id, func.count()).where(
        SurveyResponse.survey_id.in_(ids)).group_by(SurveyResponse.survey_id)).all())
    return {i: (drawn.get(i, 0), answered.get(i, 0)) for i in ids}


def touches_centres(survey: Survey, centre_ids) -> bool:
    """Whether any member drawn for the survey is of one of these centres (a field officer's surveys)."""
    ids = list(centre_ids)
    if not ids:
        return False
    return db.session.scalar(select(SurveyMember.member_id).where(
        SurveyMember.survey_id == survey.id, SurveyMember.centre_id.in_(ids)).limit(1)) is not None


def visible_listing(centre_ids=None, limit: int = 200) -> list[Survey]:
    """The surveys, newest first; with `centre_ids` (a field officer's), those whose sample has members
    of one of them."""
    stmt = select(Survey).order_by(Survey.opens_on.desc(), Survey.id.desc()).limit(limit)
    if centre_ids is not None:
        stmt = stmt.where(Survey.id.in_(select(SurveyMember.survey_id).where(
            SurveyMember.centre_id.in_(list(centre_ids) or [-1])).distinct()))
    return list(db.session.scalars(stmt))


def survey_page(*, centre_ids=None, cursor: str | None, limit: int):
    """The surveys by id, keyset-paged (the API's list); a field officer's as in `visible_listing`."""
    from govtrack.core.paging import (
        keyset_page,  # here, not in the foundation's import block: parallel branches merge cleanly
    )

    stmt = select(Survey)
    if centre_ids is not None:
        stmt = stmt.where(Survey.id.in_(select(SurveyMember.survey_id).where(
            SurveyMember.centre_id.in_(list(centre_ids) or [-1])).distinct()))
    return keyset_page(stmt, id_column=Survey.id, cursor=cursor, limit=limit, descending=True)


def by_centre(survey: Survey, centre_ids=None) -> list[dict]:
    """Per centre of the sample: code, name, region, members drawn and responses (by code); only
    `centre_ids` when given (a field officer's centres). Two grouped queries of plain rows."""
    drawn_q = (select(SurveyMember.centre_id, Centre.code, Centre.name, Centre.region, func.count())
               .outerjoin(Centre, Centre.id == SurveyMember.centre_id).where(SurveyMember.survey_id == survey.id)
               .group_by(SurveyMember.centre_id, Centre.code, Centre.name, Centre.region))
    answered_q = (select(SurveyResponse.centre_id, func.count()).where(SurveyResponse.survey_id == survey.id)
                  .group_by(SurveyResponse.centre_id))
    if centre_ids is not None:
        ids = list(centre_ids) or [-1]
        drawn_q = drawn_q.where(SurveyMember.centre_id.in_(ids))
        answered_q = answered_q.where(SurveyResponse.centre_id.in_(ids))
    answered = dict(db.session.execute(answered_q).all())
    rows = [{"centre_id": centre_id, "code": code or "", "name": name or "", "region": region or "", "drawn": n,
             "responses": answered.get(centre_id, 0)}
            for centre_id, code, name, region, n in db.session.execute(drawn_q)]
    rows.sort(key=lambda r: (r["code"] == "", r["code"], r["name"]))
    return rows


def drawn_member(survey: Survey, member_id: int) -> SurveyMember | None:
    return db.session.get(SurveyMember, (survey.id, member_id))


def open_for_member(member_id: int, today) -> list[tuple[Survey, bool]]:
    """The open surveys the member was drawn for, each with whether they have answered (the portal)."""
    rows = db.session.execute(
        select(Survey, SurveyResponse.id)
        .join(SurveyMember, (SurveyMember.survey_id == Survey.id) & (SurveyMember.member_id == member_id))
        .outerjoin(SurveyResponse, (SurveyResponse.survey_id == Survey.id) & (SurveyResponse.member_id == member_id))
        .where(Survey.opens_on <= today, Survey.closes_on >= today)
        .order_by(Survey.closes_on, Survey.id)).all()
    return [(s, rid is not None) for s, rid in rows]


def response_page(survey: Survey, *, cursor: str | None, limit: int):
    """The survey's responses by id, keyset-paged, with each member's number (the API's list)."""
    from govtrack.core.paging import keyset_page  # as in survey_page

    stmt = select(SurveyResponse).where(SurveyResponse.survey_id == survey.id).options(
        joinedload(SurveyResponse.member))
    return keyset_page(stmt, id_column=SurveyResponse.id, cursor=cursor, limit=limit)


def members_by_number(numbers) -> dict[str, int]:
    """Member number -> id for the numbers given, in chunks (an upload of 20,000 lines)."""
    wanted = sorted(set(numbers))
    out: dict[str, int] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        out.update(db.session.execute(select(Member.number, Member.id).where(Member.number.in_(chunk))).all())
    return out


def centres_by_code(codes) -> dict[str, Centre]:
    wanted = sorted({c.strip().upper() for c in codes if c.strip()})
    if not wanted:
        return {}
    return {c.code: c for c in db.session.scalars(select(Centre).where(Centre.code.in_(wanted)))}


def regions() -> list[str]:
    """The regions of active centres, for the survey form's choice."""
    return [r for r in db.session.scalars(select(Centre.region).where(
        Centre.active.is_(True), Centre.region.is_not(None), Centre.region != "").distinct().order_by(Centre.region))]


def questions_by_survey(survey_ids) -> dict[int, list[SurveyQuestion]]:
    """Survey id -> its questions in order, one query for any number of surveys (the API's list)."""
    ids = sorted(set(survey_ids))
    out: dict[int, list[SurveyQuestion]] = {i: [] for i in ids}
    if ids:
        for q in db.session.scalars(select(SurveyQuestion).where(SurveyQuestion.survey_id.in_(ids))
                                    .order_by(SurveyQuestion.survey_id, SurveyQuestion.position)):
            out[q.survey_id].append(q)
    return out


# --- results pages, portal and evidence (helper: results) ----------------------------------------


def summary(survey: Survey) -> dict:
    """`results` without the per-centre tables, computed and cached on its own: at thousands of
    centres those tables are most of the work and of the result, and the results page, the portal
    and the evidence lines read only the whole and the regions (one query when nothing changed; the
    first page after new answers no longer waits for the per-centre tables)."""
    raw = json.dumps([survey.id, stamp()])
    key = f"survey-summary-{survey.id}-{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    return remember_json(key, lambda: compute(survey, centres=False))


def with_centres(survey: Survey, key: str) -> dict | None:
    """One question of `results`, with its per-centre table, cached on its own (None if the survey
    has no such question): the page of one question by centre reads a sixth of the whole result,
    whose JSON is some 20 MB at L."""
    if key not in {q.key for q in questions(survey)}:
        return None
    raw = json.dumps([survey.id, key, stamp()])
    cache_key = f"survey-question-{survey.id}-{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    return remember_json(cache_key, lambda: next(q for q in results(survey)["questions"] if q["key"] == key))


def published_listing(visibilities: list[str], *, today, limit: int = 100) -> list[Survey]:
    """Surveys whose results are published to readers of these visibilities, opened by `today`,
    newest first."""
    if not visibilities:
        return []
    return list(db.session.scalars(
        select(Survey).where(Survey.visibility.in_(visibilities), Survey.opens_on <= today)
        .order_by(Survey.opens_on.desc(), Survey.id.desc()).limit(limit)))


def text_answers(survey: Survey, key: str, *, after: int | None = None, limit: int = 50,
                 chunk: int = 500) -> tuple[list[tuple[int, str, object, str]], int | None]:
    """One page of the texts given to the text question `key`: (response id, centre name, day
    answered, text), by response id after `after`; and the id to continue after (None at the end).
    Responses are read in chunks by id (a keyset), since not every response answers the question."""
    out: list[tuple[int, str, object, str]] = []
    cursor = after or 0
    while True:
        rows = db.session.execute(
            select(SurveyResponse.id, Centre.name, SurveyResponse.answered_on, SurveyResponse.answers)
            .outerjoin(Centre, Centre.id == SurveyResponse.centre_id)
            .where(SurveyResponse.survey_id == survey.id, SurveyResponse.id > cursor)
            .order_by(SurveyResponse.id).limit(chunk)).all()
        for rid, centre, day, answers in rows:
            cursor = rid
            if isinstance(answers, str):  # a driver that hands JSON back as text
                answers = json.loads(answers)
            text = answers.get(key)
            if isinstance(text, str) and text.strip():
                out.append((rid, centre or "", day, text))
                if len(out) == limit:
                    return out, rid
        if len(rows) < chunk:
            return out, None
