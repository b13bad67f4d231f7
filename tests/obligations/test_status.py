"""Status comes from the dates and `today`, at the window's edges, in Python and in SQL alike."""

from __future__ import annotations

import datetime as dt

import pytest

from govtrack.extensions import db
from govtrack.obligations import queries
from tests.obligations.conftest import TODAY, occurrences_of

D = dt.date


@pytest.mark.parametrize(("offset", "expected"), [
    (-30, "overdue"),
    (-1, "overdue"),    # yesterday: late
    (0, "due_soon"),    # due today is not yet late
    (14, "due_soon"),   # the last day of the 14-day window
    (15, "pending"),    # the first day past it
])
def test_status_at_the_edges_of_the_due_soon_window(app, make_obligation, offset, expected):
    due = TODAY + dt.timedelta(days=offset)
    ob = make_obligation(due_date=due, title=f"Report {offset}")
    occ = occurrences_of(ob.id)[0]
    assert queries.status_of(occ.due_on, occ.fulfilled_on, occ.waived, TODAY) == expected
    # The SQL condition the lists and the API filter by says the same.
    page = queries.occurrence_page(filters=queries.Filters(status=expected), today=TODAY, cursor=None, limit=10)
    assert [r.id for r in page.items] == [occ.id]
    assert page.items[0].status == expected
    # ... and the obligation as a whole has that status.
    assert queries.obligation_statuses([ob.id], TODAY)[ob.id]["status"] == expected


def test_the_same_occurrence_changes_status_as_today_moves(app, make_obligation):
    ob = make_obligation(due_date=D(2027, 4, 1))
    occ = occurrences_of(ob.id)[0]
    seen = [queries.status_of(occ.due_on, None, False, today)
            for today in (D(2027, 3, 17), D(2027, 3, 18), D(2027, 4, 1), D(2027, 4, 2))]
    assert seen == ["pending", "due_soon", "due_soon", "overdue"]


class TestConfiguredWindow:
    @pytest.fixture
    def app_config(self):
        return {"DUE_SOON_DAYS": 3}

    def test_the_window_follows_the_setting(self, app, make_obligation):
        ob3 = make_obligation(due_date=TODAY + dt.timedelta(days=3), title="Three")
        ob4 = make_obligation(due_date=TODAY + dt.timedelta(days=4), title="Four")
        statuses = queries.obligation_statuses([ob3.id, ob4.id], TODAY)
        assert statuses[ob3.id]["status"] == "due_soon"
        assert statuses[ob4.id]["status"] == "pending"


def test_fulfilled_and_waived_do_not_depend_on_the_date(app, make_obligation, make_decision):
    from govtrack.obligations.services import (
        WaiverDecision,
        fulfil,
        load_for_update,
        waive_obligation,
    )

    paid = make_obligation(due_date=D(2027, 1, 1), title="Paid")
    waived = make_obligation(due_date=D(2027, 1, 1), title="Waived")
    with app.test_request_context():
        fulfil(actor="test", obligation=load_for_update(paid.id), on=D(2027, 1, 5))
        waive_obligation(actor="test", obligation=load_for_update(waived.id),
                         decision=WaiverDecision(id=make_decision().id, obligation_id=waived.id), reason="flood")
    db.session.commit()
    for today in (D(2026, 1, 1), D(2030, 1, 1)):
        statuses = queries.obligation_statuses([paid.id, waived.id], today)
        assert statuses[paid.id]["status"] == "fulfilled"
        assert statuses[waived.id]["status"] == "waived"


def test_row_columns_are_in_the_order_of_the_row_fields():
    """Rows are built positionally from ROW_COLUMNS."""
    from dataclasses import fields

    from sqlalchemy import select

    names = tuple(select(*queries.ROW_COLUMNS).selected_columns.keys())
    assert names == tuple(f.name for f in fields(queries.Row))[: len(names)]
    assert [f.name for f in fields(queries.Row)][len(names):] == ["status"]
