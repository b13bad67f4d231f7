"""The audit chain: every write is recorded, and `audit verify` finds a changed, deleted or
inserted row."""

from __future__ import annotations

from sqlalchemy import select, text

from govtrack.audit.models import AuditEvent
from govtrack.audit.services import verify_chain
from govtrack.extensions import db
from tests.conftest import csrf_token


def _events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _rows() -> list[tuple[int, str]]:
    """(sequence, hash) of every event, as plain values that outlive the session."""
    return [tuple(r) for r in db.session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id))]


def _seed(make_partner, n: int = 4) -> None:
    for i in range(n):
        make_partner(f"Mitra {i}")


def test_every_write_is_recorded_with_who_what_when(api_as, make_user):
    manager = make_user("manager", email="rina@example.test")
    api = api_as(manager)
    pid = api.post("/api/v1/partners", json={"name": "Dinas PU", "category": "local_government"}).get_json()["id"]
    api.patch(f"/api/v1/partners/{pid}", json={"region": "Kabupaten Bogor"})
    partner_events = [e for e in _events() if e.object_type == "partner"]
    assert [e.action for e in partner_events] == ["partner.create", "partner.update"]
    assert all(e.actor_label == "rina@example.test" and e.actor_id == manager.id for e in partner_events)
    assert partner_events[1].before and '"region":null' in partner_events[1].before
    assert '"region":"Kabupaten Bogor"' in partner_events[1].after
    assert partner_events[0].at.tzinfo is not None


def test_a_failed_write_records_nothing(api_as):
    api = api_as("manager")
    before = len(_events())
    assert api.post("/api/v1/partners", json={"name": "", "category": "other"}).status_code == 422
    assert len(_events()) == before


def test_intact_chain_verifies(make_partner, runner):
    _seed(make_partner)
    assert verify_chain().ok
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_changed_row_is_found(make_partner, runner):
    _seed(make_partner)
    target = _rows()[2][0]
    db.session.execute(text("UPDATE audit_events SET after = :a WHERE id = :id"), {"a": '{"name":"forged"}', "id": target})
    db.session.commit()
    result = verify_chain()
    assert not result.ok and result.first_bad == target
    cli = runner.invoke(args=["audit", "verify"])
    assert cli.exit_code != 0 and str(target) in cli.output


def test_deleted_row_is_found(make_partner):
    _seed(make_partner)
    target = _rows()[1][0]
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": target})
    db.session.commit()
    result = verify_chain()
    assert not result.ok and result.first_bad == target


def test_deleted_last_row_is_found(make_partner):
    _seed(make_partner)
    last = _rows()[-1][0]
    db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": last})
    db.session.commit()
    result = verify_chain()
    assert not result.ok and result.first_bad == last


def test_inserted_row_is_found(make_partner):
    _seed(make_partner)
    rows = _rows()
    # Move the tail up by one and slip a forged row in at position 3, chained to the real row 2.
    slot = rows[2][0]
    for seq, _ in reversed(rows[2:]):
        db.session.execute(text("UPDATE audit_events SET id = :new WHERE id = :old"), {"new": seq + 1, "old": seq})
    db.session.execute(
        text(
            "INSERT INTO audit_events (id, at, actor_id, actor_label, action, object_type, object_id, "
            "before, after, ip, prev_hash, hash) VALUES (:id, :at, NULL, 'intruder', 'partner.create', "
            "'partner', 1, NULL, NULL, NULL, :prev, :hash)"
        ),
        {"id": slot, "at": "2026-01-01 00:00:00", "prev": rows[1][1], "hash": "f" * 64},
    )
    db.session.commit()
    result = verify_chain()
    assert not result.ok and result.first_bad == slot


def test_audit_page_is_for_admins_and_filters(client, make_user, sign_in, make_partner):
    _seed(make_partner, 2)
    sign_in("manager")
    assert client.get("/admin/audit/").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in("admin")
    page = client.get("/admin/audit/?object_type=partner").get_data(as_text=True)
    page = page[page.index("<tbody>"):]  # the events (the filter's list offers every action)
    # the actions in words (labels.AUDIT_ACTION), never their codes
    assert "Partner added" in page and "User created" not in page and "partner.create" not in page
