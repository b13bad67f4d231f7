"""A fulfilment is never one click: the fulfil page shows the date (today unless changed) and asks;
a recorded fulfilment can be corrected or reversed by a manager with a reason, audited, the reversed
payment kept in the history and the occurrence open again; after the action the manager is back on
the list with its filters (a `next` off the site is ignored)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.obligations.models import Occurrence, Payment
from tests.conftest import csrf_token
from tests.obligations.conftest import TODAY, occurrences_of

D = dt.date


def _payments(occurrence_id: int) -> list[Payment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Payment).where(Payment.occurrence_id == occurrence_id).order_by(Payment.id)))


def test_the_list_links_to_a_fulfil_page_that_asks_for_the_date_and_returns_to_the_filtered_list(
        client, sign_in, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2025, 7, 1), title="Laporan Juli", kind="report")
    occ = occurrences_of(ob.id)[0]
    sign_in(setting["manager"])
    listing = "/obligations/list?status=overdue&direction=partner"
    html = client.get(listing).get_data(as_text=True)
    link = f"/obligations/occurrences/{occ.id}/fulfil?next={quote(listing, safe='/')}"
    assert f'href="{link}"' in html
    assert "Fulfilled today" not in html and f'action="/obligations/occurrences/{occ.id}/fulfil"' not in html

    page = client.get(link).get_data(as_text=True)
    assert f'value="{TODAY.isoformat()}"' in page  # the date, editable, today by default
    assert "Check the date" in page and f'name="next" value="{listing.replace("&", "&amp;")}"' in page
    resp = client.post(link, data={"csrf_token": csrf_token(client, link), "date": "2025-07-03",
                                   "next": listing})
    assert resp.status_code == 302 and resp.headers["Location"] == listing
    db.session.expire_all()
    assert db.session.get(Occurrence, occ.id).fulfilled_on == D(2025, 7, 3)
    flashed = client.get(listing).get_data(as_text=True)
    assert "Fulfilment recorded." in flashed and "Laporan Juli" in flashed


def test_an_off_site_next_is_ignored(client, sign_in, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1))
    occ = occurrences_of(ob.id)[0]
    sign_in(setting["manager"])
    url = f"/obligations/occurrences/{occ.id}/fulfil"
    token = csrf_token(client, url)
    for bad in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        page = client.get(url + "?next=" + quote(bad, safe="")).get_data(as_text=True)
        assert "evil.example" not in page.split("<main", 1)[1] and "javascript:" not in page.split("<main", 1)[1]
    resp = client.post(url, data={"csrf_token": token, "date": TODAY.isoformat(), "next": "//evil.example/"})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/obligations/{ob.id}"


def test_a_manager_corrects_a_fulfilment_on_the_page(client, sign_in, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1), amount="1000000")
    occ = occurrences_of(ob.id)[0]
    sign_in(setting["manager"])
    url = f"/obligations/occurrences/{occ.id}/fulfil"
    client.post(url, data={"csrf_token": csrf_token(client, url), "date": "2027-03-15", "amount": "1000000"})
    payment = _payments(occ.id)[0]
    detail = client.get(f"/obligations/{ob.id}").get_data(as_text=True)
    assert f'href="/obligations/fulfilments/{payment.id}/correct"' in detail
    assert f'href="/obligations/fulfilments/{payment.id}/reverse"' in detail

    correct = f"/obligations/fulfilments/{payment.id}/correct"
    form = client.get(correct).get_data(as_text=True)
    assert 'value="2027-03-15"' in form
    token = csrf_token(client, correct)
    # no reason: refused, nothing changes
    resp = client.post(correct, data={"csrf_token": token, "date": "2027-03-10", "amount": "400000", "reason": ""})
    assert resp.status_code == 422 and _payments(occ.id)[0].paid_on == D(2027, 3, 15)
    # a partial amount after all: the occurrence is open again, and overdue
    resp = client.post(correct, data={"csrf_token": token, "date": "2027-03-10", "amount": "400000",
                                      "note": "Transfer sebagian", "reason": "Salah ketik jumlah"})
    assert resp.status_code == 302 and resp.headers["Location"] == f"/obligations/{ob.id}"
    p = _payments(occ.id)[0]
    assert (p.paid_on, p.amount, p.note) == (D(2027, 3, 10), Decimal("400000"), "Transfer sebagian")
    o = db.session.get(Occurrence, occ.id)
    assert (o.paid_amount, o.fulfilled_on) == (Decimal("400000"), None)
    # more than owed: refused naming the field
    resp = client.post(correct, data={"csrf_token": token, "date": "2027-03-10", "amount": "1000001",
                                      "reason": "x"})
    assert resp.status_code == 422 and "More than the" in resp.get_data(as_text=True)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "obligation.fulfilment_correct")).one()
    assert "Salah ketik jumlah" in event.after


def test_a_reversal_keeps_the_payment_in_the_history_and_reopens_the_occurrence(client, sign_in, setting,
                                                                                 make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1), amount="1000000")
    occ = occurrences_of(ob.id)[0]
    sign_in(setting["manager"])
    dashboard = "/obligations/?direction=partner"
    url = f"/obligations/occurrences/{occ.id}/fulfil"
    client.post(url, data={"csrf_token": csrf_token(client, url), "date": "2027-03-15"})
    payment = _payments(occ.id)[0]
    reverse = f"/obligations/fulfilments/{payment.id}/reverse?next={quote(dashboard, safe='')}"
    page = client.get(reverse).get_data(as_text=True)
    assert "The fulfilment stays in the history" in page and "The occurrence is open again" in page
    token = csrf_token(client, reverse)
    resp = client.post(reverse, data={"csrf_token": token, "reason": "", "next": dashboard})
    assert resp.status_code == 422 and _payments(occ.id)[0].reversed_at is None
    resp = client.post(reverse, data={"csrf_token": token, "reason": "Transfer ditolak bank", "next": dashboard})
    assert resp.status_code == 302 and resp.headers["Location"] == dashboard
    kept = _payments(occ.id)
    assert len(kept) == 1 and kept[0].reversed_at is not None and kept[0].reversal_reason == "Transfer ditolak bank"
    o = db.session.get(Occurrence, occ.id)
    assert (o.paid_amount, o.fulfilled_on) == (Decimal("0"), None)
    detail = client.get(f"/obligations/{ob.id}").get_data(as_text=True)
    assert "reversed" in detail and "Transfer ditolak bank" in detail and "<del>" in detail
    assert f'href="/obligations/occurrences/{occ.id}/fulfil"' in detail  # open again
    # twice: refused; and a reversed fulfilment is not corrected
    resp = client.post(reverse, data={"csrf_token": token, "reason": "lagi"})
    assert resp.status_code == 409 and "already reversed" in resp.get_data(as_text=True)
    correct = f"/obligations/fulfilments/{payment.id}/correct"
    resp = client.post(correct, data={"csrf_token": token, "date": "2027-03-12", "reason": "x"})
    assert resp.status_code == 409
    assert len(_payments(occ.id)) == 1 and _payments(occ.id)[0].paid_on == D(2027, 3, 15)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "obligation.fulfilment_reverse")).one()


def test_correction_and_reversal_through_the_api(api_as, setting, make_obligation, today):
    api = api_as(setting["manager"])
    ob = make_obligation(due_date=D(2027, 3, 1), amount="1000000")
    occ = occurrences_of(ob.id)[0]
    body = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-14", "amount": "600000"}).get_json()
    first = body["occurrences"][0]["payments"][0]
    assert first["reversed"] is False
    body = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-15"}).get_json()
    assert body["occurrences"][0]["status"] == "fulfilled"
    second = body["occurrences"][0]["payments"][1]

    base = f"/api/v1/obligations/{ob.id}/fulfilments"
    resp = api.patch(f"{base}/{first['id']}", json={"date": "2027-03-13", "reason": "Tanggal salah"})
    assert resp.status_code == 200
    occ_out = resp.get_json()["occurrences"][0]
    assert occ_out["payments"][0]["paid_on"] == "2027-03-13" and occ_out["fulfilled_on"] == "2027-03-15"
    resp = api.patch(f"{base}/{first['id']}", json={"date": "2027-03-13"})
    assert resp.status_code == 422 and "reason" in resp.get_json()["error"]["fields"]

    resp = api.post(f"{base}/{second['id']}/reverse", json={"reason": "Cek kosong"})
    assert resp.status_code == 200
    occ_out = resp.get_json()["occurrences"][0]
    assert occ_out["status"] == "pending" or occ_out["status"] in ("due_soon", "overdue")
    assert occ_out["fulfilled_on"] is None and occ_out["paid"]["amount"] == "600000.00"
    reversed_out = occ_out["payments"][1]
    assert reversed_out["reversed"] is True and reversed_out["reversal_reason"] == "Cek kosong"

    again = api.post(f"{base}/{second['id']}/reverse", json={"reason": "lagi"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_reversed"
    fix = api.patch(f"{base}/{second['id']}", json={"date": "2027-03-15", "reason": "x"})
    assert fix.status_code == 409 and fix.get_json()["error"]["code"] == "fulfilment_reversed"
    # a payment of another obligation answers as missing
    other = make_obligation(due_date=D(2027, 4, 1))
    assert api.post(f"/api/v1/obligations/{other.id}/fulfilments/{first['id']}/reverse",
                    json={"reason": "x"}).status_code == 404
    # the occurrence can be fulfilled again
    assert api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-20"}).status_code == 200
    assert db.session.get(Occurrence, occ.id) is not None


def test_only_managers_correct_or_reverse(client, sign_in, api_as, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1))
    api = api_as(setting["manager"])
    body = api.post(f"/api/v1/obligations/{ob.id}/fulfil", json={"date": "2027-03-14"}).get_json()
    pid = body["occurrences"][0]["payments"][0]["id"]
    for role in ("board", "member"):
        other = api_as(role)
        assert other.post(f"/api/v1/obligations/{ob.id}/fulfilments/{pid}/reverse",
                          json={"reason": "x"}).status_code == 403
    sign_in("board")
    assert client.get(f"/obligations/fulfilments/{pid}/reverse").status_code == 403
    assert client.get(f"/obligations/fulfilments/{pid}/correct").status_code == 403
    assert _payments(occurrences_of(ob.id)[0].id)[0].reversed_at is None


def test_the_migration_keeps_every_recorded_payment_standing(tmp_path):
    """Payments recorded before 0012 stay as they were (none reversed) and can be reversed after it."""
    from pathlib import Path

    from flask_migrate import upgrade
    from sqlalchemy import text

    from govtrack import create_app
    from tests.conftest import _config

    migrations = str(Path(__file__).parent.parent.parent / "migrations")
    app = create_app(_config(f"sqlite:///{tmp_path / 'old.sqlite3'}", tmp_path))
    with app.app_context():
        upgrade(directory=migrations, revision="0010_audit_anchors")
        for sql in (
            "INSERT INTO agreements (id, title, kind, status, visibility, value_currency, created_at, updated_at) "
            "VALUES (1, 'a', 'grant', 'active', 'internal', 'IDR', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            "INSERT INTO obligations (id, agreement_id, owed_by, kind, title, amount, currency, due_date, created_at) "
            "VALUES (1, 1, 'cooperative', 'payment', 'o', 100000, 'IDR', '2027-01-01', '2026-01-01 00:00:00')",
            "INSERT INTO obligation_occurrences (id, obligation_id, due_on, amount, paid_amount, fulfilled_on, waived) "
            "VALUES (1, 1, '2027-01-01', 100000, 100000, '2027-01-02', 0)",
            "INSERT INTO obligation_payments (id, occurrence_id, paid_on, amount, note, recorded_at) "
            "VALUES (1, 1, '2027-01-02', 100000, 'lunas', '2027-01-02 03:00:00')",
        ):
            db.session.execute(text(sql))
        db.session.commit()
        upgrade(directory=migrations, revision="heads")
        payment = db.session.get(Payment, 1)
        assert (payment.paid_on, payment.amount, payment.note, payment.reversed_at) == (
            D(2027, 1, 2), Decimal("1000.00"), "lunas", None)
        from govtrack.obligations.models import Obligation
        from govtrack.obligations.services import reverse_fulfilment

        with app.test_request_context():
            occ = reverse_fulfilment(actor="test", obligation=db.session.get(Obligation, 1), payment_id=1,
                                     reason="uji")
            db.session.commit()
        assert (occ.paid_amount, occ.fulfilled_on) == (Decimal("0"), None)
        db.session.remove()
        db.engine.dispose()
