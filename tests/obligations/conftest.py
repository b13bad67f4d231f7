"""Obligations fixtures: a pinned date, an agreement with a funder and a lender, and a factory."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal

import pytest

from govtrack.extensions import db

TODAY = dt.date(2027, 3, 15)


@pytest.fixture
def today(monkeypatch) -> dt.date:
    """Pin the date the views, the API and the services see (no real clock in any assertion)."""
    from govtrack.core import clock

    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def setting(app_context, make_partner, make_agreement, make_user, today):
    """A manager, a funder and a lender, an active loan agreement with both as parties."""
    manager = make_user("manager", name="Siti Manager")
    funder = make_partner("Yayasan Air Bersih", category="nonprofit_funder")
    lender = make_partner("Bank Syariah Desa", category="financial_institution")
    agreement = make_agreement(
        "Water loan", kind="loan", parties=[(funder, "funder"), (lender, "lender")], status="active",
        start_date=dt.date(2026, 1, 1), end_date=dt.date(2028, 12, 31),
    )
    return {"manager": manager, "funder": funder, "lender": lender, "agreement": agreement}


@pytest.fixture
def make_obligation(app, app_context, setting) -> Callable:
    """make_obligation(due_date=..., owed_by="partner", amount="1000000", ...) -> Obligation."""
    from govtrack.obligations.services import ObligationData, create_obligation

    def make(*, today: dt.date | None = None, commit: bool = True, **kw):
        values = {
            "agreement_id": setting["agreement"].id,
            "owed_by": "partner",
            "partner_id": setting["funder"].id,
            "kind": "disbursement",
            "title": "Grant tranche",
            "responsible_id": setting["manager"].id,
        }
        values.update(kw)
        if values.get("amount") is not None:
            values["amount"] = Decimal(values["amount"])
        # A request context, as in the app: refusals translate their messages.
        with app.test_request_context():
            ob = create_obligation(actor="test", data=ObligationData(**values),
                                   today=today or dt.date(2027, 1, 1))
        if commit:
            db.session.commit()
        return ob

    return make


def occurrences_of(obligation_id: int):
    from sqlalchemy import select

    from govtrack.obligations.models import Occurrence

    return list(db.session.scalars(
        select(Occurrence).where(Occurrence.obligation_id == obligation_id).order_by(Occurrence.due_on)
    ))


DASHBOARD_TOTAL = re.compile(r"(\d+) open items up to")


def dashboard_group_row(html: str, label: str) -> tuple[int, int] | None:
    """(overdue, next 30 days) of the dashboard group row labelled `label`, or None."""
    m = re.search(re.escape(label) + r'</td><td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>', html)
    return (int(m.group(1)), int(m.group(2))) if m else None


def dashboard_html(client, query: str = "") -> str:
    resp = client.get("/obligations/" + query)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def dashboard_total(html: str) -> int:
    return int(DASHBOARD_TOTAL.search(html).group(1))
