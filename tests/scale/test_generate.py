"""The scale generator, at its smallest scale: the rows it promises, every constraint, the rules."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from sqlalchemy import func, select

from benchmarks.generate import generate, make_app


def test_generate_xs_is_complete_and_consistent(tmp_path):
    url = f"sqlite:///{tmp_path / 'xs.sqlite3'}"
    result = generate(url, "XS", today=dt.date(2026, 6, 1), instance=tmp_path / "instance", quiet=True)
    counts = result["counts"]
    assert counts["members"] == 280
    assert counts["agreements"] == 20 and counts["clauses"] == 100
    assert counts["obligation_occurrences"] == 100
    assert counts["meetings"] == 12
    assert counts["votes"] >= 250 and counts["decisions"] >= 1 and counts["obligation_payments"] >= 1
    assert counts["clause_versions"] > counts["clauses"]  # approving decisions made second versions
    users = json.loads((tmp_path / "xs.sqlite3.users.json").read_text())["users"]
    assert set(users) == {"admin", "board", "manager", "member", "officer"} and all(u["token"] for u in users.values())
    assert counts["centres"] == 12 and counts["centre_positions"] >= 5 * 5  # centres of 25; 5 heard on 5 points

    con = sqlite3.connect(tmp_path / "xs.sqlite3")
    try:
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        q = con.execute
        # every member in a centre whose name it carries; every chair a member of their own centre
        assert q("SELECT count(*) FROM members m LEFT JOIN centres c ON c.id = m.centre_id "
                 "WHERE c.id IS NULL OR c.name <> m.group_name").fetchone() == (0,)
        assert q("SELECT count(*) FROM centres c JOIN members m ON m.id = c.chair_member_id "
                 "WHERE m.centre_id <> c.id").fetchone() == (0,)
        # the survey's sample: drawn members in their own centres; responses only by drawn members, in the window
        assert counts["survey_members"] == counts["survey_responses"] == 50
        assert q("SELECT count(*) FROM survey_members s JOIN members m ON m.id = s.member_id "
                 "WHERE s.centre_id <> m.centre_id OR NOT m.active OR m.investor").fetchone() == (0,)
        assert q("SELECT count(*) FROM survey_responses r LEFT JOIN survey_members s ON s.survey_id = r.survey_id "
                 "AND s.member_id = r.member_id WHERE s.member_id IS NULL OR s.centre_id <> r.centre_id").fetchone() == (0,)
        assert q("SELECT count(*) FROM survey_responses r JOIN surveys s ON s.id = r.survey_id "
                 "WHERE r.answered_on < s.opens_on OR r.answered_on > '2026-06-01'").fetchone() == (0,)
        # positions only on an agreement under deliberation
        assert q("SELECT count(*) FROM centre_positions p JOIN agreements a ON a.id = p.agreement_id "
                 "WHERE a.status <> 'under_deliberation'").fetchone() == (0,)
        # every opened meeting has its roll of voters, and each closed motion counted it
        assert q("SELECT count(*) FROM meetings m WHERE m.status IN ('open', 'closed') AND NOT EXISTS "
                 "(SELECT 1 FROM meeting_voters v WHERE v.meeting_id = m.id)").fetchone() == (0,)
        assert q("SELECT count(*) FROM motions mo WHERE mo.status = 'closed' AND mo.eligible <> "
                 "(SELECT count(*) FROM meeting_voters v WHERE v.meeting_id = mo.meeting_id)").fetchone() == (0,)
        # one decision per carried motion, none for the others
        assert q("SELECT count(*) FROM motions WHERE outcome = 'carried'").fetchone() == \
            q("SELECT count(*) FROM decisions").fetchone()
        assert q("SELECT count(*) FROM decisions d JOIN motions m ON m.id = d.motion_id "
                 "WHERE m.outcome <> 'carried'").fetchone() == (0,)
        # votes only by members present in person or by proxy (cast by their present holder)
        assert q("""SELECT count(*) FROM votes v JOIN motions m ON m.id = v.motion_id
                    LEFT JOIN attendances a ON a.meeting_id = m.meeting_id AND a.member_id = v.member_id
                    WHERE a.id IS NULL OR (a.status = 'proxy') <> (v.cast_by_id IS NOT NULL)
                       OR (a.status = 'proxy' AND a.proxy_holder_id <> v.cast_by_id)""").fetchone() == (0,)
        # ... who are eligible: named voters of a listed forum, active non-investors
        assert q("""SELECT count(*) FROM votes v JOIN motions m ON m.id = v.motion_id
                    JOIN meetings mt ON mt.id = m.meeting_id JOIN forums f ON f.id = mt.forum_id
                    JOIN members mb ON mb.id = v.member_id
                    WHERE NOT mb.active OR mb.investor OR (NOT f.all_members AND NOT EXISTS (
                        SELECT 1 FROM forum_voters fv WHERE fv.forum_id = f.id AND fv.member_id = v.member_id))
                 """).fetchone() == (0,)
        # a roll-call motion's stored counts are its votes
        assert q("""SELECT count(*) FROM motions m WHERE m.method = 'roll_call' AND m.yes <>
                    (SELECT count(*) FROM votes v WHERE v.motion_id = m.id AND v.choice = 'yes')""").fetchone() == (0,)
        # every approved or signed agreement was approved by a decision of the central forum
        assert q("""SELECT count(*) FROM agreements a WHERE a.status IN ('approved', 'active', 'completed',
                    'suspended') AND NOT EXISTS (SELECT 1 FROM decisions d JOIN forums f ON f.id = d.forum_id
                    WHERE d.agreement_id = a.id AND f.kind = 'rembug_pusat' AND d.effect LIKE 'approve%')
                 """).fetchone() == (0,)
    finally:
        con.close()

    app = make_app(url, tmp_path / "instance")
    with app.app_context():
        from govtrack.audit.services import verify_chain
        from govtrack.extensions import db
        from govtrack.forums.models import Decision

        assert verify_chain().ok
        assert db.session.scalar(select(func.count()).select_from(Decision)) == counts["decisions"]
        _survey_is_the_services_own(db)
        db.engine.dispose()


def _survey_is_the_services_own(db) -> None:
    """The generated survey is what the service would have made: the same seed draws the same sample
    (rules.draw), every stored answer is in the stored form check_answers gives, and its results
    count every response."""
    from govtrack.members.models import Member
    from govtrack.surveys import queries, rules, services
    from govtrack.surveys.models import SurveyMember, SurveyResponse

    survey = queries.get(1)
    strata: dict = {}
    for member_id, centre_id in db.session.execute(select(Member.id, Member.centre_id).where(
            Member.active.is_(True), Member.investor.is_(False))):
        strata.setdefault(centre_id, []).append(member_id)
    drawn = sorted(db.session.execute(select(SurveyMember.member_id, SurveyMember.centre_id)).all())
    assert drawn == sorted(rules.draw(strata, survey.sample_size, survey.sample_seed))
    assert survey.population_size == sum(len(v) for v in strata.values())
    questions = queries.questions(survey)
    for answers in db.session.scalars(select(SurveyResponse.answers)):
        errors: dict = {}
        assert services.check_answers(questions, answers, "r", errors) == answers and not errors
    result = queries.results(survey)
    assert result["responses"] == result["sample"] == 50
    assert sum(result["questions"][0]["counts"].values()) == 50
