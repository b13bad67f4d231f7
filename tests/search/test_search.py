"""Search from the header: the full-text index follows every write (insert, update, delete) in the
same transaction, results are grouped by kind and limited to what the user may open, and no query,
however hostile, answers 5xx. Runs on SQLite (FTS5) and, with GOVTRACK_TEST_DATABASE_URL, on
PostgreSQL (tsvector + GIN)."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from govtrack.agreements.models import Agreement, Clause
from govtrack.extensions import db
from govtrack.members.models import Member
from govtrack.search import queries


def _api_kinds(api, q, **params):
    resp = api.get("/api/v1/search", query_string={"q": q, **params})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


def _pairs(body):
    return {(i["kind"], i["title"]) for i in body["items"]}


@pytest.fixture
def world(make_partner, make_agreement, make_member, make_decision):
    tirta = make_partner("Yayasan Tirta Lestari", legal_name="Yayasan Tirta Lestari Indonesia", region="Kabupaten Bogor")
    grant = make_agreement("Hibah sumur bor Cibungbulang", reference="PKS/RP/2026-04", parties=[(tirta, "funder")],
                           clauses=["Mitra membiayai pengeboran sumur dalam.", "Koperasi melaporkan tiap triwulan."],
                           summary="Air bersih untuk tiga desa.")
    secret = make_agreement("Pinjaman rahasia", reference="INT-9", clauses=["Margin sumur khusus."],
                            visibility="internal", status="approved")
    published = make_agreement("Kerja sama sumur umum", reference="PUB-1", clauses=["Sumur untuk anggota."],
                               visibility="members", status="active")
    siti = make_member("Siti Aminah", number="A-001234")
    decision = make_decision(grant, text="Menyetujui hibah sumur bor.")
    return {"tirta": tirta, "grant": grant, "secret": secret, "published": published, "siti": siti,
            "decision": decision}


def test_staff_find_every_kind_grouped_on_the_page_and_in_the_api(client, sign_in, api_as, world):
    sign_in("board")
    page = client.get("/search?q=sumur")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    # Clause text finds its agreement; internal agreements too for staff; the decision by its text.
    assert "PKS/RP/2026-04 — Hibah sumur bor Cibungbulang" in body
    assert "INT-9 — Pinjaman rahasia" in body
    assert f'href="/agreements/{world["grant"].id}"' in body
    assert world["decision"].number in body
    assert body.index('id="search-agreement"') < body.index('id="search-decision"')
    found = _api_kinds(api_as("board"), "sumur")
    kinds = [i["kind"] for i in found["items"]]
    assert kinds == sorted(kinds, key=queries.KINDS.index)  # grouped, in kind order
    assert ("agreement", "PUB-1 — Kerja sama sumur umum") in _pairs(found)
    assert any(i["kind"] == "decision" and i["url"].startswith(f"/forums/meetings/{world['decision'].meeting_id}#motion-")
               for i in found["items"])


def test_reference_partner_and_member_by_number_or_name(api_as, world):
    api = api_as("manager")
    assert _pairs(_api_kinds(api, "PKS/RP/2026-04")) == {("agreement", "PKS/RP/2026-04 — Hibah sumur bor Cibungbulang")}
    assert ("partner", "Yayasan Tirta Lestari") in _pairs(_api_kinds(api, "tirta"))
    assert ("partner", "Yayasan Tirta Lestari") in _pairs(_api_kinds(api, "Kabupaten Bogor", kind="partner"))
    assert _pairs(_api_kinds(api, "A-001234")) == {("member", "A-001234 — Siti Aminah")}
    assert _pairs(_api_kinds(api, "001234")) == {("member", "A-001234 — Siti Aminah")}
    assert _pairs(_api_kinds(api, "siti amin", kind="member")) == {("member", "A-001234 — Siti Aminah")}
    assert _api_kinds(api, "aminah", kind="partner")["items"] == []


def test_a_member_finds_only_what_is_published_to_them(client, sign_in, api_as, world):
    api = api_as("member")
    found = _api_kinds(api, "sumur")
    assert _pairs(found) == {("agreement", "PUB-1 — Kerja sama sumur umum")}
    assert found["items"][0]["url"] == f"/published/{world['published'].id}"
    # Neither partners nor the roster nor a hidden agreement's decision; the same for a direct kind.
    assert _api_kinds(api, "tirta")["items"] == []
    assert _api_kinds(api, "siti", kind="member")["items"] == []
    assert _api_kinds(api, world["decision"].number)["items"] == []
    assert _api_kinds(api, "rahasia")["items"] == []
    sign_in("member")
    body = client.get("/search?q=sumur").get_data(as_text=True)
    assert "PUB-1" in body and "Pinjaman rahasia" not in body and "PKS/RP" not in body


def test_a_member_finds_the_decision_of_a_published_agreement(api_as, world, make_decision):
    decision = make_decision(world["published"], text="Menyetujui kerja sama sumur umum.")
    found = _api_kinds(api_as("member"), decision.number)
    assert [i["kind"] for i in found["items"]] == ["decision"]
    assert found["items"][0]["url"] == f"/published/{world['published'].id}#decision-{decision.id}"


def test_the_index_follows_insert_update_and_delete_in_the_same_transaction(app_context, api_as, world):
    api = api_as("manager")
    grant = world["grant"]
    # A clause changed (as a decision would) and a title changed: old words go, new words come.
    clause = db.session.scalar(db.select(Clause).where(Clause.agreement_id == grant.id, Clause.number == 1))
    clause.text = "Mitra membiayai embung desa."
    db.session.commit()
    assert _api_kinds(api, "pengeboran")["items"] == []
    assert _pairs(_api_kinds(api, "embung")) == {("agreement", "PKS/RP/2026-04 — Hibah sumur bor Cibungbulang")}
    db.session.execute(update(Agreement).where(Agreement.id == grant.id).values(title="Hibah embung Leuwiliang"))
    db.session.commit()
    assert _api_kinds(api, "Cibungbulang")["items"] == []
    assert _pairs(_api_kinds(api, "Leuwiliang")) == {("agreement", "PKS/RP/2026-04 — Hibah embung Leuwiliang")}
    # A write rolled back leaves no trace in the index.
    db.session.execute(update(Member).where(Member.id == world["siti"].id).values(name="Siti Rollback"))
    db.session.rollback()
    assert _api_kinds(api, "rollback")["items"] == []
    # Deleted rows vanish: a member, a clause, and an agreement with its clauses.
    db.session.execute(text("DELETE FROM members WHERE id = :id"), {"id": world["siti"].id})
    db.session.execute(text("DELETE FROM clauses WHERE agreement_id = :id AND number = 2"), {"id": grant.id})
    db.session.commit()
    assert _api_kinds(api, "siti")["items"] == []
    assert _api_kinds(api, "triwulan")["items"] == []
    secret = world["secret"]
    db.session.execute(text("DELETE FROM clauses WHERE agreement_id = :id"), {"id": secret.id})
    db.session.execute(text("DELETE FROM agreements WHERE id = :id"), {"id": secret.id})
    db.session.commit()
    assert _api_kinds(api, "rahasia")["items"] == []
    # The index holds exactly one row per object left (no orphan from the clause triggers).
    for kind, source in [("agreement", "agreements"), ("partner", "partners"), ("member", "members"),
                         ("decision", "decisions")]:
        rows = db.session.scalar(text(f"SELECT count(*) FROM search_index_{kind}"))
        assert rows == db.session.scalar(text(f"SELECT count(*) FROM {source}")), kind


def test_paging_one_kind_and_across_kinds(api_as, make_partner):
    for n in range(7):
        make_partner(f"Bank Syariah Mitra {n}", category="financial_institution")
    api = api_as("manager")
    seen, cursor = [], None
    while True:
        params = {"limit": 3, "kind": "partner"}
        if cursor:
            params["cursor"] = cursor
        body = _api_kinds(api, "syariah", **params)
        seen += [i["title"] for i in body["items"]]
        cursor = body["next"]
        if not cursor:
            break
    assert seen == [f"Bank Syariah Mitra {n}" for n in reversed(range(7))]  # newest first, each once
    page = _api_kinds(api, "syariah", limit=50)
    assert len(page["items"]) == 7 and page["next"] is None


@pytest.mark.parametrize("q", [
    '"', "'", '""', '"unclosed', "*", "**", "sumur*", "AND", "OR", "NOT", "sumur AND", "AND sumur OR",
    "NEAR(sumur bor)", "title:sumur", "-sumur", "^sumur", "(", ")", "{a b}", "a & b | !c", "sumur:*",
    "x" * 5000, "sumur " * 400, "", "   ", "\x00", "%", "_", "\\", "ñ̃", "١٢٣", "😀", "<script>",
    "'; DROP TABLE members; --",
])
def test_hostile_queries_never_fail(client, sign_in, api_as, world, q):
    # A NUL is refused as a bad request everywhere (web.security); everything else is just words.
    expected = 400 if "\x00" in q else 200
    resp = api_as("board").get("/api/v1/search", query_string={"q": q})
    assert resp.status_code == expected, (q, resp.status_code)
    sign_in("board")
    page = client.get("/search", query_string={"q": q})
    assert page.status_code == expected, (q, page.status_code)
    assert "<script>" not in page.get_data(as_text=True).split("<main", 1)[1]


def test_operators_are_words_not_syntax(api_as, world):
    api = api_as("board")
    # "sumur AND bor" finds what has both words (AND is a word, and no record has it).
    assert _api_kinds(api, "sumur AND bor")["items"] == []
    assert ("agreement", "PKS/RP/2026-04 — Hibah sumur bor Cibungbulang") in _pairs(_api_kinds(api, "sumur bor"))
    assert ("agreement", "PKS/RP/2026-04 — Hibah sumur bor Cibungbulang") in _pairs(_api_kinds(api, '"sumur" (bor*)'))


def test_bad_kind_and_cursor_are_field_errors(api_as):
    api = api_as("board")
    resp = api.get("/api/v1/search?q=a&kind=obligation")
    assert resp.status_code == 422 and "kind" in resp.get_json()["error"]["fields"]
    resp = api.get("/api/v1/search?q=a&cursor=notacursor")
    assert resp.status_code == 422 and "cursor" in resp.get_json()["error"]["fields"]


def test_search_needs_a_sign_in(client):
    assert client.get("/api/v1/search?q=a").status_code == 401
    resp = client.get("/search?q=a")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_the_header_has_the_search_box_and_the_page_keeps_the_words(client, sign_in, world):
    sign_in("manager")
    home = client.get("/").get_data(as_text=True)
    assert 'id="header-search"' in home and 'action="/search"' in home
    body = client.get("/search?q=tidakada").get_data(as_text=True)
    assert 'value="tidakada"' in body and "tidakada" in body.split("<main", 1)[1]


def test_a_fixed_number_of_queries_a_kind_whatever_the_matches(app_context, count_queries, world, make_partner):
    from govtrack.auth.models import User

    user = User(email="b@x.id", name="B", role="board", active=True)
    for n in range(30):
        make_partner(f"Yayasan Sumur {n}")
    with count_queries() as q:
        groups = queries.search_groups(user=user, q="sumur")
    selects = [s for s in q.statements if s.lstrip().upper().startswith("SELECT")]
    # PostgreSQL asks the GIN index for the matching ids first (queries._read): two a kind there.
    per_kind = 2 if db.engine.dialect.name == "postgresql" else 1
    assert len(queries.kinds_for(user)) == 4
    assert len(selects) == 4 * per_kind, q.statements
    partners = next(g for g in groups if g.kind == "partner")
    assert len(partners.hits) == 10 and partners.next
