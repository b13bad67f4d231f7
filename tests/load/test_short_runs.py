"""Short forms of benchmarks/load.py and benchmarks/faults.py: gunicorn with 2 workers, 8 users for a
few seconds, on the suite's database kind (SQLite; PostgreSQL in a fresh database next to
GOVTRACK_TEST_DATABASE_URL when it is set). They assert the invariants, never timings: no 5xx, no
lost, doubled or unacknowledged vote, tallies equal to the rows, integrity and foreign keys, whole
decisions, payments that add up, an intact audit chain; after kill -9 of a worker and on a restored
`flask backup` taken during the writes."""

from __future__ import annotations

import os
import shutil

import pytest

from benchmarks import faults, load

TEST_DB_URL = os.environ.get("GOVTRACK_TEST_DATABASE_URL")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("pgrep") is None, reason="needs pgrep to find gunicorn's workers"),
]


def _options(**kw) -> load.Options:
    if TEST_DB_URL:
        kw.update(db="postgres", postgres_url=TEST_DB_URL)
    return load.Options(workers=2, users=8, members=120, motions=3, **kw)


def test_short_load_keeps_every_vote_and_the_audit_chain():
    problems = load.run(_options(seconds=4), quiet=True)
    assert problems == []


def test_short_faults_kill_a_worker_and_restore_a_backup_taken_under_writes():
    if TEST_DB_URL and shutil.which("pg_restore") is None:
        pytest.skip("pg_restore is not installed")
    problems = faults.run(_options(seconds=6, write_share=0.5), kills=1, quiet=True)
    assert problems == []
