"""The JSON API's shared machinery: the flask-smorest Api, errors in the contract's shape,
bearer tokens (see core.security), money and list schemas, cursor pagination."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from govtrack.extensions import csrf


class GovtrackApi(Api):
    """flask-smorest's Api, leaving error handling to govtrack's own handlers (one JSON shape)."""

    def _register_error_handlers(self):
        return None


api = GovtrackApi()


def init_api(app: Flask) -> GovtrackApi:
    app.config.setdefault("API_SPEC_OPTIONS", {})
    app.config["API_SPEC_OPTIONS"].update(
        {
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            },
            "security": [{"bearer": []}],
            "info": {
                "description": "govtrack's JSON API. Errors: "
                '{"error": {"code", "message", "fields"}}. Lists: {"items", "next"}.'
            },
        }
    )
    api.init_app(app)
    return api


def exempt(blp):
    """API blueprints authenticate writes by bearer token only, so CSRF does not apply."""
    csrf.exempt(blp)
    return blp
