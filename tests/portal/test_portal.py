"""The members' portal: who reads which published agreement, search, filters, paging, the
agreement page in plain language and the decision register."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from govtrack.agreements.services import amend_clause
from govtrack.extensions import db


def clauses_of(agreement) -> list:
    from sqlalchemy import select

    from govtrack.agreements.models import Clause

    return list(db.session.scalars(select(Clause).where(Clause.agreement_id == agreement.id).order_by(Clause.number)))


def titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="h5 card-title"[^>]*><a href="[^"]+">([^<]+)</a>', html)


def test_anonymous_visitors_read_only_public_published_agreements(client, publish):
    publish("Public grant", visibility="public")
    publish("Members loan", visibility="members")
    publish("Internal permit", visibility="internal")
    publish("Public draft", visibility="public", status="draft")
    html = client.get("/published/").get_data(as_text=True)
    assert titles(html) == ["Public grant"]


def test_members_also_read_what_is_published_to_members(client, publish, make_user, sign_in):
    for status in ("approved", "active", "completed"):
        publish(f"Members {status}", visibility="members", status=status)
    for status in ("draft", "under_deliberation", "rejected", "suspended", "terminated"):
        publish(f"Members {status}", visibility="members", status=status)
    publish("Internal active", visibility="internal")
    publish("Public active", visibility="public")
    sign_in("member")
    html = client.get("/published/").get_data(as_text=True)
    assert sorted(titles(html)) == ["Members active", "Members approved", "Members completed", "Public active"]


def test_staff_see_on_the_portal_only_what_members_see(client, publish, make_user, sign_in):
    publish("Members grant", visibility="members")
    publish("Internal grant", visibility="internal")
    sign_in("admin")
    assert titles(client.get("/published/").get_data(as_text=True)) == ["Members grant"]


def test_search_finds_by_title_reference_summary_and_partner(client, publish, make_partner):
    bank = make_partner("Bank Syariah Makmur", category="financial_institution")
    publish("Kredit modal kerja", parties=[(bank, "lender")], kind="credit_line", reference="PKS-007")
    publish("Hibah sanitasi", summary="Toilet untuk 200 keluarga", start_date=dt.date(2024, 5, 1))
    get = lambda q: titles(client.get("/published/", query_string={"q": q}).get_data(as_text=True))  # noqa: E731
    assert get("modal") == ["Kredit modal kerja"]
    assert get("pks-007") == ["Kredit modal kerja"]
    assert get("toilet") == ["Hibah sanitasi"]
    assert get("makmur") == ["Kredit modal kerja"]
    assert get("nothing like this") == []


def test_filters_by_partner_category_kind_and_year(client, publish, make_partner):
    bank = make_partner("Bank", category="financial_institution")
    pemda = make_partner("Pemkab", category="local_government")
    publish("Loan 2024", parties=[(bank, "lender")], kind="loan", start_date=dt.date(2024, 1, 1),
            end_date=dt.date(2024, 12, 31))
    publish("Permit 2025", parties=[(pemda, "regulator")], kind="permit", start_date=dt.date(2025, 12, 31))
    get = lambda **a: titles(client.get("/published/", query_string=a).get_data(as_text=True))  # noqa: E731
    assert get(category="financial_institution") == ["Loan 2024"]
    assert get(kind="permit") == ["Permit 2025"]
    assert get(year="2024") == ["Loan 2024"]
    assert get(year="2025") == ["Permit 2025"]  # the last day of the year counts
    assert get(year="2023") == []
    assert get(category="local_government", kind="loan") == []


@pytest.mark.parametrize("args", [{"year": "abc"}, {"year": "1800"}, {"kind": "bribe"}, {"category": "x"}])
def test_a_bad_filter_is_answered_with_the_reason_not_a_crash(client, publish, args):
    publish("Grant")
    resp = client.get("/published/", query_string=args)
    assert resp.status_code == 422
    assert "is-invalid" in resp.get_data(as_text=True)


def test_keyset_pages_newest_first_without_gaps_or_repeats(client, publish):
    made = [publish(f"Agreement {i:02d}", reference=f"R{i}").id for i in range(25)]
    first_resp = client.get("/published/")
    assert first_resp.status_code == 200
    first = first_resp.get_data(as_text=True)
    cursor = re.search(r'href="/published/\?cursor=([^"&]+)"', first).group(1)
    second_resp = client.get("/published/", query_string={"cursor": cursor})
    assert second_resp.status_code == 200
    second = second_resp.get_data(as_text=True)
    seen = titles(first) + titles(second)
    assert len(titles(first)) == 20 and len(titles(second)) == 5
    assert seen == [f"Agreement {i:02d}" for i in reversed(range(25))]
    assert "Next page" in first and "Next page" not in second
    assert len(made) == 25


def test_the_list_page_reads_a_constant_number_of_queries(client, publish, count_queries):
    for i in range(3):
        publish(f"A{i}")
    with count_queries() as few:
        client.get("/published/")
    for i in range(12):
        publish(f"B{i}")
    with count_queries() as many:
        client.get("/published/")
    assert many.count == few.count


def test_agreement_page_in_plain_language(client, publish, make_partner, decisions, obligations, make_decision):
    funder = make_partner("Yayasan Air Sehat", category="nonprofit_funder")
    a = publish("Hibah air bersih", parties=[(funder, "funder")], reference="PKS-1",
                clauses=["Mitra menyediakan dana", "Koperasi melapor tiap triwulan"])
    clause = clauses_of(a)[1]
    amend_clause(actor="test", clause=clause, text="Koperasi melapor tiap bulan", status="amended", decision_id=make_decision().id)
    db.session.commit()
    decisions.add(a, id=2, number="7/RP/2025", decided_on=dt.date(2025, 2, 20), yes=18, no=3, abstain=2,
                  effect="approve_with_amendments")
    obligations.add(a, title="Laporan bulanan", kind="report", owed_by="cooperative", status="overdue",
                    due_date=dt.date(2025, 4, 30))
    html = client.get(f"/published/{a.id}").get_data(as_text=True)
    assert "Hibah air bersih" in html and "PKS-1" in html
    assert "Yayasan Air Sehat, as funder" in html and "Non-profit funder" in html
    assert "IDR 1,500,000" in html
    assert "March 1, 2025" in html and "February 28, 2027" in html
    # the clause as approved, with its earlier text kept and the decision that changed it
    assert "Koperasi melapor tiap bulan" in html
    assert "Koperasi melapor tiap triwulan" in html.split("Earlier texts of this point")[1]
    assert 'href="#decision-2">Decision 7/RP/2025' in html
    # the decision: forum, date, outcome and counts
    assert "Forum Rembug Pusat" in html and "Feb 20, 2025" in html
    assert "Votes: 18 yes, 3 no, 2 abstain." in html
    # the obligations and how they stand
    assert "Laporan bulanan" in html and "Overdue" in html and "Apr 30, 2025" in html


def test_clauses_still_proposed_are_not_shown_as_terms(client, make_agreement):
    a = make_agreement("Grant", visibility="public", status="active", clauses=["Undecided point"])
    resp = client.get(f"/published/{a.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Grant" in html
    assert "No points are recorded for this agreement." in html
    assert "Undecided point" not in html


def test_rejected_points_are_shown_apart(client, publish, make_decision):
    a = publish("Grant", clauses=["Kept", "Dropped"])
    amend_clause(actor="test", clause=clauses_of(a)[1], text=None, status="rejected", decision_id=make_decision().id)
    db.session.commit()
    resp = client.get(f"/published/{a.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    agreed, _, not_agreed = html.partition("Points not agreed")
    assert "Kept" in agreed and "Dropped" not in agreed and "Dropped" in not_agreed


def test_an_agreement_without_decisions_or_obligations_says_so(client, publish):
    a = publish("Grant")
    resp = client.get(f"/published/{a.id}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Grant" in html
    assert "No decision is published for this agreement." in html
    assert "Obligations and how they stand" in html and "No obligations are recorded for this agreement." in html


def test_consensus_decisions_show_the_method_not_counts(client, publish, decisions):
    a = publish("Grant")
    decisions.add(a, id=5, method="consensus", yes=None, no=None, abstain=None)
    resp = client.get(f"/published/{a.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "By consensus (mufakat)" in html and "Votes:" not in html


def test_dependencies_are_linked_only_when_published_to_the_reader(client, publish):
    internal = publish("Internal permit", visibility="internal")
    public_dep = publish("Public grant")
    a = publish("Construction", depends_on=[internal.id, public_dep.id])
    resp = client.get(f"/published/{a.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "Public grant" in html
    assert "Internal permit" not in html and f"/published/{internal.id}" not in html


def test_documents_link_to_the_checked_download_route(client, publish, attach):
    from tests.portal.conftest import PDF

    a = publish("Grant")
    doc = attach(a, "perjanjian.pdf")
    html = client.get(f"/published/{a.id}").get_data(as_text=True)
    link = f"/api/v1/agreements/{a.id}/documents/{doc.id}"
    assert f'href="{link}">perjanjian.pdf' in html
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF


def test_decision_register_lists_decisions_of_published_agreements_only(
    client, publish, decisions, make_user, sign_in
):
    public = publish("Public grant")
    members = publish("Members loan", visibility="members")
    internal = publish("Internal permit", visibility="internal")
    decisions.add(public, id=1, number="1/RP/2025", decided_on=dt.date(2025, 1, 10))
    decisions.add(members, id=2, number="2/RP/2025", decided_on=dt.date(2025, 3, 10))
    decisions.add(internal, id=3, number="3/RP/2025")
    anon_resp = client.get("/published/decisions")
    assert anon_resp.status_code == 200
    anon = anon_resp.get_data(as_text=True)
    assert "1/RP/2025" in anon and "2/RP/2025" not in anon and "3/RP/2025" not in anon
    assert all(internal.id not in asked for asked in decisions.asked)
    sign_in("member")
    resp = client.get("/published/decisions")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "2/RP/2025" in html and "3/RP/2025" not in html
    assert html.index("2/RP/2025") < html.index("1/RP/2025")  # newest first
    assert "18 yes, 3 no, 2 abstain" in html


def test_the_portal_is_in_the_navigation_for_everyone(client):
    html = client.get("/published/").get_data(as_text=True)
    assert 'href="/published/"' in html.split("</header>")[0]
