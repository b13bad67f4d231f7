"""Benchmark: one funder's report (the API's JSON, the page and the workbook) from a generated
database, as a manager requests it.

    .venv/bin/python benchmarks/reports.py --database-url sqlite:////path/scale-L.sqlite3
    .venv/bin/python benchmarks/reports.py --database-url postgresql+psycopg://postgres@127.0.0.1/gt_l

The database comes from benchmarks/generate.py at the current migration (its results frameworks
sit on funder and lender agreements under way: 2,000 at L); the users file beside it
(`<database>.users.json`, or --users) gives the manager's token and password. The agreement is the
funder agreement with the most actuals. Each request is made 3 times to warm up, then -n times;
the median and p95 of the time around the request (server side, in-process) and the number of
queries are printed. The issue's bound at L: 100 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select  # noqa: E402 (after the path)

from benchmarks.harness import percentile  # noqa: E402
from govtrack import create_app  # noqa: E402
from govtrack.extensions import db  # noqa: E402
from govtrack.results.models import Actual, Indicator  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--users", default=None, help="default: the database file's .users.json")
    parser.add_argument("-n", type=int, default=20)
    args = parser.parse_args()
    users_path = args.users or args.database_url.split("sqlite:///", 1)[-1] + ".users.json"
    users = json.loads(Path(users_path).read_text())["users"]
    instance = tempfile.mkdtemp(prefix="reports-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "INSTANCE_PATH": instance,
                      "CACHE_DIR": os.path.join(instance, "cache"), "SECRET_KEY": "bench", "AUDIT_KEY": "bench",
                      "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        agreement_id = db.session.execute(
            select(Indicator.agreement_id, func.count(Actual.id)).join(Actual, Actual.indicator_id == Indicator.id)
            .group_by(Indicator.agreement_id).order_by(func.count(Actual.id).desc()).limit(1)
        ).first()[0]
        counter = {"n": 0}

        def count(*_a, **_k):
            counter["n"] += 1

        event.listen(db.engine, "before_cursor_execute", count)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    manager = users["manager"]
    assert client.post("/login", data={"email": manager["email"], "password": manager["password"],
                                       "csrf_token": token}).status_code == 302
    headers = {"Authorization": f"Bearer {manager['token']}"}
    period = "period_start=2026-01-01&period_end=2026-12-31"
    print(f"database: {args.database_url.split('@')[-1]}  agreement {agreement_id}  load: {os.getloadavg()}")
    for name, url, kw in (
        ("API JSON", f"/api/v1/agreements/{agreement_id}/report?{period}", {"headers": headers}),
        ("page", f"/agreements/{agreement_id}/report?{period}", {}),
        ("workbook", f"/agreements/{agreement_id}/report.xlsx?{period}", {}),
    ):
        times = []
        for i in range(3 + args.n):
            counter["n"] = 0
            start = time.perf_counter()
            resp = client.get(url, **kw)
            elapsed = (time.perf_counter() - start) * 1000
            assert resp.status_code == 200, (url, resp.status_code)
            if i >= 3:
                times.append(elapsed)
        print(f"{name:9} median {statistics.median(times):6.1f} ms  p95 {percentile(times, 95):6.1f} ms  "
              f"queries {counter['n']}  size {len(resp.data)} B")


if __name__ == "__main__":
    main()
