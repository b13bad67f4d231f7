"""Dashboard, lists, CSV export, maturity wall, scorecard and permissions."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from govtrack.extensions import db
from govtrack.obligations import queries
from tests.conftest import csrf_token
from tests.obligations.conftest import TODAY, occurrences_of

D = dt.date


def test_csv_export_neutralises_formula_cells(app, client, sign_in, setting, make_obligation, today):
    from govtrack.core.exports import csv_safe
    from govtrack.obligations.services import fulfil, load_for_update

    # Titles are stripped of blanks on the way in; tab and CR starts are checked on the helper.
    assert csv_safe("\tTab") == "'\tTab" and csv_safe("\rCR") == "'\rCR" and csv_safe("ok") == "ok"
    dangerous = ["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)"]
    for title in dangerous:
        make_obligation(due_date=D(2027, 3, 20), title=title)
    ob = make_obligation(due_date=D(2027, 3, 21), title="Plain title")
    with app.test_request_context():
        fulfil(actor="test", obligation=load_for_update(ob.id), on=D(2027, 3, 14), note="=1+1")
    db.session.commit()

    sign_in(setting["manager"])
    resp = client.get("/obligations/export.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    header, body = rows[0], rows[1:]
    titles = [r[header.index("Obligation")] for r in body]
    for title in dangerous:
        assert "'" + title in titles
    assert "Plain title" in titles
    notes = [r[header.index("Note")] for r in body]
    assert "'=1+1" in notes
    # No cell of the export starts with a formula character.
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r)


def test_export_follows_the_views_filters(app, client, sign_in, setting, make_obligation, today):
    make_obligation(due_date=D(2027, 3, 1), title="Late one")
    make_obligation(due_date=D(2027, 6, 1), title="Later one")
    make_obligation(due_date=D(2027, 3, 1), title="We owe", owed_by="cooperative", partner_id=setting["lender"].id)
    sign_in(setting["manager"])
    body = client.get("/obligations/export.csv?status=overdue&direction=partner").get_data(as_text=True)
    assert "Late one" in body and "Later one" not in body and "We owe" not in body


def test_dashboard_groups_both_directions_and_each_row_is_one_click_from_fulfilled(
    app, client, sign_in, setting, make_obligation, today
):
    make_obligation(due_date=D(2027, 3, 1), title="Tranche 2", amount="250000000")
    make_obligation(due_date=D(2027, 4, 10), title="Instalment", owed_by="cooperative",
                    partner_id=setting["lender"].id, kind="repayment", amount="15000000")
    make_obligation(due_date=D(2027, 4, 20), title="Outside the window")
    data = queries.dashboard(today=TODAY)
    assert [r.title for r in data.rows] == ["Tranche 2", "Instalment"]
    by_partner = {(g.key[0], g.label): (g.overdue, g.upcoming) for g in data.by_partner}
    assert by_partner == {("partner", "Yayasan Air Bersih"): (1, 0), ("cooperative", "Bank Syariah Desa"): (0, 1)}
    assert {g.label for g in data.by_category} == {"nonprofit_funder", "financial_institution"}
    assert [(g.label, g.overdue + g.upcoming) for g in data.by_responsible] == [("Siti Manager", 2)]

    sign_in(setting["manager"])
    html = client.get("/obligations/?direction=cooperative").get_data(as_text=True)
    assert "Instalment" in html and "Tranche 2" not in html
    occ = next(r for r in data.rows if r.title == "Tranche 2")
    resp = client.post(f"/obligations/occurrences/{occ.id}/fulfil", data={
        "csrf_token": csrf_token(client, "/obligations/"), "date": TODAY.isoformat(), "back": "dashboard"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/obligations/")
    db.session.expire_all()
    assert [r.title for r in queries.dashboard(today=TODAY).rows] == ["Instalment"]


def test_dashboard_query_count_does_not_grow_with_rows(app, client, sign_in, setting, make_obligation,
                                                       count_queries, today):
    sign_in(setting["manager"])

    def count() -> int:
        with count_queries() as q:
            assert client.get("/obligations/").status_code == 200
        return q.count

    for i in range(3):
        make_obligation(due_date=D(2027, 3, 1 + i), title=f"A{i}")
    few = count()
    for i in range(30):
        make_obligation(due_date=D(2027, 3, 1 + i % 28), title=f"B{i}", amount="10",
                        owed_by="cooperative" if i % 2 else "partner", partner_id=setting["lender"].id)
    assert count() == few

    def count_list() -> int:
        with count_queries() as q:
            assert client.get("/obligations/list?status=overdue").status_code == 200
        return q.count

    assert count_list() <= few


def test_the_overdue_list_pages_by_due_date(app, client, sign_in, setting, make_obligation, today):
    for i in range(5):
        make_obligation(due_date=D(2027, 3, 1 + i), title=f"Late {i}")
    first = queries.overdue_page(today=TODAY, limit=2)
    second = queries.overdue_page(today=TODAY, limit=2, cursor=first.next)
    third = queries.overdue_page(today=TODAY, limit=2, cursor=second.next)
    assert [r.title for r in first.items + second.items + third.items] == [f"Late {i}" for i in range(5)]
    assert third.next is None
    sign_in(setting["manager"])
    html = client.get("/obligations/list?status=overdue&limit=2").get_data(as_text=True)
    assert "Late 0" in html and "Late 2" not in html and "Next page" in html


def test_maturity_wall_table_and_charts(app, client, sign_in, setting, make_obligation, today):
    make_obligation(rrule="FREQ=MONTHLY;BYMONTHDAY=25;COUNT=30", starts_on=D(2027, 3, 25), amount="1000000",
                    owed_by="cooperative", partner_id=setting["lender"].id, kind="repayment", title="Loan")
    make_obligation(due_date=D(2027, 2, 1), amount="500", owed_by="cooperative",
                    partner_id=setting["funder"].id, kind="payment", title="Late fee")
    make_obligation(due_date=D(2027, 4, 1), amount="999", title="Owed to us", kind="repayment")
    months, earlier = queries.maturity_wall(today=TODAY)
    assert len(months) == 24 and months[0].start == D(2027, 3, 1) and months[-1].start == D(2029, 2, 1)
    # 30 instalments asked for, but the agreement ends on 2028-12-31: 22 months carry one each.
    assert all(m.amounts == {"IDR": Decimal("1000000.00")} for m in months[:22])
    assert months[22].amounts == {} and months[23].amounts == {}
    assert earlier == {"IDR": Decimal("500.00")}

    sign_in(setting["manager"])
    page = client.get("/obligations/maturity")
    assert page.status_code == 200 and "Overdue from earlier months" in page.get_data(as_text=True)
    png = client.get("/obligations/maturity.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    svg = client.get("/obligations/maturity.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_partner_scorecard_both_directions(app, client, sign_in, setting, make_obligation, today, make_decision):
    from govtrack.obligations.services import (
        WaiverDecision,
        fulfil,
        load_for_update,
        waive_obligation,
    )

    funder = setting["funder"]
    on_time = make_obligation(due_date=D(2027, 1, 10), title="On time", amount="100")
    late = make_obligation(due_date=D(2027, 1, 10), title="Late", amount="100")
    make_obligation(due_date=D(2027, 3, 5), title="Still late", amount="300")        # 10 days late today
    waived = make_obligation(due_date=D(2027, 2, 1), title="Waived")
    make_obligation(due_date=D(2027, 5, 1), title="We owe", owed_by="cooperative", partner_id=funder.id, amount="50")
    with app.test_request_context():
        fulfil(actor="test", obligation=load_for_update(on_time.id), on=D(2027, 1, 10))
        fulfil(actor="test", obligation=load_for_update(late.id), on=D(2027, 1, 14))
        waive_obligation(actor="test", obligation=load_for_update(waived.id),
                         decision=WaiverDecision(id=make_decision().id, obligation_id=waived.id), reason="x")
    db.session.commit()

    card = queries.partner_scorecard(funder.id, TODAY)
    theirs, ours = card["partner"], card["cooperative"]
    assert (theirs.due, theirs.on_time, theirs.waived, theirs.overdue) == (3, 1, 1, 1)
    assert theirs.on_time_rate == pytest.approx(1 / 3)
    assert theirs.average_days_late == pytest.approx((4 + 10) / 2)
    assert theirs.outstanding == {"IDR": Decimal("300.00")} and theirs.overdue_amounts == {"IDR": Decimal("300.00")}
    assert ours.outstanding == {"IDR": Decimal("50.00")} and ours.on_time_rate is None

    sign_in(setting["manager"])
    html = client.get(f"/obligations/partners/{funder.id}/scorecard").get_data(as_text=True)
    assert "33%" in html and "7.0" in html


def test_create_an_obligation_with_the_recurrence_builder(app, client, sign_in, setting, today):
    sign_in(setting["manager"])
    resp = client.post("/obligations/new", data={
        "csrf_token": csrf_token(client, "/obligations/new"), "agreement_id": setting["agreement"].id,
        "owed_by": "cooperative", "partner_id": setting["lender"].id, "kind": "repayment",
        "title": "Loan instalment", "amount": "12500000", "currency": "IDR", "schedule": "monthly",
        "starts_on": "2027-01-31", "day": "31", "until": "2027-04-30", "responsible_id": setting["manager"].id,
    })
    assert resp.status_code == 302, resp.get_data(as_text=True)
    ob_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    assert [o.due_on for o in occurrences_of(ob_id)] == [D(2027, 1, 31), D(2027, 2, 28), D(2027, 3, 31), D(2027, 4, 30)]

    bad = client.post("/obligations/new", data={
        "csrf_token": csrf_token(client, "/obligations/new"), "agreement_id": setting["agreement"].id,
        "owed_by": "partner", "partner_id": 0, "kind": "report", "title": "No partner", "currency": "IDR",
        "schedule": "once", "due_date": "2027-05-01",
    })
    assert bad.status_code == 422 and "Name the partner who owes this." in bad.get_data(as_text=True)


PAGES = ["/obligations/", "/obligations/list", "/obligations/export.csv", "/obligations/maturity",
         "/obligations/maturity.png", "/obligations/maturity.svg", "/obligations/calendar", "/obligations/new"]


@pytest.mark.parametrize("path", PAGES)
def test_members_are_refused_and_anonymous_users_sent_to_sign_in(app, client, sign_in, make_user, path):
    anon = app.test_client().get(path)
    assert anon.status_code == 302 and "/login" in anon.headers["Location"]
    sign_in(make_user("member"))
    assert client.get(path).status_code == 403


def test_board_may_look_but_not_record(app, client, sign_in, make_user, setting, make_obligation, today):
    ob = make_obligation(due_date=D(2027, 3, 1))
    occ = occurrences_of(ob.id)[0]
    sign_in(make_user("board"))
    assert client.get("/obligations/").status_code == 200
    assert client.get(f"/obligations/occurrences/{occ.id}/fulfil").status_code == 403


def test_every_page_renders_for_a_manager(app, client, sign_in, setting, make_obligation, runner, today):
    ob = make_obligation(rrule="FREQ=MONTHLY;BYMONTHDAY=1;COUNT=3", starts_on=D(2027, 2, 1), amount="100")
    occ = occurrences_of(ob.id)[0]
    sign_in(setting["manager"])
    for path in ["/obligations/", "/obligations/list", "/obligations/new", f"/obligations/{ob.id}",
                 f"/obligations/occurrences/{occ.id}/fulfil", "/obligations/maturity", "/obligations/calendar",
                 f"/obligations/partners/{setting['funder'].id}/scorecard", "/obligations/maturity.csv"]:
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert b"Traceback" not in resp.data
    assert client.get("/obligations/999999").status_code == 404
    assert client.get("/obligations/list?partner_id=abc").status_code == 400
    assert client.get("/obligations/overdue").status_code == 302


def test_the_extend_command_moves_the_horizon(app, runner, make_agreement, make_obligation):
    from sqlalchemy import select

    from govtrack.agreements.models import AgreementParty
    from govtrack.obligations.cli import obligations_cli

    mou = make_agreement("MoU without end", kind="mou")
    partner_id = db.session.scalar(select(AgreementParty.partner_id).where(AgreementParty.agreement_id == mou.id))
    ob = make_obligation(agreement_id=mou.id, partner_id=partner_id, rrule="FREQ=MONTHLY;BYMONTHDAY=1",
                         starts_on=D(2027, 1, 1), kind="report", today=D(2027, 1, 1))
    assert len(occurrences_of(ob.id)) == 25  # 2027-01-01 .. 2029-01-01
    result = runner.invoke(obligations_cli, ["extend", "--today", "2027-07-01"])
    assert result.exit_code == 0 and "added 6" in result.output
    assert occurrences_of(ob.id)[-1].due_on == D(2029, 7, 1)
    bad = runner.invoke(obligations_cli, ["extend", "--today", "tomorrow"])
    assert bad.exit_code != 0


def test_row_labels_are_translated_once_per_page_in_the_readers_language(
    app, client, sign_in, setting, make_obligation, today
):
    make_obligation(due_date=D(2027, 3, 1), title="Late one")
    make_obligation(due_date=D(2027, 3, 20), title="Soon one", owed_by="cooperative", partner_id=setting["lender"].id)
    ob = make_obligation(due_date=D(2027, 3, 2), title="Detail one")
    sign_in(setting["manager"])
    for path in ("/obligations/", "/obligations/list", f"/obligations/{ob.id}"):
        english = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
        indonesian = client.get(path, headers={"Accept-Language": "id"}).get_data(as_text=True)
        assert ">Overdue</span>" in english and ">Lewat jatuh tempo</span>" in indonesian, path
        assert ">Lewat jatuh tempo</span>" not in english and ">Overdue</span>" not in indonesian, path
    html = client.get("/obligations/list", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert ">Segera jatuh tempo</span>" in html and "kewajiban koperasi" in html and "kewajiban mitra" in html
    # Each open row links to its fulfilment page (which asks for the date); nothing is one click.
    assert html.count("Penuhi…") == 3 and "Terpenuhi hari ini" not in html


@pytest.mark.parametrize("lang", ["en", "id"])
def test_due_dates_are_formatted_as_the_date_filter_formats_them(app, lang):
    from govtrack.obligations.views import _due_dates

    days = [D(2027, 1, 31), D(2027, 3, 1), D(2026, 12, 25)]
    rows = [queries.Row(id=i, due_on=d, amount=None, paid_amount=Decimal(0), fulfilled_on=None, waived=False,
                        note=None, obligation_id=1, title="t", kind="report", owed_by="partner", currency="IDR",
                        responsible_id=None, responsible_name=None, partner_id=None, partner_name=None,
                        partner_category=None, agreement_id=1, agreement_title="a", agreement_reference=None)
            for i, d in enumerate(days + days)]
    with app.test_request_context(headers={"Accept-Language": lang}):
        date_filter = app.jinja_env.filters["date"]
        assert _due_dates(rows) == {d: date_filter(d) for d in days}


@pytest.mark.parametrize("script_root", ["", "/koperasi"])
def test_row_links_are_the_urls_url_for_builds(app, script_root):
    from flask import url_for

    from govtrack.obligations.views import url_for_ids

    with app.test_request_context(base_url=f"http://example.test{script_root}/"):
        detail, fulfil = url_for_ids("obligations.detail", "obligation_id"), url_for_ids("obligations.fulfil", "occurrence_id")
        for i in (1, 42, 918273645, 10**12):
            assert detail(i) == url_for("obligations.detail", obligation_id=i)
            assert fulfil(i) == url_for("obligations.fulfil", occurrence_id=i)
        assert detail(7).startswith(f"{script_root}/obligations/")
