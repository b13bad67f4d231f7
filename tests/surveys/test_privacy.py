"""What members and the public read of a survey: only surveys published to them, only aggregates,
every cell under 5 respondents hidden (a region of 4 shows no share; a region of exactly 5 does),
never a text answer nor a centre's figures; an internal survey answers exactly as a missing one."""

import csv
import io
import re

import pytest

from tests.surveys.results_fixtures import NOTE
from tests.surveys.test_results_pages import ID, words


def portal_routes(survey_id: int) -> list[str]:
    return [f"/surveys/published/{survey_id}", f"/surveys/published/{survey_id}.csv",
            f"/surveys/published/{survey_id}.xlsx", f"/surveys/published/{survey_id}/sumber.png",
            f"/api/v1/surveys/{survey_id}/results"]


def test_members_read_published_aggregates_with_small_cells_hidden(client, sign_in, answered):
    survey = answered("members")
    sign_in("member")
    resp = client.get(f"/surveys/published/{survey.id}", headers=ID)
    assert resp.status_code == 200
    text = words(resp.get_data(as_text=True))
    assert "18 dari 19 anggota sampel menjawab (95%)" in text
    assert "Ya 9 50% ± 5,4 poin" in text  # the whole: 9 and 9, both shown
    # Parung: exactly 5 respondents, shown; Bojong: 4, hidden; Cibinong: 2 and 7, both hidden (the 7 as complement).
    assert "Parung · 5 responden Jawaban Hitungan Persentase Ya 5 100% ± 0,0 poin Tidak 0 0%" in text
    assert "Bojong · kurang dari 5 responden Jawaban Hitungan Persentase Ya disembunyikan Tidak disembunyikan" in text
    assert "Cibinong · 9 responden Jawaban Hitungan Persentase Ya disembunyikan Tidak disembunyikan" in text
    assert "angka dari kurang dari 5 responden disembunyikan" in text  # the one sentence saying why
    # The region list: Bojong's 4 answers are "< 5".
    assert "Bojong 4 < 5 —" in text
    # No text answers, no text question, no centre, no individual figure (min/max name a member).
    assert NOTE not in text and "Catatan" not in text and "Rembug" not in text and "RP-1" not in text
    assert "Terendah" not in text and "Tertinggi" not in text and "Rata-rata 27.777,78" in text


def test_the_public_reads_public_surveys_only(client, answered):
    public = answered("public", title="Survei publik")
    resp = client.get(f"/surveys/published/{public.id}", headers=ID)
    assert resp.status_code == 200 and "Survei publik" in resp.get_data(as_text=True)
    members_only = answered("members", title="Survei anggota")
    for url in portal_routes(members_only.id):
        assert client.get(url).status_code == 404, url
    listing = client.get("/surveys/published", headers=ID).get_data(as_text=True)
    assert "Survei publik" in listing and "Survei anggota" not in listing
    home = client.get("/published/", headers=ID).get_data(as_text=True)
    assert "Hasil survei" in home and "Survei publik" in home and "Survei anggota" not in home


def _main(html: str) -> str:
    """The page without its CSRF tokens and request id (each response has its own)."""
    html = re.sub(r'name="csrf_token" type="hidden" value="[^"]*"', "", html)
    return re.sub(r"<code>[0-9a-f]{16}</code>|\"request_id\":\"[0-9a-f]{16}\"", "", html)


def test_an_internal_survey_is_404_to_members_exactly_like_a_missing_one(client, sign_in, answered):
    internal = answered("internal", title="Survei internal")
    sign_in("member")
    for url, missing in zip(portal_routes(internal.id), portal_routes(internal.id + 1000), strict=True):
        got, none = client.get(url, headers=ID), client.get(missing, headers=ID)
        assert got.status_code == none.status_code == 404, url
        same = got.get_data(as_text=True).replace(str(internal.id + 1000), str(internal.id))
        assert _main(same) == _main(none.get_data(as_text=True).replace(str(internal.id + 1000), str(internal.id))), url
    assert "Survei internal" not in client.get("/surveys/published", headers=ID).get_data(as_text=True)
    assert "Survei internal" not in client.get("/published/", headers=ID).get_data(as_text=True)


def test_the_published_export_hides_small_cells_and_centres(client, sign_in, answered):
    survey = answered("members")
    sign_in("member")
    resp = client.get(f"/surveys/published/{survey.id}.csv", headers=ID)
    assert resp.status_code == 200
    data = resp.get_data(as_text=True)
    rows = {tuple(r[2:5]): r[5:] for r in csv.reader(io.StringIO(data)) if r[0] == "air_bersih"}
    assert rows[("Wilayah", "Bojong", "Ya")] == ["", "", "", "", "", "disembunyikan: kurang dari 5 responden"]
    assert rows[("Wilayah", "Parung", "Ya")][:4] == ["5", "5", "100.0", "0.0"]
    assert rows[("Wilayah", "Cibinong", "Tidak")][1:3] == ["", ""]
    assert not any(k[0] == "Rembug pusat" for k in rows)
    assert NOTE not in data and "catatan" not in data


def test_the_api_gives_members_published_aggregates_and_staff_the_whole(api_as, answered):
    survey = answered("members")
    member = api_as("member").get(f"/api/v1/surveys/{survey.id}/results")
    assert member.status_code == 200
    body = member.get_json()
    assert (body["responses"], body["sample"]) == (18, 19)
    assert [q["key"] for q in body["questions"]] == ["air_bersih", "sumber", "kebutuhan", "biaya"]
    q = body["questions"][0]
    assert q["counts"] == {"yes": 9, "no": 9} and q["shares"] == {"yes": 0.5, "no": 0.5}
    regions = {g["region"]: g for g in q["by_region"]}
    assert regions["Bojong"]["counts"] == {"yes": None, "no": None} and regions["Bojong"]["shares"] == {"yes": None, "no": None}
    assert regions["Bojong"]["respondents"] is None and regions["Bojong"]["suppressed"] is True
    assert regions["Parung"]["counts"] == {"yes": 5, "no": 0} and regions["Parung"]["respondents"] == 5
    assert "by_centre" not in q and NOTE not in member.get_data(as_text=True)
    asked = api_as("member").get(f"/api/v1/surveys/{survey.id}/results?centres=true")  # staff only
    assert asked.status_code == 200 and '"by_centre"' not in asked.get_data(as_text=True)
    assert api_as(None).get(f"/api/v1/surveys/{survey.id}/results").status_code == 404  # not public

    staff = api_as("officer").get(f"/api/v1/surveys/{survey.id}/results?centres=true").get_json()
    assert [q["key"] for q in staff["questions"]][-1] == "catatan"
    full = staff["questions"][0]
    assert {g["region"]: g["counts"] for g in full["by_region"]}["Bojong"] == {"yes": 2, "no": 2}
    assert [c["code"] for c in full["by_centre"]] == ["RP-1", "RP-2", "RP-3", "RP-4"]
    assert full["margin"]["yes"] == pytest.approx(1.959963984540054 * (0.25 / 18) ** 0.5 * (1 / 18) ** 0.5)


def test_a_public_survey_for_anonymous_api_readers(api_as, answered):
    survey = answered("public")
    resp = api_as(None).get(f"/api/v1/surveys/{survey.id}/results")
    assert resp.status_code == 200
    assert "by_centre" not in resp.get_data(as_text=True) and NOTE not in resp.get_data(as_text=True)
    assert api_as(None).get("/api/v1/surveys/9999/results").status_code == 404


def test_no_route_shows_a_member_individual_answers(client, sign_in, answered):
    """Every route of results and evidence, as a member: none shows a text answer or a centre's figures."""
    survey = answered("public")
    sign_in("member")
    urls = portal_routes(survey.id) + [
        f"/surveys/{survey.id}/results", f"/surveys/{survey.id}/results.csv", f"/surveys/{survey.id}/results/catatan/texts",
        f"/surveys/{survey.id}/results/air_bersih/centres", f"/surveys/published/{survey.id}/catatan.png",
        f"/surveys/published/{survey.id}/biaya.png",
    ]
    for url in urls:
        resp = client.get(url, headers=ID)
        body = resp.get_data(as_text=True) if resp.mimetype in ("text/html", "text/csv", "application/json") else ""
        assert NOTE not in body and "Rembug Melati" not in body, url
        assert resp.status_code in (200, 403, 404), url
    assert client.get(f"/surveys/published/{survey.id}/catatan.png").status_code == 404


def test_a_cell_hidden_in_one_region_alone_is_not_found_by_subtraction():
    """Secondary suppression across regions: the whole shows Ya 20; were only Bojong's cell hidden,
    20 minus the regions shown would give it. So the smallest other region showing it goes too."""
    from govtrack.surveys import queries

    def group(region, yes, no):
        n = yes + no
        return {"region": region, "sample": n, "respondents": n, "counts": {"yes": yes, "no": no},
                "shares": {"yes": yes / n, "no": no / n}, "margin": {"yes": 0.1, "no": 0.1}}

    regions = [group("Bojong", 3, 1), group("Cibinong", 9, 6), group("Parung", 8, 7)]
    whole = {"key": "air", "kind": "yes_no", "respondents": 34, "counts": {"yes": 20, "no": 14},
             "shares": {"yes": 20 / 34, "no": 14 / 34}, "margin": {"yes": 0.1, "no": 0.1}, "by_region": regions}
    result = {"responses": 34, "sample": 34, "population": 34, "response_rate": 1.0, "regions": [],
              "questions": [whole]}
    shown = {g["region"]: g["counts"] for g in queries.published(result)["questions"][0]["by_region"]}
    assert shown["Bojong"] == {"yes": None, "no": None}
    assert shown["Cibinong"] == {"yes": None, "no": None}  # the smallest other region, as its complement
    assert shown["Parung"] == {"yes": 8, "no": 7}
    # Two regions shown whole with one hidden would give it away: never exactly one hidden.
    hidden = [r for r, c in shown.items() if c["yes"] is None]
    assert len(hidden) != 1
