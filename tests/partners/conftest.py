"""Fixtures for the partner pages: sign in as a role, a CSRF token for the current session."""

from __future__ import annotations

import pytest
from flask import g, request_started

from tests.conftest import CSRF_RE


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Give every test-client request a fresh `g`, as a real request's own app context would.

    The shared `app` fixture keeps one app context open for the whole test, so `g` outlives each
    request: Flask-WTF would reuse the CSRF token cached there after sign-in cleared the session
    (and every signed-in POST would fail), and Flask-Login would reuse its cached user.
    """

    def clear(sender, **extra):
        for name in list(g):
            g.pop(name, None)

    request_started.connect(clear, app)
    yield
    request_started.disconnect(clear, app)


def session_token(client) -> str:
    """The CSRF token of the client's session (every page carries one in its language form)."""
    html = client.get("/login", follow_redirects=True).get_data(as_text=True)
    m = CSRF_RE.search(html)
    assert m, "no CSRF token found"
    return m.group(1)


@pytest.fixture
def sign_in(make_user, login):
    """sign_in("manager") signs a fresh user of that role in on `client`; sign_in(None) stays anonymous."""

    def do(role: str | None):
        if role is None:
            return None
        user = make_user(role)
        login(user)
        return user

    return do
