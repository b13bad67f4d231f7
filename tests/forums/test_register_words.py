"""The decision register says what each decision did in words: a clause by its number within its
agreement ("poin 2 → diubah"), the agreement by its reference, the forums still awaited by name;
never a database id or a raw status. The audit log says the same kind of thing in words."""

from __future__ import annotations

import re

from sqlalchemy import select

from govtrack.agreements.models import Clause
from govtrack.extensions import db

ID = {"Accept-Language": "id"}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_register_names_clauses_by_their_number_and_agreements_by_reference(
    client, sign_in, make_forum, make_agreement, make_members, make_meeting, make_motion, vote, close
):
    # Earlier agreements, so that the grant's clauses have database ids far from their numbers.
    make_agreement("Hibah lama", clauses=[f"Poin lama {i}" for i in range(6)])
    central = make_forum("rembug_pusat", code="RP")
    make_forum("sharia_supervisory", code="DPS")
    grant = make_agreement("Hibah sumur", reference="PKS/2026/009", clauses=["Dana 100 juta", "Laporan tiap bulan"])
    loan = make_agreement("Pinjaman pipa", kind="loan", reference="PBY/2026/004", clauses=["Margin 8%"])
    second = db.session.scalars(select(Clause).where(Clause.agreement_id == grant.id, Clause.number == 2)).one()
    assert second.id > 2
    members = make_members(3)
    meeting = make_meeting(central, present=members)
    motion = make_motion(meeting, effect="approve_with_amendments", agreement=grant,
                         amendments=[(second.id, "Laporan tiap triwulan")])
    vote(motion, {m: "yes" for m in members})
    close(motion)
    motion = make_motion(meeting, effect="approve", agreement=loan)
    vote(motion, {m: "yes" for m in members})
    close(motion)

    sign_in("board")
    resp = client.get("/forums/decisions", headers=ID)
    assert resp.status_code == 200
    text = _text(resp.get_data(as_text=True))
    assert "poin 1 → diterima" in text
    assert "poin 2 → diubah" in text
    assert f"poin {second.id} " not in text
    assert "PKS/2026/009 → disetujui" in text
    assert "PKS/2026/009 — Hibah sumur" in text
    assert "menunggu: Dewan Pengawas Syariah (DPS)" in text  # the loan still needs the DPS
    for raw in ("amended", "accepted", "approved", "sharia_supervisory", "perjanjian 3", "clause"):
        assert raw not in text

    resp = client.get("/forums/decisions", headers={"Accept-Language": "en"})
    text = _text(resp.get_data(as_text=True))
    assert "point 2 → amended" in text and "point 1 → accepted" in text


def test_the_audit_log_shows_changes_in_words_with_names(client, sign_in, make_forum, make_agreement,
                                                         make_members, make_meeting, make_motion, vote, close):
    central = make_forum("rembug_pusat", code="RP")
    grant = make_agreement("Hibah sumur", reference="PKS/2026/009", clauses=["Dana 100 juta"])
    members = make_members(3)
    meeting = make_meeting(central, present=members)
    motion = make_motion(meeting, effect="approve", agreement=grant)
    vote(motion, {members[0]: "yes", members[1]: "yes", members[2]: "no"})
    close(motion)

    sign_in("admin")
    resp = client.get("/admin/audit/", headers=ID)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    text = _text(html)
    assert "Status perjanjian berubah" in text  # agreement.transition
    assert "Perjanjian: PKS/2026/009 — Hibah sumur" in text  # the object by name, not "agreement 1"
    assert "Status : Sedang dimusyawarahkan → Disetujui" in text
    assert "Poin diputuskan" in text and "Status : Diusulkan → Diterima" in text
    assert "Suara dicatat" in text and "2 setuju, 1 tidak setuju, 0 abstain" in text
    assert "Hasil : Diterima" in text  # the motion's outcome
    assert '{"' not in html and "under_deliberation" not in text and "agreement.transition" not in text
    # the filter names the kinds of object in words
    assert '<option value="agreement" >Perjanjian</option>' in html or ">Perjanjian</option>" in html


def test_the_audit_page_reads_names_in_a_bounded_number_of_queries(app, client, sign_in, make_agreement,
                                                                    make_partner):
    from sqlalchemy import event

    sign_in("admin")
    counts = []
    for n in (2, 12):
        for i in range(n):
            make_agreement(f"Perjanjian {n}-{i}", parties=[(make_partner(), "funder")], clauses=["Poin"])
        statements = []

        def count(*_args, **_kw):
            statements.append(1)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get("/admin/audit/", headers=ID).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
