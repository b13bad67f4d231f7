"""Local time: every date-time a person types or reads is on the cooperative's clock
(GOVTRACK_TIMEZONE), named by the zone's short name, stored as aware UTC; the API takes an offset,
and a time without one as the cooperative's."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.core import clock
from govtrack.core.i18n import format_when
from govtrack.extensions import db
from govtrack.forums.models import Decision, Meeting
from tests.conftest import csrf_token
from tests.hostile.conftest import table_counts

UTC = dt.UTC
ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}


def _shown(app, when: dt.datetime, lang: str, style: str = "full") -> str:
    with app.test_request_context(headers={"Accept-Language": lang}):
        return format_when(when, style)


# ---- the one format ----

def test_a_stored_time_reads_on_the_cooperative_clock_in_words_without_seconds(app):
    stored = dt.datetime(2026, 12, 5, 2, 0, 45, tzinfo=UTC)
    assert _shown(app, stored, "id") == "Sabtu, 5 Desember 2026, 09.00 WIB"
    assert _shown(app, stored, "en") == "Saturday, 5 December 2026, 09:00 WIB"
    assert _shown(app, stored, "id", "short") == "5 Des 2026, 09.00 WIB"
    assert _shown(app, stored, "en", "short") == "5 Dec 2026, 09:00 WIB"
    assert _shown(app, None, "id") == "—"


def test_half_past_midnight_wib_is_the_previous_day_in_utc_and_shows_on_its_own_day(app):
    with app.app_context():
        stored = clock.from_local(dt.datetime(2026, 12, 5, 0, 30))
    assert stored == dt.datetime(2026, 12, 4, 17, 30, tzinfo=UTC)
    assert _shown(app, stored, "id") == "Sabtu, 5 Desember 2026, 00.30 WIB"


@pytest.mark.parametrize(("zone", "shown", "label"), [
    ("Asia/Makassar", "Sabtu, 5 Desember 2026, 10.00 WITA", "WITA"),
    ("Asia/Jayapura", "Sabtu, 5 Desember 2026, 11.00 WIT", "WIT"),
    ("Europe/Amsterdam", "Sabtu, 5 Desember 2026, 03.00 CET", "CET/CEST"),
    ("Asia/Ho_Chi_Minh", "Sabtu, 5 Desember 2026, 09.00 UTC+07", "UTC+07"),
])
@pytest.mark.parametrize("app_config", [{}])
def test_another_configured_zone_is_named_by_its_own_short_name(app, app_config, zone, shown, label):
    app.config["BABEL_DEFAULT_TIMEZONE"] = zone
    assert _shown(app, dt.datetime(2026, 12, 5, 2, 0, tzinfo=UTC), "id") == shown
    with app.app_context():
        assert clock.zone_label() == label


def test_a_summer_time_zone_round_trips_on_both_sides_of_its_changes(app):
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Amsterdam"
    with app.app_context():
        summer = clock.from_local(dt.datetime(2027, 7, 1, 9, 0))
        winter = clock.from_local(dt.datetime(2027, 12, 1, 9, 0))
        assert summer == dt.datetime(2027, 7, 1, 7, 0, tzinfo=UTC)
        assert winter == dt.datetime(2027, 12, 1, 8, 0, tzinfo=UTC)
        assert clock.local(summer).replace(tzinfo=None) == dt.datetime(2027, 7, 1, 9, 0)
        # the hour the clocks skip (28 March 2027, 02:00 -> 03:00) does not exist
        with pytest.raises(clock.NonexistentTime):
            clock.from_local(dt.datetime(2027, 3, 28, 2, 30))
        # the hour they repeat (31 October 2027) is read as its first pass, still summer time
        assert clock.from_local(dt.datetime(2027, 10, 31, 2, 30)) == dt.datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert _shown(app, summer, "en") == "Thursday, 1 July 2027, 09:00 CEST"
    assert _shown(app, winter, "en") == "Wednesday, 1 December 2027, 09:00 CET"


# ---- the meeting form and pages ----

def _schedule(client, forum, when: str, headers=ID):
    token = csrf_token(client, "/forums/meetings/new")
    return client.post("/forums/meetings/new", headers=headers, data={
        "csrf_token": token, "forum_id": str(forum.id), "title": "Rapat pengurus Desember",
        "starts_at": when, "location": "Balai Koperasi"})


def test_a_secretary_types_nine_oclock_and_reads_nine_oclock_wib(client, sign_in, make_forum):
    sign_in("board")
    forum = make_forum(name="Rapat Pengurus")
    form = client.get("/forums/meetings/new", headers=ID).get_data(as_text=True)
    assert re.search(r'<label[^>]*for="starts_at"[^>]*>Mulai pukul \(WIB\)</label>', form)
    assert "UTC" not in form

    resp = _schedule(client, forum, "2026-12-05T09:00")
    assert resp.status_code == 302
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at == dt.datetime(2026, 12, 5, 2, 0, tzinfo=UTC)

    page = client.get(resp.headers["Location"], headers=ID).get_data(as_text=True)
    assert "Sabtu, 5 Desember 2026, 09.00 WIB" in page
    assert "16.00" not in page and "09.00.00" not in page and "UTC" not in page
    listed = client.get("/forums/meetings", headers=ID).get_data(as_text=True)
    assert "5 Des 2026, 09.00 WIB" in listed
    english = client.get(resp.headers["Location"], headers=EN).get_data(as_text=True)
    assert "Saturday, 5 December 2026, 09:00 WIB" in english


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_TIMEZONE": "Asia/Jayapura"}])
def test_in_jayapura_the_form_and_the_page_say_wit(client, sign_in, make_forum, app_config):
    sign_in("board")
    forum = make_forum()
    form = client.get("/forums/meetings/new", headers=ID).get_data(as_text=True)
    assert "Mulai pukul (WIT)" in form and "UTC" not in form
    resp = _schedule(client, forum, "2026-12-05T09:00")
    assert resp.status_code == 302
    assert db.session.scalar(select(Meeting.starts_at)) == dt.datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
    page = client.get(resp.headers["Location"], headers=ID).get_data(as_text=True)
    assert "Sabtu, 5 Desember 2026, 09.00 WIT" in page


def test_half_past_midnight_typed_is_kept_on_its_day(client, sign_in, make_forum):
    sign_in("board")
    resp = _schedule(client, make_forum(), "2026-12-05T00:30")
    assert resp.status_code == 302
    assert db.session.scalar(select(Meeting.starts_at)) == dt.datetime(2026, 12, 4, 17, 30, tzinfo=UTC)
    listed = client.get("/forums/meetings", headers=ID).get_data(as_text=True)
    assert "5 Des 2026, 00.30 WIB" in listed and "4 Des 2026" not in listed


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam"}])
def test_an_hour_the_clocks_skip_is_a_field_error_that_writes_nothing(client, sign_in, make_forum, app_config):
    sign_in("board")
    forum = make_forum()
    before = table_counts()
    resp = _schedule(client, forum, "2027-03-28T02:30", headers=EN)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert re.search(r'id="starts_at-errors"[^>]*>\s*<div>02:30 does not exist in CET/CEST', html)
    assert 'value="2027-03-28T02:30"' in html  # what was typed stays in the field
    assert table_counts() == before
    # a summer date typed in winter is stored with the summer offset
    assert _schedule(client, forum, "2027-07-01T09:00", headers=EN).status_code == 302
    assert db.session.scalar(select(Meeting.starts_at)) == dt.datetime(2027, 7, 1, 7, 0, tzinfo=UTC)


def test_a_stored_time_put_back_into_the_form_shows_on_the_wall_clock(app):
    from govtrack.forums.forms import MeetingForm

    with app.test_request_context(headers=ID):
        form = MeetingForm(meta={"csrf": False}, data={"starts_at": dt.datetime(2026, 12, 4, 17, 30, tzinfo=UTC)})
        assert 'value="2026-12-05T00:30"' in form.starts_at()
        assert str(form.starts_at.label.text) == "Mulai pukul (WIB)"


def test_a_decision_taken_after_midnight_wib_on_new_year_is_dated_and_numbered_in_the_new_year(
        make_members, make_meeting, make_motion, vote):
    from govtrack.forums import services

    members = make_members(3)
    meeting = make_meeting(present=members)
    motion = make_motion(meeting)
    vote(motion, {m: "yes" for m in members})
    services.close_motion(actor="test", motion=motion, now=dt.datetime(2026, 12, 31, 17, 30, tzinfo=UTC))
    db.session.commit()
    decision = db.session.scalar(select(Decision))
    assert decision.decided_on == dt.date(2027, 1, 1)
    assert decision.number.endswith("-2027-001")


def test_the_audit_page_shows_local_times_not_utc(client, sign_in, make_forum):
    sign_in("admin")
    make_forum()
    html = client.get("/admin/audit/", headers=ID).get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent.at).order_by(AuditEvent.id.desc()).limit(1))
    with client.application.test_request_context(headers=ID):
        expected = format_when(event, "short")
    assert expected.endswith(" WIB") and expected in html
    assert "UTC" not in html


# ---- the API ----

def test_the_api_reads_a_time_without_offset_on_the_cooperative_clock_and_answers_with_its_offset(
        api_as, make_forum):
    api = api_as("board")
    forum = make_forum()
    for sent in ("2026-12-05T09:00", "2026-12-05T09:00:00+07:00", "2026-12-05T02:00:00Z",
                 "2026-12-04T21:00:00-05:00"):
        resp = api.post("/api/v1/meetings", json={"forum_id": forum.id, "title": "Rapat", "starts_at": sent})
        assert resp.status_code == 201, resp.get_json()
        assert resp.get_json()["starts_at"] == "2026-12-05T09:00:00+07:00", sent
    stored = set(db.session.scalars(select(Meeting.starts_at)))
    assert stored == {dt.datetime(2026, 12, 5, 2, 0, tzinfo=UTC)}
    listed = api.get("/api/v1/meetings").get_json()["items"]
    assert {m["starts_at"] for m in listed} == {"2026-12-05T09:00:00+07:00"}


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam"}])
def test_the_api_refuses_an_hour_the_clocks_skip_naming_the_field(api_as, make_forum, app_config):
    api = api_as("board")
    forum = make_forum()
    before = table_counts()
    resp = api.post("/api/v1/meetings", json={"forum_id": forum.id, "title": "Rapat",
                                              "starts_at": "2027-03-28T02:30"})
    assert resp.status_code == 422
    assert "skip" in resp.get_json()["error"]["fields"]["starts_at"][0]
    assert table_counts() == before
    # with an offset the same wall-clock text is a plain instant
    resp = api.post("/api/v1/meetings", json={"forum_id": forum.id, "title": "Rapat",
                                              "starts_at": "2027-03-28T02:30:00+01:00"})
    assert resp.status_code == 201
    assert resp.get_json()["starts_at"] == "2027-03-28T03:30:00+02:00"


def test_the_openapi_document_says_how_a_time_without_offset_is_read(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    starts_at = doc["components"]["schemas"]["Meeting"]["properties"]["starts_at"]
    assert starts_at["format"] == "date-time"
    assert "without one" in starts_at["description"] and "GOVTRACK_TIMEZONE" in starts_at["description"]
