"""Languages: the Indonesian catalog covers every string, the compiled catalog is current, money and
dates follow the locale, and the language is chosen as the user's setting, then the browser's."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import render_template_string

from govtrack.core.i18n import format_money, select_locale

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "govtrack/translations/id/LC_MESSAGES/messages.po"
COMPILED = ROOT / "govtrack/translations/id/LC_MESSAGES/messages.mo"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Extract every message from the code and templates now, as scripts/i18n.sh does."""
    out = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "-k", "lazy_ngettext:1,2",
         "--no-location", "-o", str(out), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with out.open("rb") as fh:
        return read_po(fh)


@pytest.fixture(scope="module")
def catalog():
    with CATALOG.open("rb") as fh:
        return read_po(fh, locale="id")


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    return bool(message.string) and all(s and s.strip() for s in strings) and not message.fuzzy


def test_every_string_in_the_code_has_an_indonesian_translation(extracted, catalog):
    assert len(extracted) > 100  # the extraction really found the application's strings
    missing = [m.id for m in extracted if m.id and (catalog.get(m.id) is None or not _translated(catalog.get(m.id)))]
    assert not missing, (
        "untranslated (run scripts/i18n.sh, translate in messages.po, run it again): " + repr(missing)
    )


def test_translations_keep_their_placeholders(catalog):
    problems = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check() if errs]
    assert not problems


def test_the_compiled_catalog_is_current(catalog):
    """The .mo the app loads says exactly what the .po says (run `pybabel compile -d govtrack/translations`)."""
    with COMPILED.open("rb") as fh:
        compiled = read_mo(fh)
    def key(value):  # plural entries come back as lists from the .mo, tuples from the .po
        return tuple(value) if isinstance(value, list | tuple) else value

    want = {key(m.id): key(m.string) for m in catalog if m.id and _translated(m)}
    have = {key(m.id): key(m.string) for m in compiled if m.id}
    assert have == want


@pytest.mark.parametrize(
    ("lang", "amount", "expected"),
    [
        ("id", Decimal("1500000"), "Rp 1.500.000"),
        ("en", Decimal("1500000"), "IDR 1,500,000"),
        ("id", Decimal("1500000.50"), "Rp 1.500.000,50"),
        ("en", Decimal("1500000.50"), "IDR 1,500,000.50"),
        ("id", Decimal("0"), "Rp 0"),
    ],
)
def test_money_follows_the_locale(app, lang, amount, expected):
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert format_money(amount) == expected
        assert render_template_string("{{ v|money }}", v=amount) == expected


@pytest.mark.parametrize(
    ("lang", "fmt", "expected"),
    [
        ("id", "medium", "1 Mar 2025"),
        ("id", "long", "1 Maret 2025"),
        ("en", "medium", "Mar 1, 2025"),
        ("en", "long", "March 1, 2025"),
    ],
)
def test_dates_follow_the_locale(app, lang, fmt, expected):
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert render_template_string("{{ d|date(fmt) }}", d=dt.date(2025, 3, 1), fmt=fmt) == expected


def test_language_choice_user_setting_then_browser_then_default(app, make_user):
    from flask_login import login_user, logout_user

    user = make_user("member")
    user.locale = "id"
    with app.test_request_context(headers={"Accept-Language": "en-GB,en;q=0.9"}):
        login_user(user)
        assert select_locale() == "id"  # the user's setting beats the browser
        logout_user()  # the requests below are anonymous (they share this test's app context and `g`)
    with app.test_request_context(headers={"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}):
        assert select_locale() == "id"  # the browser beats the default ('en' in tests)
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert select_locale() == "en"  # nothing we speak: the configured default
    with app.test_request_context():
        assert select_locale() == "en"


def test_pages_speak_indonesian_when_the_browser_asks(client, publish):
    a = publish("Hibah air bersih", clauses=["Mitra menyediakan dana"])
    headers = {"Accept-Language": "id"}
    listing = client.get("/published/", headers=headers).get_data(as_text=True)
    assert "Perjanjian terbitan" in listing and "Rp 1.500.000" in listing and "Hibah" in listing
    page = client.get(f"/published/{a.id}", headers=headers).get_data(as_text=True)
    assert "Apa yang disepakati, poin demi poin" in page and "1 Maret 2025" in page
    assert '<html lang="id">' in page


def test_the_switcher_sets_the_language_for_the_session(client, publish):
    from tests.conftest import csrf_token

    publish("Hibah")
    token = csrf_token(client, "/published/")
    resp = client.post("/language?next=/published/", data={"lang": "id", "csrf_token": token},
                       headers={"Accept-Language": "en"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/published/")
    html = client.get("/published/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Perjanjian terbitan" in html  # the choice beats the browser


def test_errors_speak_the_language_too(client):
    resp = client.get("/published/999999", headers={"Accept-Language": "id"})
    assert resp.status_code == 404 and "Tidak ditemukan." in resp.get_data(as_text=True)
    api = client.get("/api/v1/public/agreements/999999", headers={"Accept-Language": "id"})
    assert api.status_code == 404
