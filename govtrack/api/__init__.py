"""The JSON API's shared machinery: the flask-smorest Api, errors in the contract's shape,
bearer tokens (see web.security), money and list schemas, cursor pagination."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from govtrack.api.schemas import ErrorSchema
from govtrack.db import MAX_ID
from govtrack.extensions import csrf


class GovtrackApi(Api):
    """flask-smorest's Api, leaving error handling to govtrack's own handlers (one JSON shape)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        return None


api = GovtrackApi()

# Ids are 32-bit integers on PostgreSQL; a larger number in a path is simply not found.


class IdConverter(IntegerConverter):
    """`<int:...>` for every route: 0 < value < 2**31, anything else does not match (404)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


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
    app.url_map.converters["int"] = IdConverter
    api.init_app(app)
    api.register_converter(
        IdConverter, lambda converter: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    return api


def created_links(**targets: str) -> dict:
    """OpenAPI links from a 201 to the operations that take the new object's id, as
    `created_links(getAgreement="agreement_id")`: clients (and schemathesis' stateful tests) follow
    them from create to read to change."""
    return {"responses": {201: {"links": {  # an int key: merged into the 201 that response() documents
        name[0].upper() + name[1:]: {"operationId": name, "parameters": {param: "$response.body#/id"}}
        for name, param in targets.items()
    }}}}


def exempt(blp):
    """API blueprints authenticate writes by bearer token only, so CSRF does not apply."""
    csrf.exempt(blp)
    return blp
