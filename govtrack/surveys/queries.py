"""Reading needs surveys: lists, a survey with its questions, the drawn members of a centre, and the
results (counts, shares and 95 % margins of error per question; by region and by centre), cached by
the data versions of the tables they are computed from.

Results are computed from one read of the responses' (centre, answers) and two aggregates of the
sample; a result as published to members or the public (`published`) drops the text answers and
suppresses every cell of fewer than 5 respondents (`rules.suppress_cells`).
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections import Counter, defaultdict

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from govtrack.core import versions
from govtrack.core.cache import remember_json
from govtrack.extensions import db
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

TABLES = ("surveys", "survey_questions", "survey_members", "survey_responses", "centres")
versions.track(*TABLES)
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


def evidence_for(*, agenda_item_ids=(), motion_ids=(), clause_ids=()) -> list[SurveyEvidence]:
    """The survey evidence attached to any of these agenda items, motions or clauses (one query)."""
    conds = []
    if agenda_item_ids:
        conds.append(SurveyEvidence.agenda_item_id.in_(list(agenda_item_ids)))
    if motion_ids:
        conds.append(SurveyEvidence.motion_id.in_(list(motion_ids)))
    if clause_ids:
        conds.append(SurveyEvidence.clause_id.in_(list(clause_ids)))
    if not conds:
        return []
    return list(db.session.scalars(select(SurveyEvidence).where(or_(*conds))
                                   .options(joinedload(SurveyEvidence.survey)).order_by(SurveyEvidence.id)))


# --- results -------------------------------------------------------------------------------------


def _tally(question: SurveyQuestion, values: list) -> dict:
    """Counts (and for numbers: mean, median, min, max) of one question's answers in one group."""
    n = len(values)
    out: dict = {"respondents": n}
    if question.kind == QuestionKind.yes_no:
        c = Counter(values)
        out["counts"] = {YES: c.get(True, 0), NO: c.get(False, 0)}
    elif question.kind == QuestionKind.single:
        c = Counter(values)
        out["counts"] = {choice: c.get(choice, 0) for choice in question.choices}
    elif question.kind == QuestionKind.multiple:
        c = Counter(v for chosen in values for v in chosen)
        out["counts"] = {choice: c.get(choice, 0) for choice in question.choices}
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


def compute(survey: Survey) -> dict:
    """The survey's results (see the module docstring), JSON-ready. Groups' finite-population
    corrections use the population of the group, estimated as the survey's population in the
    proportion of the group's drawn members (exact for everyone; for a proportionally allocated
    stratified sample, to within one member per centre)."""
    qs = questions(survey)
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
    for centre_id, answers in db.session.execute(
        select(SurveyResponse.centre_id, SurveyResponse.answers).where(SurveyResponse.survey_id == survey.id)
    ):
        responses += 1
        if isinstance(answers, str):  # a driver that hands JSON back as text
            answers = json.loads(answers)
        region = centre_region.get(centre_id, NO_REGION)
        responded_region[region] += 1
        responded_centre[centre_id] += 1
        for key, value in answers.items():
            if key in by_q:
                by_q[key].append(value)
                by_q_region[key][region].append(value)
                by_q_centre[key][centre_id].append(value)

    out_questions = []
    for q in qs:
        whole = _shares({"key": q.key, "kind": q.kind, "text": q.text, "choices": list(q.choices or []),
                         **_tally(q, by_q[q.key])}, population)
        whole["by_region"] = [
            _shares({"region": r, "sample": drawn_by_region[r], **_tally(q, by_q_region[q.key].get(r, []))},
                    round(drawn_by_region[r] * scale))
            for r in sorted(drawn_by_region)]
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
    raw = json.dumps([survey.id, versions.tokens(db.session, *TABLES)])
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
        pub["by_region"] = [_suppress_group(g) for g in q["by_region"]]
        out["questions"].append(pub)
    return out
