"""Obligations pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("obligations", __name__, url_prefix="/obligations")
