"""Forums pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("forums", __name__, url_prefix="/forums")
