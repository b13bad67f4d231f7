"""The glossary: one anchor per hard word, both languages, linked from where the words appear."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from govtrack.core.glossary import KEYS, TERMS, glossary_url

ROOT = Path(__file__).resolve().parents[2]
ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}


def test_the_glossary_explains_each_word_in_both_languages_to_anyone(client):
    html = client.get("/glossary", headers=ID).get_data(as_text=True)
    assert "<h1" in html and "Glosarium" in html
    for key, name_id, name_en in [
        ("quorum", "Kuorum", "Quorum"), ("threshold", "Ambang suara", "Threshold"), ("consensus", "Mufakat", "Consensus"),
        ("proxy", "Kuasa", "Proxy"), ("hhi", "HHI (indeks Herfindahl-Hirschman)", "HHI (Herfindahl-Hirschman index)"),
        ("single-point-of-failure", "Titik rawan tunggal", "Single point of failure"), ("broker", "Perantara", "Broker"),
    ]:
        entry = re.search(rf'<dt id="{key}"[^>]*>(.*?)</dd>', html, re.S)
        assert entry, key
        assert name_id in entry[1] and f'lang="en" translate="no">(English: {name_en})' in entry[1], key
        assert f'href="#{key}"' in html, key  # the list of words at the top
    # The explanations are in Indonesian for an Indonesian reader ...
    assert "Jumlah paling sedikit pemilik hak suara yang harus hadir" in html
    assert "80² + 20² = 6.800" in html and "musyawarah untuk mufakat" in html
    assert "The least number of eligible voters" not in html
    # ... and in English for an English one, naming the Indonesian word.
    html = client.get("/glossary", headers=EN).get_data(as_text=True)
    assert "The least number of eligible voters who must be present" in html
    assert 'lang="id" translate="no">(Bahasa Indonesia: Titik rawan tunggal)' in html


def test_every_page_links_the_glossary_in_its_footer(client, sign_in):
    for url in ("/login", "/published/"):
        html = client.get(url, headers=ID).get_data(as_text=True)
        footer = html[html.index("<footer"):]
        assert 'href="/glossary"' in footer and "Glosarium" in footer, url


def test_every_word_a_template_links_is_in_the_glossary(app):
    used = set()
    for path in (ROOT / "templates").rglob("*.html"):
        used |= set(re.findall(r"term\('([^']+)'", path.read_text()))
    assert used, "no template links a glossary word"
    assert used <= KEYS, used - KEYS
    assert {"quorum", "threshold", "consensus", "proxy", "hhi", "effective-sources", "single-point-of-failure",
            "broker", "margin-of-error"} == KEYS
    assert len(TERMS) == len(KEYS)
    with app.test_request_context():
        assert glossary_url("hhi") == "/glossary#hhi"
        with pytest.raises(KeyError):
            glossary_url("no-such-word")


def test_the_network_and_forums_pages_link_their_hard_words(client, sign_in, make_partner, make_agreement):
    sign_in("board")
    html = client.get("/network/", headers=ID).get_data(as_text=True)
    for key, text in [("hhi", "Konsentrasi (HHI)"), ("single-point-of-failure", "Titik rawan tunggal"),
                      ("broker", "Perantara")]:
        assert f'<a class="term" href="/glossary#{key}">{text}</a>' in html, key
    html = client.get("/forums/", headers=ID).get_data(as_text=True)
    for key, text in [("quorum", "Kuorum"), ("threshold", "Ambang suara"), ("proxy", "Kuasa per penerima")]:
        assert f'<a class="term" href="/glossary#{key}">{text}</a>' in html, key
