"""Accessibility (axe-core, WCAG 2.1 A and AA) and phone-width layout of the main pages of each role.

One test per page and role: in English and in Indonesian (chosen with the header's language
switcher), axe-core at desktop width, then the window narrowed to a 360-pixel phone and a look for
sideways scrolling; last, axe-core at phone width (where tables scroll and must be reachable by
keyboard). Each role signs in once for the module. The pages only read (the switcher
aside), so the module seeds its cooperative once (with an open meeting and an obligation).
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import url_for

from govtrack.extensions import db
from tests.browser.conftest import (
    _seed,
    describe,
    new_context,
    run_axe,
    screenshot,
    seed_meeting,
    seed_obligation,
    sign_in_through_the_form,
)
from tests.conftest import _empty_tables

NOW = dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC)

# (name, endpoint, who signs in (None: anonymous), url values: {arg: (seed kind, key)})
AGREEMENT = {"agreement_id": ("agreements", "internal")}
PAGES = [
    # anyone
    ("login", "auth.login", None, {}),
    ("portal-list", "portal.index", None, {}),
    ("portal-agreement", "portal.agreement", None, {"agreement_id": ("agreements", "public")}),
    ("portal-decisions-public", "portal.decisions", None, {}),
    # a member
    ("home-member", "core.home", "member", {}),
    ("portal-list-member", "portal.index", "member", {}),
    ("portal-agreement-member", "portal.agreement", "member", {"agreement_id": ("agreements", "members")}),
    ("portal-decisions", "portal.decisions", "member", {}),
    ("network-member", "network.index", "member", {}),
    # a manager
    ("partners", "partners.index", "manager", {}),
    ("partner", "partners.detail", "manager", {"partner_id": ("partners", "yayasan")}),
    ("agreements", "agreements.index", "manager", {}),
    ("agreement-staff", "agreements.detail", "manager", AGREEMENT),
    ("agreement-draft", "agreements.detail", "manager", {"agreement_id": ("agreements", "draft")}),
    ("agreement-form", "agreements.new", "manager", {}),
    ("agreement-edit", "agreements.edit", "manager", {"agreement_id": ("agreements", "draft")}),
    ("obligations", "obligations.dashboard", "manager", {}),
    ("obligation", "obligations.detail", "manager", {"obligation_id": ("obligations", "report")}),
    ("maturity", "obligations.maturity", "manager", {}),
    ("fulfil-form", "obligations.fulfil", "manager", {"occurrence_id": ("obligations", "report-due")}),
    ("network", "network.index", "manager", {}),
    # a board member
    ("members", "members.index", "board", {}),
    ("member", "members.detail", "board", {"member_id": ("members", "Siti Aminah")}),
    ("forums", "forums.index", "board", {}),
    ("meetings", "forums.meetings", "board", {}),
    ("meeting-form", "forums.meeting_new", "board", {}),
    ("meeting", "forums.meeting", "board", {"meeting_id": ("meetings", "open")}),
    ("roll-call", "forums.roll_call", "board", {"meeting_id": ("meetings", "open")}),
    ("attendance", "forums.attendance", "board", {"meeting_id": ("meetings", "open")}),
    ("motion", "forums.motion", "board", {"motion_id": ("motions", "approve")}),
    ("decisions-staff", "forums.decisions", "board", {}),
    # an administrator
    ("users", "auth.users", "admin", {}),
    ("audit", "audit.index", "admin", {}),
    ("policy", "forums.policy", "admin", {}),
]
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 360, "height": 740}
PHONE_SCREENSHOTS = {"portal-list", "portal-agreement", "roll-call", "obligations"}


@pytest.fixture(scope="module")
def site(live_server):
    """The seed, once for the module, with an open meeting and an obligation due in ten days."""
    with live_server.app.app_context():
        _empty_tables()
        seed = _seed(live_server.app)
        seed_meeting(seed, NOW)
        seed_obligation(seed, dt.date.today() + dt.timedelta(days=10))
        for user in seed.users.values():
            db.session.refresh(user)
            db.session.expunge(user)
        db.session.remove()
    yield seed
    with live_server.app.app_context():
        db.session.remove()
        _empty_tables()
        db.session.remove()


@pytest.fixture(scope="module")
def signed_in(browser, live_server, site):
    """signed_in(role or None) -> a browser context of that user, signed in once for the module."""
    contexts: dict = {}

    def get(role: str | None):
        if role not in contexts:
            context = contexts[role] = new_context(browser, live_server, axe=True)
            if role:
                page = context.new_page()
                sign_in_through_the_form(page, site.users[role])
                page.close()
        return contexts[role]

    yield get
    for context in contexts.values():
        context.close()


def _url(live_server, seed, endpoint: str, values: dict) -> str:
    app = live_server.app
    if endpoint not in app.view_functions:
        pytest.skip(f"{endpoint} does not exist in this build yet")
    args = {arg: seed.ids(kind)[key] for arg, (kind, key) in values.items()}
    with app.test_request_context():
        return url_for(endpoint, **args)


OVERFLOW_JS = (
    "() => ({doc: document.documentElement.scrollWidth, body: document.body.scrollWidth,"
    " view: window.innerWidth, wide: [...document.querySelectorAll('body *')]"
    ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1"
    " && !e.closest('.table-responsive'))"
    ".slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)})"
)


@pytest.mark.parametrize(("name", "endpoint", "role", "values"), PAGES, ids=[p[0] for p in PAGES])
def test_no_wcag_21_aa_violations_in_either_language_and_no_sideways_scrolling_on_a_phone(
    name, endpoint, role, values, site, live_server, signed_in
):
    path = _url(live_server, site, endpoint, values)
    page = signed_in(role).new_page()
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    problems = []
    first = page.locator("html").get_attribute("lang")
    for language in (first, "en" if first == "id" else "id"):
        if language != first:
            # the switcher in the header, as a person would (it also remembers the choice for the user);
            # on a phone it is in the folded menu
            if page.locator(".site-menu > summary").is_visible():
                page.locator(".site-menu > summary").click()
            page.select_option("#lang-switch", language)
            page.locator("form:has(#lang-switch) button").click()
            page.wait_for_load_state()
            assert page.url == live_server(path), page.url
            assert page.locator("html").get_attribute("lang") == language
        page.set_viewport_size(DESKTOP)
        violations = run_axe(page)
        if violations:
            problems.append(f"axe ({language}):\n{describe(violations)}")
        page.set_viewport_size(PHONE)
        widths = page.evaluate(OVERFLOW_JS)
        if widths["doc"] > widths["view"] or widths["body"] > widths["view"]:
            problems.append(f"wider than a 360-pixel phone ({language}): {widths}")
        if name in PHONE_SCREENSHOTS and language == "id":
            screenshot(page, f"phone-{name}")
    # and axe once more at phone width, where tables scroll and the navigation folds
    violations = run_axe(page)
    if violations:
        problems.append(f"axe (phone, {language}):\n{describe(violations)}")
    page.close()
    assert not problems, f"{name} ({path}):\n" + "\n".join(problems)


def test_keyboard_users_can_skip_to_the_content(site, new_page):
    page = new_page()
    page.goto("/published/")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_axe_does_find_violations(site, signed_in):
    """The check above is only worth something if axe-core really runs and reports."""
    page = signed_in(None).new_page()
    page.goto("/login")
    page.set_content('<html lang="en"><body><main><h1>x</h1><input id="nameless"></main></body></html>')
    assert "label" in {v["id"] for v in run_axe(page)}
    page.close()
