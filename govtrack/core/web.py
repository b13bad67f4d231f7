"""Small helpers for the HTML views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, request, url_for
from flask_wtf import FlaskForm

from govtrack.errors import DomainError
from govtrack.extensions import db


def apply_domain_error(form: FlaskForm | None, err: DomainError) -> None:
    """Show a service's error beside the form fields it names, and as a flash message."""
    db.session.rollback()
    placed = False
    if form is not None:
        for name, messages in (err.fields or {}).items():
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors or []) + [str(m) for m in messages]
                placed = True
    flash(err.message, "danger" if not placed else "warning")


def safe_next(default: str) -> str:
    """The `next` parameter when it is a local path, else `default` (no open redirect)."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme:
        return target
    return default


def external_url(endpoint: str, **values) -> str:
    """An absolute URL on GOVTRACK_BASE_URL when it is set, else on the request's own address.

    Behind a proxy the Host header is whatever the client sent; a link built on it and served from
    a shared cache (the public feed) would send every reader to the sender's host.
    """
    base = current_app.config.get("BASE_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    parts = urlsplit(base)
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)
