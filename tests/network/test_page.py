"""The network page: the picture, metrics in plain words, the what-if control, visibility."""

from __future__ import annotations

import html
import re

from tests.network.conftest import AS_OF

Q = f"as_of={AS_OF.isoformat()}"


def words(page: str) -> str:
    """The page's text as read: tags removed, entities decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def test_anonymous_is_sent_to_sign_in(client):
    resp = client.get("/network/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_page_shows_picture_metrics_and_links(client, sign_in, make_user, scenario):
    sign_in("board")
    resp = client.get(f"/network/?{Q}")
    assert resp.status_code == 200
    page = html.unescape(resp.get_data(as_text=True))
    assert f'src="/api/v1/network.png?as_of={AS_OF.isoformat()}"' in page
    assert "/api/v1/network.svg?" in page and "/api/v1/network.graphml?" in page
    # numbers as English writes them: HHI 6,250 (shares of 75% and 25%), 1.6 effective sources
    assert ">6,250<" in page and ">1.6<" in page and "highly concentrated" in page and "75%" in page
    assert "above 2,500 is highly concentrated, 1,500 to 2,500 moderately" in page
    assert f'href="/partners/{scenario["big"].id}"' in page
    assert f'href="/agreements/{scenario["works"].id}"' in page  # the project and its funder
    # no inline code (the CSP would block it): the static file every page loads, and the map's two
    assert "style=" not in page and re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/js/app.js" defer>', '<script src="/static/vendor/cytoscape/cytoscape.min.js" defer>',
        '<script src="/static/js/network-map.js" defer>',
    ]


def test_the_browser_session_fetches_the_picture(client, sign_in, make_user, scenario):
    sign_in("member")
    resp = client.get(f"/api/v1/network.png?{Q}")
    assert resp.status_code == 200 and resp.data[:4] == b"\x89PNG"


def test_what_if_shows_what_fails_through_dependencies(client, sign_in, make_user, scenario):
    sign_in("manager")
    page = client.get(f"/network/?{Q}&partner_id={scenario['big'].id}").get_data(as_text=True)
    assert f'href="/agreements/{scenario["pipes"].id}"' in page
    page = words(page)
    assert ("If Yayasan Air Bersih left: agreements failing directly: 1; failing because they need those: 2; "
            "value at risk: IDR 4,000,000.") in page
    assert "(IDR 800,000)" in page  # the works that need the grant


def test_since_date_shows_the_change(client, sign_in, make_user, scenario):
    sign_in("manager")
    page = words(client.get(f"/network/?{Q}&since=2025-12-01").get_data(as_text=True))
    # the date and the money as people write them; nothing was in force on 1 December 2025
    assert "Since Dec 1, 2025: partners 0 → 5, agreements 0 → 5, value IDR 0 → IDR 10,000,000." in page


def test_member_page_hides_internal_partners(client, sign_in, make_user, scenario):
    sign_in("member")
    page = client.get(f"/network/?{Q}").get_data(as_text=True)
    assert "Bank Rahasia Internal" not in page and "Secret loan" not in page
    assert "Yayasan Air Bersih" in page
    page = client.get(f"/network/?{Q}&partner_id={scenario['secret'].id}").get_data(as_text=True)
    assert "Bank Rahasia Internal" not in page


def test_bad_filter_answers_422_and_shows_the_error(client, sign_in, make_user):
    sign_in("manager")
    resp = client.get("/network/?as_of=not-a-date")
    assert resp.status_code == 422
    assert "Please correct the marked fields" in resp.get_data(as_text=True)
