"""Names and titles people tell things apart by: one rule (govtrack/core/text.py) at every door.

Refused with an error naming the field: control characters, bidirectional overrides and isolates
("Mitra‮fdp.exe" shows as "Mitraexe.pdf"; U+202A–U+202E, U+2066–U+2069), and names with nothing
visible (zero-width spaces U+200B–U+200D, word joiner U+2060, BOM U+FEFF, only spaces). Kept in NFC.
Doors: partners, agreements, members, forums, meetings, agenda items, motions, users; each through
its form and its API (and the roster CSV import, and `flask users create`)."""

from __future__ import annotations

import io
import json
import unicodedata

import lxml.html
import pytest

from govtrack.core.text import BadText, normalise_name
from tests.hostile.conftest import audit_head, table_counts

BIDI = "text-direction control"
INVISIBLE = "no visible characters"
CONTROL = "control character"
BAD = {
    "rlo": ("Mitra\u202efdp.exe", BIDI),
    "lro": ("\u202dMitra", BIDI),
    "pdf-char": ("Mitra\u202c", BIDI),
    "rli": ("\u2067Mitra\u2069", BIDI),
    "fsi": ("Mitra \u2068x", BIDI),
    "zwsp": ("\u200b\u200b", INVISIBLE),
    "zwnj-zwj": ("\u200c\u200d", INVISIBLE),
    "word-joiner": ("\u2060", INVISIBLE),
    "bom": ("\ufeff ", INVISIBLE),
    "spaced-zwsp": ("\u200b \u200b", INVISIBLE),
    "bell": ("Mitra\x07", CONTROL),
    "escape": ("\x1b[31mMitra", CONTROL),
    "c1": ("Mitra\x85", CONTROL),
    "line-separator": ("Mitra\u2028Palsu", CONTROL),
}


@pytest.mark.parametrize("key", sorted(BAD))
def test_the_rule(key):
    value, reason = BAD[key]
    with pytest.raises(BadText) as err:
        normalise_name(value)
    assert reason in str(err.value.reason)


@pytest.mark.parametrize(("value", "stored"), [
    ("Cafe\u0301 Koperasi", "Café Koperasi"),            # NFC
    ("  Dinas PU  ", "Dinas PU"),
    ("\u200bDinas PU\ufeff", "Dinas PU"),                 # invisible characters at the ends go
    ("\U0001f469\u200d\U0001f469\u200d\U0001f467 Keluarga", "\U0001f469\u200d\U0001f469\u200d\U0001f467 Keluarga"),
    ("\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"),  # a joiner inside a word stays
    ("\u0627\u0644\u062a\u0639\u0627\u0648\u0646\u064a\u0629", "\u0627\u0644\u062a\u0639\u0627\u0648\u0646\u064a\u0629"),
])
def test_names_that_are_fine_are_kept_in_nfc(value, stored):
    assert normalise_name(value) == stored


def test_only_spaces_is_required():
    for value in ("", "   ", "\u3000", None):
        with pytest.raises(BadText) as err:
            normalise_name(value)
        assert "Required" in str(err.value.reason)


# ---- the API doors ----

def _api_doors(world) -> list[tuple[str, str, str, dict, str]]:
    """(door, method, url, body with NAME where the name goes, field)."""
    ids = world.ids
    meeting = ids["meeting_id"]
    return [
        ("partner", "post", "/api/v1/partners", {"name": "NAME", "category": "other"}, "name"),
        ("partner legal name", "post", "/api/v1/partners",
         {"name": "Mitra Sah", "category": "other", "legal_name": "NAME"}, "legal_name"),
        ("partner contact", "post", "/api/v1/partners",
         {"name": "Mitra Kontak", "category": "other", "contacts": [{"name": "NAME"}]}, "contacts"),
        ("partner edit", "patch", f"/api/v1/partners/{ids['partner_id']}", {"name": "NAME"}, "name"),
        ("agreement", "post", "/api/v1/agreements",
         {"title": "NAME", "kind": "mou", "parties": [{"partner_id": ids["partner_id"], "role": "other"}]}, "title"),
        ("agreement edit", "patch", f"/api/v1/agreements/{ids['agreement_id']}", {"title": "NAME"}, "title"),
        ("member", "post", "/api/v1/members", {"number": "M-90001", "name": "NAME"}, "name"),
        ("forum", "post", "/api/v1/forums", {"name": "NAME", "kind": "board", "code": "PGX"}, "name"),
        ("meeting", "post", "/api/v1/meetings",
         {"forum_id": world.objects["forum"].id, "title": "NAME", "starts_at": "2027-04-01T09:00:00+07:00"}, "title"),
        ("agenda item", "post", f"/api/v1/meetings/{meeting}/agenda", {"title": "NAME"}, "title"),
        ("motion", "post", f"/api/v1/meetings/{meeting}/motions",
         {"title": "NAME", "text": "Usul", "effect": "none"}, "title"),
    ]


def _fill(body, name: str):
    if isinstance(body, dict):
        return {k: _fill(v, name) for k, v in body.items()}
    if isinstance(body, list):
        return [_fill(v, name) for v in body]
    return name if body == "NAME" else body


def test_every_api_door_refuses_a_bad_name_and_writes_nothing(client, world, token_for):
    headers = {"Authorization": f"Bearer {token_for(world.admin)}"}
    for door, method, url, body, field in _api_doors(world):
        for key, (value, reason) in BAD.items():
            before, head = table_counts(), audit_head()
            resp = getattr(client, method)(url, json=_fill(body, value), headers=headers)
            assert resp.status_code == 422, (door, key, resp.status_code, resp.get_data(as_text=True)[:300])
            fields = resp.get_json()["error"]["fields"]
            assert field in fields and reason in " ".join(fields[field]), (door, key, fields)
            assert table_counts() == before and audit_head() == head, (door, key)


def test_every_api_door_keeps_a_good_name_in_nfc(client, world, token_for):
    headers = {"Authorization": f"Bearer {token_for(world.admin)}"}
    decomposed = "Rapat Cafe\u0301 \u200d\u0915\u094d\u200d\u0937"
    for door, method, url, body, _field in _api_doors(world):
        resp = getattr(client, method)(url, json=_fill(body, decomposed), headers=headers)
        assert resp.status_code in (200, 201), (door, resp.get_data(as_text=True)[:300])
        shown = json.dumps(resp.get_json(), ensure_ascii=False)
        assert unicodedata.normalize("NFC", decomposed) in shown and decomposed not in shown, door


def test_the_roster_import_refuses_a_bad_name_by_line(client, world, token_for):
    headers = {"Authorization": f"Bearer {token_for(world.admin)}"}
    rows = ["number,name,group,joined_on,active,investor", "M-80001,Siti Aminah,Melati,2020-01-01,1,0"]
    rows += [f"M-8{i:04d},{value},Melati,2020-01-01,1,0" for i, (value, _) in enumerate(BAD.values(), start=2)
             if "\u2028" not in value and "\x85" not in value]  # (line breaks end the CSV row instead)
    before, head = table_counts(), audit_head()
    resp = client.post("/api/v1/members/import", data="\n".join(rows).encode(), content_type="text/csv",
                       headers=headers)
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    errors = resp.get_json()["errors"] if "errors" in resp.get_json() else resp.get_json()["error"]["fields"]
    text = str(errors)
    assert "line" in text and "name:" in text and BIDI in text and INVISIBLE in text and CONTROL in text
    assert table_counts() == before and audit_head() == head


def test_the_roster_import_form_refuses_a_bad_name(client, sign_in, world):
    sign_in(world.admin)
    roster = "number,name,group,joined_on,active,investor\nM-80001,\u2067Siti\u2069,Melati,2020-01-01,1,0\n"
    token = _token(client, "/members/import")
    before = table_counts()
    resp = client.post("/members/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(roster.encode()), "roster.csv")})
    assert resp.status_code == 422
    assert BIDI in resp.get_data(as_text=True)
    assert table_counts() == before


# ---- the form doors ----

def _token(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return lxml.html.fromstring(html).xpath('//input[@name="csrf_token"]/@value')[0]


def _form_doors(world) -> list[tuple[str, str, str, dict, str]]:
    """(door, page with the form, url posted to, form data with NAME, field)."""
    ids = world.ids
    meeting = ids["meeting_id"]
    return [
        ("partner", "/partners/new", "/partners/new", {"name": "NAME", "category": "other"}, "name"),
        ("partner edit", f"/partners/{ids['partner_id']}/edit", f"/partners/{ids['partner_id']}/edit",
         {"name": "NAME", "category": "other"}, "name"),
        ("agreement", "/agreements/new", "/agreements/new",
         {"title": "NAME", "kind": "mou", "visibility": "internal", "value_currency": "IDR",
          "parties-0-partner_id": str(ids["partner_id"]), "parties-0-role": "other"}, "title"),
        ("member", "/members/new", "/members/new", {"number": "M-90002", "name": "NAME", "active": "y"}, "name"),
        ("forum", "/forums/new", "/forums/new",
         {"name": "NAME", "kind": "board", "code": "PGY", "all_members": "y", "quorum_numerator": "1",
          "quorum_denominator": "2", "threshold": "simple_majority", "proxy_limit": "1"}, "name"),
        ("meeting", "/forums/meetings/new", "/forums/meetings/new",
         {"forum_id": str(world.objects["forum"].id), "title": "NAME", "starts_at": "2027-04-01T09:00"}, "title"),
        ("agenda item", f"/forums/meetings/{meeting}", f"/forums/meetings/{meeting}/agenda", {"title": "NAME"},
         "title"),
        ("motion", f"/forums/meetings/{meeting}/motions/new", f"/forums/meetings/{meeting}/motions/new",
         {"title": "NAME", "text": "Usul", "effect": "none"}, "title"),
        ("user", "/admin/users/new", "/admin/users/new",
         {"email": "baru@example.test", "name": "NAME", "role": "member"}, "name"),
        ("user edit", f"/admin/users/{ids['user_id']}/edit", f"/admin/users/{ids['user_id']}/edit",
         {"name": "NAME", "role": "manager", "active": "y"}, "name"),
    ]


def _field_errors(html: str, field: str) -> str:
    """The error text shown with a form field (the invalid-feedback beside the input)."""
    doc = lxml.html.fromstring(html)
    inputs = doc.xpath(f'//*[@name="{field}"]')
    assert inputs, field
    described = inputs[0].get("aria-describedby") or ""
    texts = [doc.get_element_by_id(i).text_content() for i in described.split() if doc.xpath(f'//*[@id="{i}"]')]
    return " ".join(texts) + " " + " ".join(e.text_content() for e in doc.xpath('//*[contains(@class, "invalid-feedback")]'))


@pytest.mark.parametrize("key", ["rlo", "rli", "zwsp", "bom", "bell"])
def test_every_form_door_refuses_a_bad_name_beside_its_field(client, sign_in, world, key):
    value, reason = BAD[key]
    sign_in(world.admin)
    for door, page, url, data, field in _form_doors(world):
        before, head = table_counts(), audit_head()
        resp = client.post(url, data={**_fill(data, value), "csrf_token": _token(client, page)})
        assert resp.status_code == 422, (door, resp.status_code)
        html = resp.get_data(as_text=True)
        assert reason in _field_errors(html, field), (door, key)
        assert table_counts() == before and audit_head() == head, door


def test_every_form_door_takes_a_good_name(client, sign_in, world):
    sign_in(world.admin)
    for door, page, url, data, _field in _form_doors(world):
        resp = client.post(url, data={**_fill(data, "Nama Baik \u00e9"), "csrf_token": _token(client, page)})
        assert resp.status_code == 302, (door, resp.status_code, resp.get_data(as_text=True)[:500])


def test_users_create_on_the_command_line_refuses_a_bad_name(runner, app):
    result = runner.invoke(args=["users", "create", "x@example.test", "--name", "Admin\u202e", "--role", "member"])
    assert result.exit_code != 0 and "name" in result.output and BIDI in result.output
