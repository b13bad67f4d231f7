"""Anchors outside the database: someone who can write the database and kept an old head row (any
earlier backup) can cut the tail off the chain and put the old head back; the chain is then intact,
only shorter. The head printed on minutes, registers and the feed (`SEQ:HASH`) catches that."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from sqlalchemy import select, text

from govtrack.audit.models import AuditEvent, AuditHead
from govtrack.audit.services import _head_mac
from govtrack.extensions import db

NOW = dt.datetime(2027, 3, 15, 9, 0, tzinfo=dt.UTC)


def _head() -> tuple[int, str, str]:
    db.session.expire_all()
    head = db.session.get(AuditHead, 1)
    return head.seq, head.hash, head.mac


def _cut_tail_to(saved: tuple[int, str, str]) -> None:
    """What the attacker does: delete every event after the saved head and write that head back."""
    seq, hash_, mac = saved
    db.session.execute(text("DELETE FROM audit_events WHERE id > :seq"), {"seq": seq})
    db.session.execute(text("UPDATE audit_head SET seq = :seq, hash = :hash, mac = :mac WHERE id = 1"),
                       {"seq": seq, "hash": hash_, "mac": mac})
    db.session.commit()


def _head_anchor(runner) -> str:
    result = runner.invoke(args=["audit", "head"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_head_prints_the_anchor_alone_on_one_line(make_partner, runner):
    make_partner("Mitra 1")
    make_partner("Mitra 2")
    seq, hash_, _ = _head()
    result = runner.invoke(args=["audit", "head"])
    assert result.exit_code == 0
    assert result.output == f"{seq}:{hash_[:16]}\n"


def test_an_intact_chain_reaches_its_anchors(make_partner, runner, tmp_path):
    make_partner("Mitra 1")
    first = _head_anchor(runner)
    make_partner("Mitra 2")
    second = _head_anchor(runner)
    result = runner.invoke(args=["audit", "verify", "--anchor", first, "--anchor", second])
    assert result.exit_code == 0, result.output
    assert "intact" in result.output and "2 anchors reached" in result.output
    kept = tmp_path / "anchors.txt"
    kept.write_text(f"# anchors from the printed minutes\n{first}\n\n{second}\n")
    result = runner.invoke(args=["audit", "verify", "--anchors", str(kept)])
    assert result.exit_code == 0, result.output


def test_a_tail_cut_after_an_anchor_fails_verify(make_partner, runner, tmp_path):
    make_partner("Mitra 1")
    make_partner("Mitra 2")
    old_head = _head()  # the attacker's old backup of the head row
    make_partner("Mitra 3")
    published = _head_anchor(runner)  # printed on minutes, in the feed
    make_partner("Mitra 4")
    _cut_tail_to(old_head)

    plain = runner.invoke(args=["audit", "verify"])
    assert plain.exit_code == 0, "without an anchor the shortened chain looks intact"

    result = runner.invoke(args=["audit", "verify", "--anchor", published])
    assert result.exit_code != 0
    assert f"does not reach anchor {published}" in result.output
    assert f"the chain ends at {old_head[0]}" in result.output

    kept = tmp_path / "anchors.txt"
    kept.write_text(f"1:{db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id == 1))[:16]}\n{published}\n")
    result = runner.invoke(args=["audit", "verify", "--anchors", str(kept)])
    assert result.exit_code != 0 and published in result.output


def test_an_anchor_whose_hash_differs_fails_verify(make_partner, runner):
    make_partner("Mitra 1")
    seq, hash_, _ = _head()
    wrong = "0" * 16 if not hash_.startswith("0" * 16) else "1" * 16
    result = runner.invoke(args=["audit", "verify", "--anchor", f"{seq}:{wrong}"])
    assert result.exit_code != 0
    assert f"does not reach anchor {seq}:{wrong}" in result.output and "another hash" in result.output
    # The full hash and the shortest prefix accepted (8 digits) both match.
    assert runner.invoke(args=["audit", "verify", "--anchor", f"{seq}:{hash_}"]).exit_code == 0
    assert runner.invoke(args=["audit", "verify", "--anchor", f"{seq}:{hash_[:8].upper()}"]).exit_code == 0


@pytest.mark.parametrize(
    ("value", "reason"),
    [("12", "expected SEQ:HASH"), ("x:9f2c4e1a", "not a whole number"), ("3:9f2c4e1", "8 to 64 hexadecimal"),
     ("3:9f2c4e1z", "8 to 64 hexadecimal"), ("3:" + "a" * 65, "8 to 64 hexadecimal")],
)
def test_a_malformed_anchor_is_a_clear_error(runner, value, reason):
    result = runner.invoke(args=["audit", "verify", "--anchor", value])
    assert result.exit_code == 2
    assert "--anchor" in result.output and reason in result.output


def test_an_anchor_file_with_a_bad_line_is_a_clear_error(make_partner, runner, tmp_path):
    make_partner("Mitra 1")
    good = _head_anchor(runner)
    kept = tmp_path / "anchors.txt"
    kept.write_text(f"{good}\nRP-2027-001 minutes\n")
    result = runner.invoke(args=["audit", "verify", "--anchors", str(kept)])
    assert result.exit_code == 2
    assert "--anchors" in result.output and "line 2" in result.output and "RP-2027-001 minutes" in result.output
    missing = runner.invoke(args=["audit", "verify", "--anchors", str(tmp_path / "nowhere.txt")])
    assert missing.exit_code == 2 and "cannot read" in missing.output


# ---- where anchors are published ----

@pytest.fixture
def closed_meeting(app_context):
    from govtrack.forums import services as forums

    forum = forums.create_forum(actor="test", data=forums.ForumData(
        name="Forum Rembug Pusat", kind="rembug_pusat", code="RP", all_members=True, voter_ids=[]))
    meeting = forums.create_meeting(actor="test", forum=forum, title="Rapat Maret", starts_at=NOW, location="Balai")
    forums.set_minutes(actor="test", meeting=meeting, text="Rapat dibuka pukul 09.00.")
    forums.open_meeting(actor="test", meeting=meeting, now=NOW)
    forums.close_meeting(actor="test", meeting=meeting, now=NOW)
    db.session.commit()
    return meeting


def _printed_anchor(html: str) -> str:
    """The anchor as the print view shows it: inside the printed record, not in a screen-only part."""
    doc = lxml.html.fromstring(html)
    values = doc.xpath('//*[contains(@class, "audit-anchor-value")]')
    assert len(values) == 1
    assert not values[0].xpath('ancestor::*[contains(concat(" ", @class, " "), " no-print ")]')
    return values[0].text_content().strip()


def test_minutes_print_the_anchor_kept_when_the_meeting_closed(closed_meeting, client, sign_in, make_partner,
                                                               runner):
    from govtrack.forums import services as forums

    at_close = _head_anchor(runner)
    sign_in("board")
    url = f"/forums/meetings/{closed_meeting.id}"
    assert _printed_anchor(client.get(url).get_data(as_text=True)) == at_close

    make_partner("Mitra sesudah rapat")  # the chain grows; the printed minutes keep their anchor
    assert _head_anchor(runner) != at_close
    assert _printed_anchor(client.get(url).get_data(as_text=True)) == at_close

    forums.approve_minutes(actor="test", meeting=db.session.merge(closed_meeting))
    db.session.commit()
    at_approval = _head_anchor(runner)
    assert _printed_anchor(client.get(url).get_data(as_text=True)) == at_approval
    # Both anchors ever printed are kept, and verify checks them without being told.
    result = runner.invoke(args=["audit", "verify", "--anchor", at_close, "--anchor", at_approval])
    assert result.exit_code == 0, result.output


def test_a_meeting_under_way_prints_the_head_now(app, client, sign_in, runner):
    from govtrack.forums import services as forums

    forum = forums.create_forum(actor="test", data=forums.ForumData(
        name="Pengurus", kind="board", code="PG", all_members=True, voter_ids=[]))
    meeting = forums.create_meeting(actor="test", forum=forum, title="Rapat", starts_at=NOW, location=None)
    db.session.commit()
    sign_in("board")
    html = client.get(f"/forums/meetings/{meeting.id}").get_data(as_text=True)
    assert _printed_anchor(html) == _head_anchor(runner)


def test_verify_checks_the_anchors_kept_for_minutes(app_context, closed_meeting, make_partner, runner):
    """An attacker who cuts the tail but forgets the kept anchors is caught without --anchor."""
    at_close = _head_anchor(runner)
    make_partner("Mitra 1")
    # Cut back to the row before the close, with a head row as a backup of that time would hold it.
    seq = int(at_close.split(":")[0]) - 1
    hash_ = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.id == seq))
    _cut_tail_to((seq, hash_, _head_mac(seq, hash_)))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0 and f"does not reach anchor {at_close}" in result.output


def test_the_public_feed_and_the_registers_carry_the_head(closed_meeting, client, sign_in, runner):
    anchor = _head_anchor(runner)
    feed = client.get("/published/feed.atom")
    assert feed.status_code == 200
    assert f"Audit log anchor: {anchor}" in feed.get_data(as_text=True)
    public_register = client.get("/published/decisions").get_data(as_text=True)
    assert _printed_anchor(public_register) == anchor
    sign_in("board")  # creating the board user is an audit event too
    register = client.get("/forums/decisions").get_data(as_text=True)
    assert _printed_anchor(register) == _head_anchor(runner) != anchor
