"""Needs surveys' pages: the list, a survey, its form; capture (the field officer's phone page,
offline too), the upload of paper forms, the member's own answers in the portal; results and
their exports; evidence attached to agenda items, motions and clauses."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")

# --- surveys: list, form, page, sample, upload, the member's answers (helper: surveys) -----------


# --- results: page, charts, exports (helper: results) --------------------------------------------


# --- capture: the field officer's offline page, its manifest and service worker (helper: offline) -
