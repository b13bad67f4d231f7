"""The results page, its charts and exports, as staff read them: the response rate against the
sample, shares with their 95 % margins of error (checked against a reference computed here), the
numbers' summary, text answers only with surveys.answers, by region and by centre; a warm page in a
few queries."""

import csv
import io
import math
import re

import openpyxl
import pytest

from tests.surveys.results_fixtures import NOTE

ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}


def words(html: str) -> str:
    """The page's visible text (the main part), tags dropped and spaces squeezed."""
    main = html[html.index("<main"):html.index("</main>")]
    return " ".join(re.sub(r"<[^>]+>", " ", main).replace("&lt;", "<").split())


def reference_margin(p: float, n: int, population: int) -> float:
    # 95 %: 1.96 standard errors; finite-population correction sqrt((N - n) / (N - 1)).
    return 1.959963984540054 * math.sqrt(p * (1 - p) / n) * math.sqrt((population - n) / (population - 1))


def test_the_results_page_in_indonesian(client, sign_in, answered):
    survey = answered()
    sign_in("manager")
    resp = client.get(f"/surveys/{survey.id}/results", headers=ID)
    assert resp.status_code == 200
    text = words(resp.get_data(as_text=True))
    assert "18 dari 19 anggota sampel menjawab (95%)" in text
    assert "Populasi: 19 anggota" in text
    # 9 of 18 said yes; N = 19: the reference margin, in points with a decimal comma.
    points = reference_margin(0.5, 18, 19) * 100
    assert f"{points:.1f}".replace(".", ",") == "5,4"
    assert "Ya 9 50% ± 5,4 poin" in text and "Tidak 9 50% ± 5,4 poin" in text
    assert "Sumur 9 50% ± 5,4 poin" in text and "Sungai 0 0% ± 0,0 poin" in text
    # A region of 9 of 10 drawn: yes 2 of 9, its own population being 10.
    cib = reference_margin(2 / 9, 9, 10) * 100
    assert f"Ya 2 22% ± {cib:.1f} poin".replace(".", ",") in text
    # Numbers: 18 answers of 10,000 to 50,000.
    assert "Rata-rata 27.777,78" in text and "Median 30.000" in text
    assert "Terendah 10.000" in text and "Tertinggi 50.000" in text
    assert "Margin kesalahan" in text and "dengan tingkat kepercayaan 95%" in text
    # No raw codes: the answers read Ya/Tidak, the kinds in words.
    assert not re.search(r"\b(yes|no|yes_no|single|multiple)\b", text)
    assert "Ya atau tidak" in text


def test_the_results_page_in_english_reads_points(client, sign_in, answered):
    survey = answered()
    sign_in("manager")
    text = words(client.get(f"/surveys/{survey.id}/results", headers=EN).get_data(as_text=True))
    assert "18 of 19 members in the sample answered (95%)" in text
    assert "Yes 9 50% ± 5.4 points" in text


def test_text_answers_only_with_the_answers_permission(app, client, sign_in, answered, make_user):
    survey = answered()
    officer = make_user("officer")
    sign_in(officer)
    page = client.get(f"/surveys/{survey.id}/results", headers=ID)
    assert page.status_code == 200  # a field officer reads the results
    text = words(page.get_data(as_text=True))
    assert "1 responden" in text and "Baca jawabannya" not in text and NOTE not in text
    assert client.get(f"/surveys/{survey.id}/results/catatan/texts", headers=ID).status_code == 403

    client = app.test_client()
    sign_in("manager", client=client)
    page = words(client.get(f"/surveys/{survey.id}/results", headers=ID).get_data(as_text=True))
    assert "Baca jawabannya" in page and NOTE not in page  # the texts are on their own page
    texts = client.get(f"/surveys/{survey.id}/results/catatan/texts", headers=ID)
    assert texts.status_code == 200
    assert NOTE in texts.get_data(as_text=True) and "Rembug Kenanga" in texts.get_data(as_text=True)
    assert client.get(f"/surveys/{survey.id}/results/sumber/texts").status_code == 404  # not a text question
    assert client.get(f"/surveys/{survey.id + 50}/results/catatan/texts").status_code == 404


def test_texts_are_paged_by_keyset(client, sign_in, answered, app_context):
    from govtrack.surveys import queries

    survey = answered()
    rows, following = queries.text_answers(survey, "catatan", limit=1)
    assert [r[3] for r in rows] == [NOTE]
    rest, end = queries.text_answers(survey, "catatan", after=following, limit=1)
    assert rest == [] and end is None


def test_by_centre_is_for_staff(client, sign_in, answered):
    survey = answered()
    sign_in("manager")
    resp = client.get(f"/surveys/{survey.id}/results/air_bersih/centres", headers=ID)
    assert resp.status_code == 200
    text = words(resp.get_data(as_text=True))
    assert "RP-1 Rembug Melati · 5 responden" in text and "Ya 1 20%" in text
    assert "RP-3 Rembug Kenanga · 4 responden" in text
    assert client.get(f"/surveys/{survey.id}/results/nope/centres").status_code == 404


def test_the_chart_is_a_png_per_charted_question(client, sign_in, answered):
    survey = answered()
    sign_in("manager")
    resp = client.get(f"/surveys/{survey.id}/results/sumber.png", headers=ID)
    assert resp.status_code == 200 and resp.mimetype == "image/png" and resp.data[:8] == b"\x89PNG\r\n\x1a\n"
    again = client.get(f"/surveys/{survey.id}/results/sumber.png", headers=ID)
    assert again.data == resp.data  # served from the cache
    assert client.get(f"/surveys/{survey.id}/results/biaya.png").status_code == 404  # a number
    assert client.get(f"/surveys/{survey.id}/results/catatan.png").status_code == 404  # a text
    assert client.get(f"/surveys/{survey.id}/results/nope.png").status_code == 404
    html = client.get(f"/surveys/{survey.id}/results", headers=ID).get_data(as_text=True)
    assert 'alt="Diagram batang: Apakah rumah tangga Anda punya akses air bersih? — Ya 50% ± 5,4 poin; ' \
           'Tidak 50% ± 5,4 poin."' in html


def test_the_csv_and_workbook_hold_aggregates_only(client, sign_in, answered):
    survey = answered()
    sign_in("manager")
    resp = client.get(f"/surveys/{survey.id}/results.csv", headers=ID)
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert rows[0] == ["Pertanyaan", "Teks pertanyaan", "Kelompok", "Nama kelompok", "Jawaban", "Responden",
                       "Hitungan", "Persentase (%)", "Margin kesalahan (poin)", "Nilai", "Catatan"]
    body = {tuple(r[:5]): r[5:] for r in rows[1:]}
    q = "Apakah rumah tangga Anda punya akses air bersih?"
    assert body[("air_bersih", q, "Semua", "Semua", "Ya")] == ["18", "9", "50.0", "5.4", "", ""]
    assert body[("air_bersih", q, "Wilayah", "Bojong", "Tidak")][:3] == ["4", "2", "50.0"]
    assert body[("air_bersih", q, "Rembug pusat", "RP-1 Rembug Melati", "Ya")][:3] == ["5", "1", "20.0"]
    assert body[("biaya", "Biaya air per bulan (Rp)?", "Semua", "Semua", "Rata-rata")][4] == "27777.78"
    assert body[("catatan", "Catatan", "Semua", "Semua", "")][0] == "1"
    assert NOTE not in resp.get_data(as_text=True)  # no individual answer

    book = client.get(f"/surveys/{survey.id}/results.xlsx", headers=ID)
    assert book.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(book.data)).active
    first = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert first[:9] == ["air_bersih", q, "Semua", "Semua", "Ya", 18, 9, 50, pytest.approx(5.4)]
    assert isinstance(first[5], int | float) and not isinstance(first[5], str)


def test_staff_routes_refuse_members_and_ask_visitors_to_sign_in(client, sign_in, answered):
    survey = answered("public")
    routes = [f"/surveys/{survey.id}/results", f"/surveys/{survey.id}/results.csv", f"/surveys/{survey.id}/results.xlsx",
              f"/surveys/{survey.id}/results/sumber.png", f"/surveys/{survey.id}/results/sumber/centres",
              f"/surveys/{survey.id}/results/catatan/texts"]
    for url in routes:
        assert client.get(url).status_code == 302, url  # to the sign-in page
    sign_in("member")
    for url in routes:
        resp = client.get(url)
        assert resp.status_code == 403, url
        assert NOTE not in resp.get_data(as_text=True)


def test_a_warm_results_page_reads_little(client, sign_in, answered, count_queries):
    survey = answered()
    sign_in("manager")
    url = f"/surveys/{survey.id}/results"
    assert client.get(url).status_code == 200  # computes and caches
    with count_queries() as q:
        resp = client.get(url)
    assert resp.status_code == 200 and "18" in resp.get_data(as_text=True)
    # the session's user, the survey, the data versions (one query for all tables), the centres'
    # fingerprint (their names and regions show; members.queries.centres_fingerprint)
    assert q.count <= 5, q.statements


def test_a_missing_survey_is_404(client, sign_in):
    sign_in("manager")
    for url in ("/surveys/999/results", "/surveys/999/results.csv", "/surveys/999/results/a.png",
                "/surveys/999/results/a/centres"):
        assert client.get(url).status_code == 404, url
