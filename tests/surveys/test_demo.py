"""The demo's needs survey: its stratified sample, answers by the officer and by upload, a region
under the small-cell threshold, and its result as evidence on the pending credit line."""

from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import func, select

from govtrack.agreements.models import Agreement, Clause
from govtrack.core import clock
from govtrack.demo import surveys as demo
from govtrack.extensions import db
from govtrack.forums.models import AgendaItem, Meeting, Motion
from govtrack.members.models import Member
from govtrack.surveys import queries, rules, services
from govtrack.surveys.models import (
    Survey,
    SurveyEvidence,
    SurveyMember,
    SurveyQuestion,
    SurveyResponse,
)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_demo_has_a_survey_with_answers_and_evidence_on_the_credit_line(app, app_context, runner, tmp_path):
    app.instance_path = str(tmp_path)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output

    survey = db.session.scalar(select(Survey))
    assert survey.title == "Survei kebutuhan air dan sanitasi 2026"
    assert survey.visibility == "members" and survey.population_kind == "all"
    assert survey.opens_on < clock.today() < survey.closes_on
    assert [q.kind for q in queries.questions(survey)] == ["yes_no", "single", "multiple", "number", "yes_no", "text"]
    # the sample: most of the active members who are no investors, stratified by centre, with the recorded seed
    population = db.session.scalar(select(func.count()).select_from(Member)
                                   .where(Member.active.is_(True), Member.investor.is_(False)))
    assert survey.population_size == population
    assert queries.sample_size(survey) == survey.sample_size == 90 < population
    drawn = sorted(db.session.execute(select(SurveyMember.member_id, SurveyMember.centre_id)
                                      .where(SurveyMember.survey_id == survey.id)).all())
    strata: dict = {}
    for member_id, centre_id in db.session.execute(select(Member.id, Member.centre_id).where(
            Member.active.is_(True), Member.investor.is_(False))):
        strata.setdefault(centre_id, []).append(member_id)
    assert drawn == sorted(rules.draw(strata, 90, survey.sample_seed))  # the same seed draws the same sample

    # most of the sample answered, through the officer's page and the upload, within the open window
    responses = list(db.session.scalars(select(SurveyResponse)))
    assert 60 <= len(responses) < 90
    assert Counter(r.channel for r in responses).keys() == {"officer", "upload"}
    assert all(survey.opens_on <= r.answered_on <= clock.today() for r in responses)
    assert all(r.centre_id == dict(drawn)[r.member_id] for r in responses)
    assert len({r.answers["sumber_air"] for r in responses}) >= 4
    assert len({r.answers["biaya_air"] for r in responses}) >= 10

    # results: one region under 5 respondents (suppressed when published), others above
    res = queries.compute(survey)
    by_region = {r["region"]: r["responses"] for r in res["regions"]}
    assert min(by_region.values()) == 3 and max(by_region.values()) >= 5
    small = next(r for r, n in by_region.items() if n == 3)
    published = queries.published(res)
    water = next(q for q in published["questions"] if q["key"] == "air_bersih")
    cell = next(g for g in water["by_region"] if g["region"] == small)
    assert cell["suppressed"] is True and set(cell["counts"].values()) == {None}
    assert any(not g["suppressed"] for g in water["by_region"])
    assert "catatan" not in {q["key"] for q in published["questions"]}

    # the evidence on the pending credit line's points
    credit = db.session.scalar(select(Agreement).where(Agreement.reference == "PBY/2026/007"))
    clause_ids = list(db.session.scalars(select(Clause.id).where(Clause.agreement_id == credit.id)
                                         .order_by(Clause.number)))
    evidence = queries.evidence_for(clause_ids=clause_ids)
    assert [(e.clause_id, e.question_key, e.survey_id) for e in evidence] == [
        (clause_ids[0], "kemarau", survey.id), (clause_ids[1], None, survey.id)]
    assert all(e.note for e in evidence)
    # and on where the forum decides on it, when the demo puts it on a coming meeting's agenda
    items = list(db.session.scalars(select(AgendaItem.id).join(Meeting, Meeting.id == AgendaItem.meeting_id).where(
        AgendaItem.agreement_id == credit.id, Meeting.status.in_(("scheduled", "open")))))
    motions = list(db.session.scalars(select(Motion.id).where(Motion.agreement_id == credit.id,
                                                              Motion.status == "open")))
    assert len(queries.evidence_for(agenda_item_ids=items)) == min(1, len(items))
    assert len(queries.evidence_for(motion_ids=motions)) == min(1, len(motions))


def test_the_demo_is_not_loaded_twice(app, app_context, runner, tmp_path):
    app.instance_path = str(tmp_path)
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    before = (count(Survey), count(SurveyMember), count(SurveyResponse), count(SurveyEvidence))
    assert before[0] == 1 and before[2] > 0 and before[3] >= 2
    again = runner.invoke(args=["demo", "load", "--force"])
    assert again.exit_code != 0 and "already loaded" in again.output
    assert (count(Survey), count(SurveyMember), count(SurveyResponse), count(SurveyEvidence)) == before


def test_the_demo_answers_pass_the_services_checks(app_context):
    """The demo's answer maker gives answers the service stores unchanged (its stored form)."""
    questions = [SurveyQuestion(key=q.key, kind=q.kind, text=q.text, choices=q.choices, required=q.required)
                 for q in demo.QUESTIONS]
    rng = random.Random(1)
    for profile in demo.PROFILES:
        for _ in range(50):
            answers = demo._answers(rng, profile)
            errors: dict = {}
            assert services.check_answers(questions, answers, "r", errors) == answers and not errors
