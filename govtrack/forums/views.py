"""Forums pages."""

from __future__ import annotations

from flask import Blueprint

from govtrack.forums import seams

bp = Blueprint("forums", __name__, url_prefix="/forums")
seams.install()
