"""A survey's results on a phone 360 px wide, in Indonesian: the staff page and the members' portal
page fit the screen without sideways scrolling (tables scroll inside their own box), read the
margin of error as "± … poin", hide the small cells from members and show the chart with its words;
no console error and no CSP violation; axe passes."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from govtrack.extensions import db
from govtrack.members.services import MemberData, create_centre, create_member
from govtrack.surveys import queries as services_queries
from govtrack.surveys import services
from tests.browser.conftest import describe, run_axe, screenshot, sign_in_through_the_form

TODAY = dt.date(2026, 11, 20)
QUESTIONS = [
    services.QuestionInput("air_bersih", "yes_no", "Apakah rumah tangga Anda punya akses air bersih sepanjang tahun?"),
    services.QuestionInput("sumber", "single", "Sumber air utama rumah tangga Anda?",
                           ["Sumur gali", "PDAM (air ledeng)", "Mata air atau sungai"]),
    services.QuestionInput("biaya", "number", "Biaya air per bulan (Rp)?", required=False),
    services.QuestionInput("catatan", "text", "Catatan lain", required=False),
]


def _answered_survey(live_server) -> int:
    """Two regions: Kec. Cibinong with 30 members answering, Kec. Parung Panjang with 4 (hidden from members)."""
    with live_server.app.app_context(), live_server.app.test_request_context():
        centres = []
        for code, name, region, n in (("RP-201", "Rembug Pusat Melati", "Kec. Cibinong, Kab. Bogor", 30),
                                      ("RP-202", "Rembug Pusat Kenanga", "Kec. Parung Panjang, Kab. Bogor", 4)):
            centres.append(create_centre(actor="test", values={"name": name, "code": code, "region": region}).id)
            for i in range(n):
                create_member(actor="test", today=dt.date(2026, 1, 1),
                              data=MemberData(number=f"{code}-{i:03d}", name=f"Anggota {name} {i}", centre=code))
        # 24 of the 34 drawn (21 and 3), 22 of them answer: Parung Panjang's 3 are hidden from members.
        survey = services.create_survey(actor="test", today=TODAY, data=services.SurveyInput(
            title="Survei kebutuhan air 2026", purpose="Mengukur kebutuhan air bersih anggota sebelum kredit air.",
            questions=QUESTIONS, population_kind="centres", centre_ids=centres, sample_size=24, sample_seed=7,
            opens_on=dt.date(2026, 11, 1), closes_on=dt.date(2026, 12, 31), visibility="members"))
        members = [m for m, _r in services_queries.drawn_at_centre(survey, centres[0])][:19] + \
            [m for m, _r in services_queries.drawn_at_centre(survey, centres[1])]
        sources = QUESTIONS[1].choices
        items = [services.ResponseInput(m.id, {"air_bersih": i % 3 != 0, "sumber": sources[i % 3],
                                               "biaya": 25000 + 5000 * (i % 4), "catatan": "Air keruh saat kemarau"},
                                        key=f"browser-{m.id:08d}", answered_on=TODAY)
                 for i, m in enumerate(members)]
        services.record_responses(actor="test", survey=survey, items=items, channel="upload", today=TODAY)
        db.session.commit()
        survey_id = survey.id
        db.session.remove()
    return survey_id


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide on a 360 px phone"


def _watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return problems


def test_the_results_page_on_a_phone_in_indonesian(seed, new_page, live_server):
    survey_id = _answered_survey(live_server)
    page = new_page(locale="id-ID", width=360, height=780, axe=True)
    problems = _watch(page)
    sign_in_through_the_form(page, seed.users["manager"])
    page.goto(f"/surveys/{survey_id}/results")
    expect(page.get_by_role("heading", name="Survei kebutuhan air 2026")).to_be_visible()
    expect(page.locator("#response-rate")).to_have_text("22 dari 24 anggota sampel menjawab (92%).")
    water = page.locator("#question-air_bersih")
    # 14 of 22 said yes, of a population of 34: 1.96 × √(p(1−p)/22) × √(12/33) = 12.1 points
    expect(water.get_by_role("row", name="Ya 14 64% ± 12,1 poin", exact=True)).to_be_visible()
    expect(page.get_by_text("Margin kesalahan", exact=True)).to_be_visible()
    expect(water.get_by_role("img")).to_have_attribute("alt", "Diagram batang: Apakah rumah tangga Anda punya akses "
                                                            "air bersih sepanjang tahun? — Ya 64% ± 12,1 poin; "
                                                            "Tidak 36% ± 12,1 poin.")
    chart = water.get_by_role("img")
    chart.scroll_into_view_if_needed()  # loaded lazily
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    assert chart.bounding_box()["width"] <= 360
    _fits(page)
    # every table by region open (a tap on each summary; the sticky header may cover one after scrolling)
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    expect(water.get_by_role("table", name="Kec. Parung Panjang, Kab. Bogor · 3 responden")).to_be_visible()
    _fits(page)
    violations = run_axe(page)
    assert not violations, describe(violations)
    screenshot(page, "survey-results-360-id")
    assert not problems, problems


def test_members_read_the_published_results_on_a_phone(seed, new_page, live_server):
    survey_id = _answered_survey(live_server)
    page = new_page(locale="id-ID", width=360, height=780)
    problems = _watch(page)
    sign_in_through_the_form(page, seed.users["member"])
    page.goto("/published/")
    page.get_by_role("link", name="Survei kebutuhan air 2026").click()  # the portal home's block
    expect(page.get_by_role("heading", name="Survei kebutuhan air 2026")).to_be_visible()
    assert page.url.endswith(f"/surveys/published/{survey_id}")
    expect(page.locator("#suppression-help")).to_contain_text("kurang dari 5 responden disembunyikan")
    sumber = page.locator("#question-sumber")
    expect(sumber.get_by_role("row", name="Sumur gali")).to_contain_text("poin")
    sumber.get_by_text("Per wilayah").click()
    hidden = sumber.get_by_role("table", name="Kec. Parung Panjang, Kab. Bogor")
    expect(hidden).to_contain_text("disembunyikan")
    expect(hidden).not_to_contain_text("%")
    expect(page.get_by_text("Air keruh saat kemarau")).to_have_count(0)
    expect(page.get_by_text("Rembug Pusat Melati")).to_have_count(0)
    _fits(page)
    screenshot(page, "survey-results-portal-360-id")
    assert not problems, problems
