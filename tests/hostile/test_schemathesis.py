"""Schemathesis against /api/v1/openapi.json: no 5xx, and every response matches its schema.

A short run here (a few examples per operation) keeps CI fast; set SCHEMATHESIS_EXAMPLES for a long
one."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture
def api_schema(app, make_user, token_for, make_agreement):
    make_agreement("Seeded agreement", status="active", visibility="public")
    app.config["_SCHEMATHESIS_TOKEN"] = token_for(make_user("admin"))
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_keeps_its_schema(case, app):
    token = app.config["_SCHEMATHESIS_TOKEN"]
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
