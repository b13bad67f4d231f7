"""The position form a field officer fills at a centre's meeting, and the roll-up on the agreement page."""

from __future__ import annotations

from sqlalchemy import func, select

from govtrack.centres.models import CentrePosition
from govtrack.extensions import db
from tests.conftest import ROSTER_TODAY, csrf_token


def _post(client, agreement, centre, clauses, present="3", **per_clause):
    url = f"/centres/positions/{agreement.id}"
    data = {"csrf_token": csrf_token(client, f"{url}?centre_id={centre.id}"), "centre_id": str(centre.id),
            "held_on": str(ROSTER_TODAY), "members_present": present}
    for i, (position, text) in per_clause.items():
        clause = clauses[int(i[1:])]
        data[f"position-{clause.id}"] = position
        data[f"text-{clause.id}"] = text
    return client.post(url, data=data)


def test_an_officer_picks_one_of_their_centres_and_taps_a_position_per_clause(client, sign_in, deliberation):
    a, (melati, _mawar, kenanga), cl = deliberation["agreement"], deliberation["centres"], deliberation["clauses"]
    sign_in(deliberation["officer"])
    html = client.get("/centres/positions").get_data(as_text=True)
    assert "Kredit modal kerja" in html
    html = client.get(f"/centres/positions/{a.id}").get_data(as_text=True)
    assert "Rembug Melati" in html and "Rembug Mawar" in html and "Rembug Kenanga" not in html  # only theirs
    html = client.get(f"/centres/positions/{a.id}?centre_id={melati.id}").get_data(as_text=True)
    assert "Bunga 9 % per tahun." in html and html.count('type="radio" class="btn-check"') == 3 * 4
    assert "Of 4 members." in html
    resp = _post(client, a, melati, cl, "4", c0=("support", ""), c1=("amend", "Tenor 36 bulan."), c2=("", ""))
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/centres/positions/{a.id}?centre_id={melati.id}")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "2 positions of Rembug Melati recorded." in html
    assert "Recorded before: Support (setuju)" in html
    # another officer's centre is as missing as an unknown one
    assert client.get(f"/centres/positions/{a.id}?centre_id={kenanga.id}").status_code == 404
    assert _post(client, a, kenanga, cl, "2", c0=("support", "")).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(CentrePosition)) == 2


def test_errors_are_shown_beside_the_clause_and_nothing_is_written(client, sign_in, deliberation):
    a, (melati, *_), cl = deliberation["agreement"], deliberation["centres"], deliberation["clauses"]
    sign_in("board")
    resp = _post(client, a, melati, cl, "4", c0=("support", ""), c1=("amend", ""))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "Point 2: write the amendment the centre proposes." in html
    assert f'id="errors-{cl[1].id}"' in html
    assert 'value="support" autocomplete="off" checked' in html  # what was tapped is kept
    resp = _post(client, a, melati, cl, "9", c0=("support", ""))
    assert resp.status_code == 422 and "Between 1 and 4 (the centre&#39;s members)." in resp.get_data(as_text=True)
    resp = _post(client, a, melati, cl, "4")
    assert resp.status_code == 422 and "Give a position on at least one clause." in resp.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CentrePosition)) == 0


def test_a_member_or_manager_cannot_record(client, sign_in, deliberation):
    a = deliberation["agreement"]
    sign_in("member")
    assert client.get(f"/centres/positions/{a.id}").status_code == 403
    assert client.get("/centres/positions").status_code == 403


def test_the_agreement_page_shows_what_the_centres_said(client, sign_in, api_as, deliberation):
    a, (melati, mawar, _k), cl = deliberation["agreement"], deliberation["centres"], deliberation["clauses"]
    board = api_as("board")
    for centre, present in ((melati, 4), (mawar, 3)):
        board.post(f"/api/v1/agreements/{a.id}/positions", json={
            "centre_id": centre.id, "date": str(ROSTER_TODAY), "members_present": present,
            "positions": [{"clause_id": cl[0].id, "position": "amend", "text": "Bunga 7 %."}]})
    sign_in("manager")
    html = client.get(f"/agreements/{a.id}", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert "Yang dikatakan rembug pusat" in html
    assert "Usul ubah: 2 rembug pusat (7 anggota hadir)" in html
    assert "Bunga 7 %." in html and "1 rembug pusat aktif belum didengar" in html
    assert "Catat posisi rembug pusat" not in html  # a manager does not record


def test_a_field_officers_home_lists_the_agreements_to_speak_to(client, sign_in, deliberation):
    sign_in(deliberation["officer"])
    html = client.get("/").get_data(as_text=True)
    assert "Agreements your centres may speak to" in html
    assert f'href="/centres/positions/{deliberation["agreement"].id}"' in html
    assert 'href="/centres/positions">Centres\' positions' in html  # in the menu
    board = client.application.test_client()
    sign_in("board", client=board)
    assert "Agreements your centres may speak to" not in board.get("/").get_data(as_text=True)
