"""Several processes vote, resubmit and close on one motion at once, against the test database
(SQLite file or PostgreSQL): every accepted vote is stored exactly once, duplicates are refused,
nothing fails with an unexpected error, and the closed counts equal the stored rows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from govtrack.extensions import db
from govtrack.forums.models import Motion, Vote

WORKER = Path(__file__).with_name("vote_worker.py")


def _spawn(database_url, tmp_path, barrier, motion_id, items):
    return subprocess.Popen(
        [sys.executable, str(WORKER), database_url, str(tmp_path), str(barrier), str(motion_id), *items],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )


def _run(procs) -> list[dict]:
    results = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


@pytest.fixture
def voting_motion(make_forum, make_members, make_meeting, make_motion):
    members = make_members(40)
    meeting = make_meeting(make_forum(), present=members)
    motion = make_motion(meeting)
    ids = motion.id, [m.id for m in members]
    # End this session's transaction: on SQLite it would hold the write lock the workers need.
    db.session.rollback()
    return ids


@pytest.mark.slow
def test_concurrent_votes_and_resubmissions_are_stored_once(database_url, tmp_path, voting_motion):
    motion_id, members = voting_motion
    barrier = tmp_path / "go"
    choices = ["yes", "no", "abstain"]
    items = [f"{m}:{choices[i % 3]}" for i, m in enumerate(members)]
    # Four workers; every member's vote is submitted by two of them (a resubmission race).
    chunks = [items[0::2] + items[1::4], items[1::2] + items[0::4], items[0::2][::-1], items[1::2][::-1]]
    procs = [_spawn(database_url, tmp_path, barrier, motion_id, c) for c in chunks]
    barrier.touch()
    results = _run(procs)
    db.session.rollback()

    assert [r["errors"] for r in results] == [[], [], [], []]
    accepted = [item for r in results for item in r["accepted"]]
    refused = sum(n for r in results for n in r["refused"].values())
    assert set(results[0]["refused"]) | set(results[1]["refused"]) <= {"duplicate_vote"}
    assert len(accepted) == len(set(accepted)) == len(members)  # each member accepted exactly once
    assert refused == sum(len(c) for c in chunks) - len(members)
    db.session.expire_all()
    rows = db.session.execute(select(Vote.member_id, Vote.choice).where(Vote.motion_id == motion_id)).all()
    assert sorted(f"{m}:{c}" for m, c in rows) == sorted(accepted)


@pytest.mark.slow
def test_a_vote_racing_the_close_is_counted_before_it_or_refused(database_url, tmp_path, voting_motion):
    motion_id, members = voting_motion
    barrier = tmp_path / "go"
    items = [f"{m}:yes" for m in members]
    procs = [
        _spawn(database_url, tmp_path, barrier, motion_id, items[0::3]),
        _spawn(database_url, tmp_path, barrier, motion_id, items[1::3]),
        _spawn(database_url, tmp_path, barrier, motion_id, items[2::3][:3] + ["close"] + items[2::3][3:]),
    ]
    barrier.touch()
    results = _run(procs)
    db.session.rollback()
    assert [r["errors"] for r in results] == [[], [], []]
    assert "close" in results[2]["accepted"]
    for r in results:
        assert set(r["refused"]) <= {"motion_closed"}
    db.session.expire_all()
    m = db.session.get(Motion, motion_id)
    stored = db.session.scalar(select(func.count()).select_from(Vote).where(Vote.motion_id == motion_id))
    accepted_votes = sum(1 for r in results for item in r["accepted"] if item != "close")
    assert m.status == "closed"
    assert m.yes + m.no + m.abstain == stored == accepted_votes
