"""Benchmark: the obligations export's table written as CSV and as an Excel workbook, at growing
row counts. Prints CPU time, file size and the peak of Python memory allocated while writing
(tracemalloc): flat for both if the writers keep no rows.

    .venv/bin/python benchmarks/exports.py             # 1,000 / 10,000 / 100,000 rows
    BENCH_ROWS=1000,200000 .venv/bin/python benchmarks/exports.py
    .venv/bin/python benchmarks/exports.py --roster    # the roster export at scale L, end to end

`--roster` requests `/members/export.csv` and `.xlsx` as the board would, from the scale-L database
(benchmarks/generate.py --scale L: 280,000 members; generated when missing), for 9,999, 99,999 and
all 280,000 members (a number prefix picks the first two: the page's own search), each in a fresh
process, reading the answer chunk by chunk as a server would send it. It prints the time, the size,
the peak of Python allocations (tracemalloc, a second run) and the growth of the process's resident
memory (ru_maxrss) over what it held before the request, split into its own heap (RssAnon) and the
database file mapped by SQLite (RssFile, shared page cache, not the export's): the heap stays flat
if nothing keeps the rows.

The rows come from a generator, as the view's keyset batches do (the database side reads 2,000 rows
at a time, see obligations.queries.export_rows), so what is measured is the writer alone.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from govtrack.core.exports import Column, Kind, csv_text, write_xlsx  # noqa: E402 (after the path)

COLUMNS = [
    Column("Jatuh tempo", Kind.date), Column("Status"), Column("Arah"), Column("Mitra"), Column("Kategori"),
    Column("Perjanjian"), Column("Kewajiban"), Column("Jenis"), Column("Mata uang"),
    Column("Jumlah", Kind.money, currency=8), Column("Dibayar", Kind.money, currency=8),
    Column("Sisa", Kind.money, currency=8), Column("Terpenuhi pada", Kind.date), Column("Penanggung jawab"),
    Column("Catatan"),
]


def rows(n: int):
    start = dt.date(2026, 1, 1)
    for i in range(n):
        amount = Decimal(1_000_000 + i * 1_250) if i % 7 else None
        yield [start + dt.timedelta(days=i % 900), "Terlambat", "Kewajiban mitra kepada koperasi",
               f"Mitra {i % 2000}", "Lembaga keuangan", f"Perjanjian kredit modal kerja nomor {i % 20000}",
               f"Angsuran ke-{i % 36 + 1}", "Pembayaran", "IDR", amount, Decimal(0), amount,
               None if i % 3 else start, "Pak Budi", "=catatan" if i % 1000 == 0 else "lunas sebagian"]


def measure(write) -> tuple[float, int, float]:
    """CPU seconds (the machine may be shared: wall time says more about the neighbours), bytes written,
    and the peak of Python allocations in MiB from a second run under tracemalloc (which slows it)."""
    began = time.process_time()
    size = write()
    cpu = time.process_time() - began
    tracemalloc.start()
    write()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return cpu, size, peak / 2**20


def write_csv(n: int) -> int:
    with tempfile.TemporaryFile("w+", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([c.title for c in COLUMNS])
        for row in rows(n):
            writer.writerow([csv_text(v, c.kind) for v, c in zip(row, COLUMNS, strict=True)])
        return out.tell()


def write_workbook(n: int) -> int:
    with tempfile.TemporaryFile() as out:
        write_xlsx(out, COLUMNS, rows(n), sheet_name="Kewajiban")
        return out.tell()


def _rss(kind: str) -> float:
    """The process's resident memory of one kind now, in MB: RssAnon (its own heap) or RssFile
    (mapped files: SQLite reads the database through a 256 MB memory map, govtrack/sqlite.py)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(kind + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _roster_run(url: str, path: str, traced: bool) -> dict:
    """In a child process: one export request through the app, its answer read in chunks."""
    import json
    import resource

    from benchmarks.generate import make_app, users_file

    info = json.loads(users_file(url).read_text())["users"]["board"]
    app = make_app(url, Path(tempfile.mkdtemp(prefix="gt-exports-")))
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    assert client.post("/login", data={"email": info["email"], "password": info["password"]}).status_code == 302
    client.get("/members/?q=K0000001")  # warm: the app's first request loads templates and catalogs
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    anon, mapped = _rss("RssAnon"), _rss("RssFile")
    if traced:
        tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    resp = client.get(path, buffered=False)
    size = 0
    for chunk in resp.response:
        size += len(chunk)
    resp.close()
    out = {"status": resp.status_code, "seconds": time.perf_counter() - wall, "cpu": time.process_time() - cpu,
           "size": size, "rss_growth": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - base,
           "base": base, "anon": _rss("RssAnon") - anon, "mapped": _rss("RssFile") - mapped}
    if traced:
        out["peak"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return out


def roster() -> None:
    import multiprocessing

    from benchmarks.generate import default_url, generate, users_file

    url = default_url("L")
    if not users_file(url).exists():
        generate(url, "L")
    ctx = multiprocessing.get_context("spawn")
    print(f"{'members':>8} {'format':>6} {'seconds':>8} {'CPU s':>7} {'size MB':>8} {'RSS before MB':>14} "
          f"{'RSS growth MB':>14} {'of it heap':>10} {'of it mmap':>10} {'peak MB (Python)':>17}")
    for label, query in (("9,999", "?q=K000"), ("99,999", "?q=K00"), ("280,000", "")):
        for fmt in ("csv", "xlsx"):
            path = f"/members/export.{fmt}{query}"
            with ctx.Pool(1) as pool:
                plain = pool.apply(_roster_run, (url, path, False))
            with ctx.Pool(1) as pool:
                traced = pool.apply(_roster_run, (url, path, True))
            assert plain["status"] == 200, plain
            print(f"{label:>8} {fmt:>6} {plain['seconds']:>8.1f} {plain['cpu']:>7.1f} {plain['size'] / 2**20:>8.1f} "
                  f"{plain['base']:>14.0f} {plain['rss_growth']:>14.1f} {plain['anon']:>10.1f} {plain['mapped']:>10.1f} "
                  f"{traced['peak']:>17.2f}", flush=True)


def main() -> None:
    if "--roster" in sys.argv[1:]:
        roster()
        return
    counts = [int(x) for x in os.environ.get("BENCH_ROWS", "1000,10000,100000").split(",")]
    print(f"{'rows':>8} {'format':>6} {'CPU s':>8} {'size MB':>8} {'peak MB (Python)':>17}")
    for n in counts:
        for fmt, write in (("csv", write_csv), ("xlsx", write_workbook)):
            elapsed, size, peak = measure(lambda write=write, n=n: write(n))
            print(f"{n:>8} {fmt:>6} {elapsed:>8.2f} {size / 2**20:>8.1f} {peak:>17.2f}")


if __name__ == "__main__":
    main()
