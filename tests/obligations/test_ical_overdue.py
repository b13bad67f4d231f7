"""The calendar feed keeps what is overdue, however old, and says every status in its owner's
language; it is read in a fixed number of statements however many occurrences it carries."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from govtrack.extensions import db
from govtrack.obligations import services
from tests.conftest import csrf_token
from tests.obligations.test_ical import URL_RE

D = dt.date


def _issue(client) -> str:
    resp = client.post("/obligations/calendar/issue",
                       data={"csrf_token": csrf_token(client, "/obligations/calendar")})
    assert resp.status_code == 200
    return URL_RE.search(resp.get_data(as_text=True)).group(1).replace("http://localhost", "")


def _events(app, path) -> dict[dt.date, dict]:
    resp = app.test_client().get(path)
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    return {e.decoded("dtstart"): {"summary": str(e["summary"]), "description": str(e["description"])}
            for e in Calendar.from_ical(resp.data).walk("VEVENT")}


def _fulfil(ob, on: dt.date) -> None:
    services.fulfil(actor="test", obligation=ob, on=on)
    db.session.commit()


@pytest.mark.parametrize(("locale", "overdue", "pending"), [
    ("id", "Lewat jatuh tempo", "Menunggu"),
    ("en", "Overdue", "Pending"),
])
def test_an_open_occurrence_overdue_for_years_stays_in_the_feed_in_its_owners_language(
        app, client, sign_in, setting, make_obligation, today, locale, overdue, pending):
    manager = setting["manager"]
    manager.locale = locale
    db.session.commit()
    make_obligation(due_date=D(2024, 1, 10), title="Laporan 2023")           # open, three years late
    old_done = make_obligation(due_date=D(2025, 1, 10), title="Laporan 2024")  # fulfilled two years ago
    recent_done = make_obligation(due_date=D(2026, 12, 10), title="Laporan November")
    make_obligation(due_date=D(2027, 9, 1), title="Laporan semester")
    _fulfil(old_done, D(2025, 1, 12))
    _fulfil(recent_done, D(2026, 12, 11))
    sign_in(manager)

    events = _events(app, _issue(client))
    assert set(events) == {D(2024, 1, 10), D(2026, 12, 10), D(2027, 9, 1)}
    late = events[D(2024, 1, 10)]
    assert late["summary"] == f"Laporan 2023 (Yayasan Air Bersih) — {overdue}"
    assert f"Status: {overdue}" in late["description"]
    assert f"Status: {pending}" in events[D(2027, 9, 1)]["description"]
    assert events[D(2027, 9, 1)]["summary"] == "Laporan semester (Yayasan Air Bersih)"
    for event in events.values():  # no stored code reaches the reader
        words = set((event["summary"] + " " + event["description"]).replace(":", " ").split())
        assert not words & {"overdue", "due_soon", "pending", "fulfilled", "waived", "disbursement"}


def test_the_feed_is_read_in_the_same_number_of_statements_for_3_or_40_occurrences(
        app, client, sign_in, setting, make_obligation, today, count_queries):
    sign_in(setting["manager"])
    for year in (2020, 2021, 2022):
        make_obligation(due_date=D(year, 5, 1), title=f"Laporan {year}")
    path = _issue(client)
    with count_queries() as few:
        assert len(_events(app, path)) == 3
    for k in range(37):
        make_obligation(due_date=D(2019, 1, 1) + dt.timedelta(days=30 * k), title=f"Laporan lama {k}")
    with count_queries() as many:
        assert len(_events(app, path)) == 40
    assert many.count == few.count <= 4, many.statements
