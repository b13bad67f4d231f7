"""The Atom feed's links: a forged Host header must not reach the feed (a shared cache would serve
the forged links to every reader) when the deployment names its address in GOVTRACK_BASE_URL."""

from __future__ import annotations

import pytest

BASE = "https://govtrack.koperasi.example"


@pytest.fixture
def app_config():
    return {"BASE_URL": BASE}


def test_a_forged_host_does_not_reach_the_feed(client, make_agreement):
    published = make_agreement("Hibah air bersih", kind="grant", status="active", visibility="public")
    resp = client.get("/published/feed.atom", headers={"Host": "evil.example"})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "evil.example" not in body
    assert f'href="{BASE}/published/feed.atom"' in body
    assert f"{BASE}/published/{published.id}" in body


def test_a_forged_host_does_not_reach_the_public_api_links(client, make_agreement):
    make_agreement("Hibah air bersih", kind="grant", status="active", visibility="public")
    resp = client.get("/api/v1/public/agreements", headers={"Host": "evil.example"})
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert "evil.example" not in body and f"{BASE}/published/" in body


@pytest.mark.parametrize("bad", ["govtrack.koperasi.example", "ftp://govtrack.koperasi.example", "https://",
                                 "https://govtrack.koperasi.example/?q=1"])
def test_a_base_url_that_is_not_an_http_address_is_refused_at_start(bad, monkeypatch, tmp_path):
    from govtrack.config import load_config

    monkeypatch.setenv("GOVTRACK_BASE_URL", bad)
    with pytest.raises(ValueError, match="GOVTRACK_BASE_URL"):
        load_config(tmp_path, {"SECRET_KEY": "x", "AUDIT_KEY": "y"})


class TestBaseUrlWithAPath:
    @pytest.fixture
    def app_config(self):
        return {"BASE_URL": "https://koperasi.example/govtrack"}

    def test_links_keep_the_path_of_the_base_url(self, client):
        body = client.get("/published/feed.atom", headers={"Host": "evil.example"}).get_data(as_text=True)
        assert 'href="https://koperasi.example/govtrack/published/feed.atom"' in body and "evil.example" not in body


def test_the_calendar_address_and_its_links_are_built_on_the_base_url(app, client, make_agreement):
    """The secret calendar address a manager copies, and every event's link, name the configured
    address, not the Host header of the request that made them."""
    import re

    from icalendar import Calendar

    from govtrack.auth.services import create_user
    from govtrack.extensions import db
    from govtrack.obligations.services import ObligationData, create_obligation
    from tests.conftest import csrf_token

    agreement = make_agreement("Hibah air bersih", kind="grant", status="active")
    manager = create_user(actor="test", email="kalender@koperasi.test", name="Ibu Ratna", role="manager",
                          password="sumur bor tujuh di cibinong")
    ob = create_obligation(actor="test", data=ObligationData(
        agreement_id=agreement.id, owed_by="cooperative", kind="report", title="Laporan",
        due_date=dates_in_range_day(), responsible_id=manager.id))
    db.session.commit()
    resp = client.post("/login", data={"email": "kalender@koperasi.test", "password": "sumur bor tujuh di cibinong",
                                       "csrf_token": csrf_token(client, "/login")})
    assert resp.status_code == 302
    resp = client.post("/obligations/calendar/issue",
                       data={"csrf_token": csrf_token(client, "/obligations/calendar")})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "http://localhost/obligations/calendar" not in body
    address = re.search(r'id="feed-url" readonly value="([^"]+)"', body)
    assert address and address.group(1).startswith(f"{BASE}/obligations/"), body[:2000]
    feed = app.test_client().get(address.group(1).replace(BASE, ""), headers={"Host": "evil.example"})
    assert feed.status_code == 200
    events = list(Calendar.from_ical(feed.data).walk("VEVENT"))
    assert [str(e["url"]) for e in events] == [f"{BASE}/obligations/{ob.id}"]
    assert all(str(e["uid"]).endswith("@govtrack.koperasi.example") for e in events)


def dates_in_range_day():
    import datetime as dt

    return dt.date.today() + dt.timedelta(days=20)
