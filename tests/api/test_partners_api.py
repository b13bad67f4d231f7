"""Partners through the JSON API: create, read, filter, page, patch, deactivate, and refusals."""

from __future__ import annotations

from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.partners.models import Partner


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Partner))


def test_manager_creates_and_reads_a_partner(api_as):
    api = api_as("manager")
    resp = api.post(
        "/api/v1/partners",
        json={"name": "BPR Syariah Amanah", "category": "financial_institution", "region": "Kota Bogor",
              "contacts": [{"name": "Ibu Sari", "email": "sari@bpr.test"}]},
    )
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["id"] > 0 and body["name"] == "BPR Syariah Amanah" and body["active"] is True
    assert body["contacts"][0]["name"] == "Ibu Sari"
    again = api.get(f"/api/v1/partners/{body['id']}").get_json()
    assert again["region"] == "Kota Bogor"


def test_bad_values_name_the_field_and_write_nothing(api_as):
    api = api_as("manager")
    resp = api.post("/api/v1/partners", json={"name": "", "category": "bank"})
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert "name" in fields and "category" in fields
    assert _count() == 0


def test_unknown_field_is_refused(api_as):
    resp = api_as("manager").post("/api/v1/partners", json={"name": "X", "category": "other", "colour": "red"})
    assert resp.status_code == 422
    assert "colour" in resp.get_json()["error"]["fields"]
    assert _count() == 0


def test_malformed_json_is_400(api_as):
    api = api_as("manager")
    resp = api.client.post(
        "/api/v1/partners", data='{"name": ', headers={**api.headers, "Content-Type": "application/json"}
    )
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "bad_request"


def test_filters_and_cursor_pagination(api_as, make_partner):
    for i in range(7):
        make_partner(f"Dinas {i}", category="local_government")
    make_partner("Yayasan Air Bersih", category="nonprofit_funder")
    api = api_as("board")
    seen, cursor = [], None
    while True:
        url = "/api/v1/partners?category=local_government&limit=3" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(url).get_json()
        seen += [p["name"] for p in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(f"Dinas {i}" for i in range(7))
    found = api.get("/api/v1/partners?q=air").get_json()["items"]
    assert [p["name"] for p in found] == ["Yayasan Air Bersih"]


def test_limit_out_of_range_is_422(api_as):
    resp = api_as("manager").get("/api/v1/partners?limit=501")
    assert resp.status_code == 422
    assert "limit" in resp.get_json()["error"]["fields"]


def test_patch_deactivates_and_is_audited(api_as, make_partner):
    from govtrack.audit.models import AuditEvent

    partner = make_partner("Mitra Lama")
    resp = api_as("manager").patch(f"/api/v1/partners/{partner.id}", json={"active": False})
    assert resp.status_code == 200 and resp.get_json()["active"] is False
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "partner").order_by(AuditEvent.id.desc())
    ).first()
    assert event.action == "partner.update" and '"active":true' in event.before and '"active":false' in event.after


def test_roles_and_anonymous(api_as, make_partner):
    partner = make_partner()
    assert api_as(None).get("/api/v1/partners").status_code == 401
    assert api_as("member").get("/api/v1/partners").status_code == 403
    assert api_as("board").post("/api/v1/partners", json={"name": "X", "category": "other"}).status_code == 403
    assert api_as("board").get(f"/api/v1/partners/{partner.id}").status_code == 200
    assert api_as("manager").get("/api/v1/partners/999999").status_code == 404


def test_writes_need_a_token_not_a_cookie(client, make_user, sign_in):
    sign_in("manager")
    resp = client.post("/api/v1/partners", json={"name": "X", "category": "other"})
    assert resp.status_code == 401
    assert _count() == 0
    assert client.get("/api/v1/partners").status_code == 200  # reads may use the session


def test_bad_token_is_401(client):
    resp = client.get("/api/v1/partners", headers={"Authorization": "Bearer nope"})
    assert resp.status_code == 401
