"""Small helpers for the HTML views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, request
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
