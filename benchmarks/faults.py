"""Faults under load: `kill -9` gunicorn workers in the middle of writes, take `flask backup` while
the writes go on, then check the live database and the restored backup.

    .venv/bin/python benchmarks/faults.py                       # SQLite, 4 workers, 50 users, 30 s
    .venv/bin/python benchmarks/faults.py --db postgres --redis # PostgreSQL (+ Redis)

While the users run (half of their requests writes: votes on the same motions, partners, agreement
edits, fulfilments) a decider tables motions on fresh draft agreements, votes on them and closes
them, so decisions and their effects are being written when a worker dies. Checks afterwards, on
the live database and on the restored backup (SQLite: the file itself; PostgreSQL: pg_restore into
a fresh database): PRAGMA integrity_check and foreign_key_check (SQLite), no orphan row under any
foreign key, every carried motion has exactly one decision and every decision a carried motion,
every decision's effects happened and every approved agreement has its approvals, votes unique and
in the audit log, payments add up, `flask audit verify` exits 0. On the live database also: every
acknowledged vote stored once, no vote stored that was neither acknowledged nor cut off by the kill,
and closing the motions gives counts equal to the rows.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402
from benchmarks.harness import _psql  # noqa: E402


class Decider(threading.Thread):
    """Cycles: a draft agreement, a motion to approve it, a few yes votes, the close (a decision)."""

    def __init__(self, base: str, s: load.Seed, rec: load.Record, stop: threading.Event):
        super().__init__(name="decider", daemon=True)
        self.http, self.s, self.rec, self.stop = load.Http(base), s, rec, stop
        self.cycles = self.decided = 0

    def req(self, kind: str, method: str, path: str, token: str, body=None) -> dict | None:
        start = time.perf_counter()
        status, data, _ = self.http.request(method, path, body=body, headers={"Authorization": f"Bearer {token}"})
        self.rec.outcomes.append(load.Outcome(kind, status, time.perf_counter() - start))
        if status in (200, 201):
            return load.json.loads(data)
        if status != 0:  # 0: cut off by the kill; the cycle is abandoned and checked in the database
            self.rec.surprises.append(f"{kind}: {method} {path} answered {status}: {data[:300]!r}")
        return None

    def run(self) -> None:
        s, board, manager = self.s, self.s.tokens["board"], self.s.tokens["manager"]
        partner = s.partner_id
        while not self.stop.is_set():
            self.cycles += 1
            n = self.cycles
            a = self.req("decider agreement", "POST", "/api/v1/agreements", manager, {
                "title": f"Perjanjian uji gangguan {n}", "reference": f"FAULT/{os.getpid()}/{n}", "kind": "grant",
                "parties": [{"partner_id": partner, "role": "funder"}], "summary": "Uji gangguan",
                "start_date": dt.date.today().isoformat(),
                "clauses": [{"number": "1", "text": "Hibah untuk pelatihan."},
                            {"number": "2", "text": "Laporan setiap triwulan."}]})
            if a is None:
                continue
            if self.req("decider agenda", "POST", f"/api/v1/meetings/{s.meeting_id}/agenda", board,
                        {"title": f"Hibah {n}", "agreement_id": a["id"]}) is None:
                continue
            m = self.req("decider motion", "POST", f"/api/v1/meetings/{s.meeting_id}/motions", board, {
                "title": f"Persetujuan hibah {n}", "text": "Forum menyetujui hibah.", "agreement_id": a["id"],
                "effect": "approve"})
            if m is None:
                continue
            voters = s.member_ids[(n * 3) % len(s.member_ids):][:3] or s.member_ids[:3]
            if self.req("decider votes", "POST", f"/api/v1/motions/{m['id']}/votes", board,
                        {"votes": [{"member_id": v, "choice": "yes"} for v in voters]}) is None:
                continue
            closed = self.req("decider close", "POST", f"/api/v1/motions/{m['id']}/close", board)
            if closed is not None and closed["outcome"] == "carried":
                self.decided += 1
        self.http.close()


def run(opts: load.Options, *, kills: int = 3, quiet: bool = False) -> list[str]:
    stack = load.Stack(opts)
    restored_url = None
    try:
        s = load.seed(stack)
        base = stack.server.base
        server = stack.server
        backup_path = stack.env.workdir / ("backup.sqlite3" if opts.db == "sqlite" else "backup.dump")
        events: list[str] = []
        stop_decider = threading.Event()
        decider = Decider(base, s, None, stop_decider)

        def during(rec: load.Record, deadline: float) -> None:
            decider.rec = rec
            decider.start()
            start = time.perf_counter()
            span = deadline - start
            # Kills spread over the run; the backup between the first and the second.
            marks = [start + span * (i + 1) / (kills + 2) for i in range(kills)]
            backup_at = start + span * 1.5 / (kills + 2)
            plan = sorted([(t, "kill") for t in marks] + [(backup_at, "backup")])
            for when, what in plan:
                while time.perf_counter() < when:
                    time.sleep(0.02)
                if what == "kill":
                    pids = server.worker_pids()
                    victim = pids[len(events) % len(pids)]
                    os.kill(victim, signal.SIGKILL)
                    events.append(f"killed worker {victim} at {time.perf_counter() - start:.1f} s")
                    # gunicorn's arbiter notices and forks a new worker
                    until = time.perf_counter() + 60
                    while time.perf_counter() < until:
                        now = server.worker_pids()
                        if victim not in now and len(now) == opts.workers:
                            events.append(f"respawned: {sorted(now)}")
                            break
                        time.sleep(0.05)
                    else:
                        events.append("NOT respawned")
                else:
                    # `flask backup PATH`, the click command itself, run in this process.
                    t = time.perf_counter()
                    with stack.app.app_context():
                        out = stack.app.test_cli_runner().invoke(args=["backup", str(backup_path)])
                    events.append(f"flask backup exit {out.exit_code} in {time.perf_counter() - t:.1f} s "
                                  f"at {t - start:.1f} s {out.output.strip()[-300:]}")

        rec = load.run_users(base, s, opts, seconds=opts.seconds, faults=True, during=during)
        stop_decider.set()
        decider.join(timeout=120)
        problems = load.server_errors(rec) + rec.surprises[:20]
        problems += [e for e in events if "NOT respawned" in e or ("backup exit" in e and "exit 0" not in e)]
        if sum("killed" in e for e in events) != kills:
            problems.append(f"only {sum('killed' in e for e in events)} of {kills} kills happened")
        vp, tallies = load.vote_checks(stack.app, rec, s.motion_ids)
        problems += vp
        problems += load.db_checks(stack.app)
        problems += load.audit_verify(stack)
        problems += load.close_and_compare(base, s, tallies)
        stack.server.stop()

        # The backup, restored.
        if not backup_path.exists():
            problems.append("no backup was written")
            restored = []
        else:
            if opts.db == "sqlite":
                restored_path = stack.env.workdir / "restored.sqlite3"
                shutil.copyfile(backup_path, restored_path)
                restored_url = f"sqlite:///{restored_path}"
            else:
                restored_url = stack.env.url + "_restored"
                admin = stack.env.url.rsplit("/", 1)[0] + "/postgres"
                name = restored_url.rsplit("/", 1)[1]
                _psql(admin, f"DROP DATABASE IF EXISTS {name}")
                _psql(admin, f"CREATE DATABASE {name}")
                subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "--dbname",
                                restored_url.replace("postgresql+psycopg://", "postgresql://"), str(backup_path)],
                               check=True, capture_output=True, text=True)
            app2 = load.make_app(restored_url, stack.env.workdir / "restored")
            restored = [f"restored backup: {p}" for p in load.db_checks(app2) + load.audit_verify(stack, app=app2)]
            with app2.app_context():
                from sqlalchemy import text

                from govtrack.extensions import db

                counts = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                          for t in ("audit_events", "votes", "decisions", "partners")}
            load.dispose(app2)
            events.append(f"restored backup holds {counts}")
            if not counts["votes"]:
                restored.append("restored backup: no votes in it (taken before the load?)")
        problems += restored
        if not quiet:
            load.print_report(rec, opts, label=f"faults · {opts.db}{' + Redis' if opts.redis else ''}")
            print(f"decider: {decider.cycles} cycles, {decider.decided} decisions carried")
            for e in events:
                print(" ·", e)
        return problems
    finally:
        if restored_url and opts.db == "postgres":
            with contextlib.suppress(Exception):
                _psql(stack.env.url.rsplit("/", 1)[0] + "/postgres",
                      f"DROP DATABASE IF EXISTS {restored_url.rsplit('/', 1)[1]} WITH (FORCE)")
        stack.close()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--redis", action="store_true")
    p.add_argument("--members", type=int, default=2000)
    p.add_argument("--kills", type=int, default=3)
    p.add_argument("--write-share", type=float, default=0.5)
    a = p.parse_args(argv)
    opts = load.Options(db=a.db, workers=a.workers, users=a.users, seconds=a.seconds, redis=a.redis,
                        members=a.members, write_share=a.write_share)
    problems = run(opts, kills=a.kills)
    if problems:
        print("\nPROBLEMS:")
        for pr in problems:
            print(" -", pr)
        return 1
    print("\nafter the kills and on the restored backup: integrity ok, no orphans, decisions whole, "
          "no lost or doubled vote, audit chain intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
