"""Notices of meetings scheduled, rescheduled and cancelled: queued with the change, in each
voter's language, to the forum's voters who have a login; sent once by `flask notices send`
through a real SMTP server on loopback; kept with their error and retried later when SMTP is down."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.forums import services
from govtrack.members.services import link_user
from govtrack.notices import sender
from govtrack.notices.models import Notice
from govtrack.notices.services import backoff, claim
from tests.forums.conftest import NOW
from tests.smtp import Controller, Inbox, smtp_settings


@pytest.fixture
def app_config(smtp_port):
    return smtp_settings(smtp_port)


@pytest.fixture
def voters(make_members, make_user):
    """Three voting members; two have logins (one reads Indonesian), one has none; an investor
    with a login never votes."""
    siti, budi, ani = make_members(3)
    investor = make_members(1, prefix="I")[0]
    investor.investor = True
    u_siti = make_user("member", email="siti@example.test", name="Siti")
    u_budi = make_user("member", email="budi@example.test", name="Budi")
    u_inv = make_user("member", email="investor@example.test", name="Investor")
    u_siti.locale = "id"
    for member, user in ((siti, u_siti), (budi, u_budi), (investor, u_inv)):
        link_user(actor="test", member=member, user=user)
    db.session.commit()
    return {"siti": u_siti, "budi": u_budi, "members": [siti, budi, ani]}


def _queued() -> list[Notice]:
    return list(db.session.scalars(select(Notice).order_by(Notice.id)))


def test_scheduling_queues_one_notice_per_voter_with_a_login_in_their_language(voters, make_meeting):
    make_meeting(open=False, title="Rembug Juli")
    notices = _queued()
    assert sorted(n.recipient for n in notices) == ["budi@example.test", "siti@example.test"]
    by = {n.recipient: n for n in notices}
    assert by["siti@example.test"].subject == "Rapat dijadwalkan: Rembug Juli"
    assert "Balai desa" in by["siti@example.test"].body and "Anda menerima pesan ini" in by["siti@example.test"].body
    assert by["budi@example.test"].subject == "Meeting scheduled: Rembug Juli"
    assert all(n.status == "queued" and n.attempts == 0 for n in notices)


def test_a_named_list_forum_notifies_only_its_voters(voters, make_forum, make_meeting):
    forum = make_forum(voters=[voters["members"][1]])      # only Budi votes here
    make_meeting(forum, open=False)
    assert [n.recipient for n in _queued()] == ["budi@example.test"]


def test_a_refused_change_queues_nothing(voters, make_meeting):
    meeting = make_meeting(open=True)
    before = len(_queued())
    with pytest.raises(Exception):  # noqa: B017  (the Conflict of an open meeting)
        services.update_meeting(actor="test", meeting=meeting, title="x", starts_at=NOW, location="Aula")
    db.session.rollback()
    assert len(_queued()) == before


def test_rescheduling_and_cancelling_queue_their_own_notices(voters, make_meeting):
    meeting = make_meeting(open=False, title="Rembug Agustus")
    services.update_meeting(actor="test", meeting=meeting, title="Rembug Agustus 2026", starts_at=NOW,
                            location="Balai desa")
    db.session.commit()
    assert len(_queued()) == 2          # a new title alone tells nobody
    services.update_meeting(actor="test", meeting=meeting, title="Rembug Agustus 2026",
                            starts_at=NOW + dt.timedelta(days=7), location="Aula Koperasi")
    db.session.commit()
    changed = [n for n in _queued() if n.recipient == "budi@example.test"][-1]
    assert changed.subject == "Meeting changed: Rembug Agustus 2026"
    assert "Earlier place: Balai desa" in changed.body and "Aula Koperasi" in changed.body
    # the times on the cooperative's clock, in the words every page uses
    assert "Earlier time: Saturday, 14 March 2026, 16:00 WIB" in changed.body
    assert "When: Saturday, 21 March 2026, 16:00 WIB" in changed.body
    services.cancel_meeting(actor="test", meeting=meeting, reason="Jalan ke balai terputus banjir.")
    db.session.commit()
    cancelled = [n for n in _queued() if n.recipient == "siti@example.test"][-1]
    assert cancelled.subject == "Rapat dibatalkan: Rembug Agustus 2026"
    assert "Alasan: Jalan ke balai terputus banjir." in cancelled.body
    assert len(_queued()) == 6 and len({n.key for n in _queued()}) == 6


def test_each_notice_is_sent_once(voters, make_meeting, runner, inbox):
    make_meeting(open=False, title="Rembug September")
    result = runner.invoke(args=["notices", "send"])
    assert result.exit_code == 0, result.output
    assert "sent 2, failed 0, still queued 0" in result.output
    assert sorted(m["To"] for m in inbox.messages) == ["budi@example.test", "siti@example.test"]
    assert {m["Subject"] for m in inbox.messages} == {"Meeting scheduled: Rembug September",
                                                      "Rapat dijadwalkan: Rembug September"}
    again = runner.invoke(args=["notices", "send"])
    assert "sent 0, failed 0, still queued 0" in again.output
    assert len(inbox.messages) == 2
    db.session.expire_all()
    assert all(n.status == "sent" and n.sent_at and n.attempts == 1 for n in _queued())


def test_smtp_down_keeps_the_notice_queued_with_its_error_and_retries_later(voters, make_meeting, runner,
                                                                             smtp_port):
    make_meeting(open=False, title="Rembug Oktober")
    result = runner.invoke(args=["notices", "send"])            # nothing listens on the port
    assert result.exit_code == 1
    assert "sent 0, failed 2, still queued 2" in result.output
    db.session.expire_all()
    for n in _queued():
        assert n.status == "queued" and n.attempts == 1 and n.sent_at is None
        assert n.last_error and "Connection" in n.last_error
        assert n.next_attempt_at - n.last_attempt_at == dt.timedelta(minutes=1)
    # Not due yet: a run right away does not hammer the server.
    assert "sent 0, failed 0, still queued 2" in runner.invoke(args=["notices", "send"]).output
    # The server is back and the back-off has passed: each is sent, once.
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        later = max(n.next_attempt_at for n in _queued()) + dt.timedelta(seconds=1)
        db.session.rollback()
        assert sender.send_due(now=later) == {"sent": 2, "failed": 0}
        assert sender.send_due(now=later + dt.timedelta(hours=1)) == {"sent": 0, "failed": 0}
    finally:
        controller.stop()
    assert len(handler.messages) == 2
    db.session.expire_all()
    assert all(n.status == "sent" and n.attempts == 2 for n in _queued())


def test_backoff_doubles_to_a_ceiling():
    assert [backoff(n) for n in (1, 2, 3)] == [dt.timedelta(minutes=1), dt.timedelta(minutes=2),
                                              dt.timedelta(minutes=4)]
    assert backoff(30) == dt.timedelta(hours=6)


def test_a_notice_is_claimed_by_one_sender_only(voters, make_meeting):
    make_meeting(open=False)
    first = _queued()[0]
    now = dt.datetime.now(dt.UTC)
    assert claim(first.id, now=now) is not None
    db.session.commit()
    assert claim(first.id, now=now) is None                       # a second sender skips it
    assert claim(first.id, now=now + dt.timedelta(minutes=11)) is not None   # a dead sender's claim expires
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 2
