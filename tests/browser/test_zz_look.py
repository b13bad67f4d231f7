"""Ad-hoc screenshots (not committed)."""
from playwright.sync_api import expect

from govtrack.extensions import db
from tests.browser.conftest import sign_in_through_the_form
from tests.browser.test_survey_results_browser import _answered_survey


def shot(page, name):
    page.screenshot(path=f"/tmp/sres/look-{name}.png", full_page=True)


def test_look(seed, new_page, live_server):
    survey_id = _answered_survey(live_server)
    agreement_id = seed.agreements["members"]
    page = new_page(locale="id-ID", width=360, height=780)
    sign_in_through_the_form(page, seed.users["manager"])
    with live_server.app.app_context():
        from sqlalchemy import select
        from govtrack.agreements.models import Clause
        clause_id = db.session.scalar(select(Clause.id).where(Clause.agreement_id == agreement_id))
        db.session.remove()
    page.goto(f"/agreements/{agreement_id}")
    page.get_by_role("link", name="Lampirkan hasil survei").first.click()
    shot(page, "form1")
    page.get_by_label("Survei").select_option(label="Survei kebutuhan air 2026")
    page.get_by_role("button", name="Lanjut").click()
    shot(page, "form2")
    page.get_by_label("Pertanyaan").select_option(label="Sumber air utama rumah tangga Anda?")
    page.get_by_label("Wilayah").select_option(label="Kec. Cibinong, Kab. Bogor")
    page.get_by_label("Catatan").fill("Sebagian besar anggota di Cibinong memakai sumur gali.")
    page.get_by_role("button", name="Lampirkan").click()
    shot(page, "agreement")
    page.goto(f"/published/{agreement_id}")
    shot(page, "portal-agreement-staff")
    page.get_by_text("Lepas bukti ini…").count()
    page.goto(f"/agreements/{agreement_id}")
    page.get_by_text("Lepas bukti ini…").first.click()
    shot(page, "remove")
    member = new_page(locale="id-ID", width=360, height=780)
    sign_in_through_the_form(member, seed.users["member"])
    member.goto(f"/published/{agreement_id}")
    shot(member, "portal-agreement-member")
    member.goto("/surveys/published")
    shot(member, "published-list")
    member.goto(f"/surveys/published/{survey_id}")
    shot(member, "portal-results")
