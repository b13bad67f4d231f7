"""Benchmark the dependency network: 2,000 partners and 20,000 agreements in a fresh SQLite
database; time the reads, the metrics, a cold and a warm render, against plain networkx.draw with
spring_layout on the same graph in the same run.

    .venv/bin/pip install -e '.[bench]'   # scipy: networkx's spring_layout needs it above 500 nodes
    .venv/bin/python benchmarks/network.py [--partners 2000] [--agreements 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KINDS = [
    ("grant", "funder", "nonprofit_funder", 0.22),
    ("loan", "lender", "financial_institution", 0.10),
    ("credit_line", "lender", "financial_institution", 0.05),
    ("guarantee", "guarantor", "financial_institution", 0.05),
    ("construction", "contractor", "construction_partner", 0.22),
    ("supply", "supplier", "construction_partner", 0.16),
    ("permit", "regulator", "local_government", 0.10),
    ("mou", "implementer", "central_government", 0.05),
    ("technical_assistance", "implementer", "other", 0.05),
]
CATEGORIES = ["nonprofit_funder", "financial_institution", "construction_partner", "local_government",
              "central_government", "other"]


def generate(app, n_partners: int, n_agreements: int, seed: int = 7) -> None:
    """Fill the database with core inserts (the services' audit trail would dominate the time)."""
    from sqlalchemy import insert

    from govtrack.agreements.models import (
        Agreement,
        AgreementDependency,
        AgreementParty,
        Clause,
        ClauseVersion,
    )
    from govtrack.extensions import db
    from govtrack.partners.models import Partner

    rng = random.Random(seed)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    partners = [
        {"id": i, "name": f"Partner {i:04d}", "category": CATEGORIES[i % len(CATEGORIES)],
         "region": f"Region {i % 30}", "active": True, "created_at": now, "updated_at": now}
        for i in range(1, n_partners + 1)
    ]
    by_cat: dict[str, list[int]] = {}
    for p in partners:
        by_cat.setdefault(p["category"], []).append(p["id"])
    agreements, parties, deps, clauses, versions = [], [], [], [], []
    roots: list[int] = []
    weights = [k[3] for k in KINDS]
    for i in range(1, n_agreements + 1):
        kind, role, cat, _w = rng.choices(KINDS, weights)[0]
        start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(800))
        end = start + dt.timedelta(days=rng.randrange(200, 2000)) if rng.random() < 0.7 else None
        status = rng.choices(["active", "suspended", "completed", "draft", "approved"], [80, 3, 10, 4, 3])[0]
        agreements.append({
            "id": i, "title": f"{kind} {i}", "kind": kind, "status": status,
            "value_amount": 0 if kind == "permit" else rng.randrange(10, 5000) * 1_000_000,
            "value_currency": "IDR", "start_date": start, "end_date": end,
            "visibility": rng.choice(["internal", "members", "public"]), "created_at": now, "updated_at": now,
        })
        pool = by_cat[cat]
        # A few partners carry most of the agreements (as in life): a skewed pick.
        first = pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)] if rng.random() < 0.5 else rng.choice(pool)
        chosen = {first}
        if rng.random() < 0.15:
            chosen.add(rng.choice(pool))
        parties.extend({"agreement_id": i, "partner_id": p, "role": role} for p in chosen)
        if kind in {"construction", "supply"} and roots and rng.random() < 0.7:
            for dep in {rng.choice(roots) for _ in range(rng.choice([1, 1, 2]))}:
                deps.append({"agreement_id": i, "depends_on_id": dep})
        if kind in {"grant", "loan", "credit_line", "guarantee", "permit"}:
            roots.append(i)
        if rng.random() < 0.3:
            cid = len(clauses) + 1
            status_c = rng.choice(["proposed", "accepted", "amended", "rejected"])
            clauses.append({"id": cid, "agreement_id": i, "number": 1, "text": "clause",
                            "proposed_by": "partner", "status": status_c})
            versions.append({"clause_id": cid, "version": 1, "text": "clause", "status": status_c,
                             "decision_id": None, "created_at": now})  # decisions are a foreign key (0006)
    for model, rows in ((Partner, partners), (Agreement, agreements), (AgreementParty, parties),
                        (AgreementDependency, deps), (Clause, clauses), (ClauseVersion, versions)):
        for k in range(0, len(rows), 5000):
            db.session.execute(insert(model), rows[k:k + 5000])
    db.session.commit()


def timed(fn, repeat: int = 1):
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--agreements", type=int, default=20000)
    parser.add_argument("--save", type=Path, default=None, help="write network.png and network.svg here")
    opts = parser.parse_args()

    import networkx as nx
    from flask_migrate import upgrade
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from govtrack import create_app
    from govtrack.core.cache import FileCache
    from govtrack.network import graph, queries, render
    from govtrack.network.labels import picture_texts

    tmp = Path(tempfile.mkdtemp(prefix="gt-network-bench-"))
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}", "INSTANCE_PATH": str(tmp),
        "SECRET_KEY": "bench", "AUDIT_KEY": "bench", "BABEL_DEFAULT_LOCALE": "en",
    })
    staff = SimpleNamespace(is_authenticated=True, active=True, role="manager")
    as_of = dt.date(2026, 6, 1)
    rows = []
    with app.app_context(), app.test_request_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        t_gen, _ = timed(lambda: generate(app, opts.partners, opts.agreements))
        t_read, data = timed(lambda: queries.network_data(user=staff, as_of=as_of), repeat=3)
        since = as_of - dt.timedelta(days=365)
        t_read2, both = timed(lambda: queries.networks_at(user=staff, dates=[as_of, since], clauses_on=as_of), repeat=3)
        t_build, g = timed(lambda: graph.build_graph(data), repeat=3)
        with queries.quiet_gc():
            t_metrics, metrics = timed(lambda: graph.compute_metrics(data), repeat=3)
            t_basis, _ = timed(lambda: graph.comparison_basis(both[since]), repeat=3)
        texts = picture_texts(as_of, {})
        cache = FileCache(tmp / "cache")
        t_cold, png = timed(lambda: render.render(g, fmt="png", texts=texts, locale="en", cache=cache))
        t_cold_svg, svg = timed(lambda: render.render(g, fmt="svg", texts=texts, locale="en", cache=cache))
        t_warm, png2 = timed(lambda: render.render(g, fmt="png", texts=texts, locale="en", cache=cache), repeat=5)
        assert png == png2

        def warm_request() -> bytes:
            d = queries.network_data(user=staff, as_of=as_of)
            return render.render(graph.build_graph(d), fmt="png", texts=texts, locale="en", cache=cache)

        t_warm_req, _ = timed(warm_request, repeat=3)
        if opts.save:
            opts.save.mkdir(parents=True, exist_ok=True)
            (opts.save / "network.png").write_bytes(png)
            (opts.save / "network.svg").write_bytes(svg)

        def baseline() -> bytes:
            fig = Figure(figsize=(12, 10), dpi=100)
            FigureCanvasAgg(fig)
            ax = fig.add_subplot()
            pos = nx.spring_layout(g, seed=1)
            nx.draw(g, pos, ax=ax, node_size=20, width=0.3, with_labels=False)
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
            return buf.getvalue()

        try:
            t_base, _ = timed(baseline)
        except ImportError:  # scipy (the bench extra) is missing: no baseline, the other rows stand
            t_base = float("nan")

    print(f"network: {len(data.partners)} partners, {len(data.agreements)} agreements in force on {as_of} "
          f"(of {opts.partners} / {opts.agreements} generated in {t_gen:.1f}s); "
          f"graph {g.number_of_nodes()} nodes, {g.number_of_edges()} edges; "
          f"{metrics['single_points_of_failure']['articulation_points_total']} articulation points")
    rows = [
        ("read (4 queries)", t_read),
        ("read two dates (the same 4 queries)", t_read2),
        ("build graph", t_build),
        ("metrics (all; GC paused as in a request)", t_metrics),
        ("comparison basis of a year earlier", t_basis),
        ("cold render PNG (layout + draw)", t_cold),
        ("cold render SVG", t_cold_svg),
        ("warm render PNG (cache hit)", t_warm),
        ("warm request (read + build + hit)", t_warm_req),
        ("networkx.draw + spring_layout PNG", t_base),
    ]
    print(f"{'step':<38}{'seconds':>10}{'vs nx.draw':>14}")
    for name, secs in rows:
        print(f"{name:<38}{secs:>10.4f}{t_base / secs if secs else float('inf'):>13.1f}x")
    print(f"(ratio = networkx.draw time / step time; PNG {len(png) // 1024} KiB, SVG {len(svg) // 1024} KiB)")


if __name__ == "__main__":
    main()
