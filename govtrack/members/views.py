"""Members pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/members")
