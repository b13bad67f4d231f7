"""The agreement pages: who may open what, lists, create and edit while draft, status moves,
clause history, CSRF and bad input."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from govtrack.agreements.models import (
    Agreement,
    AgreementDependency,
    AgreementParty,
    Clause,
    ClauseVersion,
)
from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.partners.models import Partner
from tests.agreements.conftest import MINIMAL_PDF, agreement_form, field_errors
from tests.conftest import session_token

ROLES = [None, "member", "board", "manager", "admin"]

# Every agreement page route and the status each kind of visitor gets. Anonymous visitors are sent
# to /login (302), except for a document download: a document is served only to those who may see
# its agreement (here an internal draft) and is "not found" (404) for everyone else, so its id
# reveals nothing. POSTs carry a valid CSRF token and valid data: a permitted user is redirected.
MATRIX = [
    # method, url,                                  anonymous, member, board, manager, admin
    ("GET", "/agreements/",                              302, 403, 200, 200, 200),
    ("GET", "/agreements/{a}",                           302, 403, 200, 200, 200),
    ("GET", "/agreements/new",                           302, 403, 403, 200, 200),
    ("POST", "/agreements/new",                          302, 403, 403, 302, 302),
    ("GET", "/agreements/{a}/edit",                      302, 403, 403, 200, 200),
    ("POST", "/agreements/{a}/edit",                     302, 403, 403, 302, 302),
    ("POST", "/agreements/{a}/transition",               302, 403, 302, 302, 302),
    ("POST", "/agreements/{a}/documents",                302, 403, 403, 302, 302),
    ("GET", "/agreements/{a}/documents/{d}",             404, 404, 200, 200, 200),
]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def counts() -> tuple[int, ...]:
    return tuple(count(m) for m in (Agreement, AgreementParty, Clause, ClauseVersion, AgreementDependency))


def fresh(agreement_id: int) -> Agreement:
    db.session.expire_all()
    return db.session.get(Agreement, agreement_id)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(
    "method,url,expected", [(m, u, tuple(st)) for m, u, *st in MATRIX], ids=[f"{m} {u}" for m, u, *_ in MATRIX]
)
def test_authorization_matrix(client, sign_in, make_partner, make_agreement, document_of, role, method, url,
                              expected):
    partner = make_partner("Yayasan Uji")
    agreement = make_agreement("Hibah Uji", parties=[(partner, "funder")], clauses=["Poin satu"])
    doc = document_of(agreement)
    sign_in(role)
    path = url.format(a=agreement.id, d=doc.id)
    if method == "GET":
        resp = client.get(path)
    else:
        data = {
            "/agreements/new": agreement_form(partner.id),
            "/agreements/{a}/edit": agreement_form(partner.id, title="Hibah Uji (revisi)"),
            "/agreements/{a}/transition": {"to": "under_deliberation"},
            "/agreements/{a}/documents": {"file": (io.BytesIO(MINIMAL_PDF), "lampiran.pdf")},
        }[url]
        resp = client.post(path, data={**data, "csrf_token": session_token(client)})
    want = expected[ROLES.index(role)]
    assert resp.status_code == want, resp.get_data(as_text=True)[:400]
    if role is None and want == 302:
        assert resp.headers["Location"].startswith("/login")


def test_list_filters_and_search(client, sign_in, make_partner, make_agreement):
    bank = make_partner("Bank Tirta", category="financial_institution")
    yayasan = make_partner("Yayasan Air")
    make_agreement("Pembiayaan Sambungan", kind="loan", parties=[(bank, "lender")], reference="PBY/1",
                   status="under_deliberation")
    make_agreement("Hibah Desa", kind="grant", parties=[(yayasan, "funder")], visibility="public", status="active")
    make_agreement("Hibah Sekolah", kind="grant", parties=[(yayasan, "funder"), (bank, "other")])
    sign_in("board")

    def titles(query: str) -> set[str]:
        html = client.get("/agreements/" + query).get_data(as_text=True)
        return set(re.findall(r'href="/agreements/\d+">([^<]+)</a>', html))

    assert titles("") == {"Pembiayaan Sambungan", "Hibah Desa", "Hibah Sekolah"}
    assert titles("?q=hibah") == {"Hibah Desa", "Hibah Sekolah"}
    assert titles("?q=PBY/1") == {"Pembiayaan Sambungan"}
    assert titles("?kind=loan") == {"Pembiayaan Sambungan"}
    assert titles("?status=active") == {"Hibah Desa"}
    assert titles(f"?partner={bank.id}") == {"Pembiayaan Sambungan", "Hibah Sekolah"}
    assert titles("?visibility=public") == {"Hibah Desa"}
    assert titles(f"?kind=grant&partner={bank.id}") == {"Hibah Sekolah"}
    # The partner filter is a name search (any case, name or part of it), not a select of every partner.
    assert titles("?partner_name=tirta") == {"Pembiayaan Sambungan", "Hibah Sekolah"}
    assert titles("?partner_name=YAYASAN") == {"Hibah Desa", "Hibah Sekolah"}
    assert titles("?partner_name=nobody") == set()
    assert titles("?partner_name=air&kind=grant") == {"Hibah Desa", "Hibah Sekolah"}
    assert titles("?partner_name=%25") == set() and titles("?partner_name=Bank_Tirta") == set()  # no wildcards


def test_list_filter_names_a_linked_partner_and_lists_no_partner_options(client, sign_in, make_partner,
                                                                      make_agreement):
    bank = make_partner("Bank Tirta", category="financial_institution")
    other = make_partner("Mitra Lain")
    make_agreement("Pembiayaan", kind="loan", parties=[(bank, "lender")])
    sign_in("manager")
    html = client.get(f"/agreements/?partner={bank.id}").get_data(as_text=True)
    assert "Bank Tirta</strong>" in html and f'name="partner" value="{bank.id}"' in html
    # The filter does not carry one <option> per partner.
    assert f'value="{other.id}"' not in client.get("/agreements/").get_data(as_text=True)
    assert client.get("/agreements/?partner=abc").status_code == 200  # a bad id is ignored, not a 500


def _bulk_agreements(n: int, start: int) -> None:
    """Agreements with their own partner, two clauses and a dependency, written directly (fast)."""
    previous = None
    for i in range(start, start + n):
        partner = Partner(name=f"Mitra {i:03}", category="other")
        a = Agreement(title=f"Perjanjian {i:03}", kind="grant", status="draft", visibility="internal",
                      value_amount=Decimal("1000000"), value_currency="IDR")
        a.parties = [AgreementParty(partner=partner, role="funder")]
        a.clauses = [Clause(number=k, text=f"Poin {k}", proposed_by="cooperative", status="proposed",
                            versions=[ClauseVersion(version=1, text=f"Poin {k}", status="proposed")])
                     for k in (1, 2)]
        db.session.add_all([partner, a])
        db.session.flush()
        if previous is not None:
            db.session.add(AgreementDependency(agreement_id=a.id, depends_on_id=previous))
        previous = a.id
    db.session.commit()


def test_list_query_count_does_not_grow_with_rows(client, sign_in, count_queries):
    sign_in("manager")
    _bulk_agreements(10, 0)
    with count_queries() as few:
        resp = client.get("/agreements/")
    assert resp.status_code == 200 and "Mitra 009" in resp.get_data(as_text=True)
    _bulk_agreements(190, 10)
    with count_queries() as many:
        resp = client.get("/agreements/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Mitra 199" in html and "Mitra 150" in html
    assert many.count == few.count


def test_list_pages_by_cursor_newest_first(client, sign_in, make_agreement):
    for i in range(5):
        make_agreement(f"Perjanjian {i}")
    sign_in("manager")
    first = client.get("/agreements/?limit=2").get_data(as_text=True)
    assert re.findall(r'href="/agreements/\d+">(Perjanjian \d)</a>', first) == ["Perjanjian 4", "Perjanjian 3"]
    nxt = re.search(r'href="(/agreements/\?[^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(nxt).get_data(as_text=True)
    assert re.findall(r'href="/agreements/\d+">(Perjanjian \d)</a>', second) == ["Perjanjian 2", "Perjanjian 1"]


def test_detail_shows_parties_value_dates_dependencies_and_dependents(client, sign_in, make_partner,
                                                                       make_agreement):
    yayasan = make_partner("Yayasan Air")
    cv = make_partner("CV Tirta", category="construction_partner")
    grant = make_agreement("Hibah Cibinong", parties=[(yayasan, "funder")])
    works = make_agreement(
        "Pembangunan Jamban", kind="construction", parties=[(cv, "contractor"), (yayasan, "other")],
        value_amount=Decimal("980000000"), start_date=dt.date(2026, 3, 1), end_date=dt.date(2026, 12, 31),
        visibility="members", depends_on=[grant.id], clauses=["Kontraktor membangun 120 jamban."],
    )
    sign_in("board")
    html = client.get(f"/agreements/{works.id}").get_data(as_text=True)
    assert "CV Tirta" in html and "Contractor" in html and "Yayasan Air" in html
    assert "IDR 980,000,000" in html  # the money filter
    assert "Mar 1, 2026" in html and "Dec 31, 2026" in html
    assert "Members" in html and "Kontraktor membangun 120 jamban." in html
    assert f'href="/agreements/{grant.id}">Hibah Cibinong' in html
    grant_html = client.get(f"/agreements/{grant.id}").get_data(as_text=True)
    assert f'href="/agreements/{works.id}">Pembangunan Jamban' in grant_html  # its dependent


def test_earlier_clause_text_stays_visible_after_an_amendment(client, sign_in, make_agreement, make_decision):
    from govtrack.agreements.services import amend_clause

    agreement = make_agreement(clauses=["Margin 12% per tahun."], status="under_deliberation")
    decision = make_decision()
    clause = db.session.scalar(select(Clause).where(Clause.agreement_id == agreement.id))
    amend_clause(actor="test", clause=clause, text="Margin 9% per tahun.", status="amended", decision_id=decision.id)
    db.session.commit()
    sign_in("board")
    html = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    current, _sep, history = html.partition("earlier text")
    assert "Margin 9% per tahun." in current and "Margin 12% per tahun." not in current
    # the decision by its number, never its database id
    assert "Margin 12% per tahun." in history and f"text of decision {decision.number}" in current


def test_only_the_allowed_moves_are_offered(client, sign_in, make_agreement):
    draft = make_agreement("Draf")
    sign_in("board")
    html = client.get(f"/agreements/{draft.id}").get_data(as_text=True)
    assert re.findall(r'name="to" value="([a-z_]+)"', html) == ["under_deliberation"]
    other = make_agreement("Aktif", status="active")
    html = client.get(f"/agreements/{other.id}").get_data(as_text=True)
    assert re.findall(r'name="to" value="([a-z_]+)"', html) == ["suspended", "completed", "terminated"]


def test_a_move_button_changes_the_status_and_audits_it(client, sign_in, make_agreement):
    agreement = make_agreement("Draf")
    sign_in("board")
    resp = client.post(f"/agreements/{agreement.id}/transition",
                       data={"to": "under_deliberation", "csrf_token": session_token(client)})
    assert resp.status_code == 302
    assert fresh(agreement.id).status == "under_deliberation"
    assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)) == "agreement.transition"


def test_a_move_that_needs_a_decision_is_refused_with_a_clear_message(client, sign_in, make_agreement):
    agreement = make_agreement("Dibahas", status="under_deliberation")
    sign_in("manager")
    events = count(AuditEvent)
    resp = client.post(f"/agreements/{agreement.id}/transition",
                       data={"to": "approved", "csrf_token": session_token(client)})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "needs a carried forum decision" in html and "Nothing was changed" in html
    assert fresh(agreement.id).status == "under_deliberation"
    assert count(AuditEvent) == events


@pytest.mark.parametrize("to,status,message", [
    ("active", 409, "cannot become"),
    ("bogus", 422, "Not a known status"),
])
def test_a_move_the_lifecycle_lacks_is_refused(client, sign_in, make_agreement, to, status, message):
    agreement = make_agreement("Draf")
    sign_in("manager")
    resp = client.post(f"/agreements/{agreement.id}/transition", data={"to": to, "csrf_token": session_token(client)})
    assert resp.status_code == status
    assert message in resp.get_data(as_text=True)
    assert fresh(agreement.id).status == "draft"


def test_create_with_parties_clauses_value_and_dependencies(client, sign_in, make_partner, make_agreement):
    yayasan = make_partner("Yayasan Air")
    cv = make_partner("CV Tirta", category="construction_partner")
    grant = make_agreement("Hibah", parties=[(yayasan, "funder")])
    sign_in("manager")
    page = client.get("/agreements/new").get_data(as_text=True)
    for i in range(3):  # fixed rows: usable without JavaScript
        assert f'name="parties-{i}-partner_id"' in page and f'name="clauses-{i}-text"' in page
    data = agreement_form(
        cv.id, title="Pembangunan Jamban", kind="construction", reference="PKS/2026/002",
        value="980000000.50", start_date="2026-03-01", end_date="2026-12-31", visibility="members",
        parties__0__role="contractor", parties__1__partner_id=str(yayasan.id), parties__1__role="other",
        clauses__0__text="Kontraktor membangun 120 jamban.", clauses__2__text="Masa pemeliharaan 6 bulan.",
        clauses__2__proposed_by="partner",
    )
    data["depends_on"] = [str(grant.id)]
    resp = client.post("/agreements/new", data={**data, "csrf_token": session_token(client)})
    assert resp.status_code == 302, field_errors(resp.get_data(as_text=True), "parties")
    a = db.session.scalar(select(Agreement).where(Agreement.reference == "PKS/2026/002"))
    assert (a.status, a.kind, a.visibility) == ("draft", "construction", "members")
    assert a.value_amount == Decimal("980000000.50") and a.value_currency == "IDR"
    assert (a.start_date, a.end_date) == (dt.date(2026, 3, 1), dt.date(2026, 12, 31))
    parties = db.session.execute(
        select(AgreementParty.partner_id, AgreementParty.role).where(AgreementParty.agreement_id == a.id)
    ).all()
    assert sorted(parties) == sorted([(cv.id, "contractor"), (yayasan.id, "other")])
    clauses = db.session.execute(
        select(Clause.number, Clause.text, Clause.proposed_by).where(Clause.agreement_id == a.id).order_by(Clause.number)
    ).all()
    assert clauses == [(1, "Kontraktor membangun 120 jamban.", "cooperative"), (2, "Masa pemeliharaan 6 bulan.", "partner")]
    deps = db.session.scalars(select(AgreementDependency.depends_on_id).where(AgreementDependency.agreement_id == a.id))
    assert list(deps) == [grant.id]


def test_edit_a_draft_keeps_clause_ids_and_renumbers(client, sign_in, make_partner, make_agreement):
    partner = make_partner()
    agreement = make_agreement("Draf", parties=[(partner, "funder")], clauses=["Satu", "Dua"])
    one, two = db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id).order_by(Clause.number))
    sign_in("manager")
    html = client.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True)
    assert "Satu</textarea>" in html and 'name="clauses-2-text"' in html  # one more empty row
    data = agreement_form(
        partner.id, title="Draf (revisi)",
        clauses__0__id=str(two.id), clauses__0__number="1", clauses__0__text="Dua, diubah",
        clauses__1__id=str(one.id), clauses__1__number="2", clauses__1__text="Satu",
    )
    resp = client.post(f"/agreements/{agreement.id}/edit", data={**data, "csrf_token": session_token(client)})
    assert resp.status_code == 302
    db.session.expire_all()
    rows = db.session.execute(select(Clause.id, Clause.number, Clause.text).where(Clause.agreement_id == agreement.id)
                              .order_by(Clause.number)).all()
    assert rows == [(two.id, 1, "Dua, diubah"), (one.id, 2, "Satu")]
    assert fresh(agreement.id).title == "Draf (revisi)"


def test_after_the_draft_only_visibility_and_summary_change(client, sign_in, make_agreement):
    agreement = make_agreement("Aktif", status="active", visibility="internal")
    sign_in("manager")
    html = client.get(f"/agreements/{agreement.id}/edit").get_data(as_text=True)
    assert 'name="visibility"' in html and 'name="title"' not in html
    resp = client.post(f"/agreements/{agreement.id}/edit", data={
        "visibility": "members", "summary": "Ringkasan untuk anggota.", "title": "Ignored",
        "csrf_token": session_token(client),
    })
    assert resp.status_code == 302
    a = fresh(agreement.id)
    assert (a.visibility, a.summary, a.title) == ("members", "Ringkasan untuk anggota.", "Aktif")
    resp = client.post(f"/agreements/{agreement.id}/edit", data={"visibility": "everyone",
                                                                 "csrf_token": session_token(client)})
    assert resp.status_code == 422
    assert "Not a valid choice" in field_errors(resp.get_data(as_text=True), "visibility")
    assert fresh(agreement.id).visibility == "members"


@pytest.mark.parametrize("values,field_id,message,status", [
    ({"title": ""}, "title", "This field is required", 422),
    ({"title": "x" * 301}, "title", "300", 422),
    ({"parties__0__partner_id": "", "parties__0__role": ""}, "parties", "Name at least one party", 422),
    ({"parties__0__partner_id": ""}, "parties-0-role", "Choose a partner for this role", 422),
    ({"parties__0__role": ""}, "parties-0-role", "Choose the partner's role", 422),
    ({"parties__0__partner_id": "999999"}, "parties-0-partner_id", "Not a valid choice", 422),
    ({"kind": "barter"}, "kind", "Not a valid choice", 422),
    ({"start_date": "2026-05-02", "end_date": "2026-05-01"}, "end_date", "The end date is before the start date", 422),
    ({"start_date": "2026-13-01"}, "start_date", "Not a valid date", 422),
    ({"value": "-1"}, "value", "zero or more", 422),
    ({"value": "sejuta"}, "value", "digits 0-9", 422),
    ({"value": "1.005"}, "value", "At most two decimal places", 422),
    ({"value": "1000000000000000"}, "value", "Too large: at most 999,999,999,999,999.99", 422),
    ({"value": "25,00,000"}, "value", "Thousands grouped wrongly", 422),
    ({"value_currency": "rp"}, "value_currency", "Three capital letters", 422),
    ({"visibility": "secret"}, "visibility", "Not a valid choice", 422),
    ({"clauses__0__text": "Satu", "clauses__0__number": "1", "clauses__1__text": "Dua", "clauses__1__number": "1"},
     "clauses", "Two clauses have the same number", 422),
    ({"clauses__0__text": "Satu", "clauses__0__number": "nol"}, "clauses-0-number", "Not a valid integer", 422),
    ({"reference": "PKS/ADA"}, "reference", "Already in use", 409),
])
def test_create_bad_input_shows_the_error_beside_the_field_and_writes_nothing(
    client, sign_in, make_partner, make_agreement, values, field_id, message, status
):
    partner = make_partner()
    make_agreement("Sudah ada", reference="PKS/ADA")
    before = counts()
    sign_in("manager")
    resp = client.post("/agreements/new", data={**agreement_form(partner.id, **values),
                                                 "csrf_token": session_token(client)})
    assert resp.status_code == status
    assert message.lower() in field_errors(resp.get_data(as_text=True), field_id).lower()
    assert counts() == before


def test_edit_bad_input_writes_nothing(client, sign_in, make_partner, make_agreement):
    partner = make_partner()
    agreement = make_agreement("Draf", parties=[(partner, "funder")], clauses=["Satu"])
    before = counts()
    sign_in("manager")
    resp = client.post(f"/agreements/{agreement.id}/edit", data={
        **agreement_form(partner.id, title="Baru", start_date="2026-02-01", end_date="2026-01-31"),
        "csrf_token": session_token(client),
    })
    assert resp.status_code == 422
    assert "before the start date" in field_errors(resp.get_data(as_text=True), "end_date")
    assert counts() == before and fresh(agreement.id).title == "Draf"


def test_a_dependency_cycle_shows_the_services_error_and_writes_nothing(client, sign_in, make_partner,
                                                                          make_agreement):
    partner = make_partner()
    grant = make_agreement("Hibah", parties=[(partner, "funder")])
    works = make_agreement("Pembangunan", kind="construction", depends_on=[grant.id])
    before = counts()
    sign_in("manager")
    data = agreement_form(partner.id, title="Hibah")
    data["depends_on"] = [str(works.id)]
    resp = client.post(f"/agreements/{grant.id}/edit", data={**data, "csrf_token": session_token(client)})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "This dependency would make a cycle: Hibah → Pembangunan → Hibah." in html
    assert "Cycle: Hibah → Pembangunan → Hibah." in field_errors(html, "depends_on")
    assert counts() == before


def test_a_longer_dependency_cycle_names_every_agreement_in_order(client, sign_in, make_partner, make_agreement):
    """The loop is named the way it runs, from the agreement being edited back to it, each agreement
    by its title and reference; in the user's language."""
    partner = make_partner()
    grant = make_agreement("Hibah", reference="PKS/1", parties=[(partner, "funder")])
    works = make_agreement("Pembangunan", kind="construction", depends_on=[grant.id])
    supply = make_agreement("Pasokan pipa", kind="supply", reference="PKS/3", depends_on=[works.id])
    unrelated = make_agreement("Izin", kind="permit")
    before = counts()
    user = sign_in("manager")
    data = agreement_form(partner.id, title="Hibah", reference="PKS/1")
    data["depends_on"] = [str(unrelated.id), str(supply.id)]
    resp = client.post(f"/agreements/{grant.id}/edit", data={**data, "csrf_token": session_token(client)})
    assert resp.status_code == 409
    loop = "Hibah (PKS/1) → Pasokan pipa (PKS/3) → Pembangunan → Hibah (PKS/1)"
    assert f"Cycle: {loop}." in field_errors(resp.get_data(as_text=True), "depends_on")
    assert counts() == before
    user.locale = "id"
    db.session.commit()
    resp = client.post(f"/agreements/{grant.id}/edit", data={**data, "csrf_token": session_token(client)})
    assert f"Saling bergantung: {loop}." in field_errors(resp.get_data(as_text=True), "depends_on")
    assert counts() == before


@pytest.mark.parametrize("route", ["new", "edit", "publish", "transition", "documents"])
def test_every_post_form_refuses_a_missing_csrf_token(client, sign_in, make_partner, make_agreement, app, route):
    from tests.agreements.conftest import upload_files

    partner = make_partner()
    agreement = make_agreement("Asli", parties=[(partner, "funder")],
                               status="active" if route == "publish" else None)
    sign_in("admin")
    before = (counts(), count(AuditEvent))
    url, data = {
        "new": ("/agreements/new", agreement_form(partner.id, title="Baru")),
        "edit": (f"/agreements/{agreement.id}/edit", agreement_form(partner.id, title="Baru")),
        "publish": (f"/agreements/{agreement.id}/edit", {"visibility": "public", "summary": "x"}),
        "transition": (f"/agreements/{agreement.id}/transition", {"to": "under_deliberation"}),
        "documents": (f"/agreements/{agreement.id}/documents", {"file": (io.BytesIO(MINIMAL_PDF), "a.pdf")}),
    }[route]
    resp = client.post(url, data=data)
    assert resp.status_code == 400
    a = fresh(agreement.id)
    assert (a.title, a.status, a.visibility) == ("Asli", "active" if route == "publish" else "draft", "internal")
    assert (counts(), count(AuditEvent)) == before
    assert upload_files(app) == []


def test_unknown_agreement_is_404(client, sign_in):
    sign_in("manager")
    assert client.get("/agreements/999999").status_code == 404
    assert client.get("/agreements/999999/edit").status_code == 404


def test_a_deactivated_partner_is_not_offered_but_stays_on_its_drafts(client, sign_in, make_partner,
                                                                      make_agreement):
    from govtrack.partners.services import set_partner_active

    old = make_partner("CV Lama")
    draft = make_agreement("Draf", parties=[(old, "contractor")])
    set_partner_active(actor="test", partner=old, active=False)
    db.session.commit()
    sign_in("manager")
    assert f'<option value="{old.id}">CV Lama' not in client.get("/agreements/new").get_data(as_text=True)
    html = client.get(f"/agreements/{draft.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{old.id}">CV Lama' in html
    data = agreement_form(old.id, title="Draf (revisi)", parties__0__role="contractor")
    resp = client.post(f"/agreements/{draft.id}/edit", data={**data, "csrf_token": session_token(client)})
    assert resp.status_code == 302 and fresh(draft.id).title == "Draf (revisi)"
