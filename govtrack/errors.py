"""Domain errors raised by services; views and the API turn them into messages and statuses."""

from __future__ import annotations


class DomainError(Exception):
    """A rule refused the request. `status` is the HTTP status the API answers with."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class ValidationFailed(DomainError):
    """Values that are well-formed but not acceptable (422)."""

    status = 422
    code = "invalid"


class Conflict(DomainError):
    """The request conflicts with the state of an object or a rule (409)."""

    status = 409
    code = "conflict"


class Forbidden(DomainError):
    """The user may do this kind of thing, but not to this object (403)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """The object does not exist or is not visible to this user (404)."""

    status = 404
    code = "not_found"


class TooLarge(DomainError):
    """An upload or body past its limit (413)."""

    status = 413
    code = "too_large"
