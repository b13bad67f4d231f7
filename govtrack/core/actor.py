"""Who makes a change: the `actor` argument of every service.

An actor is a signed-in user (the audit log records their id and e-mail) or the name of a system
actor that has no login: "cli", "demo", "test", "anonymous" (a failed sign-in), a benchmark or a
worker. The audit log records a name as its label. The type lives in core, below every area, so
each area's services can name it without importing `auth` (a user is typed by what is read of it).
"""

from __future__ import annotations

from typing import Protocol, TypeAlias


class UserActor(Protocol):
    """What is read of a user who makes a change (`auth.models.User` has both)."""

    @property
    def id(self) -> int: ...

    @property
    def email(self) -> str: ...


Actor: TypeAlias = UserActor | str


def acting_user_id(actor: Actor) -> int | None:
    """The id of the user who acts, or None for a system actor (for `created_by_id` and the like)."""
    return getattr(actor, "id", None)
