"""XSS payloads in every text field a page shows render as text: no script runs, no handler, no
javascript: link, no template evaluated. Staff pages, the portal, the Atom feed and the network SVG."""

from __future__ import annotations

import lxml.etree
import lxml.html
import pytest

from tests.hostile.conftest import build_world, html_routes

SCRIPT = "<script>alert(1)</script>"
PAYLOAD = f"\"'><img src=x onerror=alert(1)>{SCRIPT}<svg onload=alert(1)>{{{{7*7}}}}"
MINUTES = f"""# Minutes {{{{7*7}}}}

{SCRIPT}

<img src=x onerror=alert(1)>

[click](javascript:alert(1)) [upper](JAVASCRIPT:alert(1)) [spaced]( javascript:alert(1))
[entity](&#106;avascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

![pic](x" onerror="alert(1))

<a href="javascript:alert(1)">raw link</a> <iframe src="javascript:alert(1)"></iframe>

<div style="background:url(javascript:alert(1))">styled</div>
"""

# What a field is called in the world; each must be seen as text on some page.
SHOWN = ["partner name", "partner notes", "contact name", "draft title", "active title", "summary", "public summary",
         "clause one", "public clause", "member name", "forum name", "meeting title", "location", "motion title",
         "motion text", "obligation title", "obligation note", "document name", "evidence name", "user name",
         "interest note", "agenda title", "region", "result title", "indicator title", "unit", "actual note",
         "dimension value", "survey title", "question text", "survey answer"]


def payload(kind: str) -> str:
    if kind == "minutes":
        return MINUTES
    if kind == "phone":  # a column of 50 characters
        return "phone \"><img src=x onerror=alert(1)>"
    if kind in {"unit", "dimension value"}:  # an indicator's unit has 60 characters, a dimension's value 120
        return f"{kind} \"><img src=x onerror=alert(1)>{{{{7*7}}}}"
    if kind in {"document name", "evidence name"}:
        # No "/": upload names lose everything up to the last slash (tested in test_uploads).
        return f"{kind} \"><img src=x onerror=alert(1)>{{{{7*7}}}}"
    return f"{kind} {PAYLOAD}"


@pytest.fixture
def hostile_world(app, make_user, make_partner, make_agreement, today):
    with app.test_request_context():
        return build_world(make_user, make_partner, make_agreement, text=payload)


def bad_markup(doc) -> list[str]:
    """What in a parsed HTML or SVG document could run script."""
    found = []
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = lxml.etree.QName(el).localname.lower()
        if tag == "script" and not el.get("src"):
            found.append("inline <script>")
        if tag in {"iframe", "object", "embed"}:
            found.append(f"<{tag}>")
        for name, value in el.attrib.items():
            local = lxml.etree.QName(name).localname.lower()
            if local.startswith("on"):
                found.append(f"{tag} {local}=")
            if local in {"href", "src", "action", "formaction", "xlink:href"} or name.endswith("}href"):
                v = "".join(value.split()).lower()
                if v.startswith(("javascript:", "vbscript:", "data:text")):
                    found.append(f"{tag} {local}={value!r}")
            if local == "style" and "javascript" in value.lower():
                found.append(f"{tag} style={value!r}")
    return found


def check_html(url: str, resp) -> str:
    assert resp.status_code == 200, (url, resp.status_code)
    html = resp.get_data(as_text=True)
    doc = lxml.html.fromstring(html)
    assert not bad_markup(doc), (url, bad_markup(doc))
    return doc.text_content()


def test_payloads_in_every_shown_field_render_as_text(sign_in, app, client, hostile_world):
    sign_in(hostile_world.admin)
    seen = ""
    routes = html_routes(app, hostile_world.ids)
    for endpoint, url in sorted(routes.items()):
        # Files, not pages: the exports (every *_csv and *_xlsx), the feed, downloads.
        if endpoint.endswith(("_csv", "_xlsx")) or endpoint in {
                "portal.atom_feed", "core.healthz", "agreements.download", "obligations.evidence",
                # the survey capture page's JSON bundle, manifest and service worker
                "surveys.capture_bundle", "surveys.capture_manifest", "surveys.service_worker",
                "surveys.results_chart", "surveys.published_chart",  # pictures
                "surveys.evidence_new"}:  # its target is in the query: below
            continue
        resp = client.get(url)
        if resp.status_code == 302 or endpoint == "portal.agreement":  # the draft is not published
            continue
        if endpoint == "surveys.answer":  # a member's own page; the admin is no member (404)
            continue
        seen += check_html(url, resp)
    # Pages the routes alone do not reach with these objects.
    active = hostile_world.objects["active"]
    for url in [f"/agreements/{active.id}", f"/agreements/{active.id}/edit", f"/published/{active.id}",
                f"/network/?partner_id={hostile_world.ids['partner_id']}",
                f"/obligations/{hostile_world.ids['obligation_id']}", "/obligations/list",
                f"/forums/meetings/{hostile_world.ids['meeting_id']}/roll-call",
                f"/forums/meetings/{hostile_world.ids['meeting_id']}",
                # the capture page of the member's centre (the member has answered: their form is the
                # correction on the response page, which the routes reach)
                f"/surveys/{hostile_world.ids['survey_id']}/capture?centre_id={hostile_world.ids['centre_id']}",
                f"/forums/motions/{hostile_world.ids['motion_id']}",
                f"/surveys/evidence/new?target=motion&target_id={hostile_world.ids['motion_id']}"
                f"&survey_id={hostile_world.ids['survey_id']}"]:
        seen += check_html(url, client.get(url))
    missing = [kind for kind in SHOWN if f"{kind} " not in seen]
    assert not missing, f"fields not shown on any page (the test would prove nothing for them): {missing}"
    # Raw payload shown as text (escaped), not as markup.
    assert "onerror=alert(1)" in seen and SCRIPT in seen and "{{7*7}}" in seen


def test_markdown_minutes_are_sanitised(sign_in, app, client, hostile_world):
    sign_in(hostile_world.admin)
    resp = client.get(f"/forums/meetings/{hostile_world.ids['meeting_id']}")
    doc = lxml.html.fromstring(resp.get_data(as_text=True))
    assert not bad_markup(doc)
    minutes = doc.get_element_by_id("minutes")
    links = [a.get("href") for a in minutes.iter("a") if a.get("href")]
    assert all(href.startswith(("http", "mailto:", "#", "/")) for href in links), links
    assert not minutes.xpath(".//img|.//iframe|.//div[@style]")
    assert "Minutes {{7*7}}" in minutes.text_content()


def test_the_portal_shows_payloads_as_text_to_everyone(app, client, hostile_world):
    active = hostile_world.objects["active"]
    text = ""
    for url in ["/published/", f"/published/{active.id}", "/published/decisions", "/published/?q=active"]:
        text += check_html(url, client.get(url))
    assert "active title " in text and "public summary " in text and "public clause " in text
    assert SCRIPT in text


def test_the_atom_feed_carries_payloads_as_plain_text(app, client, hostile_world):
    resp = client.get("/published/feed.atom")
    assert resp.status_code == 200 and resp.mimetype == "application/atom+xml"
    root = lxml.etree.fromstring(resp.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text for t in root.xpath("//a:entry/a:title", namespaces=ns)]
    assert any(SCRIPT in (t or "") for t in titles), titles
    for el in root.xpath("//*[@type]"):
        # Text a reader would parse as HTML must not carry the payload.
        if el.get("type") in {"html", "xhtml"}:
            assert "onerror" not in lxml.etree.tostring(el, encoding="unicode")
    assert not root.xpath("//a:script|//*[local-name()='script']", namespaces=ns)


def test_the_network_svg_keeps_names_as_text(sign_in, app, client, hostile_world):
    sign_in(hostile_world.admin)
    resp = client.get("/api/v1/network.svg?agreements=true")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    root = lxml.etree.fromstring(resp.data)
    assert not bad_markup(root), bad_markup(root)
    assert "script-src 'none'" in resp.headers["Content-Security-Policy"] or \
        "default-src 'none'" in resp.headers["Content-Security-Policy"]
