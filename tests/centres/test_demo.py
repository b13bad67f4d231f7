"""The demo's centres and their positions on the pending credit line."""

from __future__ import annotations

from sqlalchemy import func, select

from govtrack.agreements.models import Agreement
from govtrack.centres.models import CentrePosition
from govtrack.centres.queries import rollup
from govtrack.extensions import db
from govtrack.members.models import Centre


def test_the_demo_has_centres_and_positions_on_the_pending_credit_line(app_context, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Centre)) == 5
    assert "officer@" in result.output or db.session.scalar(select(func.count()).select_from(Centre)
                                                             .where(Centre.officer_id.is_not(None))) == 3
    credit = db.session.scalar(select(Agreement).where(Agreement.reference == "PBY/2026/007"))
    assert credit.status == "under_deliberation"
    first, second = rollup(credit)
    assert (first.tallies["support"].centres, first.tallies["amend"].centres, first.tallies["oppose"].centres) == (
        3, 1, 0)  # the third centre's later amendment replaced its opposition
    assert first.not_heard == 1
    assert [(t.text, t.centres) for t in second.texts] == [("Nisbah bagi hasil 65:35 untuk koperasi.", 2)]
    assert db.session.scalar(select(func.count()).where(CentrePosition.superseded_at.is_not(None))) == 1
