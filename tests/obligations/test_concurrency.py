"""Fulfilments of one obligation racing each other (found by benchmarks/load.py on PostgreSQL): each
pays a different occurrence, none pays one twice, and the payments add up to what is recorded paid."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from govtrack.errors import Conflict
from govtrack.extensions import db
from govtrack.obligations.models import Occurrence, Payment
from tests.obligations.conftest import TODAY


@pytest.mark.slow
def test_concurrent_fulfilments_never_pay_an_occurrence_twice(app, make_obligation):
    from govtrack.obligations import services
    from govtrack.obligations.models import Obligation

    ob = make_obligation(rrule="FREQ=MONTHLY;COUNT=12", starts_on=TODAY, amount="250000")
    ob_id = ob.id
    db.session.rollback()
    n = 6
    barrier = threading.Barrier(n)
    results: list[str] = []

    def worker(i: int) -> None:
        # A POST, as in the app: on SQLite its transaction begins IMMEDIATE (takes the write lock).
        with app.app_context(), app.test_request_context(method="POST"):
            # Load the obligation and its occurrences first, as the API does before it fulfils.
            obligation = db.session.get(Obligation, ob_id)
            list(db.session.scalars(select(Occurrence).where(Occurrence.obligation_id == ob_id)))
            db.session.rollback()
            barrier.wait(timeout=30)
            try:
                services.fulfil(actor="test", obligation=obligation, on=TODAY, note=f"payer {i}")
                db.session.commit()
                results.append("ok")
            except Conflict as err:
                db.session.rollback()
                results.append(err.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results == ["ok"] * n
    db.session.rollback()
    rows = db.session.execute(
        select(Occurrence.id, Occurrence.paid_amount, Occurrence.amount, func.count(Payment.id),
               func.sum(Payment.amount))
        .join(Payment, Payment.occurrence_id == Occurrence.id)
        .where(Occurrence.obligation_id == ob_id).group_by(Occurrence.id, Occurrence.paid_amount,
                                                            Occurrence.amount)
    ).all()
    assert len(rows) == n  # six different occurrences paid
    for _, paid, owed, count, total in rows:
        assert (count, total, paid) == (1, Decimal("250000.00"), owed)
