"""Hardening (issue 7, item 6): security headers on every page, HSTS only over HTTPS (and behind a
trusted proxy only when told how many), cookie flags, idle and absolute session timeouts, and login
limits per address that hold across worker processes through Redis."""

from __future__ import annotations

import os
import secrets

import lxml.etree
import lxml.html
import pytest
from itsdangerous import TimestampSigner

from govtrack.config import load_config
from tests.conftest import PASSWORD, csrf_token
from tests.hostile import login_worker
from tests.hostile.conftest import html_routes

SKIP = {"obligations.export_csv", "obligations.maturity_csv", "obligations.export_xlsx", "obligations.maturity_xlsx",
        "portal.atom_feed", "core.healthz", "agreements.download", "obligations.evidence"}


def check_headers(url: str, resp) -> None:
    csp = resp.headers.get("Content-Security-Policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (url, csp)
    assert directives.get("frame-ancestors") == ["'none'"], (url, csp)
    assert "script-src" in directives or "default-src" in directives, (url, csp)
    assert directives.get("object-src") == ["'none'"], (url, csp)
    assert resp.headers.get("X-Content-Type-Options") == "nosniff", url
    assert resp.headers.get("Referrer-Policy") in {"same-origin", "strict-origin-when-cross-origin", "no-referrer",
                                                   "strict-origin"}, url
    assert "Strict-Transport-Security" not in resp.headers, url  # plain HTTP here


def inline_code(html: str) -> list[str]:
    """What the CSP would block: inline scripts, style elements and attributes, event handlers."""
    found = []
    for el in lxml.html.fromstring(html).iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "script" and not el.get("src"):
            found.append("inline <script>")
        if el.tag == "style":
            found.append("<style>")
        for name in el.attrib:
            if name == "style" or name.lower().startswith("on"):
                found.append(f"<{el.tag} {name}=...>")
    return found


def test_every_page_has_the_security_headers_and_no_inline_code(sign_in, app, client, world):
    anonymous = ["/login", "/published/", "/published/decisions", "/no/such/page"]
    for url in anonymous:
        resp = client.get(url)
        check_headers(url, resp)
        assert not inline_code(resp.get_data(as_text=True)), (url, inline_code(resp.get_data(as_text=True)))
    sign_in(world.admin)
    checked = 0
    for endpoint, url in sorted(html_routes(app, world.ids).items()):
        if endpoint in SKIP:
            continue
        resp = client.get(url)
        check_headers(url, resp)
        if resp.mimetype == "text/html":
            assert not inline_code(resp.get_data(as_text=True)), (url, inline_code(resp.get_data(as_text=True)))
            checked += 1
    assert checked >= 40
    for url in ["/api/v1/partners", "/api/v1/openapi.json", "/healthz", "/obligations/export.csv",
                "/published/feed.atom", "/api/v1/network.svg"]:
        resp = client.get(url)
        assert resp.headers["X-Content-Type-Options"] == "nosniff", url
        assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"], url


def test_hsts_over_https_only_and_a_forged_proto_changes_nothing(client):
    assert "Strict-Transport-Security" in client.get("/login", base_url="https://localhost").headers
    resp = client.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert "Strict-Transport-Security" not in resp.headers


class TestBehindOneProxy:
    @pytest.fixture
    def app_config(self, monkeypatch):
        monkeypatch.setenv("GOVTRACK_PROXY_COUNT", "1")
        return {"LOGIN_RATE_LIMIT": "2 per minute"}

    def test_the_proxy_headers_are_honoured(self, app, client, make_user):
        assert app.config["PROXY_COUNT"] == 1
        resp = client.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert resp.headers["Strict-Transport-Security"].startswith("max-age=")
        assert "Strict-Transport-Security" not in client.get("/login").headers
        # Each client address (as the proxy reports it) has its own per-address count.
        for i in range(3):
            resp = _login(client, f"nobody{i}@example.test", headers={"X-Forwarded-For": f"198.51.100.{i}"})
            assert resp.status_code == 401


class TestNoProxyConfigured:
    @pytest.fixture
    def app_config(self, monkeypatch):
        monkeypatch.delenv("GOVTRACK_PROXY_COUNT", raising=False)
        return {"LOGIN_RATE_LIMIT": "2 per minute"}

    def test_forged_forwarding_headers_do_not_dodge_the_address_limit(self, app, client):
        assert app.config["PROXY_COUNT"] == 0
        statuses = [_login(client, f"nobody{i}@example.test",
                           headers={"X-Forwarded-For": f"198.51.100.{i}", "X-Forwarded-Proto": "https"}).status_code
                    for i in range(3)]
        assert statuses == [401, 401, 429]


def _login(client, email: str, password: str = "wrong password, surely", headers=None):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       headers=headers or {})


def test_the_proxy_count_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVTRACK_PROXY_COUNT", "2")
    monkeypatch.setenv("GOVTRACK_SECURE_COOKIES", "1")
    cfg = load_config(tmp_path, {"SECRET_KEY": "x", "AUDIT_KEY": "y"})
    assert cfg["PROXY_COUNT"] == 2 and cfg["SESSION_COOKIE_SECURE"] is True
    monkeypatch.delenv("GOVTRACK_PROXY_COUNT")
    monkeypatch.delenv("GOVTRACK_SECURE_COOKIES")
    cfg = load_config(tmp_path, {"SECRET_KEY": "x", "AUDIT_KEY": "y"})
    assert cfg["PROXY_COUNT"] == 0 and cfg["SESSION_COOKIE_SECURE"] is False


def _session_cookie(resp) -> str:
    cookies = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, resp.headers
    return cookies[-1]


class TestSecureCookies:
    @pytest.fixture
    def app_config(self, monkeypatch):
        monkeypatch.setenv("GOVTRACK_SECURE_COOKIES", "1")
        return {}

    def test_the_session_cookie_is_secure_httponly_and_lax(self, client, make_user):
        user = make_user("manager")
        resp = client.post("/login", base_url="https://localhost",
                           data={"email": user.email, "password": PASSWORD,
                                 "csrf_token": csrf_token(client, "https://localhost/login")})
        cookie = _session_cookie(resp)
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_without_the_setting_the_cookie_is_not_marked_secure(client, make_user):
    user = make_user("manager")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    cookie = _session_cookie(resp)
    assert "; Secure" not in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


class TestIdleTimeout:
    @pytest.fixture
    def app_config(self):
        return {"PERMANENT_SESSION_LIFETIME": 3600, "SESSION_ABSOLUTE_SECONDS": 86400}

    def test_activity_keeps_a_session_alive_and_an_idle_hour_ends_it(self, client, make_user, sign_in, monkeypatch):
        sign_in("manager")
        resp = client.get("/")
        assert resp.status_code == 200
        assert "Expires=" in _session_cookie(resp)  # a permanent session: the browser drops it too
        start = TimestampSigner("k").get_timestamp()

        def at(seconds: int):
            monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: start + seconds)

        at(3500)
        assert client.get("/").status_code == 200  # active: the cookie is signed anew
        at(3500 + 3590)
        assert client.get("/").status_code == 200
        at(3500 + 3590 + 3601)  # a cookie replayed after an idle hour is refused by the server
        resp = client.get("/")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


class TestAbsoluteTimeout:
    @pytest.fixture
    def app_config(self):
        return {"SESSION_ABSOLUTE_SECONDS": 600}

    def test_activity_does_not_extend_the_absolute_limit(self, client, make_user, sign_in):
        sign_in("manager")
        with client.session_transaction() as sess:
            sess["login_at"] -= 590
            started = sess["login_at"]
        assert client.get("/").status_code == 200
        with client.session_transaction() as sess:
            assert sess["login_at"] == started  # a request does not restart the clock
            sess["login_at"] -= 11
        resp = client.get("/")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
        assert client.get("/").status_code == 302  # the session is gone, not just this request


# ---- login limits shared by worker processes through Redis (without it: test_login_workers.py) ----

REDIS_URL = os.environ.get("GOVTRACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as err:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is not reachable in CI: {err}")
        pytest.skip(f"Redis at {REDIS_URL} is not reachable ({err}); CI runs this test with Redis")
    return REDIS_URL


class TestLimitsSharedAcrossWorkers:
    prefix = f"gt-test-{secrets.token_hex(4)}"

    @pytest.fixture
    def app_config(self):
        return {"RATELIMIT_STORAGE_URI": _redis_or_skip(), "RATELIMIT_KEY_PREFIX": self.prefix,
                "LOGIN_RATE_LIMIT": "3 per minute"}

    def test_one_address_is_limited_across_workers(self, app, client, make_user, tmp_path):
        from govtrack.extensions import db

        bystander = make_user("manager", email=f"other-{secrets.token_hex(4)}@example.test")
        statuses = []
        for i in (1, 2):
            c = app.test_client()
            c.environ_base["REMOTE_ADDR"] = "10.7.0.1"
            statuses.append(_login(c, f"target{i}-{self.prefix}@example.test").status_code)
        db.session.commit()  # end this process's read transaction: SQLite would make the worker wait
        # The other worker: its first try is the address's third, its second is one too many.
        config = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                  "INSTANCE_PATH": str(tmp_path / "worker"), "RATELIMIT_STORAGE_URI": REDIS_URL,
                  "RATELIMIT_KEY_PREFIX": self.prefix, "LOGIN_RATE_LIMIT": "3 per minute"}
        [worker] = login_worker.run(config, [[("10.7.0.1", f"target{i}-{self.prefix}@example.test",
                                               "wrong password, worker") for i in (3, 4)]])
        assert statuses + worker == [401, 401, 401, 429]
        # Another address is not held up by it.
        other = app.test_client()
        other.environ_base["REMOTE_ADDR"] = "10.7.0.9"
        assert _login(other, bystander.email, PASSWORD).status_code == 302
