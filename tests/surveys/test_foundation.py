"""The surveys' foundation: the stratified sample and its seed, the margin of error with the finite-
population correction, small-cell suppression, one response per member and per key, the batch API."""

import math
import random

import pytest
from sqlalchemy import func, select

from govtrack.errors import ValidationFailed
from govtrack.extensions import db
from govtrack.surveys import queries, rules, services
from govtrack.surveys.models import SurveyMember, SurveyResponse
from tests.surveys.conftest import TODAY

ANSWERS = {"air_bersih": True, "sumber": "Sumur", "kebutuhan": ["Jamban", "Filter"], "biaya": 25000}


def test_allocation_is_proportional_by_largest_remainder():
    # 10 of 12: 5 * 10/12 = 4.17, 4 * 10/12 = 3.33, 3 * 10/12 = 2.5 -> 4, 3, 2 and the one left to the .5
    assert rules.allocate({1: 5, 2: 4, 3: 3}, 10) == {1: 4, 2: 3, 3: 3}
    assert rules.allocate({1: 5, 2: 4, 3: 3}, 12) == {1: 5, 2: 4, 3: 3}
    assert rules.allocate({1: 5, 2: 4, 3: 3}, 50) == {1: 5, 2: 4, 3: 3}
    assert sum(rules.allocate({i: 25 for i in range(1, 400)}, 1000).values()) == 1000


def test_draw_matches_a_reference_and_the_same_seed_draws_the_same_members():
    population = {c: list(range(c * 100, c * 100 + 20 + c)) for c in range(1, 8)}
    size, seed = 40, 20261130
    # The reference, written out here: proportional counts, then one generator over the strata in order.
    counts = rules.allocate({c: len(v) for c, v in population.items()}, size)
    rng = random.Random(seed)
    expected = []
    for c in sorted(population):
        expected.extend((m, c) for m in sorted(rng.sample(sorted(population[c]), counts[c])))
    assert rules.draw(population, size, seed) == expected
    assert rules.draw(population, size, seed) == rules.draw(population, size, seed)
    assert rules.draw(population, size, seed + 1) != expected
    assert len(expected) == size
    assert rules.draw(population, None, None) == [(m, c) for c in sorted(population) for m in population[c]]


def test_margin_of_error_with_finite_population_correction():
    # p = 0.5, n = 400 of N = 2,000: 1.96 * sqrt(.25/400) * sqrt(1600/1999)
    expected = rules.Z95 * math.sqrt(0.25 / 400) * math.sqrt(1600 / 1999)
    assert rules.margin(0.5, 400, 2000) == pytest.approx(expected)
    assert rules.margin(0.5, 400, 2000) == pytest.approx(0.04384, abs=1e-5)
    assert rules.margin(0.3, 2000, 2000) == 0.0  # everyone answered: no sampling error
    assert rules.margin(0.5, 0, 2000) is None
    assert rules.margin(0.5, 400, None) == pytest.approx(rules.Z95 * 0.025)


def test_small_cells_are_suppressed_with_a_complement():
    assert rules.suppress_cells({"yes": 3, "no": 1}, 4) == {"yes": None, "no": None}
    assert rules.suppress_cells({"yes": 10, "no": 5}, 15) == {"yes": 10, "no": 5}
    # One small cell would be found from the total: the next smallest goes too.
    assert rules.suppress_cells({"a": 3, "b": 6, "c": 20}, 29) == {"a": None, "b": None, "c": 20}
    assert rules.suppress_cells({"a": 0, "b": 6, "c": 20}, 26) == {"a": 0, "b": 6, "c": 20}


def test_a_sample_is_drawn_by_centre_and_kept(roster, make_survey, in_request):
    survey = make_survey(size=6, seed=7)
    drawn = db.session.execute(select(SurveyMember.centre_id, func.count()).where(SurveyMember.survey_id == survey.id)
                               .group_by(SurveyMember.centre_id)).all()
    c = roster["centres"]
    assert dict(drawn) == {c["melati"].id: 3, c["mawar"].id: 2, c["kenanga"].id: 1}  # 6 of 12: 2.5, 2, 1.5
    assert survey.population_size == 12  # the inactive member and the investor are not in it
    everyone = make_survey(population_kind="regions", regions=["Bojong"])
    assert queries.sample_size(everyone) == 3 and everyone.sample_seed is None
    again = services.redraw(actor="test", survey=survey)
    assert again == 6


def test_one_response_per_member_and_per_key(roster, make_survey, in_request):
    survey = make_survey()
    members = roster["members"]["melati"]
    batch = [services.ResponseInput(m.id, ANSWERS, key=f"key-{m.id:08d}", answered_on=TODAY) for m in members[:3]]
    assert services.record_responses(actor="test", survey=survey, items=batch, channel="officer", today=TODAY) == (3, 0)
    db.session.commit()
    # The same batch again: stored once.
    assert services.record_responses(actor="test", survey=survey, items=batch, channel="officer", today=TODAY) == (0, 3)
    # A new key for a member who answered: refused, naming the response, nothing written.
    with pytest.raises(ValidationFailed) as err:
        services.record_responses(actor="test", survey=survey, today=TODAY, channel="officer", items=[
            services.ResponseInput(members[3].id, ANSWERS, key="fresh-key-1"),
            services.ResponseInput(members[0].id, ANSWERS, key="fresh-key-2")])
    assert "responses.1.member_id" in err.value.fields
    db.session.rollback()
    assert queries.response_count(survey) == 3


def test_answers_are_checked_by_kind(roster, make_survey, in_request):
    survey = make_survey()
    m = roster["members"]["mawar"][0]
    with pytest.raises(ValidationFailed) as err:
        services.record_responses(actor="test", survey=survey, today=TODAY, channel="api", items=[
            services.ResponseInput(m.id, {"air_bersih": "ya", "sumber": "Laut", "kebutuhan": ["Jamban", "Jamban"],
                                          "biaya": "banyak", "lain": 1})])
    f = err.value.fields
    assert {"responses.0.answers.air_bersih", "responses.0.answers.sumber", "responses.0.answers.kebutuhan",
            "responses.0.answers.biaya", "responses.0.answers.lain"} <= set(f)
    assert "Sumur; PDAM; Sungai" in f["responses.0.answers.sumber"][0]


def test_an_officer_records_only_for_their_centres(roster, make_survey, in_request):
    survey = make_survey()
    own, other = roster["members"]["melati"][0], roster["members"]["kenanga"][0]
    with pytest.raises(ValidationFailed) as err:
        services.record_responses(actor=roster["officer"], survey=survey, today=TODAY, channel="officer", items=[
            services.ResponseInput(own.id, ANSWERS), services.ResponseInput(other.id, ANSWERS)])
    assert list(err.value.fields) == ["responses.1.member_id"]


def test_a_correction_keeps_the_earlier_answers_in_the_audit_log(roster, make_survey, in_request):
    from govtrack.audit.models import AuditEvent

    survey = make_survey()
    m = roster["members"]["melati"][0]
    services.record_responses(actor="test", survey=survey, items=[services.ResponseInput(m.id, ANSWERS)],
                              channel="api", today=TODAY)
    response = queries.response_of(survey, m.id)
    services.correct_response(actor="test", response=response, survey=survey, answers={**ANSWERS, "air_bersih": False})
    db.session.commit()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.response.correct"))
    assert '"air_bersih":true' in event.before and '"air_bersih":false' in event.after
    assert queries.response_of(survey, m.id).answers["air_bersih"] is False


def test_results_count_share_and_margin(roster, make_survey, in_request):
    survey = make_survey()
    everyone = [m for ms in roster["members"].values() for m in ms]
    items = [services.ResponseInput(m.id, {**ANSWERS, "air_bersih": i % 3 == 0}) for i, m in enumerate(everyone[:9])]
    services.record_responses(actor="test", survey=survey, items=items, channel="upload", today=TODAY)
    db.session.commit()
    result = queries.results(survey)
    q = result["questions"][0]
    assert (result["responses"], result["sample"], q["counts"]) == (9, 12, {"yes": 3, "no": 6})
    assert q["margin"]["yes"] == pytest.approx(rules.margin(3 / 9, 9, 12))
    pub = queries.published(result)
    assert [g["region"] for g in pub["questions"][0]["by_region"]] == ["Bojong", "Cibinong"]
    bojong = pub["questions"][0]["by_region"][0]
    assert bojong["suppressed"] and bojong["counts"] == {"yes": None, "no": None}  # nobody answered in Bojong
    assert all(q["kind"] != "text" for q in pub["questions"])
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 9


def test_the_summary_is_the_results_without_the_centres_and_is_computed_without_them(
        roster, make_survey, in_request, monkeypatch):
    survey = make_survey()
    everyone = [m for ms in roster["members"].values() for m in ms]
    items = [services.ResponseInput(m.id, {**ANSWERS, "biaya": 1000 * i}) for i, m in enumerate(everyone[:7])]
    services.record_responses(actor="test", survey=survey, items=items, channel="upload", today=TODAY)
    db.session.commit()
    asked = []
    compute = queries.compute
    monkeypatch.setattr(queries, "compute", lambda s, **kw: asked.append(kw) or compute(s, **kw))
    summary = queries.summary(survey)
    assert asked == [{"centres": False}]  # the page's summary does not tally the centres first
    full = queries.results(survey)
    assert asked == [{"centres": False}, {}]
    assert all(q["by_centre"] for q in full["questions"] if q["kind"] != "text")
    assert all("by_centre" not in q for q in summary["questions"])
    assert summary == {**full, "questions": [{k: v for k, v in q.items() if k != "by_centre"}
                                             for q in full["questions"]]}
    assert summary["responses"] == 7 and summary["questions"][3]["median"] == 3000
    queries.summary(survey)
    assert len(asked) == 2  # cached by the data versions
    # one question with its centres, cached on its own (the by-centre page reads only that)
    assert queries.with_centres(survey, "sumber") == next(q for q in full["questions"] if q["key"] == "sumber")
    assert queries.with_centres(survey, "nope") is None
    queries.with_centres(survey, "sumber")
    assert len(asked) == 2


def test_the_batch_api_stores_a_batch_once(roster, make_survey, api_as):
    survey = make_survey()
    api = api_as("manager")
    body = {"responses": [{"key": f"phone-1-{i:04d}", "member_id": m.id, "answered_on": TODAY.isoformat(),
                           "answers": ANSWERS} for i, m in enumerate(roster["members"]["mawar"])]}
    first = api.post(f"/api/v1/surveys/{survey.id}/responses", json=body)
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"created": 4, "duplicates": 0}
    again = api.post(f"/api/v1/surveys/{survey.id}/responses", json=body)
    assert again.get_json() == {"created": 0, "duplicates": 4}
    assert api_as("member").post(f"/api/v1/surveys/{survey.id}/responses", json=body).status_code == 403
    assert api.post("/api/v1/surveys/9999/responses", json=body).status_code == 404


def test_evidence_is_attached_once_to_one_target(roster, make_survey, make_agreement, in_request):
    from govtrack.errors import Conflict

    survey = make_survey()
    agreement = make_agreement("Kredit air", clauses=["Bunga 9 %."])
    from govtrack.agreements.models import Clause

    clause = db.session.scalar(select(Clause).where(Clause.agreement_id == agreement.id))
    e = services.attach_evidence(actor="test", survey=survey, question_key="sumber", region="Bojong", clause_id=clause.id)
    assert (e.question_key, e.region, e.clause_id) == ("sumber", "Bojong", clause.id)
    with pytest.raises(Conflict):
        services.attach_evidence(actor="test", survey=survey, question_key="sumber", region="Bojong", clause_id=clause.id)
    with pytest.raises(ValidationFailed) as err:
        services.attach_evidence(actor="test", survey=survey, question_key="nope", region="Mars")
    assert {"target", "question_key", "region"} <= set(err.value.fields)
    assert [x.id for x in queries.evidence_for(clause_ids=[clause.id])] == [e.id]
