"""The demo loader puts obligations both ways on the core loader's agreements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from govtrack.extensions import db
from govtrack.obligations.models import Obligation, Occurrence


def test_demo_obligations_both_ways_with_fulfilled_and_overdue(app, make_partner, make_agreement, make_user, today):
    from govtrack.demo import obligations as demo

    start = today - dt.timedelta(days=300)
    funder, bank, builder = make_partner("Funder"), make_partner("Bank", category="financial_institution"), \
        make_partner("Builder", category="construction_partner")
    agreements = [
        make_agreement("Grant", kind="grant", parties=[(funder, "funder")], start_date=start,
                       value_amount=Decimal("900000000")),
        make_agreement("Loan", kind="loan", parties=[(bank, "lender")], start_date=start,
                       value_amount=Decimal("360000000")),
        make_agreement("Works", kind="construction", parties=[(builder, "contractor")], start_date=start),
    ]
    ctx = {"users": {"manager": make_user("manager")}, "agreements": agreements}
    demo.load(ctx)
    db.session.commit()

    obs = list(db.session.scalars(select(Obligation)))
    assert {o.owed_by for o in obs} == {"cooperative", "partner"}
    assert {"disbursement", "report", "repayment", "construction_milestone"} <= {o.kind for o in obs}
    assert any(o.rrule and "FREQ=MONTHLY" in o.rrule for o in obs if o.kind == "repayment")
    occs = list(db.session.scalars(select(Occurrence)))
    assert any(o.fulfilled_on and o.note for o in occs)
    assert any(o.fulfilled_on is None and o.due_on < today for o in occs)
    assert all(o.responsible_id == ctx["users"]["manager"].id for o in obs)


def test_demo_loader_without_agreements_does_nothing(app_context, app):
    from govtrack.demo import obligations as demo

    demo.load({"logins": []})
    assert db.session.scalar(select(Obligation.id)) is None
