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
