"""Accessibility (axe-core, WCAG 2.1 A and AA) and phone-width layout of the main pages."""

from __future__ import annotations

import pytest
from flask import url_for

from tests.browser.conftest import describe, run_axe, screenshot

# (name, endpoint, who signs in (None: anonymous), url values from the seed)
PAGES = [
    ("login", "auth.login", None, {}),
    ("portal-list", "portal.index", None, {}),
    ("portal-list-member", "portal.index", "member", {}),
    ("portal-agreement", "portal.agreement", None, {"agreement_id": "public"}),
    ("portal-agreement-member", "portal.agreement", "member", {"agreement_id": "members"}),
    ("portal-decisions", "portal.decisions", "member", {}),
    ("home-member", "core.home", "member", {}),
    # Staff pages; until their area is merged they are not in the app and the test says so.
    ("partners", "partners.index", "manager", {}),
    ("agreements", "agreements.index", "manager", {}),
    ("agreement-staff", "agreements.detail", "manager", {"agreement_id": "internal"}),
    ("meetings", "forums.meetings", "board", {}),
    ("decisions-staff", "forums.decisions", "board", {}),
    ("obligations", "obligations.dashboard", "manager", {}),
]


def _url(live_server, seed, endpoint: str, values: dict) -> str:
    app = live_server.app
    if endpoint not in app.view_functions:
        pytest.skip(f"{endpoint} does not exist in this build yet")
    args = {k: seed.agreements[v] for k, v in values.items()}
    with app.test_request_context():
        return url_for(endpoint, **args)


def _open(new_page, sign_in, seed, role, path, **kw):
    page = new_page(**kw)
    if role:
        sign_in(page, seed.users[role])
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    return page


@pytest.mark.parametrize(("name", "endpoint", "role", "values"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("locale", ["en-US", "id-ID"])
def test_no_wcag_21_aa_violations(name, endpoint, role, values, locale, seed, live_server, new_page, sign_in):
    path = _url(live_server, seed, endpoint, values)
    page = _open(new_page, sign_in, seed, role, path, locale=locale, axe=True)
    violations = run_axe(page)
    assert not violations, f"{name} ({locale}):\n{describe(violations)}"


@pytest.mark.parametrize(("name", "endpoint", "role", "values"), PAGES, ids=[p[0] for p in PAGES])
def test_readable_on_a_360_pixel_phone_without_sideways_scrolling(
    name, endpoint, role, values, seed, live_server, new_page, sign_in
):
    path = _url(live_server, seed, endpoint, values)
    page = _open(new_page, sign_in, seed, role, path, locale="id-ID", width=360, height=740)
    widths = page.evaluate(
        "() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
        " view: window.innerWidth, wide: [...document.querySelectorAll('body *')]"
        ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)})"
    )
    if name in ("portal-list", "portal-agreement"):
        screenshot(page, f"phone-{name}")
    assert widths["doc"] <= widths["view"] and widths["body"] <= widths["view"], f"{name}: {widths}"


def test_keyboard_users_can_skip_to_the_content(seed, new_page):
    page = new_page()
    page.goto("/published/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
