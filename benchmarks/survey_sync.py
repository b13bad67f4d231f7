"""Benchmark: one sync of a field officer's phone, 500 offline responses in one request (issue 15:
≤ 2 s), through the app's test client as the capture page sends it (session, CSRF token from the
bundle, JSON).

Takes a database made by generate.py (migrated to the head first). Makes a survey of every active
member (5 questions, every kind), a field officer assigned to the centres of the first --responses
members drawn, signs them in through the sign-in form, and times, --runs times each:
  - POST /surveys/{id}/capture/sync with --responses new responses (the responses are deleted
    between runs, outside the timing);
  - the same batch again (every key already stored: all duplicates);
  - a batch with one refused response among them (the valid ones stored, the one sent back);
and the bundle of one centre (GET /surveys/{id}/capture/bundle).
Writes to the database: use a copy.

    .venv/bin/python benchmarks/generate.py --scale S --database-url sqlite:////tmp/s.sqlite3
    .venv/bin/python benchmarks/survey_sync.py --database-url sqlite:////tmp/s.sqlite3
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select, text, update  # noqa: E402

PASSWORD = "bench officer password 2026"
QUESTIONS = [
    ("air_bersih", "yes_no", "Apakah rumah tangga Anda punya akses air bersih?", []),
    ("sumber", "single", "Sumber air utama?", ["Sumur", "PDAM", "Sungai", "Air hujan"]),
    ("kebutuhan", "multiple", "Apa yang dibutuhkan?", ["Jamban", "Tangki air", "Filter", "Pipa"]),
    ("biaya", "number", "Biaya air per bulan (Rp)?", []),
    ("catatan", "text", "Catatan", []),
]


def answers(i: int) -> dict:
    return {"air_bersih": i % 3 != 0, "sumber": ["Sumur", "PDAM", "Sungai", "Air hujan"][i % 4],
            "kebutuhan": [["Jamban"], ["Tangki air", "Filter"], ["Pipa", "Jamban", "Filter"]][i % 3],
            "biaya": 15000 + (i % 40) * 2500, "catatan": f"Catatan rapat {i % 17}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--responses", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from flask_migrate import upgrade

    from benchmarks.generate import make_app
    from govtrack.auth.services import create_user
    from govtrack.core import clock
    from govtrack.extensions import db
    from govtrack.members.models import Centre
    from govtrack.surveys import services
    from govtrack.surveys.models import SurveyMember, SurveyResponse

    app = make_app(args.database_url, Path(tempfile.mkdtemp(prefix="gt-survey-sync-")))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        today = clock.today()
        started = time.perf_counter()
        survey = services.create_survey(actor="bench", today=today, data=services.SurveyInput(
            title="Survei kebutuhan air (benchmark)", purpose=None, population_kind="all",
            questions=[services.QuestionInput(k, kind, t, choices) for k, kind, t, choices in QUESTIONS],
            opens_on=today - dt.timedelta(days=30), closes_on=today + dt.timedelta(days=30)))
        db.session.commit()
        drawn = db.session.scalar(select(func.count()).select_from(SurveyMember)
                                  .where(SurveyMember.survey_id == survey.id))
        print(f"survey {survey.id}: {drawn:,} members drawn in {time.perf_counter() - started:.1f} s", flush=True)
        # The officer's centres: those of the first drawn members, in centre order, until there are enough.
        picked: list[tuple[int, int]] = []
        centres: list[int] = []
        for centre_id in db.session.scalars(select(SurveyMember.centre_id).where(SurveyMember.survey_id == survey.id)
                                            .group_by(SurveyMember.centre_id).order_by(SurveyMember.centre_id)):
            centres.append(centre_id)
            picked += [(m, centre_id) for m in db.session.scalars(select(SurveyMember.member_id).where(
                SurveyMember.survey_id == survey.id, SurveyMember.centre_id == centre_id))]
            if len(picked) >= args.responses + 1:
                break
        officer = create_user(actor="bench", email=f"bench-officer-{uuid.uuid4().hex[:8]}@koperasi.test",
                              name="Petugas Benchmark", role="officer", password=PASSWORD)
        db.session.flush()
        db.session.execute(update(Centre).where(Centre.id.in_(centres)).values(officer_id=officer.id))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE survey_members"))
        db.session.commit()
        survey_id, email = survey.id, officer.email
        members = [m for m, _c in picked]
        print(f"officer of {len(centres)} centres; {len(members) - 1} members to answer", flush=True)

    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    resp = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 302, resp.status_code
    day = today.isoformat()
    batch = [{"key": str(uuid.uuid4()), "member_id": m, "answered_on": day, "answers": answers(i)}
             for i, m in enumerate(members[: args.responses])]
    bad = batch[:-1] + [{"key": str(uuid.uuid4()), "member_id": members[args.responses], "answered_on": day,
                         "answers": {**answers(0), "sumber": "Danau"}}]

    def bundle_token() -> str:
        resp = client.get(f"/surveys/{survey_id}/capture/bundle?centre_id={centres[0]}")
        assert resp.status_code == 200, resp.status_code
        return resp.get_json()["csrf_token"]

    def sync(body: list[dict], csrf: str) -> tuple[float, dict]:
        started = time.perf_counter()
        resp = client.post(f"/surveys/{survey_id}/capture/sync", json={"responses": body},
                           headers={"X-CSRFToken": csrf})
        elapsed = time.perf_counter() - started
        assert resp.status_code == 200, (resp.status_code, resp.get_data(as_text=True)[:300])
        return elapsed, resp.get_json()

    def clear() -> None:
        with app.app_context():
            db.session.execute(delete(SurveyResponse).where(SurveyResponse.survey_id == survey_id))
            db.session.commit()

    times: dict[str, list[float]] = {"new": [], "again": [], "one refused": []}
    for _ in range(args.runs):
        clear()
        csrf = bundle_token()
        t, result = sync(batch, csrf)
        assert result == {"created": len(batch), "duplicates": 0, "rejected": []}, result
        times["new"].append(t)
        t, result = sync(batch, csrf)
        assert result == {"created": 0, "duplicates": len(batch), "rejected": []}, result
        times["again"].append(t)
        clear()
        t, result = sync(bad, csrf)
        assert result["created"] == len(bad) - 1 and len(result["rejected"]) == 1, result
        times["one refused"].append(t)
    clear()
    bundle_ms = []
    for _ in range(args.runs):
        started = time.perf_counter()
        bundle_token()
        bundle_ms.append((time.perf_counter() - started) * 1000)
    print(f"GET the bundle of one centre: median {statistics.median(bundle_ms):.0f} ms, max {max(bundle_ms):.0f} ms")
    for name, values in times.items():
        print(f"sync of {len(batch)} responses, {name}: median {statistics.median(values) * 1000:.0f} ms, "
              f"max {max(values) * 1000:.0f} ms ({args.runs} runs; bound 2000 ms)")


if __name__ == "__main__":
    main()
