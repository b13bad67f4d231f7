"""The navigation: each entry shows only to users with its permission, once its page exists."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from govtrack.auth.permissions import can

NAV = [
    ("portal.index", _l("Published agreements"), None),
    ("portal.meetings", _l("My meetings"), "portal.view"),
    ("partners.index", _l("Partners"), "partners.view"),
    ("agreements.index", _l("Agreements"), "agreements.view"),
    ("members.index", _l("Members"), "members.view"),
    ("centres.index", _l("Centres"), "centres.view"),
    ("centres.positions_index", _l("Centres' positions"), "positions.record"),
    ("forums.meetings", _l("Meetings"), "forums.view"),
    ("forums.decisions", _l("Decisions"), "decisions.view"),
    ("obligations.dashboard", _l("Obligations"), "obligations.view"),
    ("network.index", _l("Network"), "network.view"),
    ("auth.users", _l("Users"), "users.manage"),
    ("forums.policy", _l("Approval policy"), "settings.manage"),
    ("audit.index", _l("Audit log"), "audit.view"),
]


def nav_items() -> list[tuple[str, str, str | None]]:
    views = current_app.view_functions
    return [
        (endpoint, label, perm)
        for endpoint, label, perm in NAV
        if endpoint in views and (perm is None or can(current_user, perm))
    ]


def init_nav(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
