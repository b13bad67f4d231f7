"""Benchmark: the roll-up of the rembug pusat's positions on an agreement's clauses (issue 15).

Takes a database made by generate.py (it is migrated to the head first, so on one made before
0017_centres this also times turning its 280,000 members' groups into centres), puts one agreement
with 5 clauses under deliberation, records positions of --centres centres on each clause (some
superseded by a later one, as history), then times the roll-up: the query function alone and the
API's GET /api/v1/agreements/{id}/positions, each --runs times. Then the pages where the forum
decides (issue 15, item 3): a meeting of the Forum Rembug Pusat is scheduled with the agreement on
its agenda and a motion to approve it, and the board's GET of the motion page, the meeting page,
the agreement page and the chart (drawn, then cached) are timed with their query counts; the
roll-up part of them (rollup_page with the names of the centres not heard: its not-heard part
cached by the positions' data version) alone too, and that part uncached. Writes to
the database: use a copy. The users' passwords come from the generator's <database>.users.json.

    cp /work/bench/scale-L.sqlite3 /tmp/l.sqlite3
    .venv/bin/python benchmarks/positions.py --database-url sqlite:////tmp/l.sqlite3 --centres 8000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, insert, select, text  # noqa: E402

TEXTS = ["Margin 7 % per tahun.", "Margin 8 % per tahun.", "Tenor 36 bulan.", "Agunan cukup tanggung renteng.",
         "Angsuran mingguan di pertemuan rembug.", "Plafon per anggota Rp 5.000.000."]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--centres", type=int, default=8000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from benchmarks.generate import make_app, users_file
    from govtrack.agreements.models import Agreement, Clause
    from govtrack.auth.models import User
    from govtrack.auth.services import issue_token
    from govtrack.centres.charts import rollup_chart
    from govtrack.centres.models import CentrePosition
    from govtrack.centres.queries import (
        _not_heard_by_region,
        _rollup_counts,
        clauses_of,
        rollup,
        rollup_page,
    )
    from govtrack.centres.services import text_key
    from govtrack.core.clock import utcnow
    from govtrack.extensions import db
    from govtrack.forums import services as forums
    from govtrack.forums.models import Forum
    from govtrack.members.models import Centre

    app = make_app(args.database_url, Path(tempfile.mkdtemp(prefix="gt-positions-")))
    with app.app_context():
        started = time.perf_counter()
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        print(f"migrated to the head in {time.perf_counter() - started:.1f} s", flush=True)
        centres = db.session.scalar(select(func.count()).select_from(Centre))
        # an agreement with at least 5 clauses, under deliberation (set directly: a benchmark's setup)
        agreement_id = db.session.scalar(
            select(Clause.agreement_id).group_by(Clause.agreement_id).having(func.count() >= 5)
            .order_by(Clause.agreement_id).limit(1))
        agreement = db.session.get(Agreement, agreement_id)
        agreement.status, agreement.deliberation = "under_deliberation", max(agreement.deliberation, 1)
        clauses = list(db.session.scalars(select(Clause.id).where(Clause.agreement_id == agreement_id)
                                          .order_by(Clause.number).limit(5)))
        db.session.execute(CentrePosition.__table__.delete().where(CentrePosition.agreement_id == agreement_id))
        rng = random.Random(15)
        ids = list(db.session.scalars(select(Centre.id).where(Centre.active.is_(True)).order_by(Centre.id)
                                      .limit(args.centres)))
        now = dt.datetime.now(dt.UTC)
        rows = []
        for centre_id in ids:
            for clause_id in clauses:
                for superseded in ([True, False] if rng.random() < 0.1 else [False]):
                    position = rng.choices(["support", "amend", "oppose"], [60, 25, 15])[0]
                    body = rng.choice(TEXTS) if position == "amend" else None
                    rows.append({"agreement_id": agreement_id, "deliberation": agreement.deliberation,
                                 "clause_id": clause_id, "centre_id": centre_id, "held_on": now.date(),
                                 "members_present": rng.randint(12, 25), "position": position, "text": body,
                                 "text_key": text_key(body) if body else None, "recorded_at": now,
                                 "superseded_at": now if superseded else None})
        for i in range(0, len(rows), 5000):
            db.session.execute(insert(CentrePosition), rows[i:i + 5000])
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE centre_positions"))
        else:
            db.session.execute(text("ANALYZE"))
        board = db.session.scalar(select(User).where(User.role == "board").order_by(User.id).limit(1))
        token = issue_token(actor="bench", user=board)
        db.session.commit()
        print(f"{centres} centres; {len(ids)} gave positions on {len(clauses)} clauses: {len(rows)} rows "
              f"(the superseded kept)", flush=True)

        def timed(fn) -> list[float]:
            fn()  # warm
            out = []
            for _ in range(args.runs):
                t = time.perf_counter()
                fn()
                out.append((time.perf_counter() - t) * 1000)
                db.session.rollback()
            return out

        fn_ms = timed(lambda: rollup(db.session.get(Agreement, agreement_id)))
        page_ms = timed(lambda: rollup_page(db.session.get(Agreement, agreement_id), names=True))
        # the not-heard regions and names as computed when the cache misses (after any new position)
        clause_ids = [r.clause.id for r in rollup(db.session.get(Agreement, agreement_id))]
        counts_ms = timed(lambda: _rollup_counts(db.session.get(Agreement, agreement_id), agreement.deliberation,
                                                 clauses_of(db.session.get(Agreement, agreement_id))))
        cold_ms = timed(lambda: _not_heard_by_region(db.session.get(Agreement, agreement_id),
                                                     agreement.deliberation, clause_ids, True))
        rows = rollup(db.session.get(Agreement, agreement_id))
        with app.test_request_context(headers={"Accept-Language": "id"}):
            draw_ms = timed(lambda: rollup_chart(rows))  # what a chart costs when it is not cached yet
        # the deciding forum's meeting, with the agreement on its agenda and a motion to approve it
        forum = db.session.scalar(select(Forum).where(Forum.kind == "rembug_pusat").order_by(Forum.id).limit(1))
        meeting = forums.create_meeting(actor="bench", forum=forum, title="Rembug pusat (benchmark)",
                                        starts_at=utcnow() + dt.timedelta(days=7), location="Balai")
        forums.add_agenda_item(actor="bench", meeting=meeting, title="Kredit", agreement_id=agreement_id)
        motion = forums.create_motion(actor="bench", meeting=meeting, data=forums.MotionData(
            title="Setujui", text="Menyetujui perjanjian.", effect="approve", agreement_id=agreement_id))
        db.session.commit()
        meeting_id, motion_id = meeting.id, motion.id
    client = app.test_client()
    url = f"/api/v1/agreements/{agreement_id}/positions"

    def api():
        resp = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200, resp.status_code

    with app.app_context():
        api_ms = timed(api)
    for name, ms in (("rollup() query function", fn_ms), ("rollup_page(names=True) query function", page_ms),
                     ("the roll-up's counts, uncached", counts_ms), ("not heard by region with names, uncached", cold_ms),
                     ("the chart drawn (uncached)", draw_ms), (f"GET {url}", api_ms)):
        print(f"{name}: median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms ({args.runs} runs)")

    board_user = json.loads(users_file(args.database_url).read_text())["users"]["board"]
    app.config["WTF_CSRF_ENABLED"] = False
    pages = app.test_client()
    resp = pages.post("/login", data={"email": board_user["email"], "password": board_user["password"]})
    assert resp.status_code in (302, 303), resp.status_code
    counter = {"n": 0}
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: counter.__setitem__("n", counter["n"] + 1))

    def page(path: str):
        def get():
            counter["n"] = 0
            resp = pages.get(path, headers={"Accept-Language": "id"})
            assert resp.status_code == 200, (path, resp.status_code)
        return get

    chart = f"/centres/rollup/{agreement_id}.png"
    for name, path in (("motion page", f"/forums/motions/{motion_id}"), ("meeting page", f"/forums/meetings/{meeting_id}"),
                       ("agreement page", f"/agreements/{agreement_id}"), ("chart (cached)", chart),
                       ("decision register", "/forums/decisions")):
        with app.app_context():
            ms = timed(page(path))
        print(f"GET {path} ({name}): median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms, "
              f"{counter['n']} queries ({args.runs} runs)")


if __name__ == "__main__":
    main()
