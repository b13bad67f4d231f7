"""Network pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("network", __name__, url_prefix="/network")
