"""The field officer's survey page at a centre's meeting without a connection (issue 15): on a phone
360 px wide, in Indonesian, they open their centre once while connected, lose the connection, record
five members' answers, reload the page (the service worker serves it, IndexedDB keeps the answers:
"5 jawaban belum terkirim"), and when the connection returns the answers arrive once; the same batch
sent again is still stored once. No console error and no CSP violation on the way."""

from __future__ import annotations

import datetime as dt
import json
import time

from playwright.sync_api import expect
from sqlalchemy import select

from govtrack.auth.services import create_user
from govtrack.core import clock
from govtrack.extensions import db
from govtrack.members.models import Centre, Member
from govtrack.members.services import update_centre
from govtrack.surveys import queries as surveys_queries
from govtrack.surveys import services as surveys
from govtrack.surveys.models import SurveyResponse
from tests.browser.conftest import PASSWORD, describe, run_axe, screenshot, sign_in_through_the_form
from tests.surveys.conftest import QUESTIONS


def _survey(live_server) -> dict:
    """Everyone drawn for a survey open today; Rembug Mawar's field officer."""
    with live_server.app.app_context():
        officer = create_user(actor="test", email="petugas@koperasi.test", name="Pak Yusuf (petugas)",
                              role="officer", password=PASSWORD)
        mawar = db.session.scalars(select(Centre).where(Centre.name == "Rembug Mawar")).one()
        update_centre(actor="test", centre=mawar, changes={"officer_id": officer.id})
        today = clock.today()
        survey = surveys.create_survey(actor="test", data=surveys.SurveyInput(
            title="Survei kebutuhan air", purpose="Mengukur kebutuhan air.", questions=list(QUESTIONS),
            population_kind="all", opens_on=today - dt.timedelta(days=7), closes_on=today + dt.timedelta(days=30)))
        db.session.commit()
        names = list(db.session.scalars(select(Member.name).where(Member.centre_id == mawar.id).order_by(Member.name)))
        out = {"survey": survey.id, "centre": mawar.id, "names": names}
        db.session.refresh(officer)
        db.session.expunge(officer)
        out["officer"] = officer
        db.session.remove()
    return out


def _stored(live_server, survey_id: int) -> list[tuple[int, str]]:
    with live_server.app.app_context():
        rows = db.session.execute(select(SurveyResponse.member_id, SurveyResponse.key)
                                  .where(SurveyResponse.survey_id == survey_id)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def _wait_for(page, script: str, what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.evaluate(script):
            return
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


def _answer(page, name: str, number: str) -> None:
    page.get_by_role("button", name=name).click()
    form = page.locator("[data-capture=form]")
    expect(form.get_by_role("heading", name=f"Jawaban {name}")).to_be_visible()
    first = form.get_by_role("group", name="1. Apakah rumah tangga Anda punya akses air bersih?")
    ya = first.get_by_text("Ya", exact=True)
    box = ya.bounding_box()
    assert box["height"] >= 44, box  # a big tap target
    ya.click()
    form.get_by_role("group", name="2. Sumber air utama?").get_by_label("Sumur").check()
    form.get_by_role("group", name="3. Apa yang dibutuhkan?").get_by_label("Jamban").check()
    field = form.get_by_label("Biaya air per bulan (Rp)?")
    assert field.get_attribute("inputmode") == "decimal"
    field.fill(number)
    form.get_by_role("button", name="Simpan jawaban").click()
    expect(page.get_by_text(f"Tersimpan di ponsel ini: {name}.")).to_be_visible()


def _open_centre(page, data: dict) -> None:
    """The capture page of the officer's centre, its member list shown."""
    page.goto(f"/surveys/{data['survey']}/capture?centre_id={data['centre']}")
    expect(page.get_by_role("heading", name="Anggota terpilih di rembug pusat ini")).to_be_visible()


def _answers_offline(new_page, live_server, n: int, number: str = "20000"):
    """The officer on their centre's capture page, the first `n` members' answers recorded without a
    connection; and the list of the page's script errors, kept from the start."""
    data = _survey(live_server)
    page = new_page(locale="id-ID", width=360, height=780)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    sign_in_through_the_form(page, data["officer"])
    _open_centre(page, data)
    # Opened while connected, as at the office: the service worker keeps the page before the
    # connection goes (its first fetches would fail offline, and nothing would be kept).
    _wait_for(page, "async () => Boolean(await caches.match(location.href))", "the page in the cache")
    page.context.set_offline(True)
    for name in data["names"][:n]:
        _answer(page, name, number)
    return data, page, problems


def test_five_answers_recorded_offline_survive_a_reload_and_arrive_once(seed, new_page, live_server):
    data = _survey(live_server)
    page = new_page(locale="id-ID", width=360, height=780)
    context = page.context
    problems: list[str] = []
    # A request that meets no connection is logged by the browser itself: that is the point here.
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and "ERR_INTERNET_DISCONNECTED" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.post_data) if r.method == "POST" and r.url.endswith("/capture/sync")
            else None)

    sign_in_through_the_form(page, data["officer"])
    page.goto(f"/surveys/{data['survey']}/capture")
    expect(page.get_by_text("Rembug Melati")).to_have_count(0)
    expect(page.locator("#capture")).to_have_count(0)  # only the officer's own centre
    page.get_by_label("Rembug Mawar").check()
    page.get_by_role("button", name="Pilih rembug pusat ini").click()
    expect(page.get_by_role("heading", name="Anggota terpilih di rembug pusat ini")).to_be_visible()
    expect(page.get_by_text("Semua jawaban sudah terkirim.")).to_be_visible()
    # The service worker has kept the page, its files and the bundle; IndexedDB has the bundle.
    _wait_for(page, "async () => Boolean(await caches.match(location.href)) && Boolean(navigator.serviceWorker.controller"
                    " || (await navigator.serviceWorker.getRegistration()).active)", "the page in the cache")
    _wait_for(page, "async () => Boolean(await caches.match('/static/js/survey-capture.js'))", "the script in the cache")

    # Installable: Chromium reads the manifest without an error, and the only thing it says against
    # installing is the test's private window.
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [] and manifest["manifest"]["name"] == "Survei lapangan: Survei kebutuhan air"
    assert manifest["manifest"]["display"] == "kStandalone"
    assert {e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]} <= {"in-incognito"}

    context.set_offline(True)
    expect(page.get_by_text("Tidak ada sambungan: jawaban disimpan di ponsel ini")).to_be_visible()
    five = data["names"][:5]
    for i, name in enumerate(five):
        _answer(page, name, f"{(i + 1) * 10000}")
        expect(page.get_by_text(f"{i + 1} jawaban belum terkirim")).to_be_visible()
    assert _stored(live_server, data["survey"]) == []

    page.reload()  # offline: the service worker answers
    expect(page.get_by_text("5 jawaban belum terkirim")).to_be_visible()
    members = page.locator("[data-capture=list]")
    expect(members.get_by_text("Tersimpan di ponsel, belum terkirim")).to_have_count(5)
    expect(members.get_by_text("Belum menjawab")).to_have_count(len(data["names"]) - 5)
    expect(page.get_by_role("button", name="Kirim sekarang")).to_be_visible()
    screenshot(page, "offline-capture-unsent")
    assert _stored(live_server, data["survey"]) == []

    context.set_offline(False)  # the `online` event sends them
    expect(page.get_by_text("Semua jawaban sudah terkirim.")).to_be_visible()
    expect(page.get_by_text("Terkirim: 5 baru, 0 sudah tersimpan sebelumnya, 0 ditolak.")).to_be_visible()
    expect(members.get_by_text("Sudah menjawab")).to_have_count(5)
    stored = _stored(live_server, data["survey"])
    assert len(stored) == 5 and len({k for _m, k in stored}) == 5
    screenshot(page, "offline-capture-sent")

    # The same batch again (as if the answer to the first had been lost on the way): still once.
    assert posts and len(set(posts)) == 1  # a retry after a failed first try sends the same keys
    again = page.evaluate("""async ([bundleUrl, syncUrl, body]) => {
        const bundle = await (await fetch(bundleUrl)).json();
        const resp = await fetch(syncUrl, {method: "POST", body,
            headers: {"Content-Type": "application/json", "X-CSRFToken": bundle.csrf_token}});
        return [resp.status, await resp.json()];
    }""", [f"/surveys/{data['survey']}/capture/bundle?centre_id={data['centre']}",
           f"/surveys/{data['survey']}/capture/sync", posts[0]])
    assert again == [200, {"created": 0, "duplicates": 5, "rejected": []}]
    assert sorted(_stored(live_server, data["survey"])) == sorted(stored)
    sent = json.loads(posts[0])["responses"]
    assert {r["answers"]["biaya"] for r in sent} == {10000, 20000, 30000, 40000, 50000}
    assert problems == []


def test_a_refused_answer_comes_back_with_its_reason_to_fix_or_discard(seed, new_page, live_server):
    data, page, problems = _answers_offline(new_page, live_server, 1, "15000")
    name = data["names"][0]
    # Meanwhile the member's paper form reached the office and was entered there.
    with live_server.app.app_context():
        member_id = db.session.scalar(select(Member.id).where(Member.name == name))
        survey = surveys_queries.get(data["survey"])
        surveys.record_responses(actor="test", survey=survey, channel="upload", items=[
            surveys.ResponseInput(member_id=member_id, answers={"air_bersih": False, "sumber": "PDAM",
                                                                "kebutuhan": ["Filter"]})])
        db.session.commit()
        db.session.remove()
    page.context.set_offline(False)
    refused = page.locator(".capture-rejected")
    expect(refused.get_by_text("Jawaban yang ditolak: perbaiki atau buang satu per satu")).to_be_visible()
    expect(refused.get_by_text("Anggota ini sudah menjawab; koreksi jawaban itu saja.")).to_be_visible()
    expect(page.get_by_text("Semua jawaban sudah terkirim.")).to_be_visible()  # nothing left to send
    # "Perbaiki" opens the answers as they were saved, with the reason.
    refused.get_by_role("button", name="Perbaiki").click()
    form = page.locator("[data-capture=form]")
    expect(form.get_by_text("Anggota ini sudah menjawab; koreksi jawaban itu saja.")).to_be_visible()
    expect(form.get_by_label("Biaya air per bulan (Rp)?")).to_have_value("15000")
    expect(form.get_by_role("group", name="2. Sumber air utama?").get_by_label("Sumur")).to_be_checked()
    screenshot(page, "offline-capture-fix")
    form.get_by_role("button", name="Kembali ke daftar").click()
    page.once("dialog", lambda d: d.accept())
    refused.get_by_role("button", name="Buang").click()
    expect(page.locator(".capture-rejected")).to_have_count(0)
    expect(page.locator("[data-capture=list]").get_by_text("Sudah menjawab")).to_have_count(1)
    assert len(_stored(live_server, data["survey"])) == 1
    assert problems == []


def test_the_capture_page_passes_axe_in_its_list_and_its_form(seed, new_page, live_server):
    data = _survey(live_server)
    page = new_page(locale="id-ID", width=360, height=780, axe=True)
    sign_in_through_the_form(page, data["officer"])
    _open_centre(page, data)
    violations = run_axe(page)
    assert not violations, describe(violations)
    page.get_by_role("button", name=data["names"][0]).click()
    page.get_by_role("button", name="Simpan jawaban").click()  # nothing answered: the marks show
    expect(page.get_by_text("Ada jawaban yang kosong atau tidak sah")).to_be_visible()
    violations = run_axe(page)
    assert not violations, describe(violations)


def test_answers_kept_through_an_ended_session_are_sent_after_signing_in_again(seed, new_page, live_server):
    data, page, _problems = _answers_offline(new_page, live_server, 2)
    page.context.clear_cookies()  # a day offline: the session has ended meanwhile
    page.context.set_offline(False)
    expect(page.get_by_text("Sesi Anda sudah berakhir: masuk lagi, lalu kirim jawaban")).to_be_visible()
    expect(page.get_by_text("2 jawaban belum terkirim")).to_be_visible()
    assert _stored(live_server, data["survey"]) == []
    page.get_by_role("link", name="Masuk", exact=True).click()
    page.fill("#email", data["officer"].email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    # Back on the capture page, the kept answers go at once.
    expect(page.get_by_text("Semua jawaban sudah terkirim.")).to_be_visible()
    assert len(_stored(live_server, data["survey"])) == 2


def _sign_out(page) -> None:
    """Through the header's button, as an officer on a phone does (the menu is folded at 360 px)."""
    if page.locator(".site-menu > summary").is_visible():
        page.locator(".site-menu > summary").click()
    with page.expect_navigation(url="**/login"):
        page.get_by_role("button", name="Keluar").click()
    page.wait_for_load_state()


CAPTURE_STORAGE = """async () => [
    (await indexedDB.databases()).map(d => d.name).filter(n => n === "govtrack-capture").length,
    (await caches.keys()).filter(k => k.startsWith("govtrack-capture-")).length]"""


def test_signing_out_forgets_the_survey_and_the_members_kept_on_the_phone_when_nothing_waits(
        seed, new_page, live_server):
    data, page, problems = _answers_offline(new_page, live_server, 1)
    page.context.set_offline(False)  # sent when the connection returns
    expect(page.get_by_text("Semua jawaban sudah terkirim.")).to_be_visible()
    assert page.evaluate(CAPTURE_STORAGE) == [1, 1]  # the survey and the centre's members are on the phone

    _sign_out(page)
    expect(page.get_by_text("Anda telah keluar.")).to_be_visible()
    assert page.evaluate(CAPTURE_STORAGE) == [0, 0]  # nothing of the centre is left to open offline
    expect(page.locator("[data-capture-kept]")).to_be_hidden()
    assert len(_stored(live_server, data["survey"])) == 1
    assert problems == []


def test_signing_out_keeps_answers_not_yet_sent_and_says_so(seed, new_page, live_server):
    data, page, _problems = _answers_offline(new_page, live_server, 2)
    # The connection comes back too weak to send: each try fails, the answers stay on the phone.
    page.route("**/capture/sync", lambda route: route.abort("internetdisconnected"))
    page.context.set_offline(False)
    expect(page.get_by_text("Jawaban belum dapat dikirim sekarang")).to_be_visible()
    expect(page.get_by_text("2 jawaban belum terkirim")).to_be_visible()

    _sign_out(page)
    expect(page.get_by_text("2 jawaban survei yang belum terkirim tetap disimpan di ponsel ini. "
                            "Masuk lagi untuk mengirimnya.")).to_be_visible()
    assert page.evaluate(CAPTURE_STORAGE)[0] == 1
    assert _stored(live_server, data["survey"]) == []

    page.unroute("**/capture/sync")
    page.fill("#email", data["officer"].email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.goto(f"/surveys/{data['survey']}/capture?centre_id={data['centre']}")
    expect(page.get_by_text("Semua jawaban sudah terkirim.")).to_be_visible()
    assert len(_stored(live_server, data["survey"])) == 2
    page.reload()
    expect(page.locator("[data-capture-kept]")).to_have_count(0)  # the notice is the sign-in page's, once
