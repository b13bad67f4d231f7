"""Benchmark: the managers' dashboard and the overdue list over 100,000 obligation occurrences.

    .venv/bin/python benchmarks/obligations.py                      # a temporary SQLite file
    .venv/bin/python benchmarks/obligations.py --database-url postgresql+psycopg://postgres@127.0.0.1/gt_bench

The database is migrated with the real migrations (it must be empty or new), filled with bulk
inserts, then each measurement is repeated and the median and best times are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from govtrack import create_app  # noqa: E402
from govtrack.extensions import db  # noqa: E402

TODAY = dt.date(2027, 3, 15)


def build(n_occurrences: int, seed: int = 7) -> None:
    from govtrack.agreements.models import Agreement, AgreementParty
    from govtrack.auth.services import create_user
    from govtrack.obligations.models import Obligation, Occurrence
    from govtrack.partners.models import Partner, PartnerCategory

    rnd = random.Random(seed)
    users = [create_user(actor="bench", email=f"m{i}@bench.test", name=f"Manager {i}", role="manager",
                         password="benchmark password 1") for i in range(20)]
    db.session.flush()
    categories = [c.value for c in PartnerCategory]
    db.session.execute(insert(Partner), [
        {"name": f"Partner {i:04d}", "category": categories[i % len(categories)], "active": True}
        for i in range(300)
    ])
    partner_ids = list(db.session.scalars(select(Partner.id).order_by(Partner.id)))
    db.session.execute(insert(Agreement), [
        {"title": f"Agreement {i}", "kind": "loan" if i % 3 == 0 else "grant", "status": "active",
         "value_currency": "IDR", "visibility": "internal"} for i in range(1000)
    ])
    agreement_ids = list(db.session.scalars(select(Agreement.id).order_by(Agreement.id)))
    party = {a: partner_ids[i % len(partner_ids)] for i, a in enumerate(agreement_ids)}
    db.session.execute(insert(AgreementParty), [
        {"agreement_id": a, "partner_id": p, "role": "lender"} for a, p in party.items()
    ])
    per_obligation = 20
    n_obligations = n_occurrences // per_obligation
    kinds = ["repayment", "disbursement", "report", "payment", "construction_milestone"]
    obligations = []
    for i in range(n_obligations):
        a = agreement_ids[i % len(agreement_ids)]
        owed_by = "cooperative" if i % 2 else "partner"
        obligations.append({
            "agreement_id": a, "owed_by": owed_by, "partner_id": party[a], "kind": kinds[i % len(kinds)],
            "title": f"Obligation {i}", "amount": Decimal(1_000_000 + 1000 * (i % 500)), "currency": "IDR",
            "rrule": "FREQ=MONTHLY;BYMONTHDAY=25", "starts_on": TODAY - dt.timedelta(days=600),
            "generated_until": TODAY + dt.timedelta(days=730),
            "responsible_id": users[i % len(users)].id,
        })
    db.session.execute(insert(Obligation), obligations)
    ob_ids = list(db.session.scalars(select(Obligation.id).order_by(Obligation.id)))
    rows = []
    for ob_id in ob_ids:
        start = TODAY - dt.timedelta(days=rnd.randint(300, 620))
        for k in range(per_obligation):
            due = start + dt.timedelta(days=30 * k + rnd.randint(0, 3))
            past = due < TODAY
            fulfilled = past and rnd.random() < 0.9
            rows.append({
                "obligation_id": ob_id, "due_on": due, "amount": Decimal(1_000_000),
                "paid_amount": Decimal(1_000_000) if fulfilled else Decimal(0),
                "fulfilled_on": due + dt.timedelta(days=rnd.randint(-3, 10)) if fulfilled else None,
                "waived": False,
            })
        if len(rows) >= 20_000:
            db.session.execute(insert(Occurrence), rows)
            rows = []
    if rows:
        db.session.execute(insert(Occurrence), rows)
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
    db.session.commit()


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--occurrences", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="gt-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp), "SECRET_KEY": "bench", "AUDIT_KEY": "bench",
        "UPLOAD_DIR": str(tmp / "uploads"), "WTF_CSRF_ENABLED": False, "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1, "BABEL_DEFAULT_LOCALE": "en",
        "LOGIN_RATE_LIMIT": "1000 per minute",
    })
    from flask_migrate import upgrade

    from govtrack.core import clock
    from govtrack.obligations import queries

    clock.today = lambda: TODAY
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"), revision="heads")
        t0 = time.perf_counter()
        build(args.occurrences)
        from govtrack.obligations.models import Occurrence

        n = db.session.scalar(select(db.func.count()).select_from(Occurrence))
        print(f"database: {db.engine.dialect.name}; {n:,} occurrences built in {time.perf_counter() - t0:.1f} s")
        overdue_total = db.session.scalar(
            select(db.func.count()).select_from(Occurrence).where(queries.status_condition("overdue", TODAY)))
        print(f"overdue as of {TODAY}: {overdue_total:,}")

        client = app.test_client()
        resp = client.post("/login", data={"email": "m0@bench.test", "password": "benchmark password 1"})
        assert resp.status_code == 302, resp.status_code

        def page(path):
            def get():
                r = client.get(path)
                assert r.status_code == 200, (path, r.status_code)
                return r
            return get

        results = []
        for label, fn in [
            ("dashboard() query", lambda: queries.dashboard(today=TODAY)),
            ("overdue_page() query, first 50", lambda: queries.overdue_page(today=TODAY, limit=50)),
            ("overdue_page() query, page 20", None),
            ("GET /obligations/ (dashboard page)", page("/obligations/")),
            ("GET /obligations/list?status=overdue", page("/obligations/list?status=overdue")),
            ("GET /api/v1/obligations?status=overdue", page("/api/v1/obligations?status=overdue")),
        ]:
            if fn is None:
                cursor = None
                for _ in range(19):
                    cursor = queries.overdue_page(today=TODAY, limit=50, cursor=cursor).next

                def fn(cursor=cursor):
                    return queries.overdue_page(today=TODAY, limit=50, cursor=cursor)
            db.session.remove()
            median, best, _ = timed(fn, args.repeat)
            results.append((label, median, best))

    width = max(len(r[0]) for r in results)
    print(f"\n{'measurement'.ljust(width)}  median ms  best ms")
    for label, median, best in results:
        print(f"{label.ljust(width)}  {median:9.1f}  {best:7.1f}")


if __name__ == "__main__":
    main()
