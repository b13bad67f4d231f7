"""The home page says, per role, what needs attention, each line one click from acting on it, with
counts and "see all" links to the same set; it reads a fixed number of queries at any data size."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from govtrack.core.clock import today, utcnow
from govtrack.extensions import db
from govtrack.forums import services as forums
from govtrack.forums.models import Meeting
from govtrack.obligations.services import ObligationData, create_obligation


@pytest.fixture
def meetings_of(app_context):
    """meetings_of(forum, [(title, in_days), ...]) -> scheduled meetings that many days ahead."""

    def make(forum, plan):
        out = []
        for title, days in plan:
            out.append(forums.create_meeting(actor="test", forum=forum, title=title,
                                             starts_at=utcnow() + dt.timedelta(days=days), location="Balai desa"))
        db.session.commit()
        return out

    return make


def _forum(name, kind, code, **kw):
    if kw.get("all_members") is False and not kw.get("voter_ids"):
        from govtrack.members.models import Member

        voter = Member(number=f"V-{code}", name=f"Pemilih {code}", group_name="Pengurus")
        db.session.add(voter)
        db.session.flush()
        kw["voter_ids"] = [voter.id]
    forum = forums.create_forum(actor="test", data=forums.ForumData(name=name, kind=kind, code=code, **kw))
    db.session.commit()
    return forum


def _main(resp) -> str:
    assert resp.status_code == 200
    return resp.get_data(as_text=True).split("<main", 1)[1]


def test_board_sees_meetings_agreements_waiting_and_minutes(client, sign_in, make_agreement, make_decision,
                                                            meetings_of):
    central = _forum("Forum Rembug Pusat", "rembug_pusat", "RP")
    dps = _forum("Dewan Pengawas Syariah", "sharia_supervisory", "DPS", all_members=False)
    meetings_of(central, [("Rapat anggaran air", 3), ("Rapat bulan depan", 20)])
    loan = make_agreement("Pembiayaan pompa air", kind="loan", reference="PB-7", status="under_deliberation")
    make_decision(loan, effect="approve")  # the central forum carried it; the DPS has not
    old = forums.create_meeting(actor="test", forum=central, title="Rapat yang lalu",
                                starts_at=utcnow() - dt.timedelta(days=9), location="Balai")
    forums.open_meeting(actor="test", meeting=old, now=utcnow() - dt.timedelta(days=9))
    forums.set_minutes(actor="test", meeting=old, text="Rapat membahas pompa air.")
    forums.close_meeting(actor="test", meeting=old, now=utcnow() - dt.timedelta(days=9))
    db.session.commit()

    sign_in("board")
    body = _main(client.get("/"))
    assert "Rapat anggaran air" in body and "Rapat bulan depan" not in body
    # The agreement, and which forum it still waits for (by name), one click from its page.
    assert f'href="/agreements/{loan.id}">PB-7 — Pembiayaan pompa air</a>' in body
    waiting = body.split('id="att-waiting"', 1)[1].split("</section>", 1)[0]
    assert "Dewan Pengawas Syariah" in waiting and "Forum Rembug Pusat" not in waiting
    assert "not on any agenda yet" in waiting
    # Once a meeting of the forum it waits for has it on the agenda, the line links to that meeting.
    dps_meeting = meetings_of(dps, [("Rapat DPS Desember", 4)])[0]
    forums.add_agenda_item(actor="test", meeting=dps_meeting, title="Pembiayaan pompa", agreement_id=loan.id)
    db.session.commit()
    waiting = _main(client.get("/")).split('id="att-waiting"', 1)[1].split("</section>", 1)[0]
    assert f'on the agenda of <a href="/forums/meetings/{dps_meeting.id}">Rapat DPS Desember</a>' in waiting
    minutes = body.split('id="att-minutes"', 1)[1].split("</section>", 1)[0]
    assert f'href="/forums/meetings/{old.id}#minutes">Rapat yang lalu</a>' in minutes
    assert "/forums/meetings?status=closed&amp;minutes=draft" in minutes
    # The "see all" list is the same set as the count.
    listed = client.get("/forums/meetings?status=closed&minutes=draft").get_data(as_text=True)
    assert "Rapat yang lalu" in listed
    assert "ready to approve" in minutes
    forums.approve_minutes(actor="test", meeting=db.session.get(Meeting, old.id))
    db.session.commit()
    assert "Rapat yang lalu" not in client.get("/forums/meetings?status=closed&minutes=draft").get_data(as_text=True)
    assert "Rapat yang lalu" not in _main(client.get("/")).split('id="att-minutes"', 1)[1]
    # The board is not shown the managers' part, nor the members'.
    assert 'id="att-obligations"' not in body and 'id="att-published"' not in body


def test_manager_sees_their_own_obligations_and_drafts(client, sign_in, make_user, make_agreement, make_partner):
    me, other = make_user("manager", name="Bu Rina"), make_user("manager", name="Pak Joko")
    partner = make_partner("Bank Syariah Mitra 1", category="financial_institution")
    agreement = make_agreement("Pembiayaan tandon", reference="PT-1", parties=[(partner, "lender")], status="active")
    plan = [("Angsuran terlambat", -5, me), ("Laporan segera", 3, me), ("Angsuran tahun depan", 300, me),
            ("Angsuran orang lain", -2, other)]
    ids = {}
    for title, days, who in plan:
        ob = create_obligation(actor="test", data=ObligationData(
            agreement_id=agreement.id, owed_by="cooperative", partner_id=partner.id, kind="repayment", title=title,
            due_date=today() + dt.timedelta(days=days), responsible_id=who.id))
        db.session.flush()
        ids[title] = ob
    db.session.commit()
    draft = make_agreement("Rancangan MoU desa", reference="MOU-3")

    sign_in(me)
    body = _main(client.get("/"))
    mine = body.split('id="att-obligations"', 1)[1].split("</section>", 1)[0]
    assert "Angsuran terlambat" in mine and "Laporan segera" in mine
    assert "Angsuran tahun depan" not in mine and "Angsuran orang lain" not in mine
    assert f"/obligations/list?status=overdue&amp;responsible_id={me.id}" in mine
    assert '<span class="badge text-bg-danger">1</span>' in mine
    assert '<span class="badge text-bg-warning">1</span>' in mine
    # Each line one click from recording its fulfilment; the cooperative's overdue count beside it.
    occurrence_id = db.session.scalar(db.select(db.text("id FROM obligation_occurrences WHERE obligation_id = :o")),
                                      {"o": ids["Angsuran terlambat"].id})
    assert f'href="/obligations/occurrences/{occurrence_id}/fulfil"' in mine
    assert "2" in mine.split("/obligations/list?status=overdue\"", 1)[1].split("</a>", 1)[0]
    drafts = body.split('id="att-drafts"', 1)[1].split("</section>", 1)[0]
    assert f'href="/agreements/{draft.id}">MOU-3 — Rancangan MoU desa</a>' in drafts
    assert "PT-1" not in drafts
    assert "/agreements/?status=draft" in drafts
    assert 'id="att-meetings"' not in body  # not the board's part


def test_member_sees_new_publications_and_their_forums_meetings(client, sign_in, make_user, make_member,
                                                                make_agreement, meetings_of):
    siti = make_member("Siti Aminah", number="A-77")
    user = make_user("member", name="Siti")
    user.member_id = siti.id
    db.session.commit()
    everyone = _forum("Rapat Anggota Tahunan", "members_meeting", "RAT")
    board_only = _forum("Rapat Pengurus", "board", "PG", all_members=False)
    named = _forum("Rembug Pusat Melati", "rembug_pusat", "RPM", all_members=False, voter_ids=[siti.id])
    meetings_of(everyone, [("RAT 2026", 10)])
    meetings_of(board_only, [("Rapat pengurus tertutup", 2)])
    meetings_of(named, [("Rembug Melati November", 5)])
    public = make_agreement("Hibah sumur umum", reference="PUB-1", visibility="members", status="active")
    make_agreement("Pinjaman internal", reference="INT-1", visibility="internal", status="active")
    make_agreement("Draf untuk anggota", reference="DRF-1", visibility="members")
    db.session.execute(update(type(public)).where(type(public).id == public.id)
                       .values(updated_at=utcnow() - dt.timedelta(days=2)))
    db.session.commit()

    sign_in(user)
    body = _main(client.get("/"))
    published = body.split('id="att-published"', 1)[1].split("</section>", 1)[0]
    assert f'href="/published/{public.id}">PUB-1 — Hibah sumur umum</a>' in published
    assert "INT-1" not in body and "DRF-1" not in body
    meetings = body.split('id="att-member-meetings"', 1)[1].split("</section>", 1)[0]
    assert "RAT 2026" in meetings and "Rembug Melati November" in meetings
    assert "Rapat pengurus tertutup" not in meetings
    assert meetings.index("Rembug Melati November") < meetings.index("RAT 2026")  # soonest first
    assert 'id="att-obligations"' not in body and 'id="att-meetings"' not in body


def test_admin_sees_the_board_and_manager_parts(client, sign_in):
    sign_in("admin")
    body = _main(client.get("/"))
    for part in ("att-meetings", "att-waiting", "att-minutes", "att-obligations", "att-drafts"):
        assert f'id="{part}"' in body


def test_home_page_is_in_indonesian(client, sign_in, app):
    sign_in("board")
    client.post("/language", data={"lang": "id", "csrf_token": _token(client)})
    body = _main(client.get("/"))
    assert "Rapat dalam 14 hari ke depan" in body
    assert "Perjanjian yang menunggu forum" in body
    assert "Notulen yang menunggu persetujuan" in body


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/")


def _grow(n, *, make_agreement, make_decision, make_partner, make_member, manager, central, meetings_of):
    """n of everything each part of the home page reads."""
    partner = make_partner(f"Mitra {n}")
    for i in range(n):
        a = make_agreement(f"Pinjaman {n}-{i}", kind="loan", reference=f"L-{n}-{i}", parties=[(partner, "lender")],
                           status="under_deliberation")
        make_decision(a, effect="approve")
        make_agreement(f"Draf {n}-{i}", reference=f"D-{n}-{i}")
        make_agreement(f"Terbit {n}-{i}", reference=f"P-{n}-{i}", visibility="members", status="active")
        create_obligation(actor="test", data=ObligationData(
            agreement_id=a.id, owed_by="cooperative", partner_id=partner.id, kind="repayment", title=f"Angsuran {i}",
            due_date=today() + dt.timedelta(days=(i % 20) - 10), responsible_id=manager.id))
        make_member(f"Anggota {n}-{i}", number=f"G-{n}-{i}")
    meetings_of(central, [(f"Rapat {n}-{i}", i % 12) for i in range(n)])
    db.session.commit()


def test_the_home_page_reads_the_same_number_of_queries_at_two_sizes(
    app, sign_in, make_user, count_queries, make_agreement, make_decision, make_partner, make_member, meetings_of
):
    users = {role: make_user(role) for role in ("board", "manager", "member", "admin")}
    central = _forum("Forum Rembug Pusat", "rembug_pusat", "RP")
    _forum("Dewan Pengawas Syariah", "sharia_supervisory", "DPS", all_members=False)
    kw = dict(make_agreement=make_agreement, make_decision=make_decision, make_partner=make_partner,
              make_member=make_member, manager=users["manager"], central=central, meetings_of=meetings_of)

    clients = {role: app.test_client() for role in users}
    for role, user in users.items():
        sign_in(user, client=clients[role])

    def counts():
        out = {}
        for role in users:
            with count_queries() as q:
                resp = clients[role].get("/")
            assert resp.status_code == 200
            out[role] = q.count
        return out

    _grow(2, **kw)
    small = counts()
    _grow(12, **kw)
    large = counts()
    assert small == large
    assert max(large.values()) <= 20, large
