"""The paper record and the help on the forums' pages: a Print button (shown by the static script,
with a Ctrl+P note without it), the glossary's words linked, the Markdown help on the minutes."""

from __future__ import annotations

import re

import lxml.html

ID = {"Accept-Language": "id"}


def print_controls(html: str) -> tuple[list, list]:
    doc = lxml.html.fromstring(html)
    return doc.xpath("//button[@data-print]"), doc.xpath("//*[@data-print-fallback]")


def test_the_meeting_page_prints_as_minutes_and_links_the_words_it_uses(
    client, sign_in, make_members, make_forum, make_meeting, make_motion, vote
):
    sign_in("board")
    members = make_members(4)
    meeting = make_meeting(make_forum(proxy_limit=1), present=members[:3], proxies={members[3]: members[0]})
    motion = make_motion(meeting)
    vote(motion, {members[0]: "yes", members[3]: "yes", members[1]: "no"})
    resp = client.get(f"/forums/meetings/{meeting.id}", headers=ID)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    buttons, notes = print_controls(html)
    assert [b.text_content().strip() for b in buttons] == ["Cetak notulen"]
    assert buttons[0].get("hidden") is not None and buttons[0].get("type") == "button"  # app.js shows it
    assert notes and "Ctrl+P" in notes[0].text_content()
    assert buttons[0].getparent() is notes[0].getparent() and "no-print" in buttons[0].getparent().get("class")
    assert '<script src="/static/js/app.js" defer></script>' in html
    for key in ("quorum", "threshold", "consensus", "proxy"):
        assert f'href="/glossary#{key}"' in html, key
    # the vote cast by the proxy holder says so, and the word links to the glossary
    assert '(<a class="term" href="/glossary#proxy">melalui kuasa</a>)' in html


def test_the_minutes_form_says_what_markdown_does_and_that_html_is_not_applied(
    client, sign_in, make_forum, make_meeting
):
    sign_in("board")
    meeting = make_meeting(make_forum())
    doc = lxml.html.fromstring(client.get(f"/forums/meetings/{meeting.id}", headers=ID).get_data(as_text=True))
    [textarea] = doc.xpath("//textarea[@name='minutes']")
    help_id = next(i for i in textarea.get("aria-describedby").split() if i.endswith("-help"))
    help_text = doc.get_element_by_id(help_id).text_content()
    for part in ("# Judul", "## Subjudul", "- atau 1.", "**tebal**", "[teks](https://…)", "HTML tidak diterapkan"):
        assert part in help_text, part


def test_the_motion_page_links_threshold_and_consensus(client, sign_in, make_members, make_forum, make_meeting,
                                                       make_motion):
    from govtrack.extensions import db
    from govtrack.forums import services

    sign_in("board")
    members = make_members(3)
    meeting = make_meeting(make_forum(), present=members)
    motion = make_motion(meeting)
    services.consensus(actor="test", motion=motion)
    db.session.commit()
    html = client.get(f"/forums/motions/{motion.id}", headers=ID).get_data(as_text=True)
    assert '<a class="term" href="/glossary#threshold">Ambang suara</a>' in html
    assert re.search(r'<a class="term" href="/glossary#consensus">[^<]*mufakat[^<]*</a>', html)


def test_the_attendance_register_has_a_print_button(client, sign_in, make_members, make_forum, make_meeting):
    sign_in("board")
    meeting = make_meeting(make_forum(), present=make_members(2))
    html = client.get(f"/forums/meetings/{meeting.id}/attendance", headers=ID).get_data(as_text=True)
    buttons, notes = print_controls(html)
    assert [b.text_content().strip() for b in buttons] == ["Cetak"] and notes


def test_an_agreement_prints_with_its_decision_trail_for_staff_and_members(
    client, sign_in, make_partner, make_agreement
):
    funder = make_partner("Yayasan Air")
    agreement = make_agreement("Hibah sumur", parties=[(funder, "funder")], status="active", visibility="members")
    for role, url in (("manager", f"/agreements/{agreement.id}"), ("member", f"/published/{agreement.id}")):
        sign_in(role)
        resp = client.get(url, headers=ID)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200, (role, url)
        buttons, notes = print_controls(html)
        assert [b.text_content().strip() for b in buttons] == ["Cetak beserta keputusannya"], role
        assert notes, role
        client.post("/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html)[1]})
