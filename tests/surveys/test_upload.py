"""The upload of paper forms: CSV or XLSX, values as people write them, checked whole (errors by line
and column, nothing written), the template, the API twin; 20,000 lines without a query per line."""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.surveys import importer, queries, services
from govtrack.surveys.models import SurveyMember, SurveyResponse
from tests.conftest import csrf_token
from tests.surveys.conftest import TODAY

HEADER = "member_number,air_bersih,sumber,kebutuhan,biaya,catatan"

pytestmark = pytest.mark.usefixtures("indonesian")


def numbers(roster, centre):
    return [m.number for m in roster["members"][centre]]


def upload(client, survey, body: bytes, name="jawaban.csv"):
    url = f"/surveys/{survey.id}/upload"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


def stored(survey) -> int:
    return db.session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id))


def test_values_are_read_as_people_write_them(roster, make_survey, in_request):
    qs = {q.key: q for q in queries.questions(make_survey())}
    assert importer.parse_answer(qs["air_bersih"], "YA") is True
    assert importer.parse_answer(qs["air_bersih"], "tidak") is False
    assert importer.parse_answer(qs["air_bersih"], "1") is True and importer.parse_answer(qs["air_bersih"], 0) is False
    assert importer.parse_answer(qs["sumber"], " pdam ") == "PDAM"
    assert importer.parse_answer(qs["kebutuhan"], "filter; JAMBAN") == ["Jamban", "Filter"]
    assert importer.parse_answer(qs["biaya"], "25.000") == 25000
    assert importer.parse_answer(qs["biaya"], "2,5") == 2.5
    assert importer.parse_answer(qs["biaya"], "1.250.000,75") == 1250000.75
    assert importer.parse_answer(qs["biaya"], "Rp 15.000") == 15000
    assert importer.parse_answer(qs["biaya"], 12.0) == 12.0
    assert importer.parse_answer(qs["biaya"], "") is None
    for bad in ("2.5", "25.00", "1,2,3", "dua", "1e9", "NaN", "١٢٣"):
        with pytest.raises(ValueError):
            importer.parse_answer(qs["biaya"], bad)
    with pytest.raises(ValueError, match="Sumur; PDAM; Sungai"):
        importer.parse_answer(qs["sumber"], "Laut")
    with pytest.raises(ValueError):
        importer.parse_answer(qs["kebutuhan"], "Jamban; jamban")
    with pytest.raises(ValueError):
        importer.parse_answer(qs["air_bersih"], "mungkin")


def test_a_file_with_errors_names_each_line_and_column_and_writes_nothing(client, sign_in, roster, make_survey, today):
    survey = make_survey(size=9, seed=5)
    drawn = set(db.session.scalars(select(SurveyMember.member_id).where(SurveyMember.survey_id == survey.id)))
    everyone = [m for ms in roster["members"].values() for m in ms]
    ins = [m for m in everyone if m.id in drawn]
    out = [m for m in everyone if m.id not in drawn]
    services.record_responses(actor="test", survey=survey, channel="api", today=TODAY, items=[
        services.ResponseInput(ins[4].id, {"air_bersih": True, "sumber": "Sumur", "kebutuhan": ["Jamban"]})])
    db.session.commit()
    body = "\n".join([
        HEADER,
        f"{ins[0].number},ya,Sumur,Jamban,25.000,",          # 2: good
        f"{ins[1].number},ya,Laut,Jamban,,",                  # 3: sumber
        f"{ins[2].number},mungkin,PDAM,Filter;Jamban,2.5,",   # 4: air_bersih and biaya
        "M-99999,ya,Sumur,Jamban,,",                          # 5: unknown member
        f"{out[0].number},ya,Sumur,Jamban,,",                 # 6: not drawn
        f"{ins[0].number},tidak,Sumur,Jamban,,",              # 7: twice in the file
        f"{ins[4].number},tidak,Sumur,Jamban,,",              # 8: answered already
        f"{ins[3].number},,Sumur,,,",                         # 9: required answers missing
    ]).encode()
    sign_in("manager")
    resp = upload(client, survey, body)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Baris 3, kolom sumber: pilih salah satu: Sumur; PDAM; Sungai." in html
    assert "Baris 4, kolom air_bersih: tulis ya atau tidak" in html
    assert "Baris 4, kolom biaya: bukan angka" in html
    assert "Baris 5, kolom member_number: tidak ada anggota bernomor M-99999." in html
    assert f"Baris 7, kolom member_number: anggota {ins[0].number} sudah ada di baris 2." in html
    assert "Baris 9, kolom air_bersih: wajib dijawab." in html and "Baris 9, kolom kebutuhan: wajib dijawab." in html
    assert "Baris 2" not in html
    assert stored(survey) == 1
    # the drawn / answered checks are the service's, named by line too
    body = "\n".join([HEADER, f"{ins[0].number},ya,Sumur,Jamban,,", f"{out[0].number},ya,Sumur,Jamban,,",
                      f"{ins[4].number},ya,Sumur,Jamban,,"]).encode()
    text = upload(client, survey, body).get_data(as_text=True)
    assert "Baris 3, kolom member_number: Anggota ini tidak terpilih untuk survei ini." in text
    assert "Baris 4, kolom member_number:" in text and "sudah menjawab" in text
    assert stored(survey) == 1


def test_a_good_csv_and_a_good_workbook_are_recorded(client, sign_in, roster, make_survey, today):
    survey = make_survey()
    melati, mawar = roster["members"]["melati"], roster["members"]["mawar"]
    sign_in("manager")
    body = ("member_number;air_bersih;sumber;kebutuhan;biaya;answered_on\n"  # an Indonesian spreadsheet's ;
            + "".join(f'{m.number};Ya;sumur;"Jamban;Filter";"25.000";2026-11-20\n' for m in melati)).encode()
    resp = upload(client, survey, body)
    assert resp.status_code == 302, resp.get_data(as_text=True)[-3000:]
    assert stored(survey) == 5
    r = queries.response_of(survey, melati[0].id)
    assert (r.channel, r.answers, str(r.answered_on)) == (
        "upload", {"air_bersih": True, "sumber": "Sumur", "kebutuhan": ["Jamban", "Filter"], "biaya": 25000},
        "2026-11-20")
    book = Workbook()
    sheet = book.active
    sheet.append(["member_number", "air_bersih", "sumber", "kebutuhan", "biaya"])
    for m in mawar:
        sheet.append([m.number.lower(), 1, "PDAM", "Tangki air", 12500.5])
    out = io.BytesIO()
    book.save(out)
    assert upload(client, survey, out.getvalue(), "jawaban.xlsx").status_code == 302
    assert stored(survey) == 9
    assert queries.response_of(survey, mawar[0].id).answers["biaya"] == 12500.5


def test_a_bad_header_or_file_is_named(client, sign_in, roster, make_survey, today):
    survey = make_survey()
    sign_in("manager")
    text = upload(client, survey, b"nomor,air_bersih\nM-1,ya\n").get_data(as_text=True)
    assert "Baris 1:" in text and "member_number" in text and "sumber" in text and "nomor" in text
    assert upload(client, survey, b"PK\x03\x04garbage", "x.xlsx").status_code == 422
    assert upload(client, survey, b"\xff\xfe\x00a", "x.csv").status_code == 422
    assert upload(client, survey, b"", "x.csv").status_code == 422
    assert stored(survey) == 0


def test_the_templates_have_the_right_header(client, sign_in, roster, make_survey, today):
    survey = make_survey()
    sign_in("manager")
    csv_resp = client.get(f"/surveys/{survey.id}/upload/template.csv")
    assert csv_resp.status_code == 200 and csv_resp.mimetype == "text/csv"
    assert csv_resp.get_data(as_text=True).strip() == \
        "member_number,air_bersih,sumber,kebutuhan,biaya,catatan,answered_on"
    xlsx = client.get(f"/surveys/{survey.id}/upload/template.xlsx")
    rows = list(load_workbook(io.BytesIO(xlsx.data)).active.iter_rows(values_only=True))
    assert rows == [("member_number", "air_bersih", "sumber", "kebutuhan", "biaya", "catatan", "answered_on")]
    page = client.get(f"/surveys/{survey.id}/upload").get_data(as_text=True)
    assert "25.000 (titik di antara ribuan)" in page and "2,5 (koma sebelum desimal)" in page


def test_an_officer_uploads_only_for_their_centres(client, sign_in, roster, make_survey, today):
    survey = make_survey()
    sign_in(roster["officer"])
    body = "\n".join([HEADER] + [f"{m.number},ya,Sumur,Jamban,," for m in roster["members"]["melati"]]
                     + [f"{roster['members']['kenanga'][0].number},ya,Sumur,Jamban,,"]).encode()
    resp = upload(client, survey, body)
    assert resp.status_code == 422
    assert "Baris 7, kolom member_number: " in resp.get_data(as_text=True)
    assert "Baris 2" not in resp.get_data(as_text=True)
    assert stored(survey) == 0
    body = "\n".join([HEADER] + [f"{m.number},ya,Sumur,Jamban,," for m in roster["members"]["melati"]]).encode()
    assert upload(client, survey, body).status_code == 302
    assert stored(survey) == 5


def test_the_api_import_is_all_or_nothing_with_lines_and_columns(client, roster, make_survey, api_as, today):
    survey = make_survey()
    auth = api_as("manager").headers
    url = f"/api/v1/surveys/{survey.id}/responses/import"
    good = "\n".join([HEADER] + [f"{m.number},ya,Sumur,Jamban,," for m in roster["members"]["melati"]])
    bad = good + "\nM-00099,ya,Laut,Jamban,,"
    resp = client.post(url, data=bad.encode(), headers={**auth, "Content-Type": "text/csv", "Accept-Language": "id"})
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["created"] == 0 and body["error_count"] == 2
    assert {"line": 7, "column": "member_number", "message": "tidak ada anggota bernomor M-00099."} in body["errors"]
    assert {"line": 7, "column": "sumber", "message": "pilih salah satu: Sumur; PDAM; Sungai."} in body["errors"]
    assert stored(survey) == 0
    resp = client.post(url, data={"file": (io.BytesIO(good.encode()), "jawaban.csv")},
                       content_type="multipart/form-data", headers=auth)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"created": 5, "duplicates": 0, "rows": 5, "errors": []}
    member = api_as("member").headers
    assert client.post(url, data=good.encode(), headers={**member, "Content-Type": "text/csv"}).status_code == 403
    assert client.post(url, data=good.encode(), headers={"Content-Type": "text/csv"}).status_code == 401
    assert client.post(url, data=b"{}", headers={**auth, "Content-Type": "application/json"}).status_code == 415
    assert stored(survey) == 5


def test_twenty_thousand_lines_without_a_query_per_line(app_context, make_survey, in_request, count_queries):
    from tests.surveys.bulk import bulk_roster

    numbers_ = bulk_roster(20_000, centres=800)
    survey = make_survey()
    body = "\n".join([HEADER] + [f"{n},ya,PDAM,Jamban;Filter,25.000," for n in numbers_]).encode()
    started = time.monotonic()
    with count_queries() as counted:
        result = importer.import_responses(actor="test", survey=survey, data=body, today=TODAY)
        db.session.commit()
    elapsed = time.monotonic() - started
    assert result.created == 20_000 and stored(survey) == 20_000
    assert counted.count < 200, counted.count
    print(f"upload of 20,000 lines: {elapsed:.1f} s, {counted.count} queries")
