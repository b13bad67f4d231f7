"""The navigation: each entry shows only to users with its permission, once its page exists."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from govtrack.auth.permissions import can

# (endpoint, label, permission needed, permission that hides it: whoever holds that reaches the page
# from elsewhere, and the board's header must stay one line at 1280 px).
NAV = [
    ("portal.index", _l("Published agreements"), None, None),
    ("portal.meetings", _l("My meetings"), "portal.view", None),
    ("partners.index", _l("Partners"), "partners.view", None),
    ("agreements.index", _l("Agreements"), "agreements.view", None),
    ("members.index", _l("Members"), "members.view", None),
    ("centres.index", _l("Centres"), "centres.view", None),
    # A field officer's own page; the board records a centre's positions from the agreement's page.
    ("centres.positions_index", _l("Centres' positions"), "positions.record", "agreements.view"),
    ("surveys.index", _l("Surveys"), "surveys.view", None),  # short: the board's menu is one line at 1280 px
    ("forums.meetings", _l("Meetings"), "forums.view", None),
    ("forums.decisions", _l("Decisions"), "decisions.view", None),
    ("obligations.dashboard", _l("Obligations"), "obligations.view", None),
    ("network.index", _l("Network"), "network.view", None),
    ("auth.users", _l("Users"), "users.manage", None),
    ("forums.policy", _l("Approval policy"), "settings.manage", None),
    ("audit.index", _l("Audit log"), "audit.view", None),
]


def nav_items() -> list[tuple[str, str, str | None]]:
    views = current_app.view_functions
    return [
        (endpoint, label, perm)
        for endpoint, label, perm, hidden_with in NAV
        if endpoint in views and (perm is None or can(current_user, perm))
        and not (hidden_with and can(current_user, hidden_with))
    ]


def init_nav(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
