"""Security by default: sessions tied to a rotating user token, timeouts, headers, bearer tokens."""

from __future__ import annotations

import re
import secrets

from flask import Flask, abort, current_app, g, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from werkzeug.middleware.proxy_fix import ProxyFix

from govtrack.auth.models import User
from govtrack.auth.permissions import can
from govtrack.auth.services import live_token, needs_use_noted, note_token_use
from govtrack.core import jsondepth
from govtrack.core.clock import utcnow
from govtrack.core.errors import json_error
from govtrack.extensions import client_address, db, login_manager
from govtrack.web.nav import init_nav

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@login_manager.user_loader
def load_user(session_id: str):
    try:
        user_id, token = session_id.split(":", 1)
        user = db.session.get(User, int(user_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    return user


def _authenticate_api() -> None:
    """API requests: a bearer token, or, for reads only, the browser session."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            abort(401)
        now = utcnow()
        row = live_token(token.strip(), now=now)
        if row is None:
            abort(401)  # unknown, revoked and expired tokens alike
        user, address = row.user, client_address()
        if needs_use_noted(row, address=address, now=now):
            # A first use is no news; a use from another address than the last one is.
            token_id, new_address = row.id, row.last_used_ip not in (None, address)
            db.session.commit()  # end the read: the write below starts its own transaction
            note_token_use(token_id=token_id, user=user, address=address, now=now, new_address=new_address)
            db.session.commit()
        g._login_user = user  # Flask-Login's per-request user; never written to the session
        return
    if request.method not in SAFE_METHODS:
        # Writes need a token: a cookie alone could be a cross-site request.
        g._login_user = login_manager.anonymous_user()


def init_security(app: Flask) -> None:
    if app.config["PROXY_COUNT"]:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = "basic"

    def _request_id():
        # The request id first of all: CSRF and rate-limit refusals happen in before_request
        # functions registered before this module's, and their answers carry the id too.
        rid = request.headers.get("X-Request-ID", "")
        g.request_id = rid if _REQUEST_ID.match(rid) else secrets.token_hex(8)

    app.before_request_funcs.setdefault(None, []).insert(0, _request_id)

    @app.before_request
    def _no_nul_bytes():
        # No database stores a NUL in text; a value carrying one is malformed input, not data.
        # Only form bodies are read here: reading request.form checks any body (a CSV import)
        # against MAX_CONTENT_LENGTH before the view can raise its own limit.
        sources = [request.args]
        if request.mimetype in FORM_TYPES:
            sources.append(request.form)
        for values in sources:
            for v in values.values():
                if "\x00" in v:
                    abort(400)

    @app.before_request
    def _json_depth():
        # Before anything parses the body: a JSON nested thousands deep would end in a
        # RecursionError deep inside the parser.
        if request.path.startswith("/api/") and request.is_json and jsondepth.too_deep(request.get_data(cache=True)):
            message = _("The JSON body is nested too deeply: at most %(n)d levels of [ and {.",
                        n=jsondepth.MAX_JSON_DEPTH)
            return json_error(400, message, code="too_deep", fields={"body": [message]})
        return None

    @app.before_request
    def _api_auth():
        if request.path.startswith("/api/"):
            _authenticate_api()

    @app.before_request
    def _session_timeouts():
        login_at = session.get("login_at")
        if login_at is None:
            return
        if utcnow().timestamp() - login_at > current_app.config["SESSION_ABSOLUTE_SECONDS"]:
            logout_user()
            session.clear()

    @app.after_request
    def _headers(response):
        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user.is_authenticated if hasattr(current_user, "is_authenticated") else False:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    init_nav(app)

    @app.context_processor
    def _template_helpers():
        return {"can": lambda permission: can(current_user, permission)}
