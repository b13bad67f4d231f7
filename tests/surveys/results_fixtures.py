"""A survey answered in four centres of three regions, sized for the small-cell rule: Parung has
exactly 5 respondents (shown), Bojong 4 (hidden), Cibinong 9 of 10 (its yes/no cells 2 and 7: the 2
hidden and, as its complement, the 7). Everyone: 18 of 19 answered; yes 9, no 9; Sumur 9, PDAM 9."""

import datetime as dt

import pytest
from sqlalchemy import select

from govtrack.agreements.models import Clause
from govtrack.extensions import db
from govtrack.forums.models import AgendaItem, Motion
from govtrack.surveys import services

TODAY = dt.date(2026, 11, 30)  # as tests/surveys/conftest.py (which imports this module)
CENTRES = (("melati", "Rembug Melati", "RP-1", "Cibinong", 6), ("mawar", "Rembug Mawar", "RP-2", "Cibinong", 4),
           ("kenanga", "Rembug Kenanga", "RP-3", "Bojong", 4), ("anggrek", "Rembug Anggrek", "RP-4", "Parung", 5))
NOTE = "Air keruh di musim kemarau"


@pytest.fixture
def answered(make_centre, make_member, make_user, make_survey):
    members: dict = {}

    def make(visibility="internal", title="Survei kebutuhan air 2026"):
        if not members:  # the roster once; each call a survey of it
            officer = make_user("officer", name="Yusuf Petugas")
            for key, name, code, region, n in CENTRES:
                centre = make_centre(name, code=code, region=region, officer=officer if key == "melati" else None)
                members[key] = [make_member(f"{name} {i}", group=centre.name) for i in range(n)]
        survey = make_survey(visibility=visibility, title=title)
        items = []
        yes_of = {"melati": 1, "mawar": 1, "kenanga": 2, "anggrek": 5}
        for key, *_rest in CENTRES:
            answering = members[key][:5] if key == "melati" else members[key]
            for i, m in enumerate(answering):
                answers = {"air_bersih": i < yes_of[key],
                           "sumber": "PDAM" if key in ("melati", "mawar") else "Sumur",
                           "kebutuhan": ["Jamban"] if i % 2 else ["Jamban", "Filter"],
                           "biaya": 10000 * (i + 1)}
                if key == "kenanga" and i == 0:
                    answers["catatan"] = NOTE
                items.append(services.ResponseInput(m.id, answers, key=f"resp-{m.id:08d}", answered_on=TODAY))
        services.record_responses(actor="test", survey=survey, items=items, channel="upload", today=TODAY)
        db.session.commit()
        return survey

    return make


@pytest.fixture
def decided(make_agreement, make_decision):
    """An agreement with three points, published to members, and a decision of a forum about it
    (its meeting, the agenda item and the motion)."""
    agreement = make_agreement("Kredit air bersih", clauses=["Bunga 9 %.", "Tenor 3 tahun.", "Agunan kelompok."],
                               status="active", visibility="members")
    decision = make_decision(agreement)
    motion = db.session.get(Motion, decision.motion_id)
    item = db.session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == motion.meeting_id))
    clauses = list(db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id).order_by(Clause.number)))
    return {"agreement": agreement, "motion": motion, "item": item, "clauses": clauses, "decision": decision}
