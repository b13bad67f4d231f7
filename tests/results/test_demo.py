"""The demo's grant carries a results framework with two quarters of verified actuals and a
claimable tranche, and the board has a third quarter to verify."""

from __future__ import annotations

from sqlalchemy import select

from govtrack.agreements.models import Agreement
from govtrack.core import clock
from govtrack.demo import load_demo
from govtrack.extensions import db
from govtrack.obligations import queries as ob_queries
from govtrack.results import queries


def test_the_demo_grant_has_a_framework_two_verified_quarters_and_a_claimable_tranche(app_context):
    load_demo()
    db.session.commit()
    grant = db.session.scalar(select(Agreement).where(Agreement.reference == "PKS/2026/001"))
    results = queries.results_of(grant.id)
    assert [r.kind for r in results] == ["output", "outcome"]
    toilets = next(i for r in results for i in r.indicators if i.code == "JAMBAN")
    rows = queries.period_rows(toilets)
    verified = [r for r in rows if r.actual is not None and r.actual.status == "verified"]
    assert len(verified) == 2 and all(len(r.splits) == 2 for r in verified)
    assert [r.actual.status for r in rows if r.actual is not None][2:] == ["submitted"]
    states = {t.title: t.state for t in ob_queries.open_tranches(today=clock.today())}
    assert states["Tahap hibah 2"] == "claimable"
    assert states["Tahap hibah 3"] in ("waiting", "late")
