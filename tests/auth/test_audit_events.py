"""Issue 11, finding 9: sign-in (success and failure, with the account), sign-out, a refused write
(403) and a token used from a new address are audit events; the log's time is UTC with Z; a CSRF
refusal carries a request id."""

from __future__ import annotations

import json
import logging
import re

from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from tests.conftest import PASSWORD, csrf_token


def _events(action: str) -> list[AuditEvent]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_sign_in_success_and_failure_are_recorded_with_the_account(client, make_user):
    user = make_user("manager")
    client.post("/login", data={"email": user.email, "password": "wrong wrong wrong", "csrf_token": csrf_token(client)})
    client.post("/login", data={"email": "Nobody@Example.test", "password": "wrong wrong wrong",
                                "csrf_token": csrf_token(client)})
    failed = _events("user.sign_in_failed")
    assert [(e.object_id, json.loads(e.after)["email"]) for e in failed] == [
        (user.id, user.email), (None, "nobody@example.test")]
    assert failed[0].ip == "127.0.0.1"
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(client)})
    [ok] = _events("user.sign_in")
    assert ok.object_id == user.id and ok.actor_id == user.id


def test_sign_out_is_recorded(client, make_user, sign_in):
    user = make_user("manager")
    sign_in(user)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    [event] = _events("user.sign_out")
    assert event.actor_id == user.id


def test_a_refused_write_is_recorded(client, make_user, sign_in, token_for):
    member = make_user("member")
    sign_in(member)
    resp = client.post("/partners/new", data={"name": "X", "csrf_token": csrf_token(client, "/")})
    assert resp.status_code == 403
    resp = client.post("/api/v1/partners", json={"name": "X", "category": "other"},
                       headers={"Authorization": f"Bearer {token_for(member)}"})
    assert resp.status_code == 403
    events = _events("access.denied")
    assert [json.loads(e.after)["permission"] for e in events] == ["partners.edit", "partners.edit"]
    assert all(e.actor_id == member.id for e in events)
    client.get("/partners/new")  # a refused read is no event
    assert len(_events("access.denied")) == 2


def test_a_token_used_from_a_new_address_is_recorded(client, make_user, token_for):
    user = make_user("manager")
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    for address in ("192.0.2.1", "192.0.2.1", "198.51.100.2", "198.51.100.2", "192.0.2.1"):
        assert client.get("/api/v1/partners", headers=headers, environ_base={"REMOTE_ADDR": address}).status_code == 200
    events = _events("user.token_new_address")  # the first use is where the token starts, no news
    assert [e.ip for e in events] == ["198.51.100.2", "192.0.2.1"]
    assert all(e.actor_id == user.id for e in events)


def test_the_log_time_is_utc_with_z(app):
    handler = next(h for h in logging.getLogger("govtrack").handlers if h.filters)
    record = logging.LogRecord("govtrack.test", logging.INFO, __file__, 1, "hello", None, None)
    record.created, record.msecs = 1805101200.25, 250.0  # 2027-03-15 09:00:00.250 UTC
    handler.filters[0].filter(record)
    assert handler.format(record).startswith("2027-03-15T09:00:00.250Z INFO")


def test_a_csrf_refusal_carries_a_request_id(client):
    resp = client.post("/login", data={"email": "a@b.test", "password": "x"})
    assert resp.status_code == 400
    rid = resp.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", rid)
    assert rid in resp.get_data(as_text=True)
