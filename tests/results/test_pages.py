"""The results framework pages: what a manager and the board see (in Indonesian, numbers as
Indonesians write them), the forms and their errors, submit and verify, and who may do what."""

from __future__ import annotations

import html as html_lib
import io
import re
from decimal import Decimal

from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.results.models import Actual, Indicator, Result
from tests.agreements.conftest import MINIMAL_PDF, field_errors
from tests.conftest import csrf_token

ID = {"Accept-Language": "id"}


def _sign_out(client) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/agreements/")})


def _text(html: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_agreement_page_links_its_results_framework(client, sign_in, framework):
    agreement, _indicator = framework()
    sign_in("manager")
    page = _text(client.get(f"/agreements/{agreement.id}", headers=ID).get_data(as_text=True))
    assert "Kerangka hasil" in page and "1 hasil, 1 indikator." in page


def test_the_framework_page_shows_targets_actuals_and_percent_in_indonesian(client, sign_in, framework, actual_of):
    agreement, indicator = framework()
    actual_of(indicator, "1250.5", dims=None)  # Q1 target 100 → far past it
    actual_of(indicator, 600, dims={"sex": "female", "region": "Kab. Bogor"})
    sign_in("manager")
    resp = client.get(f"/agreements/{agreement.id}/results", headers=ID)
    assert resp.status_code == 200
    page = _text(resp.get_data(as_text=True))
    assert "Kerangka hasil: Hibah Sanitasi" in page
    assert "Toilet terbangun (toilet)" in page and "Keluaran" in page
    assert "1.250,5" in page and "1.250,5%" in page  # the actual, and (1250.5 - 0) / 100 achieved
    assert "Kab. Bogor · Perempuan" in page and "600" in page
    assert "250" in page  # the Q2 target, with no actual yet
    assert "Terverifikasi" in page


def test_a_manager_adds_a_result_an_indicator_and_a_target_through_the_forms(client, sign_in, framework):
    agreement, _indicator = framework()
    sign_in("manager")
    url = f"/agreements/{agreement.id}/results/new"
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "kind": "outcome", "title": "Akses air"})
    assert resp.status_code == 302
    result = db.session.scalar(select(Result).where(Result.title == "Akses air"))
    url = f"/agreements/{agreement.id}/results/{result.id}/indicators/new"
    form = {"csrf_token": csrf_token(client, url), "title": "Rumah tangga tersambung", "unit": "rumah tangga",
            "code": "SR", "measure": "number", "ascending": "1", "baseline_year": "2025",
            "baseline_value": "1.200"}
    resp = client.post(url, data=form, headers=ID)
    assert resp.status_code == 302
    indicator = db.session.scalar(select(Indicator).where(Indicator.code == "SR"))
    assert indicator.baseline_value == Decimal("1200.00")  # typed the Indonesian way
    url = f"/agreements/{agreement.id}/indicators/{indicator.id}/targets/new"
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "period_start": "2026-07-01",
                                  "period_end": "2026-06-30", "value": "2.000"}, headers=ID)
    assert resp.status_code == 422
    assert field_errors(resp.get_data(as_text=True), "period_end") == "Periode berakhir sebelum dimulai."
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "period_start": "2026-07-01",
                                  "period_end": "2026-09-30", "value": "2.000"}, headers=ID)
    assert resp.status_code == 302
    page = _text(client.get(f"/agreements/{agreement.id}/results", headers=ID).get_data(as_text=True))
    assert "Akses air" in page and "2.000" in page and "1.200 (2025)" in page


def test_a_bad_actual_is_refused_beside_its_fields_and_nothing_is_written(client, sign_in, framework):
    agreement, indicator = framework(measure="percentage", targets=())
    sign_in("manager")
    url = f"/agreements/{agreement.id}/indicators/{indicator.id}/actuals/new"
    resp = client.post(url, data={"csrf_token": csrf_token(client, url), "period_start": "2026-01-01",
                                  "period_end": "2026-03-31", "value": "100,5", "sex": "female",
                                  "dimension_name": "umur", "dimension_value": ""}, headers=ID)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert field_errors(html, "value") == "Persentase bernilai 0 sampai 100."
    assert "Isi nama dan nilai dimensi lain" in field_errors(html, "dimension_value")
    assert db.session.scalar(select(func.count()).select_from(Actual)) == 0


def test_an_actual_with_evidence_goes_from_draft_to_verified(client, app, sign_in, framework, make_user):
    agreement, indicator = framework()
    manager = sign_in("manager")
    url = f"/agreements/{agreement.id}/indicators/{indicator.id}/actuals/new"
    resp = client.post(url, data={
        "csrf_token": csrf_token(client, url), "period_start": "2026-01-01", "period_end": "2026-03-31",
        "value": "100", "region": "Kab. Bogor", "evidence": (io.BytesIO(MINIMAL_PDF), "berita-acara.pdf")},
        content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    actual = db.session.scalar(select(Actual))
    assert actual.status == "draft" and actual.created_by_id == manager.id
    page = client.get(f"/agreements/{agreement.id}/results").get_data(as_text=True)
    assert "berita-acara.pdf" in page and "Submit for verification" in page
    token = csrf_token(client, f"/agreements/{agreement.id}/results")
    resp = client.post(f"/agreements/{agreement.id}/actuals/{actual.id}/submit", data={"csrf_token": token})
    assert resp.status_code == 302
    # A manager may not verify; the board may, after a confirmation page.
    assert client.get(f"/agreements/{agreement.id}/actuals/{actual.id}/verify").status_code == 403
    _sign_out(client)
    sign_in("board")
    confirm = client.get(f"/agreements/{agreement.id}/actuals/{actual.id}/verify", headers=ID)
    assert confirm.status_code == 200
    words = _text(confirm.get_data(as_text=True))
    assert "tidak pernah berubah" in words and "Kab. Bogor" in words
    resp = client.post(f"/agreements/{agreement.id}/actuals/{actual.id}/verify",
                       data={"csrf_token": csrf_token(client, f"/agreements/{agreement.id}/actuals/{actual.id}/verify")})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Actual, actual.id).status == "verified"
    # Verified: no edit form, a correction instead.
    _sign_out(client)
    sign_in(manager)
    resp = client.get(f"/agreements/{agreement.id}/actuals/{actual.id}/edit", follow_redirects=True)
    assert "A verified actual is never changed" in resp.get_data(as_text=True)


def test_a_post_without_csrf_is_refused(client, sign_in, framework, actual_of):
    agreement, indicator = framework()
    actual = actual_of(indicator, 10, status="draft")
    sign_in("manager")
    assert client.post(f"/agreements/{agreement.id}/actuals/{actual.id}/submit").status_code == 400
    assert db.session.get(Actual, actual.id).status == "draft"


def test_objects_of_another_agreement_are_not_found_under_this_one(client, sign_in, framework, actual_of,
                                                                    make_agreement):
    _agreement, indicator = framework()
    actual = actual_of(indicator, 10, status="submitted")
    other = make_agreement("Lain")
    sign_in("board")
    assert client.get(f"/agreements/{other.id}/actuals/{actual.id}/verify").status_code == 404
    assert client.get("/agreements/999999/results").status_code == 404
    _sign_out(client)
    sign_in("manager")
    assert client.get(f"/agreements/{other.id}/indicators/{indicator.id}/edit").status_code == 404
    assert client.get(f"/agreements/{_agreement.id}/indicators/{indicator.id}/edit").status_code == 200


def test_who_may_do_what(client, sign_in, framework, make_user):
    agreement, indicator = framework()
    pages = [f"/agreements/{agreement.id}/results/new", f"/agreements/{agreement.id}/results/import",
             f"/agreements/{agreement.id}/indicators/{indicator.id}/actuals/new"]
    sign_in("board")
    assert client.get(f"/agreements/{agreement.id}/results").status_code == 200
    assert [client.get(p).status_code for p in pages] == [403, 403, 403]
    _sign_out(client)
    sign_in("member")
    assert client.get(f"/agreements/{agreement.id}/results").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    sign_in("manager")
    assert [client.get(p).status_code for p in pages] == [200, 200, 200]
