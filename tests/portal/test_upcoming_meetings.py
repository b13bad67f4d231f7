"""The members' portal lists the upcoming meetings of the forums a member votes in, with their
agenda; an agreement on the agenda is named only when it is published to the member."""

from __future__ import annotations

import datetime as dt

import pytest

from govtrack.extensions import db
from govtrack.forums import services
from govtrack.members.services import link_user


def _meeting(forum, title: str, days: int, *, location: str = "Balai Melati"):
    starts = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=days)
    meeting = services.create_meeting(actor="test", forum=forum, title=title, starts_at=starts, location=location)
    db.session.commit()
    return meeting


@pytest.fixture
def member_user(make_members, make_user):
    member = make_members(1)[0]
    user = make_user("member", name="Siti")
    link_user(actor="test", member=member, user=user)
    db.session.commit()
    return user, member


def test_a_member_sees_the_meetings_of_their_forums_with_the_agenda(client, sign_in, member_user, make_forum,
                                                                    make_members, make_agreement):
    user, member = member_user
    everyone = make_forum(name="Forum Rembug Pusat")
    board = make_forum("board", name="Rapat Pengurus", voters=make_members(1, prefix="P"))
    published = make_agreement("Hibah sanitasi desa", status="approved", visibility="members")
    internal = make_agreement("Pinjaman rahasia", status="draft", visibility="internal")
    upcoming = _meeting(everyone, "Rembug Desember", 5)
    services.add_agenda_item(actor="test", meeting=upcoming, title="Laporan hibah", agreement_id=published.id)
    services.add_agenda_item(actor="test", meeting=upcoming, title="Usul pembiayaan", agreement_id=internal.id)
    _meeting(board, "Rapat pengurus tertutup", 3)
    _meeting(everyone, "Rembug lalu", -20)
    cancelled = _meeting(everyone, "Rembug dibatalkan", 9)
    services.cancel_meeting(actor="test", meeting=cancelled, reason="Bentrok dengan panen.")
    db.session.commit()
    sign_in(user)
    page = client.get("/published/meetings")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Rembug Desember" in html and "Laporan hibah" in html and "Usul pembiayaan" in html
    assert f'href="/published/{published.id}">Hibah sanitasi desa</a>' in html
    assert "Pinjaman rahasia" not in html                   # not published to members
    assert "Rapat pengurus tertutup" not in html            # a forum the member does not vote in
    assert "Rembug lalu" not in html                        # past
    assert "<s>Rembug dibatalkan</s>" in html and "Bentrok dengan panen." in html


def test_a_login_without_a_member_is_told_why_the_list_is_empty(client, sign_in, make_forum):
    _meeting(make_forum(), "Rembug umum", 4)
    sign_in("member")
    html = client.get("/published/meetings").get_data(as_text=True)
    assert "not linked to a member" in html and "Rembug umum" not in html


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    resp = client.get("/published/meetings")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
