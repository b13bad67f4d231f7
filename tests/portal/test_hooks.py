"""The seams through which the forums and obligations areas feed the portal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from govtrack.portal import hooks


def _d(id, agreement_id, day):
    return hooks.DecisionSummary(id=id, agreement_id=agreement_id, number=str(id),
                                 decided_on=dt.date(2025, 1, day), forum_name="F")


def test_decisions_from_every_provider_are_merged_newest_first_and_kept_to_the_ids_asked(monkeypatch):
    monkeypatch.setattr(hooks, "decision_providers", [])
    hooks.register_decision_provider(lambda ids: {1: [_d(1, 1, 5)], 3: [_d(9, 3, 1)]})
    second = hooks.register_decision_provider(lambda ids: {1: [_d(2, 1, 20)]})
    hooks.register_decision_provider(second)  # registering twice does not double the rows
    out = hooks.decisions_for([1, 2])
    assert [d.id for d in out[1]] == [2, 1]
    assert out[2] == [] and 3 not in out
    assert hooks.decisions_for([]) == {}


def test_obligations_are_sorted_by_due_date_with_undated_last(monkeypatch):
    monkeypatch.setattr(hooks, "obligation_providers", [])
    assert not hooks.has_obligations()
    row = lambda id, due: hooks.ObligationSummary(id=id, title="t", kind="report", owed_by="partner",  # noqa: E731
                                                  status="pending", due_date=due, amount=Decimal("1"))
    hooks.register_obligation_provider(lambda agreement_id: [row(1, None), row(2, dt.date(2025, 5, 1))])
    hooks.register_obligation_provider(lambda agreement_id: [row(3, dt.date(2025, 2, 1))])
    assert hooks.has_obligations()
    assert [o.id for o in hooks.obligations_for(7)] == [3, 2, 1]
