"""Error pages and JSON errors; never a traceback, always the request id."""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from govtrack.errors import DomainError
from govtrack.extensions import db, limiter

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
}


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be read."),
        401: _("Sign in (or send a valid API token) to do this."),
        403: _("You are not allowed to do this."),
        404: _("Not found."),
        405: _("This method is not allowed here."),
        409: _("This conflicts with the current state."),
        413: _("The upload is too large."),
        415: _("This type of content is not accepted."),
        422: _("Some values are not valid."),
        429: _("Too many attempts. Wait a minute and try again."),
        500: _("Something went wrong on our side."),
    }


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def json_error(status: int, message: str, *, code: str | None = None, fields: dict | None = None):
    body = {"error": {"code": code or _CODES.get(status, "error"), "message": message}}
    if fields:
        body["error"]["fields"] = {k: [str(m) for m in v] for k, v in fields.items()}
    body["error"]["request_id"] = g.get("request_id")
    return jsonify(body), status


def _flatten_webargs(messages) -> tuple[dict, bool]:
    """webargs gives {"json": {"field": [...]}}; return {"field": [...]} and whether it was bad JSON."""
    fields: dict = {}
    malformed = False
    for location, errs in (messages or {}).items():
        if isinstance(errs, dict):
            for name, msgs in errs.items():
                if isinstance(msgs, dict):  # nested (list items or objects): keep the path
                    for sub, submsgs in _walk(msgs, str(name)):
                        fields[sub] = submsgs
                else:
                    fields[str(name)] = [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
        else:
            malformed = True
            fields[location] = [str(m) for m in (errs if isinstance(errs, list) else [errs])]
    return fields, malformed


def _walk(msgs: dict, prefix: str):
    for key, value in msgs.items():
        path = f"{prefix}.{key}"
        if isinstance(value, dict):
            yield from _walk(value, path)
        else:
            yield path, [str(m) for m in (value if isinstance(value, list) else [value])]


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        db.session.rollback()
        if wants_json():
            return json_error(err.status, err.message, code=err.code, fields=err.fields)
        return render_template("errors/error.html", status=err.status, message=err.message), err.status

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        db.session.rollback()
        status = err.code or 500
        message = _messages().get(status, err.description or "")
        if wants_json():
            data = getattr(err, "data", None) or {}
            fields, malformed = _flatten_webargs(data.get("messages"))
            if status == 422 and malformed:
                status, message = 400, _messages()[400]
            resp = json_error(status, message, fields=fields or None)
        else:
            resp = render_template("errors/error.html", status=status, message=message), status
        if status == 429 and limiter.current_limit is not None:
            # The per-address sign-in limit: when its window ends.
            wait = max(1, math.ceil(limiter.current_limit.reset_at - time.time()))
            return *resp, {"Retry-After": str(wait)}
        return resp

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def _out_of_range(err: DataError | OverflowError):
        # A value the schema let through but the database cannot hold (a number out of range):
        # the request is at fault, not the server. The schemas should catch these first.
        # PostgreSQL says so with a DataError; SQLite's driver raises OverflowError past 2**63.
        db.session.rollback()
        log.warning("database refused a value: %s", getattr(err, "orig", err))
        message = _("A value is out of range or malformed.")
        if wants_json():
            return json_error(422, message)
        return render_template("errors/error.html", status=422, message=message), 422

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        db.session.rollback()
        log.exception("unhandled error")
        if wants_json():
            return json_error(500, _messages()[500])
        return render_template("errors/error.html", status=500, message=_messages()[500]), 500
