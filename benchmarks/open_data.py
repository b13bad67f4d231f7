"""Benchmark: the open-data exports, IATI 2.03 (/api/v1/public/iati.xml) and OCDS 1.1
(/api/v1/public/ocds.json), requested as the public would, from a generated database.

    .venv/bin/python benchmarks/open_data.py --database-url sqlite:////path/scale-L.sqlite3
    .venv/bin/python benchmarks/open_data.py --database-url postgresql+psycopg://postgres@127.0.0.1/gt_l

The database must be at the current migration (`flask db upgrade` on a copy of a generated one).
Each export is requested 3 times (the OCDS package is cached by data versions: the first request
computes it, the next ones are warm; the IATI document is streamed and computed every time). The
body is read chunk by chunk as a server would send it. Printed: wall and CPU seconds, the size,
the number of activities or releases, and the peak of Python allocations while streaming
(tracemalloc, a separate run): flat if nothing keeps the agreements already written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govtrack import create_app  # noqa: E402 (after the path)


def request(client, url: str) -> tuple[float, float, int, int]:
    wall, cpu = time.perf_counter(), time.process_time()
    resp = client.get(url, buffered=False)
    size = count = 0
    marker = b"<iati-activity " if url.endswith(".xml") else b'"ocid":'
    for chunk in resp.response:
        size += len(chunk)
        count += chunk.count(marker)
    resp.close()
    return time.perf_counter() - wall, time.process_time() - cpu, size, count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("-n", type=int, default=3)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="open-data-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "INSTANCE_PATH": instance,
                      "CACHE_DIR": os.path.join(instance, "cache"), "SECRET_KEY": "bench", "AUDIT_KEY": "bench"})
    client = app.test_client()
    print(f"database: {args.database_url.split('@')[-1]}  load: {os.getloadavg()}")
    for url in ("/api/v1/public/iati.xml", "/api/v1/public/ocds.json"):
        for i in range(args.n):
            wall, cpu, size, count = request(client, url)
            print(f"{url:28} run {i + 1}: {wall:6.2f} s wall, {cpu:6.2f} s CPU, {size / 1e6:7.2f} MB, {count} entries")
        tracemalloc.start()
        request(client, url)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{url:28} peak of Python allocations while streaming: {peak / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
