"""The surveys' pages in Indonesian: the list, the form (questions as rows, errors by question),
the survey's page with its sample by centre, the redraw with its confirmation, a centre's drawn
members, a response in words and its correction; who may open what."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from govtrack.members.models import Member
from govtrack.surveys import queries, services
from govtrack.surveys.models import Survey, SurveyMember
from tests.conftest import csrf_token
from tests.surveys.conftest import TODAY

ANSWERS = {"air_bersih": True, "sumber": "Sumur", "kebutuhan": ["Jamban", "Filter"], "biaya": 25000}


pytestmark = pytest.mark.usefixtures("indonesian")


def text_of(resp) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", resp.get_data(as_text=True)))


def answer(survey, member, answers=ANSWERS, channel="officer"):
    services.record_responses(actor="test", survey=survey, items=[services.ResponseInput(member.id, answers)],
                              channel=channel, today=TODAY)
    db.session.commit()


def first_drawn(survey) -> Member:
    return db.session.get(Member, db.session.scalar(
        select(SurveyMember.member_id).where(SurveyMember.survey_id == survey.id).order_by(SurveyMember.member_id)))


def new_survey_form(**over) -> dict:
    data = {"title": "Survei sanitasi", "purpose": "Tahu kebutuhan jamban.", "opens_on": "2026-11-01",
            "closes_on": "2026-12-31", "visibility": "members", "population_kind": "all", "sample_mode": "everyone",
            "q-0-key": "jamban", "q-0-kind": "yes_no", "q-0-text": "Punya jamban sendiri?", "q-0-required": "1",
            "q-1-key": "sumber", "q-1-kind": "single", "q-1-text": "Sumber air?", "q-1-choices": "Sumur\nPDAM",
            "q-1-required": "1"}
    data.update(over)
    return data


def test_the_list_says_state_dates_population_sample_and_rate_in_indonesian(client, sign_in, roster, make_survey,
                                                                             today):
    survey = make_survey(size=6, seed=3)
    make_survey(title="Survei lama", opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 2, 1))
    make_survey(title="Survei nanti", opens_on=dt.date(2026, 12, 10), closes_on=dt.date(2026, 12, 20))
    answer(survey, first_drawn(survey))
    sign_in("manager")
    resp = client.get("/surveys/")
    assert resp.status_code == 200
    text = text_of(resp)
    assert "Survei kebutuhan" in text
    assert "Dibuka" in text and "Ditutup" in text and "Belum dibuka" in text
    assert "1 Nov 2026 – 31 Des 2026" in text
    assert "Semua anggota aktif" in text
    assert "Sampel: 6 anggota" in text and "1 jawaban" in text and "16,7%" in text
    assert "yes_no" not in text and "not_open" not in text


def test_the_navigation_offers_the_surveys_to_staff_not_to_members(client, sign_in):
    sign_in("officer")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/surveys/"' in page and ">Survei<" in page
    client.delete_cookie("session")
    sign_in("member")
    assert 'href="/surveys/"' not in client.get("/").get_data(as_text=True)


def test_a_manager_creates_a_survey_and_sees_its_recorded_seed(client, sign_in, roster, today):
    sign_in("manager")
    form = client.get("/surveys/new")
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert page.count('name="q-') >= 8 * 5 and "Ya atau tidak" in page and "<script>" not in page
    resp = client.post("/surveys/new", data={**new_survey_form(sample_mode="sample", sample_size="6"),
                                             "csrf_token": csrf_token(client, "/surveys/new")})
    assert resp.status_code == 302, text_of(resp)[:3000]
    survey = db.session.scalar(select(Survey).where(Survey.title == "Survei sanitasi"))
    assert survey.sample_seed is not None and queries.sample_size(survey) == 6
    assert [q.key for q in queries.questions(survey)] == ["jamban", "sumber"]
    detail = text_of(client.get(resp.headers["Location"]))
    assert f"benih {survey.sample_seed}" in detail
    assert "Semua anggota aktif" in detail and "12 anggota" in detail
    assert "Punya jamban sendiri?" in detail and "Ya atau tidak" in detail and "Sumur; PDAM" in detail
    assert "Rembug Melati" in detail and "RP-1" in detail
    assert re.search(r"ditarik pada \w+ \d+ \w+ 2026, \d\d\.\d\d WIB", detail) or "WIB" in detail


def test_errors_name_the_field_and_the_question_in_indonesian_and_change_nothing(client, sign_in, roster, today):
    sign_in("manager")
    before = db.session.scalar(select(func.count()).select_from(Survey))
    resp = client.post("/surveys/new", data={**new_survey_form(**{
        "q-1-choices": "Sumur", "q-2-key": "Jamban!", "q-2-kind": "number", "q-2-text": "Berapa?",
        "population_kind": "centres", "centre_codes": "RP-1, RP-99\nXX-7"}),
        "csrf_token": csrf_token(client, "/surveys/new")})
    assert resp.status_code == 422
    text = text_of(resp)
    assert "RP-99" in text and "XX-7" in text
    assert db.session.scalar(select(func.count()).select_from(Survey)) == before
    resp = client.post("/surveys/new", data={**new_survey_form(**{
        "q-1-choices": "Sumur", "q-3-key": "Jamban!", "q-3-kind": "number", "q-3-text": "Berapa?",
        "closes_on": "2026-10-01"}), "csrf_token": csrf_token(client, "/surveys/new")})
    assert resp.status_code == 422
    text = text_of(resp)
    assert "Pertanyaan 2: berikan paling sedikit dua pilihan." in text or "Pertanyaan 2" in text
    assert "Pertanyaan 3" in text  # the blank row 3 is gone: row 4 is now question 3, as the message says
    assert db.session.scalar(select(func.count()).select_from(Survey)) == before


def test_a_missing_sample_size_regions_or_centres_is_a_field_error_not_a_crash(client, sign_in, roster, today):
    """The forms fuzzer found these three answering 500: the form's own checks raised a plain
    ValueError, which WTForms 3 does not take for a field's error."""
    sign_in("manager")
    before = db.session.scalar(select(func.count()).select_from(Survey))
    for extra, message in ((dict(sample_mode="sample", sample_size=""), "Berikan ukuran sampel."),
                           (dict(population_kind="regions", regions=""), "Pilih paling sedikit satu wilayah."),
                           (dict(population_kind="centres", centre_codes=" "), "Pilih paling sedikit satu rembug pusat.")):
        resp = client.post("/surveys/new", data={**new_survey_form(**extra),
                                                 "csrf_token": csrf_token(client, "/surveys/new")})
        assert resp.status_code == 422, extra
        assert message in text_of(resp), (extra, text_of(resp)[:2000])
    assert db.session.scalar(select(func.count()).select_from(Survey)) == before


def test_regions_are_chosen_among_the_centres_regions(client, sign_in, roster, today):
    sign_in("manager")
    page = client.get("/surveys/new").get_data(as_text=True)
    assert '<option value="Bojong">Bojong</option>' in page and '<option value="Cibinong">' in page
    resp = client.post("/surveys/new", data={**new_survey_form(population_kind="regions", regions="Bojong"),
                                             "csrf_token": csrf_token(client, "/surveys/new")})
    assert resp.status_code == 302
    survey = db.session.scalar(select(Survey).where(Survey.title == "Survei sanitasi"))
    assert survey.population == ["Bojong"] and queries.sample_size(survey) == 3


def test_after_answers_only_title_purpose_dates_and_visibility_change(client, sign_in, roster, make_survey, today):
    survey = make_survey()
    answer(survey, roster["members"]["melati"][0])
    sign_in("manager")
    page = client.get(f"/surveys/{survey.id}/edit")
    text = text_of(page)
    assert page.status_code == 200 and "Anggota sudah menjawab" in text
    assert 'name="q-0-key"' not in page.get_data(as_text=True)
    resp = client.post(f"/surveys/{survey.id}/edit", data={
        "title": "Survei air 2026", "purpose": "", "opens_on": "2026-11-01", "closes_on": "2027-01-15",
        "visibility": "public", "q-0-key": "lain", "q-0-kind": "text", "q-0-text": "Diabaikan",
        "csrf_token": csrf_token(client, f"/surveys/{survey.id}/edit")})
    assert resp.status_code == 302
    db.session.refresh(survey)
    assert (survey.title, survey.visibility, str(survey.closes_on)) == ("Survei air 2026", "public", "2027-01-15")
    assert [q.key for q in queries.questions(survey)][0] == "air_bersih"


def test_the_sample_is_drawn_again_only_with_the_box_ticked_and_while_nobody_answered(client, sign_in, roster,
                                                                                     make_survey, today):
    survey = make_survey(size=6, seed=11)
    sign_in("manager")
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert "Tarik ulang sampel" in page
    token = csrf_token(client, f"/surveys/{survey.id}")
    refused = client.post(f"/surveys/{survey.id}/draw", data={"csrf_token": token})
    assert refused.status_code == 303
    assert not db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "survey.draw"))
    done = client.post(f"/surveys/{survey.id}/draw", data={"csrf_token": token, "confirm": "y"})
    assert done.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "survey.draw")) == 1
    answer(survey, first_drawn(survey))
    assert "Tarik ulang sampel" not in client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    again = client.post(f"/surveys/{survey.id}/draw", data={"csrf_token": token, "confirm": "y"})
    assert again.status_code == 303
    assert "sudah menjawab" in text_of(client.get(f"/surveys/{survey.id}"))


def test_an_officer_sees_only_their_centres_and_their_surveys(client, sign_in, roster, make_survey, today):
    mine = make_survey(title="Survei Cibinong", population_kind="regions", regions=["Cibinong"])
    other = make_survey(title="Survei Bojong", population_kind="regions", regions=["Bojong"])
    c = roster["centres"]
    sign_in(roster["officer"])
    listing = text_of(client.get("/surveys/"))
    assert "Survei Cibinong" in listing and "Survei Bojong" not in listing
    assert client.get(f"/surveys/{other.id}").status_code == 404
    page = text_of(client.get(f"/surveys/{mine.id}"))
    assert "Rembug Melati" in page and "Rembug Mawar" not in page
    assert client.get(f"/surveys/{mine.id}/centres/{c['melati'].id}").status_code == 200
    assert client.get(f"/surveys/{mine.id}/centres/{c['mawar'].id}").status_code == 404
    assert client.get(f"/surveys/{mine.id}/centres/99999").status_code == 404
    # individual answers are for those with surveys.answers only
    answer(mine, roster["members"]["melati"][0])
    assert client.get(f"/surveys/{mine.id}/responses/{roster['members']['melati'][0].id}").status_code == 403


def test_a_centre_lists_its_drawn_members_and_who_answered(client, sign_in, roster, make_survey, today):
    survey = make_survey()
    melati = roster["members"]["melati"]
    answer(survey, melati[0])
    sign_in("manager")
    text = text_of(client.get(f"/surveys/{survey.id}/centres/{roster['centres']['melati'].id}"))
    assert "1 dari 5 anggota" in text
    assert "Dijawab pada 30 Nov 2026" in text and text.count("Belum menjawab") == 4


def test_a_response_in_words_and_its_audited_correction(client, sign_in, roster, make_survey, today):
    survey = make_survey()
    m = roster["members"]["melati"][0]
    answer(survey, m, {**ANSWERS, "biaya": 1250000.5})
    user = sign_in("manager")
    url = f"/surveys/{survey.id}/responses/{m.id}"
    text = text_of(client.get(url))
    assert "Ya" in text and "Setuju" not in text and "Jamban; Filter" in text and "1.250.000,5" in text
    assert "Petugas lapangan di rembug pusat" in text or "Petugas lapangan" in text
    assert "officer" not in text and "True" not in text
    bad = client.post(url, data={"csrf_token": csrf_token(client, url), "a-air_bersih": "no", "a-sumber": "Laut",
                                 "a-kebutuhan": ["Jamban"], "a-biaya": "dua"})
    assert bad.status_code == 422
    assert "pilih salah satu: Sumur; PDAM; Sungai." in text_of(bad)
    assert queries.response_of(survey, m.id).answers["air_bersih"] is True
    good = client.post(url, data={"csrf_token": csrf_token(client, url), "a-air_bersih": "no", "a-sumber": "pdam",
                                  "a-kebutuhan": ["Filter", "Jamban"], "a-biaya": "25.000"})
    assert good.status_code == 302
    stored = queries.response_of(survey, m.id)
    assert stored.answers == {"air_bersih": False, "sumber": "PDAM", "kebutuhan": ["Jamban", "Filter"], "biaya": 25000}
    text = text_of(client.get(url))
    assert "Dikoreksi pada" in text and "Tidak" in text
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "survey.response.correct"))
    assert event.actor_id == user.id and '"biaya":1250000.5' in event.before


@pytest.mark.parametrize("who", [None, "member"])
def test_anonymous_visitors_and_members_reach_no_staff_page(client, sign_in, roster, make_survey, today, who):
    survey = make_survey()
    m = roster["members"]["melati"][0]
    answer(survey, m)
    sign_in(who)
    c = roster["centres"]["melati"].id
    for url in ["/surveys/", "/surveys/new", f"/surveys/{survey.id}", f"/surveys/{survey.id}/edit",
                f"/surveys/{survey.id}/centres/{c}", f"/surveys/{survey.id}/responses/{m.id}",
                f"/surveys/{survey.id}/upload", f"/surveys/{survey.id}/upload/template.csv",
                f"/surveys/{survey.id}/upload/template.xlsx"]:
        resp = client.get(url)
        if who is None:
            assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
        else:
            assert resp.status_code == 403, url
    token = csrf_token(client, "/login") if who is None else csrf_token(client, "/")
    for url in [f"/surveys/{survey.id}/draw", f"/surveys/{survey.id}/responses/{m.id}", "/surveys/new"]:
        assert client.post(url, data={"csrf_token": token, "confirm": "y"}).status_code in ((302,) if who is None
                                                                                        else (403,)), url
    assert queries.response_of(survey, m.id).answers == ANSWERS


def test_the_list_and_a_survey_s_page_read_in_a_fixed_number_of_queries(client, sign_in, roster, make_survey,
                                                                        make_centre, make_member, count_queries,
                                                                        today):
    sign_in("manager")
    survey = make_survey()
    for _ in range(2):
        make_survey()
    with count_queries() as few:
        assert client.get("/surveys/").status_code == 200
    with count_queries() as one_centre_few:
        assert client.get(f"/surveys/{survey.id}").status_code == 200
    for i in range(5):
        make_survey(title=f"Survei {i}")
        centre = make_centre(f"Rembug Baru {i}", code=f"RB-{i}", region="Bojong")
        make_member(f"Anggota baru {i}", group=centre.name)
    services.redraw(actor="test", survey=survey)
    db.session.commit()
    with count_queries() as many:
        assert client.get("/surveys/").status_code == 200
    with count_queries() as more_centres:
        assert client.get(f"/surveys/{survey.id}").status_code == 200
    assert many.count == few.count
    assert more_centres.count == one_centre_few.count


def test_the_survey_links_the_results_and_the_capture_page_once_they_exist(app, client, sign_in, roster,
                                                                         make_survey, today):
    survey = make_survey()
    sign_in(roster["officer"])
    page = client.get(f"/surveys/{survey.id}").get_data(as_text=True)
    assert (f'href="/surveys/{survey.id}/results"' in page) == (
        app.url_map.bind("localhost").test(f"/surveys/{survey.id}/results"))
    assert (f'href="/surveys/{survey.id}/capture"' in page) == (
        app.url_map.bind("localhost").test(f"/surveys/{survey.id}/capture"))
    assert f'href="/surveys/{survey.id}/upload"' in page and f'href="/surveys/{survey.id}/edit"' not in page


def test_an_officer_neither_makes_nor_changes_surveys_nor_reads_answers(client, sign_in, roster, make_survey, today):
    survey = make_survey()
    m = roster["members"]["melati"][0]
    answer(survey, m)
    sign_in(roster["officer"])
    for url in ["/surveys/new", f"/surveys/{survey.id}/edit", f"/surveys/{survey.id}/responses/{m.id}"]:
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, f"/surveys/{survey.id}")
    for url in ["/surveys/new", f"/surveys/{survey.id}/edit", f"/surveys/{survey.id}/draw"]:
        assert client.post(url, data={"csrf_token": token, "confirm": "y", "title": "x"}).status_code == 403, url
    # they record: the upload page and the templates, and correct a response of their centre
    assert client.get(f"/surveys/{survey.id}/upload").status_code == 200
    assert client.get(f"/surveys/{survey.id}/upload/template.csv").status_code == 200
    resp = client.post(f"/surveys/{survey.id}/responses/{m.id}", data={
        "csrf_token": token, "a-air_bersih": "tidak", "a-sumber": "Sungai", "a-kebutuhan": ["Filter"]})
    assert resp.status_code == 302
    assert queries.response_of(survey, m.id).answers == {"air_bersih": False, "sumber": "Sungai",
                                                         "kebutuhan": ["Filter"]}
    other = roster["members"]["kenanga"][0]
    answer(survey, other)
    assert client.post(f"/surveys/{survey.id}/responses/{other.id}", data={
        "csrf_token": token, "a-air_bersih": "tidak", "a-sumber": "Sungai", "a-kebutuhan": ["Filter"]}
    ).status_code == 404
    assert queries.response_of(survey, other.id).answers == ANSWERS


def test_many_centres_are_listed_by_region_first(client, sign_in, roster, make_survey, monkeypatch, today):
    from govtrack.surveys import views

    monkeypatch.setattr(views, "CENTRES_SHOWN", 2)  # thousands at scale; three here
    survey = make_survey()
    answer(survey, roster["members"]["kenanga"][0])
    sign_in("manager")
    text = text_of(client.get(f"/surveys/{survey.id}"))
    assert "Per wilayah" in text and "Bojong 1 3 1" in text and "Cibinong 2 9 0" in text
    assert "Rembug Melati" not in text
    text = text_of(client.get(f"/surveys/{survey.id}?region=Cibinong"))
    assert "Per rembug pusat: Cibinong" in text and "Rembug Melati" in text and "Rembug Kenanga" not in text
