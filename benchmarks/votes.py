"""Benchmark: 5,000 members; record 5,000 roll-call votes in one API request; close that motion;
open the meeting page. Prints a table of timings.

    .venv/bin/python benchmarks/votes.py                    # a temporary SQLite file
    GOVTRACK_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/gt_bench \
        .venv/bin/python benchmarks/votes.py                # an (emptied) PostgreSQL database
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

N = int(os.environ.get("BENCH_MEMBERS", "5000"))
PASSWORD = "governance load-test passphrase"  # no part of the users' names (issue 11)


def main() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, insert, text

    from govtrack import create_app
    from govtrack.auth.services import create_user, issue_token
    from govtrack.extensions import db
    from govtrack.members.models import Member

    tmp = Path(tempfile.mkdtemp(prefix="gt-bench-"))
    url = os.environ.get("GOVTRACK_BENCH_DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench", "AUDIT_KEY": "bench",
        "RATELIMIT_STORAGE_URI": "memory://", "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1, "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute",
        "BABEL_DEFAULT_LOCALE": "en",
    })
    rows: list[tuple[str, float, str]] = []

    def timed(label: str, fn, note: str = ""):
        start = time.perf_counter()
        result = fn()
        rows.append((label, time.perf_counter() - start, note))
        return result

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        user = create_user(actor="bench", email="board@bench.test", name="Board", role="board", password=PASSWORD)
        token = issue_token(actor="bench", user=user)
        now = dt.datetime.now(dt.UTC)
        db.session.execute(insert(Member), [
            {"number": f"B{i:07d}", "name": f"Anggota {i}", "group_name": f"Rembug {i // 25:04d}", "active": True,
             "investor": False, "created_at": now, "updated_at": now} for i in range(N)])
        db.session.commit()
        member_ids = [r[0] for r in db.session.execute(text("SELECT id FROM members ORDER BY id"))]
        db.session.remove()

    client = app.test_client()
    auth = {"Authorization": f"Bearer {token}"}

    def ok(resp, status=200):
        assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:500])
        return resp.get_json()

    forum = ok(client.post("/api/v1/forums", headers=auth, json={"name": "Forum Rembug Pusat", "kind": "rembug_pusat"}), 201)
    meeting = ok(client.post("/api/v1/meetings", headers=auth, json={
        "forum_id": forum["id"], "title": "Rapat besar", "starts_at": now.isoformat()}), 201)
    ok(client.post(f"/api/v1/meetings/{meeting['id']}/open", headers=auth))
    attendance = [{"member_id": m, "status": "present"} for m in member_ids]
    timed(f"attendance: {N:,} members in one PUT",
          lambda: ok(client.put(f"/api/v1/meetings/{meeting['id']}/attendance", headers=auth, json=attendance)))
    motion = ok(client.post(f"/api/v1/meetings/{meeting['id']}/motions", headers=auth,
                            json={"title": "Usul", "text": "Forum menyetujui."}), 201)
    choices = ["yes", "yes", "no", "abstain"]
    votes = {"votes": [{"member_id": m, "choice": choices[i % 4]} for i, m in enumerate(member_ids)]}
    result = timed(f"votes: {N:,} roll-call votes in one POST",
                   lambda: ok(client.post(f"/api/v1/motions/{motion['id']}/votes", headers=auth, json=votes)))
    assert result["recorded"] == N
    again = timed("resubmit one vote (409, nothing recorded)",
                  lambda: client.post(f"/api/v1/motions/{motion['id']}/votes", headers=auth,
                                      json={"votes": votes["votes"][:1]}))
    assert again.status_code == 409
    closed = timed("close the motion", lambda: ok(client.post(f"/api/v1/motions/{motion['id']}/close", headers=auth)))
    rows[-1] = (*rows[-1][:2], f"{closed['outcome']}: {closed['yes']}/{closed['no']}/{closed['abstain']}")

    page = client.get("/login")
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))
    client.post("/login", data={"email": "board@bench.test", "password": PASSWORD,
                                "csrf_token": csrf.group(1) if csrf else ""})
    html = timed(f"meeting page with {N:,} votes (HTML)",
                 lambda: client.get(f"/forums/meetings/{meeting['id']}"))
    assert html.status_code == 200, html.status_code
    rows[-1] = (*rows[-1][:2], f"{len(html.get_data()) // 1024:,} KiB")
    timed("meeting page again (warm)", lambda: client.get(f"/forums/meetings/{meeting['id']}"))
    timed("motion API with votes", lambda: ok(client.get(f"/api/v1/motions/{motion['id']}", headers=auth)))

    db_name = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(f"\ngovtrack votes benchmark · {db_name} · {N:,} members\n")
    print(f"| {'step':<45} | {'seconds':>8} | note")
    print(f"|{'-' * 47}|{'-' * 10}|------")
    for label, seconds, note in rows:
        print(f"| {label:<45} | {seconds:8.3f} | {note}")


if __name__ == "__main__":
    main()
