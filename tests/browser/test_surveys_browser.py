"""A manager makes a needs survey on a phone 360 px wide in Indonesian, then uploads the paper forms:
a file with a mistake comes back naming its line and column and records nothing, the corrected file
is recorded. No console error and no CSP violation on the way; axe passes on the survey's pages."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect
from sqlalchemy import select

from govtrack.extensions import db
from govtrack.members.models import Member
from tests.browser.conftest import describe, run_axe, screenshot, sign_in_through_the_form


def _numbers(live_server) -> list[str]:
    with live_server.app.app_context():
        numbers = list(db.session.scalars(select(Member.number).where(Member.active.is_(True),
                                                                      Member.investor.is_(False))
                                          .order_by(Member.number)))
        db.session.remove()
    return numbers


def test_a_manager_makes_a_survey_and_uploads_paper_forms_on_a_phone(seed, new_page, live_server):
    page = new_page(locale="id-ID", width=360, height=780)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text} ({m.location.get('url')})")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    sign_in_through_the_form(page, seed.users["manager"])
    page.goto("/surveys/")
    expect(page.get_by_role("heading", name="Survei kebutuhan")).to_be_visible()
    page.get_by_role("link", name="Survei baru").click()
    today = dt.date.today()
    page.get_by_label("Judul").fill("Survei air bersih 2026")
    page.get_by_label("Tujuan").fill("Mengetahui kebutuhan air bersih sebelum kredit jamban diputuskan.")
    page.get_by_label("Dibuka pada").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Ditutup pada").fill((today + dt.timedelta(days=30)).isoformat())
    q1, q2 = (page.get_by_role("group", name=f"Pertanyaan {n}") for n in (1, 2))
    # one empty question row is shown; the button adds the next (the form works without script too)
    expect(q2).to_be_hidden()
    q1.get_by_label("Kunci").fill("air_bersih")
    q1.get_by_label("Pertanyaan", exact=True).fill("Punya akses air bersih?")
    page.get_by_role("button", name="Tambah pertanyaan").click()
    expect(q2.get_by_label("Kunci")).to_be_focused()
    q2.get_by_label("Kunci").fill("sumber")
    q2.get_by_label("Jenis jawaban").select_option(label="Satu pilihan")
    q2.get_by_label("Pertanyaan", exact=True).fill("Sumber air utama?")
    page.get_by_role("button", name="Simpan").click()
    # the choices were forgotten: the error names the question, nothing is saved
    expect(q2.get_by_role("alert")).to_have_text("Pertanyaan 2: berikan paling sedikit dua pilihan.")
    q2.get_by_label("Pilihan, satu per baris").fill("Sumur\nPDAM\nSungai")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", name="Survei air bersih 2026")).to_be_visible()
    expect(page.get_by_text("Survei disimpan.")).to_be_visible()
    expect(page.get_by_text("Satu pilihan · Sumur; PDAM; Sungai")).to_be_visible()
    expect(page.get_by_text("Semua anggota aktif", exact=False).first).to_be_visible()
    expect(page.get_by_text("Dibuka", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "surveys-detail-360-id")

    numbers = _numbers(live_server)
    page.get_by_role("link", name="Unggah formulir kertas").click()
    expect(page.get_by_text("Sumber air utama? — salah satu dari: Sumur; PDAM; Sungai")).to_be_visible()
    expect(page.get_by_text("25.000 (titik di antara ribuan)", exact=False)).to_be_visible()
    bad = f"member_number,air_bersih,sumber\n{numbers[0]},ya,Sumur\n{numbers[1]},tidak,Laut\n".encode()
    page.get_by_label("Berkas jawaban (CSV atau Excel)").set_input_files(
        files=[{"name": "jawaban.csv", "mimeType": "text/csv", "buffer": bad}])
    page.get_by_role("button", name="Periksa dan catat").click()
    expect(page.get_by_text("Baris 3, kolom sumber: pilih salah satu: Sumur; PDAM; Sungai.")).to_be_visible()
    screenshot(page, "surveys-upload-error-360-id")
    good = ("member_number,air_bersih,sumber\n"
            + "".join(f"{n},{'ya' if i % 2 else 'tidak'},{'pdam' if i % 3 else 'Sumur'}\n"
                      for i, n in enumerate(numbers[:5]))).encode()
    page.get_by_label("Berkas jawaban (CSV atau Excel)").set_input_files(
        files=[{"name": "jawaban.csv", "mimeType": "text/csv", "buffer": good}])
    page.get_by_role("button", name="Periksa dan catat").click()
    expect(page.get_by_text("5 jawaban dicatat (0 sudah dikirim sebelumnya).")).to_be_visible()
    expect(page.get_by_text(f"5 dari {len(numbers)}", exact=False)).to_be_visible()
    expect(page.get_by_text("Tarik ulang sampel")).to_have_count(0)  # answered: the sample stays
    # the 422s of the two refused posts are the pages answering as they should
    expected = ("status of 422 (UNPROCESSABLE ENTITY)", "/favicon.ico)")
    assert [p for p in problems if not any(e in p for e in expected)] == [], problems

    audit = new_page(locale="id-ID", width=360, height=780, axe=True)
    sign_in_through_the_form(audit, seed.users["manager"])
    audit.goto(page.url)
    violations = run_axe(audit)
    assert not violations, describe(violations)
    audit.goto("/surveys/new")
    violations = run_axe(audit)
    assert not violations, describe(violations)
