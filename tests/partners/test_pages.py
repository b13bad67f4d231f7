"""The partner pages: who may open what, CSRF, bad input, contacts, deactivation, no N+1."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.partners.models import Partner, PartnerContact
from tests.conftest import session_token

ROLES = [None, "member", "board", "manager", "admin"]

# Every partner page route and the status each kind of visitor gets (None: anonymous, sent to
# /login). POSTs carry a valid CSRF token and valid data, so a permitted user is redirected (302).
MATRIX = [
    # method, url,                        anonymous, member, board, manager, admin
    ("GET", "/partners/",                     302, 403, 200, 200, 200),
    ("GET", "/partners/{p}",                  302, 403, 200, 200, 200),
    ("GET", "/partners/new",                  302, 403, 403, 200, 200),
    ("POST", "/partners/new",                 302, 403, 403, 302, 302),
    ("GET", "/partners/{p}/edit",             302, 403, 403, 200, 200),
    ("POST", "/partners/{p}/edit",            302, 403, 403, 302, 302),
    ("POST", "/partners/{p}/deactivate",      302, 403, 403, 302, 302),
    ("POST", "/partners/{p}/reactivate",      302, 403, 403, 302, 302),
]

FORM_DATA = {
    "/partners/new": {"name": "Koperasi Mitra Baru", "category": "other"},
    "/partners/{p}/edit": {"name": "Renamed partner", "category": "nonprofit_funder"},
}


def field_errors(html: str, field_id: str) -> str:
    """The error text shown beside a field (the macro's `<id>-errors` element), or ''."""
    m = re.search(rf'id="{re.escape(field_id)}-errors"[^>]*>(.*?)</div>\s*</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", m.group(1)).strip() if m else ""


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize(
    "method,url,expected", [(m, u, tuple(st)) for m, u, *st in MATRIX], ids=[f"{m} {u}" for m, u, *_ in MATRIX]
)
def test_authorization_matrix(client, sign_in, make_partner, role, method, url, expected):
    partner = make_partner("Yayasan Uji", contacts=None)
    sign_in(role)
    path = url.format(p=partner.id)
    if method == "GET":
        resp = client.get(path)
    else:
        data = {**FORM_DATA.get(url, {}), "csrf_token": session_token(client)}
        resp = client.post(path, data=data)
    want = expected[ROLES.index(role)]
    assert resp.status_code == want, resp.get_data(as_text=True)[:400]
    if role is None:
        assert resp.headers["Location"].startswith("/login")


def test_list_searches_and_filters(client, sign_in, make_partner):
    make_partner("Bank Syariah Tirta", category="financial_institution", region="DKI Jakarta")
    make_partner("BPR Amanah", category="financial_institution", region="Kabupaten Bogor")
    old = make_partner("CV Lama", category="construction_partner", region="Kabupaten Bogor")
    make_partner("Yayasan Air", category="nonprofit_funder", region="Kota Bandung")
    from govtrack.partners.services import set_partner_active

    set_partner_active(actor="test", partner=old, active=False)
    db.session.commit()
    sign_in("board")

    def names(query: str) -> set[str]:
        html = client.get("/partners/" + query).get_data(as_text=True)
        return set(re.findall(r'href="/partners/\d+">([^<]+)</a>', html))

    assert names("") == {"Bank Syariah Tirta", "BPR Amanah", "CV Lama", "Yayasan Air"}
    assert names("?q=amanah") == {"BPR Amanah"}
    assert names("?category=financial_institution") == {"Bank Syariah Tirta", "BPR Amanah"}
    assert names("?region=bogor") == {"BPR Amanah", "CV Lama"}
    assert names("?active=0") == {"CV Lama"}
    assert names("?active=1&region=bogor") == {"BPR Amanah"}


def test_list_pages_by_keyset_cursor(client, sign_in, make_partner):
    for i in range(5):
        make_partner(f"Mitra {i}")
    sign_in("manager")
    first = client.get("/partners/?limit=2").get_data(as_text=True)
    assert re.findall(r'href="/partners/\d+">(Mitra \d)</a>', first) == ["Mitra 0", "Mitra 1"]
    next_url = re.search(r'href="(/partners/\?[^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url).get_data(as_text=True)
    assert re.findall(r'href="/partners/\d+">(Mitra \d)</a>', second) == ["Mitra 2", "Mitra 3"]


def test_list_query_count_does_not_grow_with_rows(client, sign_in, count_queries):
    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            p = Partner(name=f"Mitra {i:03}", category="other", region="Kota Bandung")
            p.contacts = [PartnerContact(name=f"Kontak {i}a"), PartnerContact(name=f"Kontak {i}b")]
            db.session.add(p)
        db.session.commit()

    sign_in("manager")
    add(10, 0)
    with count_queries() as few:
        resp = client.get("/partners/")
    assert resp.status_code == 200 and "Kontak 9b" in resp.get_data(as_text=True)
    add(190, 10)
    with count_queries() as many:
        resp = client.get("/partners/")
    assert resp.status_code == 200 and "Kontak 49b" in resp.get_data(as_text=True)
    assert many.count == few.count


def test_detail_shows_contacts_and_the_partners_agreements(client, sign_in, make_partner, make_agreement):
    from govtrack.partners.services import ContactData

    partner = make_partner("Yayasan Sehat", contacts=[ContactData(name="Nur Aini", email="nur@example.org")])
    make_agreement("Hibah Sekolah", parties=[(partner, "funder")])
    make_agreement("Something else")
    sign_in("board")
    html = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "Nur Aini" in html and "nur@example.org" in html
    assert "Hibah Sekolah" in html and "Something else" not in html
    # board may not edit: no edit or deactivate buttons
    assert "/edit" not in html and "deactivate" not in html


def test_create_with_contacts(client, sign_in):
    sign_in("manager")
    page = client.get("/partners/new").get_data(as_text=True)
    for i in range(3):  # three contact rows, usable without JavaScript
        assert f'name="contacts-{i}-name"' in page
    resp = client.post("/partners/new", data={
        "csrf_token": session_token(client), "name": "  Pemkab Garut ", "category": "local_government",
        "region": "Kabupaten Garut",
        "contacts-0-name": "Lilis", "contacts-0-email": "lilis@example.org",
        "contacts-1-name": "", "contacts-1-email": "",  # an empty row, as a browser sends it
        "contacts-2-name": "Ujang", "contacts-2-phone": "+62 852",
    })
    assert resp.status_code == 302
    partner = db.session.scalar(select(Partner).where(Partner.name == "Pemkab Garut"))
    contacts = db.session.scalars(select(PartnerContact).where(PartnerContact.partner_id == partner.id)).all()
    assert sorted(c.name for c in contacts) == ["Lilis", "Ujang"]
    assert partner.region == "Kabupaten Garut"


def test_rows_with_a_gap_in_their_numbers_are_not_duplicated(client, sign_in):
    sign_in("manager")
    resp = client.post("/partners/new", data={
        "csrf_token": session_token(client), "name": "Pemkab", "category": "local_government",
        "contacts-0-name": "Lilis", "contacts-2-name": "Ujang",
    })
    assert resp.status_code == 302
    assert sorted(db.session.scalars(select(PartnerContact.name))) == ["Lilis", "Ujang"]


def test_edit_replaces_contacts_and_offers_an_empty_row(client, sign_in, make_partner):
    from govtrack.partners.services import ContactData

    partner = make_partner("Yayasan", contacts=[ContactData(name=f"K{i}") for i in range(3)])
    sign_in("manager")
    html = client.get(f"/partners/{partner.id}/edit").get_data(as_text=True)
    assert 'value="K2"' in html and 'name="contacts-3-name"' in html  # one more empty row
    resp = client.post(f"/partners/{partner.id}/edit", data={
        "csrf_token": session_token(client), "name": "Yayasan", "category": "nonprofit_funder",
        "contacts-0-name": "K0", "contacts-1-name": "", "contacts-2-name": "K2 baru",
    })
    assert resp.status_code == 302
    names = db.session.scalars(
        select(PartnerContact.name).where(PartnerContact.partner_id == partner.id).order_by(PartnerContact.id)
    ).all()
    assert names == ["K0", "K2 baru"]


def test_deactivate_and_reactivate(client, sign_in, make_partner, make_agreement):
    partner = make_partner("CV Bangun")
    make_agreement(parties=[(partner, "contractor")])
    sign_in("manager")
    resp = client.post(f"/partners/{partner.id}/deactivate", data={"csrf_token": session_token(client)})
    assert resp.status_code == 302
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).active is False  # kept, never deleted
    html = client.get(f"/partners/{partner.id}").get_data(as_text=True)
    assert "Reactivate" in html
    client.post(f"/partners/{partner.id}/reactivate", data={"csrf_token": session_token(client)})
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).active is True


@pytest.mark.parametrize("url,data", [
    ("/partners/new", {"name": "X", "category": "other"}),
    ("/partners/{p}/edit", {"name": "X", "category": "other"}),
    ("/partners/{p}/deactivate", {}),
    ("/partners/{p}/reactivate", {}),
])
def test_every_post_form_refuses_a_missing_csrf_token(client, sign_in, make_partner, url, data):
    partner = make_partner("Original", category="nonprofit_funder")
    if url.endswith("reactivate"):
        from govtrack.partners.services import set_partner_active

        set_partner_active(actor="test", partner=partner, active=False)
        db.session.commit()
    before = (count(Partner), partner.name, partner.category, partner.active)
    sign_in("admin")
    resp = client.post(url.format(p=partner.id), data=data)
    assert resp.status_code == 400
    db.session.expire_all()
    p = db.session.get(Partner, partner.id)
    assert (count(Partner), p.name, p.category, p.active) == before


@pytest.mark.parametrize("data,field_id,message", [
    ({"name": "", "category": "other"}, "name", "required"),
    ({"name": "X", "category": "nonsense"}, "category", "Not a valid choice"),
    ({"name": "X" * 201, "category": "other"}, "name", "200"),
    ({"name": "X", "category": "other", "contacts-0-email": "a@example.org"}, "contacts-0-name",
     "A contact needs a name"),
    ({"name": "X", "category": "other", "contacts-0-name": "A", "contacts-0-email": "not-an-email"},
     "contacts-0-email", "email"),
])
def test_create_bad_input_shows_the_error_beside_the_field_and_writes_nothing(
    client, sign_in, data, field_id, message
):
    sign_in("manager")
    before = (count(Partner), count(PartnerContact))
    resp = client.post("/partners/new", data={**data, "csrf_token": session_token(client)})
    assert resp.status_code == 422
    assert message.lower() in field_errors(resp.get_data(as_text=True), field_id).lower()
    assert (count(Partner), count(PartnerContact)) == before


def test_edit_bad_input_shows_the_error_and_writes_nothing(client, sign_in, make_partner):
    from govtrack.partners.services import ContactData

    partner = make_partner("Tetap", contacts=[ContactData(name="Lama")])
    sign_in("manager")
    resp = client.post(f"/partners/{partner.id}/edit", data={
        "csrf_token": session_token(client), "name": "", "category": "other", "contacts-0-name": "Baru",
    })
    assert resp.status_code == 422
    assert "required" in field_errors(resp.get_data(as_text=True), "name").lower()
    db.session.expire_all()
    assert db.session.get(Partner, partner.id).name == "Tetap"
    assert db.session.scalars(select(PartnerContact.name)).all() == ["Lama"]


def test_unknown_partner_is_404(client, sign_in):
    sign_in("manager")
    assert client.get("/partners/999999").status_code == 404
    assert client.get("/partners/999999/edit").status_code == 404
