"""Time every main page and API list, for each role, at scale S and at scale L, in-process.

    .venv/bin/python benchmarks/pages.py                 # generates benchmarks/out/scale-{S,L}.sqlite3 if missing
    .venv/bin/python benchmarks/pages.py --scales XS S   # any scales of benchmarks/generate.py
    .venv/bin/python benchmarks/pages.py -n 40           # requests per measurement (after 3 warm-ups)

Each (page, role) is requested 3 times to warm up, then n times through app.test_client(); the time
is taken around the request in the same process (server side: no network, no browser). Queries are
counted with a before_cursor_execute listener. Roles that are refused a page (403, or a redirect to
the login) are left out. The network answers are cached (files under the instance folder), keyed
by the data versions of the tables they are read from (govtrack.core.versions), what the user may
see and the request's arguments: "cold" is the first request after that cache is emptied (5 runs,
each emptying it again: the whole network is read and measured); "warm" a request
while none of those tables has changed since (the ordinary warm-ups and n runs), the state a
network page is in between two edits of agreements, partners or meetings.
Targets at L: median <= 30 ms, p95 <= 60 ms, queries(L) == queries(S), L <= 1.5 x S.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402

from benchmarks.generate import default_url, generate, users_file  # noqa: E402
from benchmarks.harness import percentile, print_table  # noqa: E402

CLOCK = "cpu"  # or "wall"; see --clock
ROLES = ("admin", "board", "manager", "member", "anonymous")
WARMUP = 3
COLD_RUNS = 5  # cold network answers per (page, role), each after emptying the cache
ONLY = None


def pick_ids(app) -> dict:
    """Ids of ordinary objects to open: a partner with agreements, a public active agreement, a
    closed central-forum meeting with an ordinary number of motions, a member name to search."""
    from govtrack.agreements.models import Agreement, AgreementParty
    from govtrack.audit.models import AuditEvent
    from govtrack.extensions import db
    from govtrack.forums.models import Decision, Meeting
    from govtrack.members.models import Member

    with app.app_context():
        n_ag = db.session.scalar(select(Agreement.id).order_by(Agreement.id.desc()).limit(1))
        agreement = db.session.scalar(
            select(Agreement.id).where(Agreement.status == "active", Agreement.visibility == "public",
                                       Agreement.id >= n_ag // 2).order_by(Agreement.id).limit(1))
        partner = db.session.scalar(select(AgreementParty.partner_id).where(AgreementParty.agreement_id == agreement))
        closed = select(Meeting.id).where(Meeting.forum_id == 1, Meeting.status == "closed")
        meeting = db.session.scalar(closed.order_by(Meeting.starts_at.desc()).offset(5).limit(1)) or \
            db.session.scalar(closed.order_by(Meeting.starts_at.desc()).limit(1))
        name, number = db.session.execute(select(Member.name, Member.number).order_by(Member.id.desc()).limit(1)).one()
        reference = db.session.scalar(select(Agreement.reference).where(Agreement.id == agreement))
        audited_member = db.session.scalar(
            select(AuditEvent.object_id).where(AuditEvent.object_type == "member").order_by(AuditEvent.id.desc())
            .limit(1)) or 1
        # The decision that approved the public agreement opened above: every role may read it.
        decision, year = db.session.execute(
            select(Decision.id, Decision.year).where(Decision.agreement_id == agreement)
            .order_by(Decision.id.desc()).limit(1)).one()
        # the latest members' meeting (forum 5: every member votes, its roll is the whole roster)
        rat = db.session.scalar(select(Meeting.id).where(Meeting.forum_id == 5, Meeting.status == "closed")
                                .order_by(Meeting.starts_at.desc()).limit(1))
        db.session.remove()
    two_years_ago = dt.date.today() - dt.timedelta(days=730)
    month = (two_years_ago.replace(day=1).isoformat(), (two_years_ago.replace(day=1) + dt.timedelta(days=30)).isoformat())
    return {"audited_member": audited_member, "month": month, "agreement": agreement, "partner": partner,
            "meeting": meeting, "decision": decision, "year": year, "rat": rat,
            "search": name.split()[1], "prefix": name.split()[0], "number": number, "reference": reference}


def pages(ids: dict) -> list[tuple[str, str, bool]]:
    """(label, url, api) for every main page and API list."""
    a, p, m = ids["agreement"], ids["partner"], ids["meeting"]
    return [
        ("floor: /healthz", "/healthz", False),
        ("home", "/", False),
        ("partners list", "/partners/", False),
        ("partner detail", f"/partners/{p}", False),
        ("agreements list", "/agreements/", False),
        ("agreement detail", f"/agreements/{a}", False),
        ("members list", "/members/", False),
        # A first name and a surname, each shared by 1/30 and 1/20 of the roster (9,000 and 14,000
        # members at L), found by any word of the name; and the API's `contains` (any part).
        ("members search (first name)", f"/members/?q={ids['prefix']}", False),
        ("members search (surname)", f"/members/?q={ids['search']}", False),
        ("members search (contains)", f"/members/?q={ids['search']}&contains=1", False),
        ("forums list", "/forums/", False),
        ("meetings list", "/forums/meetings", False),
        ("meeting page", f"/forums/meetings/{m}", False),
        ("decisions register", "/forums/decisions", False),
        ("decisions register (year, effect)", f"/forums/decisions?year={ids['year']}&effect=approve", False),
        ("decisions register (agreement words)", "/forums/decisions?q=air+bersih", False),
        ("decisions register (reference)", f"/forums/decisions?q={ids['reference']}", False),
        ("decision page", f"/forums/decisions/{ids['decision']}", False),
        ("obligations dashboard", "/obligations/", False),
        ("obligations list", "/obligations/list", False),
        ("overdue list", "/obligations/list?status=overdue", False),
        ("network page (warm)", "/network/", False),
        ("portal list", "/published/", False),
        ("portal agreement", f"/published/{a}", False),
        ("portal decisions", "/published/decisions", False),
        # Search (the header's box): a first name shared by ~1/30 of the roster, an agreement's
        # reference, two words of clause text, a member number; the API across kinds and one kind.
        ("search page (first name)", f"/search?q={ids['prefix']}", False),
        ("search page (reference)", f"/search?q={ids['reference']}", False),
        ("search page (clause words)", "/search?q=sanitasi+layak", False),
        ("search page (member number)", f"/search?q={ids['number']}", False),
        ("API search (first name)", f"/api/v1/search?q={ids['prefix']}", True),
        ("API search (members, name)", f"/api/v1/search?q={ids['prefix']}+{ids['search']}&kind=member", True),
        # The audit log (admins): unfiltered, by user (e-mail, name), a month two years back, one
        # object's history, a rare action, the sign-in history (all, one user's).
        ("audit log", "/admin/audit/", False),
        ("audit log (user e-mail)", "/admin/audit/?user=board%40bench.test", False),
        ("audit log (user name)", "/admin/audit/?user=Bench+manager", False),
        ("audit log (a month)", f"/admin/audit/?from={ids['month'][0]}&to={ids['month'][1]}", False),
        ("audit log (a month, user)", f"/admin/audit/?from={ids['month'][0]}&to={ids['month'][1]}"
                                      "&user=manager%40bench.test", False),
        ("audit log (object)", f"/admin/audit/?object_type=member&object_id={ids['audited_member']}", False),
        ("audit log (action)", "/admin/audit/?action=user.sign_in_failed", False),
        ("sign-in history", "/admin/audit/?view=sign_ins", False),
        ("sign-in history (user)", "/admin/audit/?view=sign_ins&user=member%40bench.test", False),
        ("API partners", "/api/v1/partners", True),
        ("API agreements", "/api/v1/agreements", True),
        ("API members", "/api/v1/members", True),
        ("API meetings", "/api/v1/meetings", True),
        ("API decisions", "/api/v1/decisions", True),
        ("API decision", f"/api/v1/decisions/{ids['decision']}", True),
        ("API obligations", "/api/v1/obligations", True),
        ("API network (warm)", "/api/v1/network", True),
        ("API public agreements", "/api/v1/public/agreements", True),
        # The voters' roll fixed at opening (issue 17): a central meeting (a named list of a few
        # hundred) and the members' meeting (its roll is the whole roster, 270,000 at L).
        ("voters: register (central)", f"/forums/meetings/{m}/voters", False),
        ("voters: members' meeting page", f"/forums/meetings/{ids['rat']}", False),
        ("voters: register (members' meeting)", f"/forums/meetings/{ids['rat']}/voters", False),
        ("voters: roll call (members' meeting)", f"/forums/meetings/{ids['rat']}/roll-call", False),
        ("voters: API roll (members' meeting)", f"/api/v1/meetings/{ids['rat']}/voters", True),
        ("voters: picker search (surname)", f"/forums/voters/search?q={ids['search']}", False),
    ]


COLD = {"network page (warm)": "network page (cold)", "API network (warm)": "API network (cold)"}


def measure(url: str, n: int) -> list[dict]:
    from benchmarks.generate import make_app
    from govtrack.extensions import db

    info = json.loads(users_file(url).read_text())
    instance = Path(tempfile.mkdtemp(prefix="gt-pages-"))
    app = make_app(url, instance)
    app.config["WTF_CSRF_ENABLED"] = False
    ids = pick_ids(app)
    counter = {"n": 0}
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *a, **k: counter.__setitem__("n", counter["n"] + 1))
    cache_dir = instance / "cache"

    clients = {}
    for role in ROLES:
        c = app.test_client()
        if role != "anonymous":
            u = info["users"][role]
            r = c.post("/login", data={"email": u["email"], "password": u["password"]})
            assert r.status_code in (302, 303), (role, r.status_code)
        clients[role] = c
    tokens = {role: info["users"][role]["token"] for role in ROLES if role != "anonymous"}
    gc.freeze()  # as govtrack/wsgi.py does in every worker once the app is built

    def get(role, path, api):
        headers = {"Authorization": f"Bearer {tokens[role]}"} if api and role != "anonymous" else {}
        counter["n"] = 0
        t0, c0 = time.perf_counter(), time.thread_time()
        r = clients[role].get(path, headers=headers)
        ms, cpu = (time.perf_counter() - t0) * 1000, (time.thread_time() - c0) * 1000
        return r.status_code, (cpu if CLOCK == "cpu" else ms, ms), counter["n"]

    results = []
    for label, path, api in pages(ids):
        if ONLY and ONLY not in label:
            continue
        for role in ROLES:
            status, _, _ = get(role, path, api)
            if status in (401, 403) or 300 <= status < 400:
                continue
            assert status == 200, (label, role, status, path)
            if label in COLD:
                times, walls, queries = [], [], []
                for _ in range(COLD_RUNS):
                    shutil.rmtree(cache_dir, ignore_errors=True)
                    _, (ms, wall), q = get(role, path, api)
                    times.append(ms)
                    walls.append(wall)
                    queries.append(q)
                results.append({"page": COLD[label], "role": role, "median": statistics.median(times),
                                "p95": percentile(times, 95), "wall": statistics.median(walls),
                                "queries": max(queries), "n": len(times)})
            for _ in range(WARMUP):
                get(role, path, api)
            times, walls, queries = [], [], []
            for _ in range(n):
                _, (ms, wall), q = get(role, path, api)
                times.append(ms)
                walls.append(wall)
                queries.append(q)
            results.append({"page": label, "role": role, "median": statistics.median(times),
                            "p95": percentile(times, 95), "wall": statistics.median(walls),
                            "queries": max(queries), "n": n})
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(instance, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs=2, default=["S", "L"])
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--clock", choices=["cpu", "wall"], default="cpu",
                        help="cpu: the request thread's CPU time (server work, robust on a busy machine; "
                             "SQLite runs in this thread); wall: elapsed time")
    parser.add_argument("--only", help="only pages whose label contains this")
    parser.add_argument("--database-url", help="a database URL with {scale} in it (e.g. PostgreSQL: "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/govtrack_bench_{scale}); default: "
                        "benchmarks/out/scale-{scale}.sqlite3. With PostgreSQL use --clock wall: the queries "
                        "run in the server's processes, not in the request's thread")
    parser.add_argument("--measure-into", nargs=2, metavar=("URL", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    global CLOCK, ONLY
    CLOCK, ONLY = args.clock, args.only
    if args.measure_into:
        url, out = args.measure_into
        Path(out).write_text(json.dumps(measure(url, args.n)))
        return
    small, large = args.scales
    runs = {}
    for scale in (small, large):
        url = args.database_url.format(scale=scale.lower()) if args.database_url else default_url(scale)
        if not users_file(url).exists():
            print(f"generating scale {scale} ...", file=sys.stderr)
            generate(url, scale)
        # Each scale in a fresh process, as a fresh worker would be: what one run leaves in memory
        # (and the garbage collector then walks) must not slow the next.
        with tempfile.NamedTemporaryFile(suffix=".json") as fh:
            cmd = [sys.executable, __file__, "-n", str(args.n), "--clock", args.clock,
                   "--measure-into", url, fh.name] + (["--only", args.only] if args.only else [])
            subprocess.run(cmd, check=True)
            runs[scale] = {(r["page"], r["role"]): r for r in json.loads(Path(fh.name).read_text())}
    rows, misses = [], []
    for key, s in runs[small].items():
        big = runs[large].get(key)
        if big is None:
            continue
        ratio = big["median"] / s["median"] if s["median"] else float("nan")
        ok_time = big["median"] <= 30 and big["p95"] <= 60
        ok_q = big["queries"] == s["queries"]
        ok_ratio = ratio <= 1.5
        floor_or_cold = key[0].startswith("floor") or "(cold)" in key[0]
        flag = "" if (ok_time and ok_q and ok_ratio) else "MISS"
        if flag and not floor_or_cold:
            misses.append(key)
        rows.append([key[0] + ("" if big["n"] >= args.n else f" [n={big['n']}]"), key[1], f"{s['median']:.1f}", f"{s['p95']:.1f}", s["queries"],
                     f"{big['median']:.1f}", f"{big['p95']:.1f}", big["queries"], f"{ratio:.2f}",
                     f"{big['wall']:.1f}", flag])
    py = platform.python_version()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    mem = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    engine = "PostgreSQL" if args.database_url and args.database_url.startswith("postgresql") else "SQLite"
    print(f"machine: nproc {nproc}; {mem[1] if len(mem) > 1 else ''}; Python {py}; {engine}; "
          f"n={args.n} after {WARMUP} warm-ups; clock={CLOCK}; load average at the end {' '.join(load)}")
    print_table(["page", "role", f"{small} med ms", f"{small} p95", f"{small} q", f"{large} med ms", f"{large} p95",
                 f"{large} q", "L/S", f"{large} wall med", ""], rows)
    print(f"{len(misses)} misses" + (": " + ", ".join(f"{p} ({r})" for p, r in misses) if misses else ""))
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "misses": misses}, indent=1))


if __name__ == "__main__":
    main()
