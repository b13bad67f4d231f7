"""The decision register as a book of record (issue 17, point 1): a page and an API record per
decision, the register filtered (forum, year, local dates, agreement, effect, words) and linked both
ways, exported as CSV and Excel matching the page, read in a fixed number of queries, and shown only
to those who may read it (a hidden decision answers exactly like a missing one)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from sqlalchemy import select

from govtrack.agreements.models import Clause
from govtrack.extensions import db

ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UTC = dt.UTC


def _text(html: str) -> str:
    """The words of a page as a reader sees them (a tag is a space, except before a colon)."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" :", ":")


def _rows(html: str) -> list[str]:
    """The register's rows as text, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [_text(r) for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def _numbers(html: str) -> list[str]:
    return re.findall(r'href="/forums/decisions/\d+">([^<]+)</a>', html)


@pytest.fixture
def decide(make_members, make_meeting, make_motion):
    """decide(forum, agreement=None, effect="none", when=UTC datetime, roll_call=True, ...) -> the
    Decision: three members meet, vote (2 yes, 1 no by roll call, or a tally) and the motion closes at
    `when`, the moment the decision is taken."""
    from govtrack.forums import services
    from govtrack.forums.models import Decision

    members = make_members(3)

    def do(forum, agreement=None, *, effect="none", when=dt.datetime(2026, 3, 14, 9, tzinfo=UTC), roll_call=True,
           title="Usul", amendments=None, obligation_id=None, meeting=None):
        meeting = meeting or make_meeting(forum, present=members)
        motion = make_motion(meeting, effect=effect, agreement=agreement, title=title, amendments=amendments,
                             obligation_id=obligation_id)
        if roll_call:
            services.cast_votes(actor="test", motion=motion,
                                votes=[(members[0].id, "yes"), (members[1].id, "yes"), (members[2].id, "no")])
        else:
            services.record_tally(actor="test", motion=motion, yes=2, no=0, abstain=1)
        services.close_motion(actor="test", motion=motion, now=when)
        db.session.commit()
        return db.session.scalars(select(Decision).where(Decision.motion_id == motion.id)).one()

    do.members = members
    return do


@pytest.fixture
def book(make_forum, make_agreement, decide):
    """A small book: the central forum approves a grant with its point 2 amended (roll call), the
    sharia board and central forum take a loan half-way, a general resolution by tally, and the
    board rejects a permit."""
    make_agreement("Hibah lama", clauses=[f"Poin lama {i}" for i in range(6)])  # clause ids far from numbers
    central = make_forum("rembug_pusat", code="RP", name="Forum Rembug Pusat")
    sharia = make_forum("sharia_supervisory", code="DPS", name="Dewan Pengawas Syariah")
    grant = make_agreement("Hibah sumur", reference="PKS/2026/009", clauses=["Dana 100 juta", "Laporan tiap bulan"],
                           visibility="members")
    loan = make_agreement("Pinjaman pipa", kind="loan", reference="PBY/2026/004", clauses=["Margin 8%"],
                          visibility="public")
    permit = make_agreement("Izin galian", kind="permit", reference="IZN/2026/001", clauses=["Galian"])
    second = db.session.scalars(select(Clause).where(Clause.agreement_id == grant.id, Clause.number == 2)).one()
    d = {
        "grant": decide(central, grant, effect="approve_with_amendments", title="Menyetujui hibah",
                        amendments=[(second.id, "Laporan tiap triwulan")],
                        when=dt.datetime(2026, 2, 10, 3, tzinfo=UTC)),
        "loan": decide(central, loan, effect="approve", title="Menyetujui pinjaman",
                       when=dt.datetime(2026, 3, 1, 3, tzinfo=UTC)),
        "general": decide(central, None, title="Laporan tahunan", roll_call=False,
                          when=dt.datetime(2026, 3, 20, 3, tzinfo=UTC)),
        "loan2": decide(sharia, loan, effect="approve", title="DPS menyetujui pinjaman",
                        when=dt.datetime(2026, 4, 2, 3, tzinfo=UTC)),
        "permit": decide(central, permit, effect="reject", title="Menolak izin",
                         when=dt.datetime(2026, 4, 5, 3, tzinfo=UTC)),
    }
    return {"decisions": d, "central": central, "sharia": sharia, "grant": grant, "loan": loan, "permit": permit,
            "second": second}


# --- the decision page and its API record -------------------------------------------------------

def test_the_decision_page_is_the_record_in_words_with_links(client, sign_in, book):
    d, grant, second = book["decisions"]["grant"], book["grant"], book["second"]
    sign_in("board")
    resp = client.get(f"/forums/decisions/{d.id}", headers=ID)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    text = _text(html)
    assert f"Keputusan {d.number}" in text
    assert "Tanggal 10 Feb 2026" in text
    assert "Forum Rembug Pusat" in text and "Menyetujui hibah" in text
    assert "PKS/2026/009 — Hibah sumur" in text
    assert "Diterima, dengan pemungutan suara per nama: 2 setuju, 1 tidak setuju, 0 abstain" in text
    assert "3 hadir dari 3 pemilik hak suara" in text
    # each effect in words, from → to, the clause by its number (never its id), linked
    assert "Poin 2 (PKS/2026/009): Diusulkan → Diubah" in text
    assert "Poin 1 (PKS/2026/009): Diusulkan → Diterima" in text
    assert "Perjanjian PKS/2026/009: Sedang dimusyawarahkan → Disetujui" in text
    assert f'href="/agreements/{grant.id}#clause-{second.id}"' in html
    assert f'href="/agreements/{grant.id}"' in html
    assert f'href="/forums/meetings/{d.meeting_id}#motion-{d.motion_id}"' in html
    assert f'href="/forums/motions/{d.motion_id}"' in html
    assert f'href="/forums/{d.forum_id}"' in html
    # the named votes of a roll call, in words
    assert "Anggota B0 B0000000 Rembug Mawar Setuju" in text and "Anggota B2 B0000002 Rembug Mawar Tidak setuju" in text
    for raw in ("approve_with_amendments", "amended", "accepted", "under_deliberation", "roll_call", f"poin {second.id} "):
        assert raw not in text


def test_the_api_record_follows_the_contract(api_as, book):
    d, grant, second = book["decisions"]["grant"], book["grant"], book["second"]
    resp = api_as("board").get(f"/api/v1/decisions/{d.id}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert {k: body[k] for k in ("number", "date", "forum_id", "meeting_id", "motion_id", "agreement_id")} == {
        "number": d.number, "date": "2026-02-10", "forum_id": d.forum_id, "meeting_id": d.meeting_id,
        "motion_id": d.motion_id, "agreement_id": grant.id}
    assert body["votes"] == {"yes": 2, "no": 1, "abstain": 0} and body["method"] == "roll_call"
    assert body["text"] == d.text
    effects = body["effects"]
    assert {"object": "clause", "id": second.id, "number": 2, "from": "proposed", "to": "amended",
            "agreement_id": grant.id} in effects
    assert {"object": "agreement", "id": grant.id, "number": "PKS/2026/009", "from": "under_deliberation",
            "to": "approved"} in effects
    assert [v["choice"] for v in body["named_votes"]] == ["yes", "yes", "no"]
    # the register's items carry the same effects
    items = api_as("board").get("/api/v1/decisions").get_json()["items"]
    assert next(i for i in items if i["id"] == d.id)["effects"] == effects


def test_an_awaiting_approval_and_a_waiver_read_in_words(client, sign_in, api_as, book, decide):
    loan = book["decisions"]["loan"]
    sign_in("board")
    text = _text(client.get(f"/forums/decisions/{loan.id}", headers=ID).get_data(as_text=True))
    assert "Perjanjian PBY/2026/004: Sedang dimusyawarahkan — menunggu keputusan Dewan Pengawas Syariah (DPS)" in text
    body = api_as("board").get(f"/api/v1/decisions/{loan.id}").get_json()
    assert body["effects"] == [{"object": "agreement", "id": book["loan"].id, "number": "PBY/2026/004",
                                "from": "under_deliberation", "to": None, "awaiting": ["sharia_supervisory"]}]

    # a waiver names the obligation and links it (staff), the count of what it waived in words
    from govtrack.obligations.services import ObligationData, create_obligation

    grant = book["grant"]
    ob = create_obligation(actor="test", data=ObligationData(
        agreement_id=grant.id, owed_by="cooperative", kind="report", title="Laporan triwulan",
        due_date=dt.date.today() + dt.timedelta(days=30)))
    db.session.commit()
    waiver = decide(book["central"], grant, effect="waive_obligation", obligation_id=ob.id, title="Membebaskan laporan")
    html = client.get(f"/forums/decisions/{waiver.id}", headers=ID).get_data(as_text=True)
    assert "Kewajiban Laporan triwulan: 1 jadwal dibebaskan" in _text(html)
    assert f'href="/obligations/{ob.id}"' in html
    register = _text(client.get("/forums/decisions?effect=waive_obligation", headers=ID).get_data(as_text=True))
    assert "Membebaskan suatu kewajiban" in register and "Laporan triwulan: 1 jadwal dibebaskan" in register
    body = api_as("board").get(f"/api/v1/decisions/{waiver.id}").get_json()
    assert body["effects"] == [{"object": "obligation", "id": ob.id, "number": "Laporan triwulan", "from": None,
                                "to": "waived", "waived_occurrences": 1}]


def test_a_tally_decision_has_counts_and_no_named_votes(client, sign_in, api_as, book):
    d = book["decisions"]["general"]
    sign_in("board")
    text = _text(client.get(f"/forums/decisions/{d.id}", headers=ID).get_data(as_text=True))
    assert "2 setuju, 0 tidak setuju, 1 abstain" in text
    assert "Perjanjian Tidak ada (keputusan umum)" in text
    assert "B0000000" not in text  # a tally names no voter
    body = api_as("board").get(f"/api/v1/decisions/{d.id}").get_json()
    assert body["named_votes"] == [] and body["effects"] == [] and body["agreement_id"] is None


# --- who sees what ------------------------------------------------------------------------------

def test_members_and_the_public_see_only_published_decisions_and_no_ballots(client, sign_in, api_as, book,
                                                                             make_user):
    d = book["decisions"]
    missing = max(x.id for x in d.values()) + 100
    # anonymous: the loan is public and approved (both its forums decided): its two decisions read;
    # the grant is published to members only, the permit internal, the general resolution about none
    for key in ("loan", "loan2"):
        assert client.get(f"/forums/decisions/{d[key].id}").status_code == 200, key
    for key in ("grant", "general", "permit"):
        assert client.get(f"/forums/decisions/{d[key].id}").status_code == 404, key
    assert client.get(f"/forums/decisions/{missing}").status_code == 404
    member = make_user("member")
    sign_in(member)
    # the grant is approved and published to members: its decision reads, counts only
    resp = client.get(f"/forums/decisions/{d['grant'].id}", headers=ID)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "2 setuju, 1 tidak setuju" in _text(html)
    assert "B0000000" not in html  # no named votes
    assert "/forums/meetings/" not in html and "/forums/motions/" not in html  # no staff links
    assert f'href="/published/{book["grant"].id}#clause-2"' in html  # the clause by its number on the portal
    hidden = client.get(f"/forums/decisions/{d['permit'].id}")
    gone = client.get(f"/forums/decisions/{missing}")
    assert hidden.status_code == gone.status_code == 404
    assert client.get(f"/forums/decisions/{d['general'].id}").status_code == 404
    # the API: the same, and a hidden decision answers exactly like a missing one
    api = api_as(member)
    body = api.get(f"/api/v1/decisions/{d['grant'].id}").get_json()
    assert body["number"] == d["grant"].number and "named_votes" not in body
    hidden, gone = api.get(f"/api/v1/decisions/{d['permit'].id}"), api.get(f"/api/v1/decisions/{missing}")
    assert hidden.status_code == gone.status_code == 404
    strip = lambda body: {k: v for k, v in body["error"].items() if k != "request_id"}  # noqa: E731
    assert strip(hidden.get_json()) == strip(gone.get_json())
    # the register and its exports are staff's
    for url in ("/forums/decisions", "/forums/decisions/export.csv", "/forums/decisions/export.xlsx",
                "/forums/meetings/export.csv"):
        assert client.get(url).status_code == 403, url
    assert api.get("/api/v1/decisions").status_code == 403


def test_the_public_reads_a_decision_on_a_public_agreement(client, make_forum, make_agreement, decide):
    forum = make_forum("rembug_pusat", code="RP")
    grant = make_agreement("Hibah publik", reference="PKS/2026/100", clauses=["Dana"], visibility="public")
    d = decide(forum, grant, effect="approve")
    resp = client.get(f"/forums/decisions/{d.id}", headers=ID)
    assert resp.status_code == 200 and "PKS/2026/100" in resp.get_data(as_text=True)
    assert client.get(f"/api/v1/decisions/{d.id}").status_code == 200
    for url in ("/forums/decisions", "/forums/decisions/export.csv"):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


# --- the register's filters, at their edges ------------------------------------------------------

def test_a_decision_at_half_past_midnight_wib_on_new_years_day_is_in_the_new_year(client, sign_in, api_as,
                                                                                  make_forum, decide):
    forum = make_forum("board", code="PG")
    old = decide(forum, when=dt.datetime(2025, 12, 31, 16, 30, tzinfo=UTC), title="Akhir tahun")  # 23:30 WIB
    new = decide(forum, when=dt.datetime(2025, 12, 31, 17, 30, tzinfo=UTC), title="Awal tahun")  # 00:30 WIB
    assert (old.decided_on, old.number) == (dt.date(2025, 12, 31), "PG-2025-001")
    assert (new.decided_on, new.number) == (dt.date(2026, 1, 1), "PG-2026-001")
    sign_in("board")
    assert _numbers(client.get("/forums/decisions?year=2026").get_data(as_text=True)) == ["PG-2026-001"]
    assert _numbers(client.get("/forums/decisions?year=2025").get_data(as_text=True)) == ["PG-2025-001"]
    assert _numbers(client.get("/forums/decisions?from=2026-01-01").get_data(as_text=True)) == ["PG-2026-001"]
    assert _numbers(client.get("/forums/decisions?to=2025-12-31").get_data(as_text=True)) == ["PG-2025-001"]
    assert _numbers(client.get("/forums/decisions?from=2025-12-31&to=2026-01-01").get_data(as_text=True)) == [
        "PG-2026-001", "PG-2025-001"]
    api = api_as("board")
    assert [i["number"] for i in api.get("/api/v1/decisions?year=2026").get_json()["items"]] == ["PG-2026-001"]
    assert [i["date"] for i in api.get("/api/v1/decisions?to=2025-12-31").get_json()["items"]] == ["2025-12-31"]


def test_each_filter_narrows_the_register_and_the_api_alike(client, sign_in, api_as, book):
    d = book["decisions"]
    sign_in("board")
    api = api_as("board")

    def both(query: str) -> list[str]:
        page = _numbers(client.get(f"/forums/decisions?{query}").get_data(as_text=True))
        items = [i["number"] for i in api.get(f"/api/v1/decisions?{query}").get_json()["items"]]
        assert page == items, query
        return page

    everything = both("")
    assert everything == [d[k].number for k in ("permit", "loan2", "general", "loan", "grant")]
    assert both(f"forum_id={book['sharia'].id}") == [d["loan2"].number]
    assert both(f"agreement_id={book['loan'].id}") == [d["loan2"].number, d["loan"].number]
    assert both("effect=reject") == [d["permit"].number]
    assert both("effect=approve_with_amendments") == [d["grant"].number]
    assert both("from=2026-03-01&to=2026-04-02") == [d["loan2"].number, d["general"].number, d["loan"].number]
    assert both("from=2026-03-02&to=2026-04-01") == [d["general"].number]
    assert both("year=2027") == []
    assert both("q=hibah") == [d["grant"].number]  # the agreement's title
    assert both("q=pby/2026") == [d["loan2"].number, d["loan"].number]  # its reference, any case
    assert both(f"q={d['general'].number}") == [d["general"].number]  # the number
    assert both("q=Laporan+tahunan") == [d["general"].number]  # the text
    assert both("q=100%25") == []  # a % is a character, not a wildcard
    # the page also takes the agreement as people type it: its reference
    html = client.get("/forums/decisions?agreement_id=pby/2026/004", headers=ID).get_data(as_text=True)
    assert _numbers(html) == [d["loan2"].number, d["loan"].number]
    assert "Hanya keputusan tentang PBY/2026/004 — Pinjaman pipa" in _text(html)


@pytest.mark.parametrize("query, message", [
    ("year=abc", "Tahun: Isi tahun dari 1900 sampai 2200."),
    ("year=1899", "Tahun: Isi tahun dari 1900 sampai 2200."),
    ("year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96", "Tahun: Isi tahun dari 1900 sampai 2200."),  # full-width digits
    ("from=2026-13-01", "Dari: Bukan tanggal; tulis dengan format YYYY-MM-DD."),
    ("to=9999-12-31", "Sampai: Isi tanggal dari 1900-01-01 sampai 2200-12-31."),
    ("from=2026-05-01&to=2026-04-01", "Sampai: Tanggal berakhir lebih awal dari tanggal mulai."),
    ("effect=approved", "Akibat: Pilih salah satu nilai yang tersedia."),
    ("forum_id=999999", "Forum: Pilih salah satu nilai yang tersedia."),
    ("forum_id=x", "Forum: Pilih salah satu nilai yang tersedia."),
    ("agreement_id=TIDAK-ADA", "Perjanjian: Tidak ada perjanjian dengan rujukan atau nomor “TIDAK-ADA”."),
    ("q=" + "a" * 201, "Cari: Paling banyak 200 karakter."),
])
def test_a_wrong_filter_is_a_message_naming_the_field(client, sign_in, book, query, message):
    sign_in("board")
    resp = client.get(f"/forums/decisions?{query}", headers=ID)
    assert resp.status_code == 422
    text = _text(resp.get_data(as_text=True))
    assert "Mohon perbaiki isian yang ditandai." in text
    assert message in text, text[text.find("Mohon"):][:400]
    assert _numbers(resp.get_data(as_text=True)) == []
    assert client.get(f"/forums/decisions/export.csv?{query}").status_code == 422


@pytest.mark.parametrize("query, field", [
    ("year=abc", "year"), ("year=1899", "year"), ("from=2026-13-01", "from"), ("to=9999-12-31", "to"),
    ("from=2026-05-01&to=2026-04-01", "to"), ("effect=approved", "effect"), ("forum_id=x", "forum_id"),
    ("agreement_id=-1", "agreement_id"), ("q=" + "a" * 201, "q"),
])
def test_a_wrong_api_filter_is_a_422_naming_the_field(api_as, book, query, field):
    resp = api_as("board").get(f"/api/v1/decisions?{query}")
    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]


# --- reading in a fixed number of queries ---------------------------------------------------------

def test_the_register_reads_any_number_of_decisions_in_the_same_queries(app, client, sign_in, api_as, make_forum,
                                                                        make_agreement, decide, count_queries):
    forum = make_forum("rembug_pusat", code="RP")
    sign_in("board")
    api = api_as("board")
    api.get("/api/v1/decisions")  # the token's first use is recorded once (its address), not counted here
    counts = []
    for n in (2, 12):
        for i in range(n):
            agreement = make_agreement(f"Hibah {n}-{i}", reference=f"PKS/{n}/{i}", clauses=["Satu", "Dua"])
            decide(forum, agreement, effect="approve", title=f"Usul {n}-{i}")
        with count_queries() as page:
            assert client.get("/forums/decisions").status_code == 200
        with count_queries() as listed:
            assert api.get("/api/v1/decisions").status_code == 200
        with count_queries() as exported:
            resp = client.get("/forums/decisions/export.csv")
            assert len(list(csv.reader(io.StringIO(resp.get_data(as_text=True))))) > n
        counts.append((page.count, listed.count, exported.count))
    assert counts[0] == counts[1], counts


# --- exports match the page -----------------------------------------------------------------------

def _csv(resp) -> list[list[str]]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(resp.get_data(as_text=True))))


def _xlsx(resp):
    assert resp.status_code == 200 and resp.mimetype == XLSX
    return openpyxl.load_workbook(io.BytesIO(resp.get_data())).worksheets[0]


def test_the_register_exports_match_the_page(client, sign_in, book):
    sign_in("board")
    query = f"forum_id={book['central'].id}&from=2026-02-01"
    page = client.get(f"/forums/decisions?{query}", headers=ID).get_data(as_text=True)
    assert f'href="/forums/decisions/export.csv?forum_id={book["central"].id}&amp;from=2026-02-01"' in page
    rows = _csv(client.get(f"/forums/decisions/export.csv?{query}", headers=ID))
    header = rows[0]
    assert header[:8] == ["Nomor", "Tanggal", "Forum", "Rapat", "Nomor perjanjian", "Perjanjian", "Akibat", "Yang diputuskan"]
    assert [r[0] for r in rows[1:]] == _numbers(page)
    grant = next(r for r in rows if r[0] == book["decisions"]["grant"].number)
    assert grant[1] == "2026-02-10" and grant[4] == "PKS/2026/009" and grant[5] == "Hibah sumur"
    assert grant[6] == "Menyetujui perjanjian dengan perubahan"
    assert "poin 2 → diubah" in grant[7] and "PKS/2026/009 → disetujui" in grant[7]
    assert grant[9:12] == ["2", "1", "0"]
    for r, line in zip(rows[1:], _rows(page), strict=True):
        assert r[0] in line and r[2] in line and r[6] in line  # number, forum, effect as the page says them

    sheet = _xlsx(client.get(f"/forums/decisions/export.xlsx?{query}", headers=ID))
    assert [c.value for c in sheet[1]] == header
    assert sheet.max_row == len(rows)
    for r, csv_row in enumerate(rows[1:], start=2):
        cells = [c.value for c in sheet[r]]
        assert cells[0] == csv_row[0]
        assert isinstance(cells[1], dt.datetime) and cells[1].date().isoformat() == csv_row[1]
        assert sheet.cell(r, 2).number_format == "dd/mm/yyyy"
        if csv_row[9]:
            assert cells[9:12] == [int(x) for x in csv_row[9:12]]  # counts are numbers
        assert [str(v) if v is not None else "" for v in cells[6:9]] == csv_row[6:9]


def test_the_register_export_in_english_and_a_formula_is_text(client, sign_in, make_forum, decide):
    forum = make_forum("board", code="PG")
    decide(forum, title="=SUM(A1:A9)")
    sign_in("board")
    rows = _csv(client.get("/forums/decisions/export.csv", headers=EN))
    assert rows[0][:3] == ["Number", "Date", "Forum"]
    assert rows[1][14] == "'=SUM(A1:A9): the forum resolves."


# --- meetings with their attendance ---------------------------------------------------------------

def test_the_meetings_export_has_one_row_per_meeting_with_attendance(client, sign_in, make_forum, make_members,
                                                                     make_meeting):
    members = make_members(5)
    forum = make_forum("rembug_pusat", code="RP", name="Forum Pusat", voters=members)
    quorate = make_meeting(forum, present=members[:3], absent=members[3:], title="Rapat kuorum")
    short = make_meeting(forum, present=members[:1], proxies={members[1]: members[0]}, title="Rapat kurang")
    planned = make_meeting(forum, open=False, title="Rapat nanti")
    sign_in("board")
    page = client.get("/forums/meetings", headers=ID).get_data(as_text=True)
    assert 'href="/forums/meetings/export.csv"' in page and 'href="/forums/meetings/export.xlsx"' in page
    rows = _csv(client.get("/forums/meetings/export.csv", headers=ID))
    assert rows[0] == ["Mulai (WIB)", "Rapat", "Forum", "Tempat", "Status", "Hadir", "Berhak memilih", "Kuorum",
                       "Notulen", "Alasan pembatalan"]
    by_title = {r[1]: r for r in rows[1:]}
    assert [r[1] for r in rows[1:]] == [planned.title, short.title, quorate.title]  # newest first, as the page
    assert by_title["Rapat kuorum"][0] == "2026-03-14T16:00:00+07:00"  # 09:00 UTC is 16:00 WIB
    assert by_title["Rapat kuorum"][4:8] == ["Dibuka", "3", "5", "Kuorum"]
    assert by_title["Rapat kurang"][4:8] == ["Dibuka", "2", "5", "Tidak kuorum"]  # a proxy counts as present
    assert by_title["Rapat nanti"][4:8] == ["Dijadwalkan", "0", "5", "Tidak kuorum"]
    # the meeting page says the same numbers
    for meeting, words in ((quorate, "3 dari 5 pemilik hak suara"), (short, "2 dari 5 pemilik hak suara")):
        assert words in _text(client.get(f"/forums/meetings/{meeting.id}", headers=ID).get_data(as_text=True))
    sheet = _xlsx(client.get("/forums/meetings/export.xlsx", headers=ID))
    assert [c.value for c in sheet[1]] == rows[0]
    first = [c.value for c in sheet[2]]
    assert first[0] == dt.datetime(2026, 3, 14, 16, 0) and sheet.cell(2, 1).number_format == "dd/mm/yyyy hh:mm"
    assert first[5:7] == [0, 5] and first[4] == "Dijadwalkan"
    # the filters of the list apply
    rows = _csv(client.get("/forums/meetings/export.csv?status=scheduled", headers=ID))
    assert [r[1] for r in rows[1:]] == ["Rapat nanti"]


# --- linked both ways -----------------------------------------------------------------------------

def test_agreement_motion_and_meeting_pages_link_the_decision(client, sign_in, book):
    d, grant = book["decisions"]["grant"], book["grant"]
    sign_in("board")
    decision_link = f'href="/forums/decisions/{d.id}"'
    agreement_page = client.get(f"/agreements/{grant.id}", headers=ID).get_data(as_text=True)
    assert decision_link in agreement_page
    motion = client.get(f"/forums/motions/{d.motion_id}", headers=ID).get_data(as_text=True)
    assert decision_link in motion and f'href="/agreements/{grant.id}"' in motion
    assert "Setuju" in _text(motion) and "Tidak setuju" in _text(motion)
    meeting = client.get(f"/forums/meetings/{d.meeting_id}", headers=ID).get_data(as_text=True)
    assert decision_link in meeting and f'href="/agreements/{grant.id}"' in meeting
    register = client.get("/forums/decisions", headers=ID).get_data(as_text=True)
    assert decision_link in register and f'href="/agreements/{grant.id}"' in register
    loan = client.get(f"/agreements/{book['loan'].id}", headers=ID).get_data(as_text=True)
    assert f'href="/forums/decisions?agreement_id={book["loan"].id}"' in loan  # its decisions in the register


def test_the_meetings_export_reads_any_number_of_meetings_in_the_same_queries(client, sign_in, make_forum,
                                                                               make_members, make_meeting,
                                                                               count_queries):
    members = make_members(4)
    forums = [make_forum("rembug_pusat", code="RP"), make_forum("board", code="PG", voters=members[:2])]
    sign_in("board")
    counts = []
    for n in (2, 12):
        for i in range(n):
            make_meeting(forums[i % 2], present=members[: 1 + i % 2], title=f"Rapat {n}-{i}")
        with count_queries() as q:
            rows = _csv(client.get("/forums/meetings/export.csv"))
        assert len(rows) > n
        counts.append(q.count)
    assert counts[0] == counts[1], counts
