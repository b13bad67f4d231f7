"""Small helpers for the HTML views."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from govtrack.errors import DomainError
from govtrack.extensions import db


def apply_domain_error(form: FlaskForm | None, err: DomainError, *, aliases: dict[str, str] | None = None) -> None:
    """Show a service's error beside the form fields it names, and as a flash message.

    A service names fields as its API does (`tally`, `amendments.1.clause_id`); `aliases` maps such a
    name to the form's field (`{"tally": "yes"}`), and a dotted name falls back to its first part. What
    no field of the form can show goes into the flash message, so that the reason is never lost
    behind a bare "some values are not valid"."""
    db.session.rollback()
    aliases = aliases or {}
    placed: list[tuple[str, str]] = []
    unplaced: list[str] = []
    for name, messages in (err.fields or {}).items():
        field = None
        if form is not None:
            for candidate in (aliases.get(name), name, aliases.get(name.split(".", 1)[0]), name.split(".", 1)[0]):
                field = getattr(form, candidate, None) if candidate else None
                if field is not None and hasattr(field, "errors"):
                    break
                field = None
        texts = [str(m) for m in messages]
        if field is None:
            unplaced.extend(texts)
            continue
        errors = list(field.errors or [])
        field.errors = errors + [t for t in texts if t not in errors]
        placed.extend((str(field.label.text), t) for t in texts)
    message = err.message
    if err.fields and message in _generic_messages():
        # The generic sentence says nothing: say what is wrong, field by field.
        parts = [f"{label}: {text}" for label, text in placed] + unplaced
        message = " ".join([_("Please correct:"), *parts]) if parts else message
    elif unplaced:
        message = " ".join([message, *[t for t in unplaced if t != message]])
    flash(message, "warning" if placed and not unplaced else "danger")


def _generic_messages() -> set[str]:
    return {_("Some values are not valid."), "Some values are not valid."}


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site (`/obligations/list?status=overdue`), else None.

    Refused: anything with a scheme or host (`https://evil.example`, `//evil.example`), a
    backslash (browsers read `/\\evil.example` as `//evil.example`), control characters or spaces."""
    if not target or len(target) > 2000 or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 33 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def safe_next(default: str) -> str:
    """The `next` parameter when it is a local path, else `default` (no open redirect)."""
    return local_path(request.args.get("next") or request.form.get("next")) or default


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
