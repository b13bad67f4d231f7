"""The network page opens with what a board must know, in the reader's language, every number as
that language writes it; the words HHI, effective number of sources, single point of failure and
broker are explained on the page and in the glossary; no stored code reaches an Indonesian reader."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from govtrack.extensions import db
from tests.core.test_no_raw_codes import _Text, raw_codes_in
from tests.network.conftest import AS_OF
from tests.network.test_page import Q, words

ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}


def summary(page: str) -> str:
    """The words of the summary block."""
    start = page.index('<section aria-labelledby="board-h"')
    return words(page[start:page.index("</section>", start)])


@pytest.fixture
def report_due(scenario):
    """An open report on the big grant: the what-if of its funder counts it."""
    from govtrack.obligations.services import ObligationData, create_obligation

    today = dt.date.today()
    create_obligation(actor="test", today=today, data=ObligationData(
        agreement_id=scenario["grant_big"].id, owed_by="cooperative", kind="report", title="Laporan hibah",
        due_date=today + dt.timedelta(days=40)))
    db.session.commit()
    return scenario


def test_the_summary_comes_first_and_says_what_a_board_must_know_in_indonesian(client, sign_in, report_due):
    sign_in("member")  # the member's network: the internal bank loan is not in it
    page = client.get(f"/network/?{Q}", headers=ID).get_data(as_text=True)
    main = page[page.index("<main"):]
    # The summary is the first section of the page, before the filters, the picture and the tables.
    assert main.index('id="board-h"') < main.index("<form") < main.index('id="picture-h"') < main.index('id="conc-h"')
    assert summary(page) == (
        "Ringkasan untuk pengurus "
        "4 mitra dan 4 perjanjian (4 aktif), dengan nilai seluruhnya Rp 5.000.000. "
        "Sangat terpusat: Pendanaan (hibah) pada Yayasan Air Bersih (75%) dan Dana Sanitasi (25%); "
        "Pengadaan dan pekerjaan pada CV Tirta Bangun (80%) dan PT Pipa Nusantara (20%). "
        "Titik rawan tunggal: Yayasan Air Bersih, satu-satunya mitra yang dilalui semua dana Works dan Pipes; "
        "perjanjian Works, Grant big dan Pipes, yang tanpanya jaringan terpecah. "
        "Ketergantungan terbesar: Yayasan Air Bersih, dengan nilai Rp 3.000.000 yang dipertaruhkan "
        "(60% dari nilai semua perjanjian). "
        "Jika Yayasan Air Bersih keluar: 3 perjanjian gagal (1 langsung, 2 karena bergantung pada perjanjian itu), "
        "nilai Rp 4.000.000 terancam, 1 kewajiban terbuka terdampak."
    )
    # Each sentence links to its detail below; the what-if opens the full answer for that partner.
    block = page[page.index('id="board-h"'):page.index("</section>", page.index('id="board-h"'))]
    assert re.findall(r'<a href="([^"]*)"', block) == [
        "#conc-h", "#spof-h", "#conc-category",
        f"/network/?partner_id={report_due['big'].id}&amp;as_of={AS_OF.isoformat()}#whatif-h",
    ]
    for anchor in ("conc-h", "spof-h", "conc-category", "whatif-h"):
        assert f'id="{anchor}"' in page


def test_the_summary_in_english_with_english_numbers(client, sign_in, report_due):
    sign_in("manager")  # staff: the internal bank loan of 5,000,000 is the largest exposure
    text = summary(client.get(f"/network/?{Q}", headers=EN).get_data(as_text=True))
    assert text == (
        "Summary for the board "
        "5 partners and 5 agreements (5 active), worth IDR 10,000,000 in all. "
        "Highly concentrated: Funding (grants) on Yayasan Air Bersih (75%) and Dana Sanitasi (25%); "
        "Liquidity (loans, credit lines) on Bank Rahasia Internal (100%); "
        "Supply and works on CV Tirta Bangun (80%) and PT Pipa Nusantara (20%). "
        "Single points of failure: Yayasan Air Bersih, the only partner all the funding of Works and Pipes passes "
        "through; the agreements Works, Grant big and Pipes, without any of which the network falls apart. "
        "Largest exposure: Bank Rahasia Internal, with IDR 5,000,000 at stake (50% of the value of all agreements). "
        "If Bank Rahasia Internal left: 1 agreement would fail directly, IDR 5,000,000 at risk, "
        "no open obligation affected."
    )


def test_the_summary_of_a_network_without_risks(client, sign_in, make_partner, make_agreement):
    # Four equal lenders, each with its own loan: nothing concentrated, nothing holds it together.
    for i in range(4):
        bank = make_partner(f"Bank {i}", category="financial_institution")
        make_agreement(f"Loan {i}", kind="loan", parties=[(bank, "lender")], status="active",
                       start_date=dt.date(2026, 1, 1), value_amount=1_000_000)
    sign_in("board")
    text = summary(client.get(f"/network/?{Q}", headers=EN).get_data(as_text=True))
    assert "No flow is highly concentrated; moderately concentrated: Liquidity (loans, credit lines) on Bank 0 (25%) and Bank 1 (25%) and 2 more." in text
    assert "No single point of failure: no partner or agreement alone holds the network together." in text
    assert "If Bank 0 left: 1 agreement would fail" in text


def test_numbers_by_locale_everywhere_on_the_indonesian_page(client, sign_in, report_due):
    sign_in("manager")
    page = client.get(f"/network/?{Q}&since=2025-12-01&partner_id={report_due['big'].id}", headers=ID)
    assert page.status_code == 200
    text = words(page.get_data(as_text=True))
    # HHI 6.250 and 6.800 with a point between thousands, 1,6 and 1,5 sources with a decimal comma
    assert "Pendanaan (hibah) Rp 4.000.000 6.250 1,6 sangat terpusat" in text
    assert "Pengadaan dan pekerjaan Rp 1.000.000 6.800 1,5 sangat terpusat" in text
    assert "di atas 2.500 sangat terpusat, 1.500 sampai 2.500 cukup terpusat" in text
    assert "Sejak 1 Des 2025: mitra 0 → 5, perjanjian 0 → 5, nilai Rp 0 → Rp 10.000.000." in text
    assert "nilai yang terancam: Rp 4.000.000." in text and "Works (Rp 800.000)" in text
    # and no number written the English way or without its grouping
    for wrong in ("10000", "6250", "6,250", "1.6 ", "2,500", "100.0%", " IDR"):
        assert wrong not in text, wrong


def test_no_stored_code_reaches_the_indonesian_reader(client, sign_in, report_due):
    sign_in("board")
    for query in (Q, f"{Q}&partner_id={report_due['big'].id}&since=2025-12-01", f"{Q}&partner_q=a",
                  f"{Q}&status=active&flow=funding"):
        resp = client.get(f"/network/?{query}", headers=ID)
        assert resp.status_code == 200
        parser = _Text()
        parser.feed(resp.get_data(as_text=True))
        assert raw_codes_in(parser.text) == [], query


def test_the_hard_words_are_explained_on_the_page_and_in_the_glossary(client, sign_in, scenario):
    sign_in("board")
    page = client.get(f"/network/?{Q}", headers=ID).get_data(as_text=True)
    text = words(page)
    for key in ("hhi", "effective-sources", "single-point-of-failure", "broker"):
        assert f'<a class="term" href="/glossary#{key}">' in page, key
    assert ("HHI: jumlah kuadrat persentase porsi setiap sumber, dari 0 sampai 10.000: 10.000 berarti satu sumber "
            "saja;") in text
    assert ("Jumlah sumber efektif: banyaknya sumber berporsi sama yang menghasilkan konsentrasi yang sama "
            "(10.000 ÷ HHI); 1,0 berarti koperasi bergantung pada satu sumber saja.") in text
    assert "Titik rawan tunggal adalah mitra atau perjanjian yang sendirian menyatukan bagian-bagian jaringan" in text
    assert "Perantara adalah mitra yang dilalui banyak ikatan terkuat antara mitra-mitra lain" in text
    glossary = client.get("/glossary", headers=ID).get_data(as_text=True)
    entry = re.search(r'<dt id="effective-sources"[^>]*>(.*?)</dd>', glossary, re.S)[1]
    assert "Jumlah sumber efektif" in entry and 'lang="en" translate="no">(English: Effective number of sources)' in entry
    assert "10.000 dibagi HHI-nya" in entry and "10.000 ÷ 6.800 = 1,5" in entry
    english = client.get("/glossary", headers=EN).get_data(as_text=True)
    assert "How many partners of equal size would give a flow the same concentration" in english
    assert 'lang="id" translate="no">(Bahasa Indonesia: Jumlah sumber efektif)' in english


def test_a_chosen_status_is_said_in_the_summary(client, sign_in, scenario):
    sign_in("board")
    text = summary(client.get(f"/network/?{Q}&status=active", headers=ID).get_data(as_text=True))
    assert text.startswith("Ringkasan untuk pengurus 5 mitra dan 5 perjanjian (5 aktif), dengan nilai")
    text = summary(client.get(f"/network/?{Q}&status=draft", headers=EN).get_data(as_text=True))
    assert "No agreement with the chosen statuses on this date." in text
    assert "No flow is concentrated." in text and "No single point of failure" in text
    assert "Largest exposure" not in text


def test_the_summary_is_on_the_page_of_an_invalid_filter_too(client, sign_in, scenario):
    sign_in("board")
    resp = client.get("/network/?as_of=not-a-date", headers=EN)
    assert resp.status_code == 422 and "Summary for the board" in resp.get_data(as_text=True)


def test_as_of_outside_the_agreements_gives_an_empty_summary(client, sign_in, scenario):
    sign_in("board")
    text = summary(client.get("/network/?as_of=2020-01-01", headers=EN).get_data(as_text=True))
    assert "No agreement with the chosen statuses on this date." in text
    assert AS_OF.year == 2026


def test_the_summary_counts_the_agreements_of_each_chosen_status(client, sign_in, scenario, monkeypatch):
    # When the metrics say how many agreements of each status the network holds (several statuses
    # chosen at once), the first sentence says so instead of "in force".
    from govtrack.network import queries

    real = queries.summary

    def with_statuses(**kw):
        out = real(**kw)
        totals = {**out["metrics"]["totals"], "by_status": {"active": 3, "suspended": 0, "under_deliberation": 2}}
        return {**out, "metrics": {**out["metrics"], "totals": totals}}

    monkeypatch.setattr(queries, "summary", with_statuses)
    sign_in("board")
    text = summary(client.get(f"/network/?{Q}", headers=ID).get_data(as_text=True))
    assert text.startswith("Ringkasan untuk pengurus 5 mitra dan 5 perjanjian (3 aktif, 2 sedang dimusyawarahkan), "
                           "dengan nilai seluruhnya Rp 10.000.000.")
    text = summary(client.get(f"/network/?{Q}", headers=EN).get_data(as_text=True))
    assert "5 partners and 5 agreements (3 active, 2 under deliberation), worth IDR 10,000,000 in all." in text
