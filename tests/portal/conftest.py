"""Portal fixtures: published agreements with decided clauses, and stand-in providers for the
decisions and obligations that the forums and obligations areas will provide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy import select

from govtrack.extensions import db
from govtrack.forums.queries import DecisionSummary
from govtrack.obligations.queries import ObligationSummary
from govtrack.portal import api as portal_api
from govtrack.portal import feed as portal_feed
from govtrack.portal import views as portal_views
from tests.forums.conftest import make_forum, make_members  # noqa: F401  (fixtures, used by name)


@pytest.fixture
def publish(make_agreement, make_decision) -> Callable:
    """publish("Title", visibility="public", status="active", clauses=[...]) -> a published agreement.

    Its clauses are accepted by decision `decision_id` (by default a real decision made for it)."""
    from govtrack.agreements.models import Clause
    from govtrack.agreements.services import amend_clause

    def make(title: str = "Water grant", *, visibility: str = "public", status: str = "active",
             clauses: list[str] | None = None, decision_id: int | None = None, **kw):
        kw.setdefault("value_amount", Decimal("1500000"))
        kw.setdefault("start_date", dt.date(2025, 3, 1))
        kw.setdefault("end_date", dt.date(2027, 2, 28))
        agreement = make_agreement(title, visibility=visibility, status=status, clauses=clauses, **kw)
        if decision_id is None:
            decision_id = make_decision().id
        for clause in db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id)):
            amend_clause(actor="test", clause=clause, text=None, status="accepted", decision_id=decision_id)
        db.session.commit()
        return agreement

    return make


class FakeDecisions:
    """Stands in for forums.queries.published_decisions, fed by the test ({agreement_id:
    [DecisionSummary]}); records what the portal asked, so a test sees it never asks about an
    agreement the reader may not see."""

    def __init__(self):
        self.rows: dict[int, list[DecisionSummary]] = {}
        self.asked: list[list[int]] = []

    def add(self, agreement, *, id: int, number: str = "1/RP/2025", decided_on=dt.date(2025, 2, 20),
            forum: str = "Forum Rembug Pusat", yes=18, no=3, abstain=2, method="roll_call",
            effect="approve", text=None) -> DecisionSummary:
        d = DecisionSummary(
            id=id, agreement_id=agreement.id, number=number, decided_on=decided_on, forum_name=forum,
            outcome="carried", method=method, yes=yes, no=no, abstain=abstain, effect=effect, text=text,
        )
        self.rows.setdefault(agreement.id, []).append(d)
        return d

    def __call__(self, agreement_ids: list[int]) -> dict[int, list[DecisionSummary]]:
        self.asked.append(list(agreement_ids))
        return {i: sorted(self.rows.get(i, []), key=lambda d: (d.decided_on, d.id), reverse=True)
                for i in agreement_ids}


@pytest.fixture
def decisions(monkeypatch):
    fake = FakeDecisions()
    for module in (portal_api, portal_feed, portal_views):
        monkeypatch.setattr(module, "published_decisions", fake)
    return fake


class FakeObligations:
    def __init__(self):
        self.rows: dict[int, list[ObligationSummary]] = {}

    def add(self, agreement, **kw) -> ObligationSummary:
        kw.setdefault("id", sum(len(v) for v in self.rows.values()) + 1)
        kw.setdefault("kind", "report")
        kw.setdefault("owed_by", "partner")
        kw.setdefault("status", "pending")
        row = ObligationSummary(**kw)
        self.rows.setdefault(agreement.id, []).append(row)
        return row

    def __call__(self, agreement_id: int, today) -> list[ObligationSummary]:
        return sorted(self.rows.get(agreement_id, []),
                      key=lambda o: (o.due_date is None, o.due_date or dt.date.min, o.id))


@pytest.fixture
def obligations(monkeypatch):
    """Stands in for obligations.queries.published_obligations, fed by the test."""
    fake = FakeObligations()
    monkeypatch.setattr(portal_views, "published_obligations", fake)
    return fake


PDF = b"%PDF-1.4\n" + b"1" * 64


@pytest.fixture
def attach(app_context) -> Callable:
    """attach(agreement, "name.pdf", data) -> the Document, stored through the agreements service."""
    import io

    from werkzeug.datastructures import FileStorage

    from govtrack.agreements.services import add_document

    def make(agreement, name: str = "perjanjian.pdf", data: bytes = PDF):
        doc = add_document(actor="test", agreement=agreement,
                           file=FileStorage(stream=io.BytesIO(data), filename=name))
        db.session.commit()
        return doc

    return make
