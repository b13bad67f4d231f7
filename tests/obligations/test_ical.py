"""The personal calendar feed: a secret URL, no login, parseable, right dates, revocable."""

from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar

from tests.conftest import csrf_token

D = dt.date
URL_RE = re.compile(r'id="feed-url" readonly value="([^"]+)"')


def _fetch(app, path):
    """As a calendar program: a fresh client, no session, no token header."""
    resp = app.test_client().get(path)
    return resp


def _issue(client) -> str:
    resp = client.post("/obligations/calendar/issue", data={"csrf_token": csrf_token(client, "/obligations/calendar")})
    assert resp.status_code == 200
    m = URL_RE.search(resp.get_data(as_text=True))
    assert m, "the new address is shown once"
    return m.group(1).replace("http://localhost", "")


def test_the_feed_parses_and_carries_each_occurrence_on_its_date(
    app, client, sign_in, setting, make_obligation, make_user, today
):
    mine = make_obligation(rrule="FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3", starts_on=D(2027, 1, 1), title="Monthly report")
    make_obligation(due_date=D(2027, 4, 2), title="Someone else's", responsible_id=make_user("manager").id)
    sign_in(setting["manager"])
    path = _issue(client)

    resp = _fetch(app, path)
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    cal = Calendar.from_ical(resp.data)
    events = [c for c in cal.walk("VEVENT")]
    assert sorted(e.decoded("dtstart") for e in events) == [D(2027, 1, 31), D(2027, 3, 31), D(2027, 5, 31)]
    assert all(str(e["summary"]).startswith("Monthly report") for e in events)
    assert all(e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(days=1) for e in events)
    assert len({str(e["uid"]) for e in events}) == 3
    assert mine.id  # the other user's obligation is not in this feed
    assert "Someone else" not in resp.get_data(as_text=True)


def test_a_revoked_or_replaced_feed_answers_404(app, client, sign_in, setting, make_obligation, today):
    make_obligation(due_date=D(2027, 4, 2))
    sign_in(setting["manager"])
    first = _issue(client)
    second = _issue(client)  # a new address replaces the old one
    assert _fetch(app, first).status_code == 404
    assert _fetch(app, second).status_code == 200

    resp = client.post("/obligations/calendar/revoke", data={"csrf_token": csrf_token(client, "/obligations/calendar")})
    assert resp.status_code == 302
    assert _fetch(app, second).status_code == 404
    assert _fetch(app, "/obligations/ical/not-a-token.ics").status_code == 404
