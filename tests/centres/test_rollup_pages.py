"""The roll-up where the forum decides (issue 15, item 3): what the rembug pusat said on each point,
on the deciding forum's agenda item and motion page, beside the decision in its page and in the
register, and (counts only) in the members' portal; the centres not heard yet, by region."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from govtrack.centres import queries
from govtrack.centres.models import CentrePosition
from govtrack.centres.services import ClausePosition, record_positions, text_key
from govtrack.core.clock import utcnow
from govtrack.extensions import db
from govtrack.forums import services as forums
from govtrack.forums.models import Decision
from govtrack.members.models import Centre, Member
from tests.conftest import ROSTER_TODAY

ID = {"Accept-Language": "id"}


def _say(agreement, centre, present, *positions):
    record_positions(actor="test", agreement=agreement, centre=centre, held_on=ROSTER_TODAY, members_present=present,
                     positions=[ClausePosition(c.id, p, t) for c, p, t in positions], today=ROSTER_TODAY)
    db.session.commit()


@pytest.fixture
def heard(deliberation, make_centre, make_member):
    """The deliberation's three centres (no region) and three in Kec. Ciampea, one of them inactive.
    Point 1: Melati and Anggrek support, Mawar opposes (having supported first: superseded);
    point 2: Melati and Mawar propose the same text (spelt differently); point 3: Melati opposes."""
    a, (melati, mawar, kenanga), cl = deliberation["agreement"], deliberation["centres"], deliberation["clauses"]
    anggrek = make_centre("Rembug Anggrek", region="Kec. Ciampea")
    dahlia = make_centre("Rembug Dahlia", region="Kec. Ciampea")
    tutup = make_centre("Rembug Tutup", region="Kec. Ciampea", active=False)
    make_member("Anggrek 0", group="Rembug Anggrek")
    _say(a, melati, 4, (cl[0], "support", None), (cl[1], "amend", "Tenor 36 bulan."), (cl[2], "oppose", None))
    _say(a, mawar, 3, (cl[0], "support", None), (cl[1], "amend", "  tenor 36   BULAN. "))
    _say(a, mawar, 3, (cl[0], "oppose", None))  # replaces Mawar's support on point 1
    _say(a, anggrek, 1, (cl[0], "support", None))
    return {**deliberation, "anggrek": anggrek, "dahlia": dahlia, "tutup": tutup, "kenanga": kenanga}


@pytest.fixture
def motion(heard):
    """A Forum Rembug Pusat meeting, open, with the agreement on its agenda and a motion to approve it."""
    member = Member(number="RP-VOTER", name="Ketua Pemilih", group_name="Rembug Melati")
    db.session.add(member)
    db.session.flush()
    forum = forums.create_forum(actor="test", data=forums.ForumData(
        name="Forum Rembug Pusat", kind="rembug_pusat", code="FRP", all_members=False, voter_ids=[member.id]))
    now = utcnow()
    meeting = forums.create_meeting(actor="test", forum=forum, title="Rapat rembug pusat",
                                    starts_at=now - dt.timedelta(hours=1), location="Balai")
    forums.add_agenda_item(actor="test", meeting=meeting, title="Kredit modal kerja",
                           agreement_id=heard["agreement"].id)
    forums.open_meeting(actor="test", meeting=meeting, now=now)
    forums.set_attendance(actor="test", meeting=meeting, entries=[forums.AttendanceEntry(member.id, "present")])
    made = forums.create_motion(actor="test", meeting=meeting, data=forums.MotionData(
        title="Setujui kredit", text="Menyetujui kredit modal kerja.", effect="approve",
        agreement_id=heard["agreement"].id))
    db.session.commit()
    return made


def _decide(motion) -> Decision:
    forums.consensus(actor="test", motion=motion, now=utcnow())
    db.session.commit()
    return db.session.scalar(select(Decision).where(Decision.motion_id == motion.id))


# --- the query ---------------------------------------------------------------------------------

def test_not_heard_by_region_counts_active_centres_per_clause(heard):
    a, cl = heard["agreement"], heard["clauses"]
    regions = queries.not_heard_by_region(a, names=True)
    as_counts = {c.number: [(g.region, g.centres) for g in regions[c.id]] for c in cl}
    # point 1: Kenanga (no region) and Dahlia; the inactive Rembug Tutup is never counted
    assert as_counts == {1: [("Kec. Ciampea", 1), (None, 1)],
                         2: [("Kec. Ciampea", 2), (None, 1)],
                         3: [("Kec. Ciampea", 2), (None, 2)]}
    assert regions[cl[0].id][0].names == [(heard["dahlia"].code, "Rembug Dahlia")]
    assert [n for _, n in regions[cl[2].id][1].names] == ["Rembug Mawar", "Rembug Kenanga"]  # by code
    roll = {r.clause.number: r for r in queries.rollup(a)}
    for c in cl:  # the regions add up to the roll-up's count
        assert sum(g.centres for g in regions[c.id]) == roll[c.number].not_heard
    # only the latest position of a centre counts: Mawar's first support on point 1 is history
    assert (roll[1].tallies["support"].centres, roll[1].tallies["support"].members) == (2, 5)
    assert (roll[1].tallies["oppose"].centres, roll[1].tallies["oppose"].members) == (1, 3)
    assert [(x.text, x.centres) for x in roll[2].texts] == [("Tenor 36 bulan.", 2)]


def test_the_not_heard_answer_is_cached_until_a_position_or_a_centre_changes(heard, count_queries):
    from govtrack.members.services import update_centre

    a, cl = heard["agreement"], heard["clauses"]

    def point_1():
        return [(g.region, g.centres) for g in queries.not_heard_by_region(a, names=True)[cl[0].id]]

    assert point_1() == [("Kec. Ciampea", 1), (None, 1)]
    with count_queries() as cached:
        assert point_1() == [("Kec. Ciampea", 1), (None, 1)]
    assert cached.count == 3  # the clauses, the centres' fingerprint, the positions' data version
    _say(a, heard["kenanga"], 2, (cl[0], "support", None))  # a new position: heard now
    assert point_1() == [("Kec. Ciampea", 1)]
    update_centre(actor="test", centre=heard["dahlia"], changes={"region": "Kec. Dramaga"})
    db.session.commit()
    assert point_1() == [("Kec. Dramaga", 1)]
    update_centre(actor="test", centre=heard["dahlia"], changes={"active": False})
    db.session.commit()
    assert point_1() == []


def test_names_are_capped_per_region_and_the_rest_counted(deliberation, make_centre):
    for i in range(queries.NAMES_PER_REGION + 3):
        db.session.add(Centre(code=f"RX-{i:03d}", name=f"Rembug X {i:03d}", name_key=f"rembug x {i:03d}",
                              region="Kec. Besar"))
    db.session.commit()
    gaps = queries.not_heard_by_region(deliberation["agreement"], names=True)[deliberation["clauses"][0].id]
    big = gaps[0]
    assert (big.region, big.centres, len(big.names), big.more) == ("Kec. Besar", 53, 50, 3)
    assert big.names[0] == ("RX-000", "Rembug X 000")


def _bulk_positions(agreement, clauses, n: int):
    """n more active centres, each heard on every clause (inserted in bulk: a query-count setup)."""
    start = db.session.scalar(select(db.func.count()).select_from(Centre))
    rows, positions = [], []
    for i in range(n):
        rows.append({"id": 10_000 + start + i, "code": f"RB-{start + i:04d}", "name": f"Rembug B {start + i}",
                     "name_key": f"rembug b {start + i}", "region": f"Kec. {i % 4}", "active": True})
    db.session.execute(insert(Centre), rows)
    for r in rows:
        for k, c in enumerate(clauses):
            body = "Margin 7 %." if k == 1 else None
            positions.append({"agreement_id": agreement.id, "deliberation": agreement.deliberation, "clause_id": c.id,
                              "centre_id": r["id"], "held_on": ROSTER_TODAY, "members_present": 20,
                              "position": "amend" if body else "support", "text": body,
                              "text_key": text_key(body) if body else None, "recorded_at": utcnow()})
    db.session.execute(insert(CentrePosition), positions)
    db.session.commit()


def test_the_roll_up_costs_the_same_queries_for_3_or_30_centres(heard, count_queries):
    a, cl = heard["agreement"], heard["clauses"]
    with count_queries() as few:
        queries.rollup_page(a, names=True)
    _bulk_positions(a, cl, 27)
    with count_queries() as many:
        page = queries.rollup_page(a, names=True)
    assert page.rows[0].tallies["support"].centres == 2 + 27
    assert few.count == many.count <= 14  # the agreement re-read after the commit, the cache key's 2, 11 aggregates


# --- the pages ---------------------------------------------------------------------------------

def test_the_agenda_item_and_the_motion_page_show_the_roll_up_in_indonesian(client, sign_in, motion, heard):
    sign_in("board")
    html = client.get(f"/forums/meetings/{motion.meeting_id}", headers=ID).get_data(as_text=True)
    assert "Yang dikatakan rembug pusat" in html
    resp = client.get(f"/forums/motions/{motion.id}", headers=ID)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Yang dikatakan rembug pusat" in html
    assert f'id="rollup-{heard["agreement"].id}-1"' in html
    # point 1: 2 support (5 members), 0 amend, 1 oppose (3 members), 2 not heard
    row = html.split(f'id="rollup-{heard["agreement"].id}-1"')[1].split("</tr>")[0]
    assert "2 rembug pusat" in row and "5 anggota hadir" in row and "3 anggota hadir" in row
    assert "Tenor 36 bulan." in html and "Tanpa wilayah" in html and "Kec. Ciampea" in html
    assert "Rembug Dahlia" in html and "Rembug Tutup" not in html  # staff read who was not heard; never the inactive
    assert f"/centres/rollup/{heard['agreement'].id}.png" in html


def test_the_decision_page_and_register_put_the_centres_beside_the_decision(client, sign_in, motion, heard,
                                                                           count_queries):
    decision = _decide(motion)
    sign_in("board")
    html = client.get(f"/forums/decisions/{decision.id}", headers=ID).get_data(as_text=True)
    assert "Yang dikatakan rembug pusat" in html and "Keputusan forum" in html
    row = html.split(f'id="rollup-{heard["agreement"].id}-1"')[1].split("</tr>")[0]
    assert "Diterima" in row  # the approval accepted each point
    html = client.get("/forums/decisions", headers=ID).get_data(as_text=True)
    assert "Poin 1 — 2 setuju, 0 usul ubah, 1 tolak" in html
    assert "Poin 2 — 0 setuju, 2 usul ubah, 0 tolak" in html


def test_the_register_reads_the_centres_in_two_queries_for_any_number_of_decisions(
        client, sign_in, motion, heard, make_agreement, make_decision, count_queries):
    _decide(motion)
    sign_in("board")
    client.get("/forums/decisions")
    with count_queries() as one:
        assert client.get("/forums/decisions").status_code == 200
    for i in range(3):
        make_decision(make_agreement(f"Lain {i}", clauses=["Satu."]))
    with count_queries() as four:
        html = client.get("/forums/decisions").get_data(as_text=True)
    assert html.count('class="small rollup-line"') == 1
    assert four.count == one.count


def test_the_portal_shows_counts_and_texts_but_no_centre(client, sign_in, motion, heard):
    agreement = heard["agreement"]
    _decide(motion)
    agreement.visibility = "public"
    db.session.commit()
    resp = client.get(f"/published/{agreement.id}", headers=ID)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Yang dikatakan rembug pusat" in html and "Tenor 36 bulan." in html
    assert "5 anggota hadir" in html and "Kec. Ciampea" in html
    for name in ("Rembug Melati", "Rembug Mawar", "Rembug Kenanga", "Rembug Anggrek", "Rembug Dahlia"):
        assert name not in html
    chart = client.get(f"/centres/rollup/{agreement.id}.png")
    assert chart.status_code == 200 and chart.mimetype == "image/png" and chart.data[:4] == b"\x89PNG"
    # the decision page, read by a visitor, names no centre either
    decision = db.session.scalar(select(Decision).where(Decision.motion_id == motion.id))
    html = client.get(f"/forums/decisions/{decision.id}", headers=ID).get_data(as_text=True)
    assert "Yang dikatakan rembug pusat" in html and "Rembug Dahlia" not in html and "Rembug Kenanga" not in html


def test_a_members_only_or_internal_agreement_is_missing_to_whoever_may_not_read_it(client, sign_in, motion, heard):
    agreement = heard["agreement"]
    _decide(motion)
    agreement.visibility = "members"
    db.session.commit()
    assert client.get(f"/published/{agreement.id}").status_code == 404
    assert client.get(f"/centres/rollup/{agreement.id}.png").status_code == 404
    assert client.get("/centres/rollup/999999.png").status_code == 404
    sign_in("member")
    html = client.get(f"/published/{agreement.id}", headers=ID).get_data(as_text=True)
    assert "Yang dikatakan rembug pusat" in html and "Rembug Dahlia" not in html
    assert client.get(f"/centres/rollup/{agreement.id}.png").status_code == 200
    agreement.visibility = "internal"
    db.session.commit()
    assert client.get(f"/published/{agreement.id}").status_code == 404
    assert client.get(f"/centres/rollup/{agreement.id}.png").status_code == 404


def test_officers_and_members_cannot_read_the_staff_pages(app, client, sign_in, motion, heard):
    for role in ("officer", "member"):
        other = app.test_client()
        sign_in(role, client=other)
        assert other.get(f"/forums/motions/{motion.id}").status_code == 403
        assert other.get(f"/forums/meetings/{motion.meeting_id}").status_code == 403
        assert other.get("/forums/decisions").status_code == 403
    # a field officer reads the chart of an agreement under deliberation (they record on it)
    sign_in(heard["officer"])
    assert client.get(f"/centres/rollup/{heard['agreement'].id}.png").status_code == 200


def test_the_api_counts_not_heard_by_region(api_as, heard):
    roll = api_as("board").get(f"/api/v1/agreements/{heard['agreement'].id}/positions").get_json()
    assert [c["not_heard_by_region"] for c in roll["clauses"]] == [
        [{"region": "Kec. Ciampea", "centres": 1}, {"region": None, "centres": 1}],
        [{"region": "Kec. Ciampea", "centres": 2}, {"region": None, "centres": 1}],
        [{"region": "Kec. Ciampea", "centres": 2}, {"region": None, "centres": 2}],
    ]


def test_the_chart_is_the_size_the_page_reserves_for_it(client, sign_in, heard):
    from io import BytesIO

    from PIL import Image

    from govtrack.centres.charts import chart_size

    sign_in("board")
    resp = client.get(f"/centres/rollup/{heard['agreement'].id}.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    assert Image.open(BytesIO(resp.data)).size == chart_size(3) == (672, 410)
    html = client.get(f"/agreements/{heard['agreement'].id}").get_data(as_text=True)
    assert 'width="672" height="410"' in html


def test_a_closed_meeting_shows_what_the_centres_had_said_when_it_closed(client, sign_in, motion, heard):
    from govtrack.forums.models import Meeting

    _decide(motion)
    meeting = db.session.get(Meeting, motion.meeting_id)
    forums.close_meeting(actor="test", meeting=meeting, now=utcnow())
    db.session.commit()
    sign_in("board")
    html = client.get(f"/forums/meetings/{meeting.id}", headers=ID).get_data(as_text=True)
    row = html.split(f'id="rollup-{heard["agreement"].id}-1"')[1].split("</tr>")[0]
    assert "2 rembug pusat" in row and "5 anggota hadir" in row
