"""Health, OpenAPI, security headers, error pages and the migrations agreeing with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from govtrack.extensions import db
from govtrack.search.queries import include_name


def test_healthz_answers_ok_when_the_database_answers(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok"}


def test_openapi_document_covers_every_api_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    documented = set(doc["paths"])
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if path.startswith("/api/v1/") and path != "/api/v1/openapi.json":
            openapi_path = path.replace("<int:", "{").replace("<", "{").replace(">", "}")
            assert openapi_path in documented, f"{path} missing from the OpenAPI document"


# SQLite cannot reflect expression indexes, so Alembic skips comparing members' lower(name) there (and
# says so); on PostgreSQL they are compared.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index:UserWarning")
def test_models_and_migrations_agree(app_context, app):
    with db.engine.connect() as conn:
        opts = {"compare_type": True, "include_name": include_name}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
    assert diff == []


def test_security_headers_on_every_page(client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"]
    assert resp.headers["X-Request-ID"]


def test_404_page_shows_the_request_id_and_no_traceback(client):
    resp = client.get("/no/such/page", headers={"X-Request-ID": "abcdef123456"})
    assert resp.status_code == 404
    html = resp.get_data(as_text=True)
    assert "abcdef123456" in html and "Traceback" not in html


def test_api_errors_are_json_in_the_contract_shape(client):
    resp = client.get("/api/v1/partners")
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"
