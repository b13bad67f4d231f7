"""Benchmark: needs surveys (issue 15) at scale S and L, in-process.

    .venv/bin/python benchmarks/surveys.py                  # benchmarks/out/scale-{S,L}.sqlite3, generated if missing
    .venv/bin/python benchmarks/surveys.py --scales S       # any scales of benchmarks/generate.py
    .venv/bin/python benchmarks/surveys.py --results-only   # the results and their pages, not the recording
    .venv/bin/python benchmarks/surveys.py --database-url postgresql+psycopg://postgres@127.0.0.1/gt_s --scales S

The database is one made by generate.py (its survey: a stratified sample of 20,000 members at L,
all of whom answered; 200 at S). SQLite files are copied to a temporary folder first, since the
script writes (a PostgreSQL database given with --database-url is written to: use a fresh one).
Measured, server side (the wall clock and the thread's CPU time around the call or the test client's
request, in-process: no network; on a shared machine the CPU time is what the work itself cost):

  (a) results: queries.compute (cold: the whole survey read and tallied) and queries.results
      (warm: the answer cached by the data versions; one query for the tokens);
  (b) the results page GET /surveys/{id}/results as a board member, the first request after a
      change (cold) and the following ones (warm); GET /api/v1/surveys/{id}/results; and the page of
      one question by centre, GET /surveys/{id}/results/{key}/centres; each skipped with a message
      while the route answers 404 (it is built separately);
  (c) recording the responses of a fresh survey's whole sample (20,000 at L): the service an upload
      uses, services.record_responses, in one call and committed; and the CSV import
      POST /api/v1/surveys/{id}/responses/import of as many lines (skipped while it answers 404);
  (d) one batch of 500 through POST /api/v1/surveys/{id}/responses (the offline page's sync, bearer
      token of the generated manager), then the same batch again (all duplicates).

Targets (issue 15): results page <= 200 ms for 20,000 responses; upload of 20,000 <= 20 s; sync of
500 <= 2 s.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, select  # noqa: E402 (after the path)

from benchmarks.generate import (  # noqa: E402
    SCALES,
    SURVEY_QUESTIONS,
    default_url,
    generate,
    make_app,
    survey_answers,
    users_file,
)
from benchmarks.harness import percentile, print_table  # noqa: E402

SYNC_BATCH = 500


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def _row(scale: str, dialect: str, what: str, wall: list[float], cpu: list[float], queries: int | str) -> list:
    """One line of the table: median and p95 of the wall clock, median of the thread's CPU time
    (what the work itself cost, whatever else the machine ran meanwhile)."""
    p95 = _ms(percentile(wall, 95)) if len(wall) > 1 else ""
    return [scale, dialect, what, _ms(statistics.median(wall)), p95, _ms(statistics.median(cpu)), queries]


class Clock:
    """Wall clock and thread CPU time around a block."""

    def __enter__(self):
        self.t, self.c = time.perf_counter(), time.thread_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = [time.perf_counter() - self.t], [time.thread_time() - self.c]


def _fresh_survey(size: int, seed: int, today: dt.date, title: str):
    """A new survey through the service (its sample drawn as the pages draw it); (survey, seconds)."""
    from govtrack.extensions import db
    from govtrack.surveys import services

    started = time.perf_counter()
    survey = services.create_survey(actor="bench", today=today, data=services.SurveyInput(
        title=title, purpose="Benchmark", population_kind="all", sample_size=size, sample_seed=seed,
        questions=[services.QuestionInput(k, kind, text, list(choices), required)
                   for k, kind, text, choices, required in SURVEY_QUESTIONS],
        opens_on=today - dt.timedelta(days=7), closes_on=today + dt.timedelta(days=7), visibility="members"))
    db.session.commit()
    return survey, time.perf_counter() - started


def _drawn(survey) -> list[tuple[int, str]]:
    from govtrack.extensions import db
    from govtrack.members.models import Member
    from govtrack.surveys.models import SurveyMember

    return list(db.session.execute(select(Member.id, Member.number).join(
        SurveyMember, (SurveyMember.member_id == Member.id) & (SurveyMember.survey_id == survey.id))
        .order_by(Member.id)).all())


def _csv(rows: list[tuple[str, dict]], today: dt.date) -> bytes:
    """The paper forms as the upload takes them: member_number, one column per question key."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    keys = [k for k, *_ in SURVEY_QUESTIONS]
    w.writerow(["member_number", *keys, "answered_on"])
    for number, answers in rows:
        cells = []
        for k in keys:
            v = answers.get(k)
            cells.append("ya" if v is True else "tidak" if v is False else ";".join(v) if isinstance(v, list)
                         else "" if v is None else str(v))
        w.writerow([number, *cells, today.isoformat()])
    return out.getvalue().encode()


def run(url: str, scale: str, n: int, users: dict, results_only: bool = False) -> list[list]:
    from govtrack.core import clock, versions
    from govtrack.extensions import db
    from govtrack.surveys import queries, services
    from govtrack.surveys.models import Survey

    instance = Path(tempfile.mkdtemp(prefix="gt-surveys-"))
    app = make_app(url, instance)
    rows: list[list] = []
    counter = {"n": 0}
    with app.app_context():
        dialect = db.engine.dialect.name

        def count(*_a, **_k):
            counter["n"] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        survey_id = db.session.scalar(select(Survey.id).order_by(Survey.id).limit(1))
        survey = queries.get(survey_id)
        responses = queries.response_count(survey)
        sample = queries.sample_size(survey)
        print(f"[{scale} {dialect}] survey {survey_id}: sample {sample:,}, responses {responses:,}; "
              f"load {os.getloadavg()[0]:.1f}", flush=True)

        # (a) the results: computed (cold), and cached by the data versions (warm)
        def timed(fn, runs):
            wall, cpu, queries_n = [], [], 0
            for _ in range(runs):
                counter["n"] = 0
                t, c = time.perf_counter(), time.thread_time()
                fn()
                wall.append(time.perf_counter() - t)
                cpu.append(time.thread_time() - c)
                queries_n = counter["n"]
                db.session.rollback()
            return wall, cpu, queries_n

        wall, cpu, q = timed(lambda: queries.compute(queries.get(survey_id)), max(3, n // 4))
        rows.append(_row(scale, dialect, f"queries.compute, {responses:,} responses (cold)", wall, cpu, q))
        wall, cpu, q = timed(lambda: queries.compute(queries.get(survey_id), centres=False), max(3, n // 4))
        rows.append(_row(scale, dialect, "queries.compute without the centres (cold: the summary)", wall, cpu, q))
        queries.results(queries.get(survey_id))
        wall, cpu, q = timed(lambda: queries.results(queries.get(survey_id)), n)
        rows.append(_row(scale, dialect, "queries.results (warm, cached)", wall, cpu, q))
        if hasattr(queries, "summary"):  # the results page's part of it (helper "results"), once merged
            queries.summary(queries.get(survey_id))
            wall, cpu, q = timed(lambda: queries.summary(queries.get(survey_id)), n)
            rows.append(_row(scale, dialect, "queries.summary (warm, cached)", wall, cpu, q))
        db.session.remove()

    # (b) the results page and the results API
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    board = users["board"]
    resp = client.post("/login", data={"email": board["email"], "password": board["password"], "csrf_token": token})
    assert resp.status_code == 302, resp.status_code
    bearer = {"Authorization": f"Bearer {users['manager']['token']}"}
    for name, path, kw in (("GET /surveys/{id}/results", f"/surveys/{survey_id}/results", {}),
                           ("GET /api/v1/surveys/{id}/results", f"/api/v1/surveys/{survey_id}/results",
                            {"headers": bearer}),
                           ("GET /surveys/{id}/results/{key}/centres",
                            f"/surveys/{survey_id}/results/{SURVEY_QUESTIONS[1][0]}/centres", {})):
        first = client.get(path, **kw)
        if first.status_code == 404:
            print(f"  {name}: 404, the route is not there yet: skipped (rerun after merging it)", flush=True)
            continue
        assert first.status_code == 200, (path, first.status_code)
        for label, runs, change in (("first after a change", 3, True), ("warm", n, False)):
            wall, cpu, q = [], [], 0
            for _ in range(runs):
                if change:
                    with app.app_context():  # a change to the responses: new tokens, a new cache key
                        versions.bump(db.session, "survey_responses")
                        db.session.commit()
                counter["n"] = 0
                with Clock() as clock_:
                    resp = client.get(path, **kw)
                wall += clock_.wall
                cpu += clock_.cpu
                q = counter["n"]
                assert resp.status_code == 200
            rows.append(_row(scale, dialect, f"{name} ({label})", wall, cpu, q))

    if results_only:
        return rows

    # (c) recording a whole sample's responses: the service in one call, then the CSV import
    size = max(50, round(20_000 * SCALES[scale]))
    rng = random.Random(15)
    with app.app_context():
        today = clock.today()
        with Clock() as clock_:
            survey, _seconds = _fresh_survey(size, 101, today, "Bench: record_responses")
        rows.append(_row(scale, dialect, f"create_survey, sample of {size:,} drawn", clock_.wall, clock_.cpu, ""))
        drawn = _drawn(survey)
        items = [services.ResponseInput(member_id=m, answers=survey_answers(rng), answered_on=today)
                 for m, _ in drawn]
        counter["n"] = 0
        with Clock() as clock_:
            created, _dup = services.record_responses(actor="bench", survey=survey, items=items, channel="upload",
                                                      today=today)
            db.session.commit()
        assert created == len(items)
        rows.append(_row(scale, dialect, f"services.record_responses, {created:,} in one call", clock_.wall,
                         clock_.cpu, counter["n"]))
        survey_csv, _ = _fresh_survey(size, 102, today, "Bench: CSV import")
        csv_id = survey_csv.id
        body = _csv([(number, survey_answers(rng)) for _, number in _drawn(survey_csv)], today)
        survey_api, _ = _fresh_survey(max(size, SYNC_BATCH), 103, today, "Bench: sync")
        api_id = survey_api.id
        batch = [{"key": f"bench-{m:08d}-{k}", "member_id": m, "answered_on": today.isoformat(),
                  "answers": survey_answers(rng)} for k, (m, _) in enumerate(_drawn(survey_api)[:SYNC_BATCH])]
        db.session.remove()
    counter["n"] = 0
    with Clock() as clock_:
        resp = client.post(f"/api/v1/surveys/{csv_id}/responses/import", data=body,
                           headers={**bearer, "Content-Type": "text/csv"})
    if resp.status_code in (404, 405):
        print(f"  POST /api/v1/surveys/{{id}}/responses/import: {resp.status_code}, the route is not there yet: "
              "skipped (rerun after merging it)", flush=True)
    elif resp.status_code != 200:
        print(f"  CSV import answered {resp.status_code}: {resp.get_data(as_text=True)[:500]}", flush=True)
    else:
        rows.append(_row(scale, dialect, f"POST …/responses/import, {size:,} CSV lines ({len(body) // 1024} KiB)",
                         clock_.wall, clock_.cpu, counter["n"]))

    # (d) the offline page's sync: one batch of 500, then the same batch again
    for label in ("new", "sent again: duplicates"):
        counter["n"] = 0
        with Clock() as clock_:
            resp = client.post(f"/api/v1/surveys/{api_id}/responses", json={"responses": batch}, headers=bearer)
        assert resp.status_code == 200, (resp.status_code, resp.get_data(as_text=True)[:500])
        got = resp.get_json()
        assert (got["created"], got["duplicates"]) == ((len(batch), 0) if label == "new" else (0, len(batch)))
        rows.append(_row(scale, dialect, f"POST …/responses, batch of {len(batch)} ({label})", clock_.wall,
                         clock_.cpu, counter["n"]))
    with app.app_context():
        db.engine.dispose()
    shutil.rmtree(instance, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scales", nargs="+", default=["S", "L"], choices=list(SCALES))
    parser.add_argument("--database-url", default=None,
                        help="a generated database to use (and write to) instead of benchmarks/out/scale-<S>.sqlite3")
    parser.add_argument("--users", default=None, help="the generator's users file (default: the one beside the database)")
    parser.add_argument("-n", type=int, default=20, help="warm requests per measurement")
    parser.add_argument("--results-only", action="store_true", help="(a) and (b) only: the results, not the recording")
    args = parser.parse_args()
    table = []
    for scale in args.scales:
        source = args.database_url or default_url(scale)
        if source.startswith("sqlite:///"):
            path = Path(source.removeprefix("sqlite:///"))
            if not path.exists():
                print(f"generating scale {scale} into {path}", flush=True)
                generate(source, scale, quiet=True)
            users = json.loads(Path(args.users or users_file(source)).read_text())["users"]
            work = Path(tempfile.mkdtemp(prefix="gt-surveys-db-"))
            shutil.copy(path, work / path.name)
            url = f"sqlite:///{work / path.name}"
        else:
            users = json.loads(Path(args.users or users_file(source)).read_text())["users"]
            url, work = source, None
        try:
            table += run(url, scale, args.n, users, args.results_only)
        finally:
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)
    print_table(["scale", "db", "what", "wall median (ms)", "wall p95 (ms)", "CPU median (ms)", "queries"], table)


if __name__ == "__main__":
    main()
