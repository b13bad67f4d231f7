"""Named permissions and the one check used by views, the API and templates."""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from flask import abort, request
from flask_login import current_user

from govtrack.audit.services import record
from govtrack.extensions import db, login_manager

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Role(StrEnum):
    admin = "admin"
    board = "board"
    manager = "manager"
    member = "member"
    officer = "officer"  # a field officer (petugas lapangan): attends the rembug pusat assigned to them


ALL_PERMISSIONS: frozenset[str] = frozenset(
    {
        "users.manage",
        "settings.manage",
        "audit.view",
        "partners.view",
        "partners.edit",
        "agreements.view",  # every agreement, internal ones included
        "agreements.edit",
        "agreements.transition",
        "members.view",
        "members.edit",
        "centres.view",
        "centres.edit",
        "positions.record",  # a field officer only for the centres assigned to them
        "surveys.view",  # surveys and their results (aggregates)
        "surveys.edit",  # create and change surveys, draw samples, attach survey evidence
        "surveys.record",  # record responses (a field officer only for the centres assigned to them)
        "surveys.answers",  # read individual answers
        "forums.view",
        "forums.manage",
        "meetings.run",
        "decisions.view",
        "obligations.view",
        "obligations.edit",
        "results.edit",  # results frameworks: results, indicators, targets; actuals entered and submitted
        "results.verify",  # verify a submitted actual (someone other than who entered it)
        "network.view",
        "portal.view",
    }
)

_STAFF_READ = {
    "partners.view",
    "agreements.view",
    "members.view",
    "centres.view",
    "surveys.view",
    "forums.view",
    "decisions.view",
    "obligations.view",
    "network.view",
    "portal.view",
}

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.admin: ALL_PERMISSIONS,
    Role.board: frozenset(
        _STAFF_READ
        | {"members.edit", "centres.edit", "positions.record", "forums.manage", "meetings.run",
           "agreements.transition", "results.verify", "surveys.edit", "surveys.record", "surveys.answers"}
    ),
    Role.manager: frozenset(
        _STAFF_READ
        | {"partners.edit", "agreements.edit", "agreements.transition", "obligations.edit", "centres.edit",
           "results.edit", "surveys.edit", "surveys.record", "surveys.answers"}
    ),
    Role.member: frozenset({"portal.view", "network.view"}),
    Role.officer: frozenset({"portal.view", "centres.view", "positions.record", "surveys.view", "surveys.record"}),
}


def can(user, permission: str) -> bool:
    """True when `user` (possibly anonymous) holds `permission`."""
    if permission not in ALL_PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if user is None or not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return permission in ROLE_PERMISSIONS.get(Role(user.role), frozenset())


def permission_required(permission: str):
    """View decorator: 401 for anonymous users (login redirect on pages), 403 without permission."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                if request.path.startswith("/api/"):
                    abort(401)
                return login_manager.unauthorized()
            if not can(current_user, permission):
                if request.method not in SAFE_METHODS:
                    # A refused write is worth an audit event: a probe, or a role set wrong.
                    db.session.rollback()
                    record("access.denied", actor=current_user, object_type="request", object_id=None,
                           after={"permission": permission, "endpoint": request.endpoint,
                                  "method": request.method, "path": request.path[:200]})
                    db.session.commit()
                abort(403)
            return view(*args, **kwargs)

        wrapped.permission = permission  # read by the authorization-matrix test
        return wrapped

    return decorator
