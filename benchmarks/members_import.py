"""Benchmark: import a 280,000-member roster CSV, then search it.

    .venv/bin/python benchmarks/members_import.py [--rows 280000] [--postgres URL] [--explain]

Generates the CSV (and a second one with 10% of the members changed and 1% new), then for a fresh
SQLite database (and, with --postgres, the given PostgreSQL database, whose public schema is
DROPPED and recreated: give it a scratch database) migrates it, and imports through the service
(govtrack.members.importer.import_members), each import in its own process so its peak memory is
its own. Then times the searches of the roster page. Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST = [
    "Siti", "Nur", "Dewi", "Sri", "Rina", "Yuni", "Ani", "Lina", "Euis", "Neng", "Tuti", "Wati", "Imas",
    "Iis", "Rohmah", "Fitri", "Endang", "Ratna", "Enung", "Yati", "Budi", "Asep", "Dadang", "Ujang",
    "Agus", "Hendra", "Dedi", "Iwan", "Cucu", "Entin", "Popon", "Titin", "Ai", "Elis", "Heni", "Lilis",
]
MIDDLE = ["", "", "", "Nur", "Siti", "Dwi", "Tri", "Eka", "Ayu", "Putri", "Sari", "Indah"]
LAST = [
    "Rahmawati", "Nurhayati", "Suryani", "Lestari", "Maryati", "Kurniasih", "Rohaeti", "Sumiati",
    "Handayani", "Jubaedah", "Komariah", "Permana", "Hidayat", "Saputra", "Kusnadi", "Setiawan",
    "Sulastri", "Fatimah", "Hasanah", "Mulyani", "Wulandari", "Susilawati", "Herawati", "Yulianti",
    "Purnamasari", "Anggraeni", "Nurjanah", "Sopiah", "Aisyah", "Badriah",
]
GROUP_SIZE = 25


def number(i: int) -> str:
    return f"KSP-{i // GROUP_SIZE:05d}-{i:06d}"


def group(i: int) -> str:
    return f"Rembug Pusat {i // GROUP_SIZE:05d}"


def write_csv(path: Path, rows: int, *, seed: int, changed: float = 0.0, extra: int = 0) -> None:
    rng = random.Random(seed)
    changes = random.Random(seed + 1)  # its own stream, so the unchanged rows come out identical
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["number", "name", "group", "joined_on", "active", "investor"])
        for i in range(rows + extra):
            name = " ".join(p for p in (rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(LAST)) if p)
            if changed and changes.random() < changed:
                name += " Binti Ahmad"
            year, month, day = 2005 + rng.randrange(20), 1 + rng.randrange(12), 1 + rng.randrange(28)
            w.writerow([
                number(i), name, group(i), f"{year}-{month:02d}-{day:02d}",
                0 if rng.random() < 0.03 else 1, 1 if rng.random() < 0.01 else 0,
            ])


def make_app(url: str, instance: str):
    from govtrack import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, "SECRET_KEY": "benchmark",
        "AUDIT_KEY": "benchmark", "BABEL_DEFAULT_LOCALE": "en", "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1, "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute", "TESTING": True,
    })


def prepare_database(url: str, instance: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = make_app(url, instance)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        from govtrack.extensions import db

        db.engine.dispose()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def run_import(url: str, instance: str, csv_path: str) -> dict:
    """In a child process: one import through the service, committed; time and peak memory."""
    from govtrack.extensions import db
    from govtrack.members.importer import import_members

    app = make_app(url, instance)
    with app.app_context(), app.test_request_context():
        db.session.execute(db.text("SELECT 1"))
        base = rss_mb()
        started = time.perf_counter()
        with open(csv_path, "rb") as fh:
            result = import_members(actor="benchmark", source=fh)
        db.session.commit()
        seconds = time.perf_counter() - started
        peak = rss_mb()
        db.engine.dispose()
    return {
        "rows": result.rows, "created": result.created, "updated": result.updated,
        "unchanged": result.unchanged, "seconds": seconds, "base_mb": base, "peak_mb": peak,
    }


def timed(fn, repeat: int = 15) -> float:
    fn()  # warm the caches once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def searches(url: str, instance: str, rows: int, explain: bool) -> list[tuple[str, float, int]]:
    from govtrack.auth.services import create_user
    from govtrack.extensions import db
    from govtrack.members import queries

    mid = rows // 2
    app = make_app(url, instance)
    out = []
    with app.app_context(), app.test_request_context():
        if url.startswith("postgresql"):
            db.session.execute(db.text("ANALYZE members"))
            db.session.commit()
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        page2 = queries.member_page(q="siti").next
        cases = [
            ("number, exact", {"q": number(mid)}),
            ("number, prefix (a group's numbers)", {"q": number(mid)[:10]}),
            ("name prefix 'siti rah'", {"q": "siti rah"}),
            ("name prefix 's' (1 in 9 names)", {"q": "s"}),
            ("name prefix, 2nd page", {"q": "siti", "cursor": page2}),
            ("name contains 'hayati'", {"q": "hayati", "contains": True}),
            ("name contains 'zzz' (matches nothing)", {"q": "zzz", "contains": True}),
            ("group page", {"group": group(mid)}),
            ("whole roster, first page", {}),
            ("investors only, first page", {"investor": True}),
        ]
        for label, args in cases:
            n = len(queries.member_page(limit=50, **args).items)
            out.append((label, timed(lambda a=args: queries.member_page(limit=50, **a)), n))
        out.append(("group size count", timed(lambda: queries.group_size(group(mid))), 1))
        if explain:
            _explain(db, url, mid)
        user = create_user(actor="benchmark", email="board@bench.test", name="Board", role="board",
                           password="benchmark password")
        db.session.commit()
        client = app.test_client()
        html = client.get("/login").get_data(as_text=True)
        token = html.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"email": user.email, "password": "benchmark password", "csrf_token": token})
        for label, path in [
            ("page GET /members/?q=siti", "/members/?q=siti"),
            ("page GET /members/?group=...", f"/members/?group={group(mid).replace(' ', '+')}"),
        ]:
            status = client.get(path).status_code
            out.append((label, timed(lambda p=path: client.get(p)), status))
        db.engine.dispose()
    return out


def _explain(db, url: str, mid: int) -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    from govtrack.members.models import Member
    from govtrack.members.queries import LNAME, _starts_with

    dialect = postgresql.dialect() if url.startswith("postgresql") else sqlite.dialect()
    prefix = "EXPLAIN " if url.startswith("postgresql") else "EXPLAIN QUERY PLAN "
    stmts = {
        "name prefix": db.select(Member).where(_starts_with(LNAME, "siti")).order_by(LNAME, Member.id).limit(51),
        "group page": db.select(Member).where(Member.group_name == group(mid)).order_by(Member.name, Member.id).limit(51),
        "number prefix": db.select(Member).where(_starts_with(Member.number, number(mid)[:10])).order_by(Member.number).limit(51),
    }
    for label, stmt in stmts.items():
        sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        plan = db.session.execute(db.text(prefix + sql)).all()
        print(f"  plan, {label}:")
        for row in plan:
            print("    ", " | ".join(str(c) for c in row))


def bench(label: str, url: str, files: dict[str, Path], rows: int, explain: bool) -> None:
    instance = tempfile.mkdtemp(prefix="gt-bench-instance-")
    prepare_database(url, instance)
    ctx = multiprocessing.get_context("spawn")
    print(f"\n== {label}: import through the service (each run in its own process)")
    print(f"{'run':34} {'rows':>8} {'new':>8} {'changed':>8} {'same':>8} {'seconds':>8} {'rows/s':>8} {'base MB':>8} {'peak MB':>8}")
    for run, path in files.items():
        with ctx.Pool(1) as pool:
            r = pool.apply(run_import, (url, instance, str(path)))
        print(
            f"{run:34} {r['rows']:>8} {r['created']:>8} {r['updated']:>8} {r['unchanged']:>8} "
            f"{r['seconds']:>8.1f} {r['rows'] / r['seconds']:>8.0f} {r['base_mb']:>8.0f} {r['peak_mb']:>8.0f}"
        )
    print(f"\n== {label}: searches at {rows:,} members (median of 15, ms)")
    print(f"{'search':44} {'ms':>8} {'rows/status':>12}")
    for name, ms, n in searches(url, instance, rows, explain):
        print(f"{name:44} {ms:>8.2f} {n:>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=280_000)
    parser.add_argument("--postgres", metavar="URL", help="also a scratch PostgreSQL database (schema dropped!)")
    parser.add_argument("--explain", action="store_true", help="print the query plans of the searches")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gt-bench-"))
    first, second = work / "roster.csv", work / "roster-changed.csv"
    started = time.perf_counter()
    write_csv(first, args.rows, seed=1)
    write_csv(second, args.rows, seed=1, changed=0.10, extra=args.rows // 100)
    print(f"CSV: {args.rows:,} rows, {first.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - started:.1f} s")
    files = {
        "1. fresh roster (all new)": first,
        "2. same file again (no change)": second.with_name("same.csv"),
        "3. 10% changed, 1% new": second,
    }
    files["2. same file again (no change)"].write_bytes(first.read_bytes())

    bench("SQLite", f"sqlite:///{work / 'bench.sqlite3'}", files, args.rows, args.explain)
    if args.postgres:
        bench("PostgreSQL", args.postgres, files, args.rows, args.explain)


if __name__ == "__main__":
    main()
