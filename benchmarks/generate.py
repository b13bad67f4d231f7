"""Fill a fresh database with a believable cooperative, at a chosen scale, in minutes.

    .venv/bin/python benchmarks/generate.py --scale L                      # benchmarks/out/scale-L.sqlite3
    .venv/bin/python benchmarks/generate.py --scale S --database-url postgresql+psycopg://postgres@127.0.0.1/gt_s

Scales (L is the cooperative the project is planned for; S is about 1/100 of it, M 1/10, XS 1/1000):

    L: 280,000 members in 11,200 rembug pusat (centres) of 25, each with a chair and one of 280 field
       officers, 8,000 of them heard on the 5 points of an agreement under deliberation, 2,000 partners, 20,000 agreements, 100,000 clauses, 100,000 obligation occurrences,
       5,000 meetings, about 500,000 roll-call votes, a needs survey of 20,000 members drawn by centre
       (all of whom answered).

The database is migrated with the real migrations (flask_migrate.upgrade to "heads") and must be
empty (an SQLite file is replaced; a PostgreSQL schema is dropped and re-created). The rows go in
with SQLAlchemy Core executemany in chunks, with their ids assigned here, never through the ORM or
the services. They satisfy every constraint and foreign key, and the forum rules: attendance and
roll-call votes only by eligible members who are present (or represented by a present proxy holder),
one vote per member per motion, outcomes computed by govtrack.forums.rules, one decision per carried
motion, agreements approved/rejected only by such decisions (the approval policy's forums), clause
versions made by the approving decision.

Audit: the generated rows are not audited one by one (writing the hash chain through the services
would dominate the time). The users (one per role) are made through the services, and then an
audit trail of its own is appended to their chain, 500,000 events at L (sign-ins and sign-outs,
refused sign-ins, API tokens from new addresses, member, agreement and obligation changes, motions, spread over six years by the four
users), hashed with the benchmark's key so that the chain verifies: the audit page and its filters
are measured on a log of a believable size. The users, passwords and API tokens are written to
<database>.users.json.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import math
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import bindparam, create_engine, func, insert, select, text  # noqa: E402

SCALES = {"XS": 0.001, "S": 0.01, "M": 0.1, "L": 1.0}
PASSWORD = "governance load-test passphrase"  # no part of the users' names (issue 11)
ROLES = ("admin", "board", "manager", "member", "officer")
CENTRE_SIZE = 25  # members per rembug pusat
CENTRES_PER_OFFICER = 40  # a field officer attends some 8 centres a day
CHUNK = 5000

FIRST = ["Siti", "Nur", "Dewi", "Sri", "Ani", "Rina", "Wati", "Yuni", "Lestari", "Aminah", "Fatimah",
         "Ratna", "Sari", "Endang", "Kartini", "Budi", "Agus", "Joko", "Ahmad", "Slamet", "Hadi", "Rudi",
         "Yanti", "Tuti", "Eka", "Putri", "Indah", "Maya", "Ida", "Umi"]
LAST = ["Rahayu", "Wulandari", "Hidayat", "Susanti", "Setiawan", "Purnama", "Handayani", "Saputra",
        "Kusuma", "Nugroho", "Lestari", "Maryati", "Suryani", "Pratama", "Wibowo", "Hartati", "Santoso",
        "Rahmawati", "Fitriani", "Ningsih"]
VILLAGES = ["Cibungbulang", "Leuwiliang", "Ciampea", "Dramaga", "Ciomas", "Tamansari", "Caringin",
            "Cijeruk", "Ciawi", "Megamendung", "Sukamakmur", "Jonggol", "Cileungsi", "Gunung Putri",
            "Citeureup", "Babakan Madang", "Sukaraja", "Kemang", "Parung", "Rumpin"]
REGIONS = ["Kabupaten Bogor", "Kota Bogor", "Kabupaten Sukabumi", "Kabupaten Cianjur", "Kabupaten Lebak",
           "Kabupaten Pandeglang", "Kabupaten Bandung", "Kabupaten Garut", "Kota Depok", "DKI Jakarta"]
# agreement kind, the main party's role, that partner's category, weight
KINDS = [
    ("grant", "funder", "nonprofit_funder", 0.20),
    ("loan", "lender", "financial_institution", 0.10),
    ("credit_line", "lender", "financial_institution", 0.05),
    ("guarantee", "guarantor", "financial_institution", 0.05),
    ("construction", "contractor", "construction_partner", 0.22),
    ("supply", "supplier", "construction_partner", 0.16),
    ("permit", "regulator", "local_government", 0.10),
    ("mou", "implementer", "central_government", 0.05),
    ("technical_assistance", "implementer", "other", 0.07),
]
SHARIA_KINDS = {"loan", "credit_line", "guarantee"}  # the default policy also needs the DPS
PARTNER_NAMES = {
    "local_government": "Pemerintah {r} / Dinas {n}",
    "central_government": "Kementerian Program Air Minum {n}",
    "nonprofit_funder": "Yayasan Air Bersih {n}",
    "financial_institution": "Bank Syariah Mitra {n}",
    "construction_partner": "CV Tirta Karya {n}",
    "other": "Lembaga Mitra {n}",
}
CLAUSES = [
    "Para pihak sepakat membangun {n} sambungan air bersih di wilayah rembug anggota.",
    "Pembiayaan disalurkan melalui koperasi kepada anggota yang memenuhi syarat.",
    "Mitra menyampaikan laporan kemajuan setiap triwulan kepada pengurus koperasi.",
    "Setiap perubahan poin kerja sama dibahas dalam forum rembug pusat sebelum berlaku.",
    "Sengketa diselesaikan secara musyawarah untuk mufakat.",
    "Koperasi menjamin akses anggota terhadap sanitasi layak di {n} desa.",
    "Dana hibah dicatat terpisah dan diaudit setiap tahun.",
]


def add_months(d: dt.date, months: int) -> dt.date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return d.replace(year=y, month=m, day=min(d.day, calendar.monthrange(y, m)[1]))


def default_url(scale: str) -> str:
    return f"sqlite:///{ROOT / 'benchmarks' / 'out' / f'scale-{scale}.sqlite3'}"


def users_file(url: str) -> Path:
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///") + ".users.json")
    name = url.rsplit("/", 1)[-1].split("?")[0]
    return ROOT / "benchmarks" / "out" / f"{name}.users.json"


def _reset(url: str) -> None:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", ".users.json"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def make_app(url: str, instance: Path | None = None):
    from govtrack import create_app

    instance = instance or (ROOT / "benchmarks" / "out" / "instance")
    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "bench-secret-key",
        "AUDIT_KEY": "bench-audit-key", "UPLOAD_DIR": str(instance / "uploads"),
        "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "100000 per minute",
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024, "ARGON2_PARALLELISM": 1,
        "BABEL_DEFAULT_LOCALE": "en",
    })


class Writer:
    """Chunked Core executemany, counting rows per table."""

    def __init__(self, conn):
        self.conn, self.counts = conn, {}

    def put(self, table, rows: list[dict]) -> None:
        t = getattr(table, "__table__", table)
        for i in range(0, len(rows), CHUNK):
            self.conn.execute(insert(t), rows[i:i + CHUNK])
        self.counts[t.name] = self.counts.get(t.name, 0) + len(rows)


def _audit_trail(conn, rng: random.Random, n: int, users: dict, n_members: int, n_agreements: int,
                 n_obligations: int, n_motions: int, now: dt.datetime) -> int:
    """Append `n` believable events to the audit chain the users' creation began, one every few
    minutes over six years, with the HMACs `flask audit verify` expects."""
    from govtrack.audit.models import AuditEvent, AuditHead
    from govtrack.audit.services import _digest_of, _head_mac, canonical_json
    from govtrack.extensions import db

    head = db.session.get(AuditHead, 1)
    seq, prev = head.seq, head.hash
    start = now - dt.timedelta(days=365 * 6)
    step = (now - dt.timedelta(hours=1) - start) / n
    staff = [(users[r]["id"], users[r]["email"]) for r in ("admin", "board", "manager")]
    everyone = [*staff, (users["member"]["id"], users["member"]["email"])]
    rows = []
    for i in range(n):
        at = start + step * i
        r = rng.random()
        before = after = None
        if r < 0.40:
            actor, action, otype = rng.choice(everyone), "user.sign_in", "user"
            oid = actor[0]
        elif r < 0.45:
            who = rng.choice(everyone)
            actor, action, otype, oid = (None, "anonymous"), "user.sign_in_failed", "user", who[0]
            after = {"email": who[1], "reason": "wrong_credentials"}
        elif r < 0.55:
            actor, action, otype = rng.choice(everyone), "user.sign_out", "user"
            oid = actor[0]
        elif r < 0.70:
            actor, action, otype, oid = staff[1], "member.update", "member", rng.randrange(1, n_members + 1)
            before, after = {"group": f"Rembug {oid // 25:05d}"}, {"group": f"Rembug {oid // 25 + 1:05d}"}
        elif r < 0.80:
            actor, action, otype, oid = staff[2], "agreement.update", "agreement", rng.randrange(1, n_agreements + 1)
            before, after = {"summary": "Kerja sama air bersih."}, {"summary": "Kerja sama air bersih dan sanitasi."}
        elif r < 0.90 and n_obligations:
            actor, action, otype, oid = staff[2], "obligation.fulfil", "obligation", rng.randrange(1, n_obligations + 1)
            after = {"amount": str(rng.randrange(1, 500) * 1_000_000), "on": at.date().isoformat()}
        elif r < 0.95:
            actor, action, otype, oid = staff[1], "motion.create", "motion", rng.randrange(1, max(2, n_motions + 1))
            after = {"title": "Laporan dan usulan umum", "effect": "none"}
        else:
            actor, action, otype = rng.choice(staff), "user.token_new_address", "user"
            oid, after = actor[0], {"address": f"10.0.{rng.randrange(256)}.{rng.randrange(256)}"}
        seq += 1
        b, a = canonical_json(before), canonical_json(after)
        actor_id = actor[0]
        digest = _digest_of(seq, at, actor_id, actor[1], action, otype, oid, b, a, "10.0.0.7", prev)
        rows.append({"id": seq, "at": at, "actor_id": actor_id, "actor_label": actor[1], "action": action,
                     "object_type": otype, "object_id": oid, "before": b, "after": a, "ip": "10.0.0.7",
                     "prev_hash": prev, "hash": digest})
        prev = digest
        if len(rows) >= CHUNK:
            conn.execute(insert(AuditEvent.__table__), rows)
            rows = []
    if rows:
        conn.execute(insert(AuditEvent.__table__), rows)
    conn.execute(AuditHead.__table__.update().where(AuditHead.id == 1).values(
        seq=seq, hash=prev, mac=_head_mac(seq, prev)))
    return n


# Each framework: (kind, result, indicator, unit, measure, ascending, baseline, final target, code).
RESULT_PLANS = [
    ("output", "Sambungan air dan jamban sehat terbangun", "Unit terbangun dan diserahterimakan", "unit",
     "number", True, Decimal(0), Decimal(400), "UNIT"),
    ("outcome", "Keluarga anggota dengan akses air dan sanitasi layak", "Rumah tangga dengan akses layak",
     "% rumah tangga", "percentage", True, Decimal(40), Decimal(70), "AKSES"),
]
FRAMED_KINDS = ("grant", "loan", "credit_line", "technical_assistance")


def _put_results(w: Writer, agreements: list[dict], wanted: int, users: dict, today: dt.date,
                 now: dt.datetime) -> int:
    """Results frameworks on up to `wanted` funder and lender agreements under way: two results,
    one indicator each with four quarterly targets, and the first two quarters' actuals (a total
    and its split by the sex of the household head, with the district), entered and verified."""
    from govtrack.results.models import Actual, ActualDimension, Indicator, Result, Target

    framed = [a for a in agreements if a["kind"] in FRAMED_KINDS
              and a["status"] in ("active", "completed", "suspended")][:wanted]
    results, indicators, targets, actuals, dims = [], [], [], [], []
    manager_id, board_id = users["manager"]["id"], users["board"]["id"]
    for a in framed:
        quarters = [(add_months(a["start_date"], 3 * q), add_months(a["start_date"], 3 * (q + 1)) - dt.timedelta(days=1))
                    for q in range(4)]
        quarters = [q for q in quarters if q[1] <= a["end_date"]]
        for kind, title, ind_title, unit, measure, ascending, base, goal, code in RESULT_PLANS:
            rid, iid = len(results) + 1, len(indicators) + 1
            results.append({"id": rid, "agreement_id": a["id"], "kind": kind, "title": title, "created_at": now})
            indicators.append({"id": iid, "result_id": rid, "agreement_id": a["id"], "code": code, "title": ind_title,
                               "unit": unit, "measure": measure, "ascending": ascending,
                               "baseline_year": a["start_date"].year - 1, "baseline_value": base})
            for k, (start, end) in enumerate(quarters):
                targets.append({"id": len(targets) + 1, "indicator_id": iid, "period_start": start, "period_end": end,
                                "value": (base + (goal - base) * (k + 1) / 4).quantize(Decimal("0.01"))})
            for k, (start, end) in enumerate(quarters[:2]):
                if end > today:
                    break
                total = (base + (goal - base) * (k + 1) / 4 * Decimal(a["id"] % 7 + 8) / 10).quantize(Decimal(1))
                total = min(total, Decimal(100)) if measure == "percentage" else total
                female = (total * Decimal("0.45")).quantize(Decimal(1))
                for value, split in ((total, ()), (female, (("region", "Kab. Bogor"), ("sex", "female"))),
                                     (total - female, (("region", "Kab. Bogor"), ("sex", "male")))):
                    acid = len(actuals) + 1
                    actuals.append({"id": acid, "indicator_id": iid, "period_start": start, "period_end": end,
                                    "value": value, "status": "verified", "note": None, "corrects_id": None,
                                    "created_by_id": manager_id, "created_at": now, "submitted_at": now,
                                    "verified_at": now, "verified_by_id": board_id})
                    dims.extend({"id": len(dims) + 1, "actual_id": acid, "name": n, "value": v} for n, v in split)
    w.put(Result, results)
    w.put(Indicator, indicators)
    w.put(Target, targets)
    w.put(Actual, actuals)
    w.put(ActualDimension, dims)
    return len(framed)


# The needs survey (issue 15): the questions of the demo's water survey, one of each kind.
SURVEY_SOURCES = ["Sumur gali", "Sumur bor", "Sambungan PDAM / koperasi", "Mata air", "Air isi ulang (membeli)"]
SURVEY_NEEDS = ["Sambungan air ke rumah", "Jamban sehat", "Tangki penampung air", "Perbaikan sumur",
                "Pinjaman musiman menjelang kemarau"]
SURVEY_QUESTIONS = [
    ("air_bersih", "yes_no", "Apakah keluarga Anda mendapat air bersih setiap hari?", [], True),
    ("sumber_air", "single", "Sumber air utama keluarga", SURVEY_SOURCES, True),
    ("kebutuhan", "multiple", "Kebutuhan yang paling mendesak (boleh lebih dari satu)", SURVEY_NEEDS, True),
    ("biaya_air", "number", "Biaya air keluarga per bulan (rupiah)", [], True),
    ("kemarau", "yes_no", "Apakah sumur atau sumber air keluarga kering pada musim kemarau?", [], True),
    ("catatan", "text", "Catatan lain dari anggota", [], False),
]
SURVEY_NOTES = ["Air sumur keruh setelah hujan.", "Harus antre di mata air pada bulan Agustus.",
                "Ingin sambungan ke rumah kalau cicilannya mingguan.", "Membeli air isi ulang untuk minum."]


def survey_answers(rng: random.Random) -> dict:
    """One family's believable answers to SURVEY_QUESTIONS, in stored form (what
    services.check_answers makes of them)."""
    source = rng.choices(SURVEY_SOURCES, [4, 2, 3, 1, 2])[0]
    dry = rng.random() < (0.6 if source in ("Sumur gali", "Mata air") else 0.2)
    needs = [n for n, p in zip(SURVEY_NEEDS, (0.5, 0.35, 0.4, 0.3, 0.7 if dry else 0.25), strict=True)
             if rng.random() < p] or [rng.choice(SURVEY_NEEDS)]
    base = {"Sambungan PDAM / koperasi": 85_000, "Air isi ulang (membeli)": 150_000}.get(source, 35_000)
    answers = {"air_bersih": rng.random() < 0.65, "sumber_air": source, "kebutuhan": needs,
               "biaya_air": max(0, round(rng.gauss(base, base * 0.3) / 5_000) * 5_000), "kemarau": dry}
    if rng.random() < 0.2:
        answers["catatan"] = rng.choice(SURVEY_NOTES)
    return answers


def _put_survey(w: Writer, seed: int, voters_pool: list[int], centre_of: dict[int, int], officer_of, users: dict,
                size: int, responses: int, today: dt.date, now: dt.datetime, clause_id: int | None) -> dict:
    """A needs survey of all active members who are no investors, its sample of `size` drawn as the
    service draws it (rules.draw: stratified by centre, the recorded seed), and `responses` of the
    drawn members' answers (officer, upload and portal), answered in the open window; its result
    attached to `clause_id` as evidence. survey_members and survey_responses carry the member's
    centre, as the service writes them."""
    from govtrack.surveys import rules as survey_rules
    from govtrack.surveys.models import (
        Survey,
        SurveyEvidence,
        SurveyMember,
        SurveyQuestion,
        SurveyResponse,
    )

    rng = random.Random(seed + 15)
    opens_on, closes_on = today - dt.timedelta(days=30), today + dt.timedelta(days=30)
    manager_id, member_user = users["manager"]["id"], users["member"]["id"]
    w.put(Survey, [{"id": 1, "title": "Survei kebutuhan air dan sanitasi", "purpose":
                    "Akses air bersih, sumber air, biaya air dan kebutuhan mendesak keluarga anggota.",
                    "population_kind": "all", "population": [], "sample_size": size, "sample_seed": seed,
                    "opens_on": opens_on, "closes_on": closes_on, "visibility": "members",
                    "population_size": len(voters_pool), "drawn_at": now, "created_by_id": manager_id,
                    "created_at": now, "updated_at": now}])
    w.put(SurveyQuestion, [{"id": k + 1, "survey_id": 1, "position": k + 1, "key": key, "kind": kind, "text": body,
                            "choices": choices, "required": required}
                           for k, (key, kind, body, choices, required) in enumerate(SURVEY_QUESTIONS)])
    strata: dict[int | None, list[int]] = {}
    for m in voters_pool:
        strata.setdefault(centre_of[m], []).append(m)
    drawn = survey_rules.draw(strata, size, seed)
    w.put(SurveyMember, [{"survey_id": 1, "member_id": m, "centre_id": c} for m, c in drawn])
    answering = sorted(rng.sample(drawn, min(responses, len(drawn))))
    window = max(1, (min(today, closes_on) - opens_on).days + 1)
    rows = []
    for k, (m, c) in enumerate(answering, start=1):
        channel = rng.choices(("officer", "upload", "portal"), (70, 25, 5))[0]
        rows.append({"id": k, "survey_id": 1, "member_id": m, "centre_id": c, "key": f"gen-{m:08d}",
                     "channel": channel, "answers": survey_answers(rng),
                     "answered_on": opens_on + dt.timedelta(days=rng.randrange(window)),
                     "recorded_by_id": officer_of(c) if channel == "officer" else
                     (manager_id if channel == "upload" else member_user),
                     "recorded_at": now, "corrected_at": None})
    w.put(SurveyResponse, rows)
    if clause_id is not None:
        w.put(SurveyEvidence, [{"id": 1, "survey_id": 1, "question_key": "kemarau", "region": None,
                                "clause_id": clause_id, "note": "Bukti kebutuhan anggota.",
                                "created_by_id": manager_id, "created_at": now}])
    return {"sample": len(drawn), "responses": len(rows)}


def generate(url: str, scale: str, seed: int = 2026, today: dt.date | None = None,
             instance: Path | None = None, quiet: bool = False) -> dict:
    """Build the database at `url`; return {"counts": {...}, "seconds": s, "users": {...}}."""
    from flask_migrate import upgrade

    from govtrack.agreements.models import (
        Agreement,
        AgreementDependency,
        AgreementParty,
        Clause,
        ClauseVersion,
    )
    from govtrack.auth.models import User
    from govtrack.auth.services import create_user, issue_token
    from govtrack.centres.models import CentrePosition
    from govtrack.centres.services import text_key
    from govtrack.core import versions as data_versions
    from govtrack.extensions import db
    from govtrack.forums import rules
    from govtrack.forums.models import (
        AgendaItem,
        Attendance,
        Decision,
        Forum,
        ForumVoter,
        Meeting,
        Motion,
        MotionAmendment,
        Vote,
    )
    from govtrack.members.models import Centre, Member, MemberInterest
    from govtrack.obligations.models import Obligation, Occurrence, Payment
    from govtrack.partners.models import Partner, PartnerContact

    started = time.perf_counter()
    f = SCALES[scale]
    rng = random.Random(seed)
    today = today or dt.datetime.now(dt.UTC).date()
    now = dt.datetime.now(dt.UTC)
    _reset(url)
    app = make_app(url, instance)
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))

    n_members = max(250, round(280_000 * f))
    n_partners = max(12, round(2_000 * f))
    n_agreements = max(20, round(20_000 * f))
    n_occurrences = max(100, round(100_000 * f))
    n_meetings = max(12, round(5_000 * f))
    n_votes = max(500, round(500_000 * f))

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="heads")
        say(f"migrated in {time.perf_counter() - started:.1f} s")
        dialect = db.engine.dialect.name
        conn = db.session.connection()
        w = Writer(conn)

        # --- centres (rembug pusat of 25 members; chairs and officers once those exist) --------
        n_centres = math.ceil(n_members / CENTRE_SIZE)
        centres = []
        for g in range(n_centres):
            village = VILLAGES[g % len(VILLAGES)]
            name = f"Rembug {village} {g:05d}"
            centres.append({"id": g + 1, "code": f"RP-{g + 1:05d}", "name": name, "name_key": name.casefold(),
                            "region": f"Kec. {village}, Kab. Bogor", "active": rng.random() > 0.01,
                            "created_at": now, "updated_at": now})
        w.put(Centre, centres)

        # --- members (in their centres) -----------------------------------------------------
        members = []
        for i in range(1, n_members + 1):
            g = (i - 1) // CENTRE_SIZE
            members.append({
                "id": i, "number": f"K{i:07d}",
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {i}",
                "centre_id": g + 1, "group_name": centres[g]["name"],
                "joined_on": today - dt.timedelta(days=rng.randrange(30, 365 * 15)),
                "active": rng.random() > 0.03, "investor": rng.random() < 0.02,
                "created_at": now, "updated_at": now,
            })
        w.put(Member, members)
        voters_pool = [m["id"] for m in members if m["active"] and not m["investor"]]
        say(f"members {time.perf_counter() - started:.1f} s")

        # --- users, one per role, through the services (their audit chain is real) ---------
        users: dict[str, dict] = {}
        member_user_member = voters_pool[0]
        for role in ROLES:
            email = f"{role}@bench.test"
            user = create_user(actor="generate", email=email, name=f"Bench {role}", role=role, password=PASSWORD)
            if role == "member":
                user.member_id = member_user_member
            db.session.flush()
            users[role] = {"id": user.id, "email": email, "password": PASSWORD,
                           "token": issue_token(actor="generate", user=user)}
        manager_id = users["manager"]["id"]
        conn = db.session.connection()
        w.conn = conn

        # --- field officers (the bench one and others with its password), chairs --------------
        n_officers = max(2, math.ceil(n_centres / CENTRES_PER_OFFICER))
        bench_officer = db.session.get(User, users["officer"]["id"])
        w.put(User, [{"email": f"officer{k:04d}@bench.test", "name": f"Petugas {k:04d}", "role": "officer",
                      "password_hash": bench_officer.password_hash, "active": True, "session_token": f"bench-{k}",
                      "created_at": now} for k in range(1, n_officers)])
        officer_ids = [bench_officer.id, *conn.execute(
            select(User.id).where(User.role == "officer", User.id != bench_officer.id).order_by(User.id)).scalars()]
        conn.execute(
            Centre.__table__.update().where(Centre.__table__.c.id == bindparam("cid")).values(officer_id=bindparam("oid")),
            [{"cid": c["id"], "oid": officer_ids[(c["id"] - 1) // CENTRES_PER_OFFICER % len(officer_ids)]}
             for c in centres])
        # the chair: the centre's first active member who is no investor (one statement)
        conn.execute(text(
            "UPDATE centres SET chair_member_id = (SELECT min(m.id) FROM members m WHERE m.centre_id = centres.id "
            "AND m.active = true AND m.investor = false)"))
        say(f"centres {n_centres}, officers {n_officers}, {time.perf_counter() - started:.1f} s")

        # --- partners and contacts ---------------------------------------------------------
        categories = [c for _, _, c, _ in KINDS] + ["local_government", "other"]
        partners, contacts, by_cat = [], [], {}
        for i in range(1, n_partners + 1):
            cat = categories[i % len(categories)]
            region = REGIONS[i % len(REGIONS)]
            partners.append({
                "id": i, "name": PARTNER_NAMES[cat].format(r=region, n=i), "category": cat,
                "legal_name": None, "registration_no": f"AHU-{i:06d}", "region": region,
                "notes": None, "active": rng.random() > 0.05, "created_at": now, "updated_at": now,
            })
            by_cat.setdefault(cat, []).append(i)
            contacts.append({"id": i, "partner_id": i, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                             "position": "Kepala Program", "email": f"kontak{i}@mitra.test", "phone": None})
        w.put(Partner, partners)
        w.put(PartnerContact, contacts)

        # --- forums -----------------------------------------------------------------------
        delegates_n = min(400, max(60, n_members // 700))
        picks = rng.sample(voters_pool, delegates_n + 13)
        delegates, board, supervisors, dps = picks[:delegates_n], picks[-13:-6], picks[-6:-3], picks[-3:]
        forum_rows = [
            # id, name, code, kind, all_members, quorum num/den, strict, threshold, voters
            (1, "Forum Rembug Pusat", "RP", "rembug_pusat", False, 1, 2, False, "simple_majority", delegates),
            (2, "Rapat Pengurus", "PG", "board", False, 1, 2, True, "simple_majority", board),
            (3, "Rapat Pengawas", "PW", "supervisors", False, 1, 2, True, "simple_majority", supervisors),
            (4, "Dewan Pengawas Syariah", "DPS", "sharia_supervisory", False, 2, 3, False, "two_thirds", dps),
            (5, "Rapat Anggota Tahunan", "RAT", "members_meeting", True, 1, 20, False, "simple_majority", None),
        ]
        forums = {}
        for fid, name, code, kind, allm, num, den, strict, thr, voters in forum_rows:
            forums[fid] = {"id": fid, "name": name, "code": code, "kind": kind, "all_members": allm,
                           "quorum_numerator": num, "quorum_denominator": den, "quorum_strict": strict,
                           "threshold": thr, "proxy_limit": 1, "created_at": now}
            forums[fid]["voters"] = voters if voters is not None else voters_pool
        w.put(Forum, [{k: v for k, v in fr.items() if k != "voters"} for fr in forums.values()])
        w.put(ForumVoter, [{"forum_id": fid, "member_id": m} for fid in (1, 2, 3, 4) for m in forums[fid]["voters"]])

        # --- meetings: past ones closed, the latest central ones open, a few scheduled ---------
        n_rat = max(1, round(5 * f))
        split = {1: 0.60, 2: 0.25, 3: 0.06, 4: 0.09}
        rest = n_meetings - n_rat
        per_forum = {fid: max(2, round(rest * share)) for fid, share in split.items()}
        per_forum[1] += rest - sum(per_forum.values())
        per_forum[5] = n_rat
        span_days = 365 * 6
        meetings = []  # dicts with extra keys: _present, _proxies
        mid = 0
        for fid, count in per_forum.items():
            for k in range(count):
                mid += 1
                if fid == 5:
                    day = dt.date(today.year - count + k, 3, 20)
                else:
                    day = today - dt.timedelta(days=span_days - (span_days * k) // count + 1)
                status = "closed"
                if fid == 1 and k >= count - max(1, count // 60):
                    # the newest few central meetings: open (this week) or scheduled (ahead)
                    status = "open" if k % 2 == 0 else "scheduled"
                    day = today + dt.timedelta(days=(k - count) + 2) if status == "open" else \
                        today + dt.timedelta(days=7 + (count - k))
                    if status == "open":
                        day = min(day, today)
                starts = dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC)
                meetings.append({
                    "id": mid, "forum_id": fid, "title": f"{forums[fid]['name']} {day.isoformat()}",
                    "starts_at": starts, "location": f"Balai {VILLAGES[mid % len(VILLAGES)]}",
                    "status": status,
                    "minutes": f"## Notulen\n\nRapat dibuka pukul 09.00 dan ditutup pukul 12.00 ({mid})."
                    if status == "closed" else None,
                    "minutes_status": "approved" if status == "closed" else "draft",
                    "opened_at": starts if status != "scheduled" else None,
                    "closed_at": starts + dt.timedelta(hours=3) if status == "closed" else None,
                    "created_at": starts - dt.timedelta(days=14),
                    # the forum's rule, copied when the meeting opened (a scheduled one has none yet)
                    **{f"rule_{k}": (forums[fid][k] if status != "scheduled" else None)
                       for k in ("quorum_numerator", "quorum_denominator", "quorum_strict", "threshold",
                                 "proxy_limit")},
                })
        closed_by_forum: dict[int, list[dict]] = {}
        open_central = [m for m in meetings if m["status"] == "open"]
        for m in meetings:
            if m["status"] == "closed":
                closed_by_forum.setdefault(m["forum_id"], []).append(m)

        # attendance: present in person (and some by proxy), always quorate for closed meetings
        attendance, aid = [], 0
        for m in meetings:
            if m["status"] == "scheduled":
                m["_voters"] = []
                continue
            voters = forums[m["forum_id"]]["voters"]
            if m["forum_id"] == 5:
                n_present = min(len(voters), math.ceil(len(voters) * rng.uniform(0.055, 0.07)) + 1)
            else:
                n_present = min(len(voters), math.floor(len(voters) * rng.uniform(0.55, 0.85)) + 1)
            present = rng.sample(voters, n_present)
            n_proxy = len(present) // 20 if len(present) >= 20 else 0
            holders, proxied = present[:n_proxy], present[n_proxy:2 * n_proxy]
            holder_of = dict(zip(proxied, holders, strict=True))
            m["_voters"] = [(p, holder_of.get(p)) for p in present]
            for p in present:
                aid += 1
                attendance.append({"id": aid, "meeting_id": m["id"], "member_id": p,
                                   "status": "proxy" if p in holder_of else "present",
                                   "proxy_holder_id": holder_of.get(p)})
        say(f"attendance planned {time.perf_counter() - started:.1f} s")

        # --- agreements, parties, dependencies, clauses ------------------------------------
        kinds = [k for k in KINDS]
        weights = [k[3] for k in KINDS]
        agreements, parties, deps, clauses, versions, amendments = [], [], [], [], [], []
        motions, agenda, decisions = [], [], []
        pid = cid = vid = 0
        grants_or_permits: list[int] = []
        plans = []  # (agreement dict, decision meeting or None, outcome wanted)
        for i in range(1, n_agreements + 1):
            kind, role, cat, _ = rng.choices(kinds, weights)[0]
            partner = rng.choice(by_cat[cat])
            r = rng.random()
            fate = "draft" if r < 0.08 else "deliberation" if r < 0.09 else "rejected" if r < 0.14 else "decided"
            agreements.append({
                "id": i, "title": f"Kerja sama {kind.replace('_', ' ')} {partners[partner - 1]['name']} #{i}",
                "reference": f"PKS/{i:06d}", "kind": kind, "status": "draft",
                "value_amount": Decimal(rng.randrange(50, 50_000) * 1_000_000), "value_currency": "IDR",
                "start_date": None, "end_date": None,
                "summary": "Kerja sama air bersih dan sanitasi untuk anggota rembug.",
                "visibility": rng.choices(["internal", "members", "public"], [0.4, 0.35, 0.25])[0],
                "created_by_id": manager_id, "created_at": now, "updated_at": now,
            })
            pid += 1
            parties.append({"id": pid, "agreement_id": i, "partner_id": partner, "role": role})
            if rng.random() < 0.2:
                other = rng.randrange(1, n_partners + 1)
                if other != partner:
                    pid += 1
                    parties.append({"id": pid, "agreement_id": i, "partner_id": other, "role": "implementer"})
            if kind in ("construction", "supply") and grants_or_permits and rng.random() < 0.35:
                deps.append({"agreement_id": i, "depends_on_id": rng.choice(grants_or_permits[-200:])})
            if kind in ("grant", "permit"):
                grants_or_permits.append(i)
            a = agreements[-1]
            a["_clauses"] = []
            for number in range(1, 6):
                cid += 1
                body = CLAUSES[(i + number) % len(CLAUSES)].format(n=rng.randrange(5, 500))
                clauses.append({"id": cid, "agreement_id": i, "number": number, "text": body,
                                "proposed_by": "cooperative" if number % 3 else "partner", "status": "proposed"})
                vid += 1
                versions.append({"id": vid, "clause_id": cid, "version": 1, "text": body, "status": "proposed",
                                 "decision_id": None, "created_at": now})
                a["_clauses"].append(clauses[-1])
            plans.append((a, fate, partner))

        # motions and decisions: every decided agreement by its central forum (and the DPS for
        # sharia kinds), every rejected one by the central forum; filler general resolutions.
        motion_plan = []  # (meeting, agreement or None, effect, want carried)
        for a, fate, _partner in plans:
            if fate == "deliberation" and open_central:
                m = rng.choice(open_central)
                a["status"] = "under_deliberation"
                agenda.append((m, a))
            elif fate in ("decided", "rejected"):
                m = rng.choice(closed_by_forum[1])
                motion_plan.append((m, a, "reject" if fate == "rejected" else
                                    ("approve_with_amendments" if rng.random() < 0.1 else "approve"), True))
                if fate == "decided" and a["kind"] in SHARIA_KINDS:
                    motion_plan.append((rng.choice(closed_by_forum[4]), a, "approve", True))
        have_motion = {id(m) for m, *_ in motion_plan}
        for m in meetings:
            if m["status"] == "closed" and (id(m) not in have_motion or rng.random() < 0.3):
                motion_plan.append((m, None, "none", rng.random() < 0.8))
        # roll-call votes: the members' meeting's first motion always, the rest drawn to the budget
        rat_votes = sum(len(m["_voters"]) for m in closed_by_forum.get(5, []))
        possible = sum(len(m["_voters"]) for m, *_ in motion_plan if m["forum_id"] != 5)
        p_roll = max(0.0, min(1.0, (n_votes - rat_votes) / max(1, possible) * 1.05))

        motion_plan.sort(key=lambda t: (t[0]["starts_at"], t[0]["id"]))
        seqs: dict[tuple[int, int], int] = {}
        votes, vote_id, moid, did = [], 0, 0, 0
        rat_done: set[int] = set()
        positions: dict[int, int] = {}
        decided_on: dict[int, dt.date] = {}
        for m, a, effect, carried in motion_plan:
            forum = forums[m["forum_id"]]
            moid += 1
            positions[m["id"]] = positions.get(m["id"], 0) + 1
            agenda_title = f"Pembahasan {a['title']}" if a else "Laporan dan usulan umum"
            agenda.append((m, a, positions[m["id"]], agenda_title))
            present = len(m["_voters"])
            eligible = len(forum["voters"])
            if m["forum_id"] == 5:
                method = "roll_call" if m["id"] not in rat_done else "tally"
                rat_done.add(m["id"])
            elif rng.random() < p_roll:
                method = "roll_call"
            else:
                method = "consensus" if carried and rng.random() < 0.6 else "tally"
            yes = no = abstain = 0
            if method != "consensus":
                share = rng.uniform(0.72, 0.95) if carried else rng.uniform(0.15, 0.45)
                voting = m["_voters"] if method == "roll_call" else [None] * present
                for j, voter in enumerate(voting):
                    x = (j * 0.6180339887 + rng.random() * 0.05) % 1.0
                    choice = "yes" if x < share else ("abstain" if x > 0.97 else "no")
                    if choice == "yes":
                        yes += 1
                    elif choice == "no":
                        no += 1
                    else:
                        abstain += 1
                    if voter is not None:
                        vote_id += 1
                        votes.append({"id": vote_id, "motion_id": moid, "member_id": voter[0], "choice": choice,
                                      "cast_by_id": voter[1], "created_at": m["starts_at"] + dt.timedelta(hours=1)})
                outcome = rules.outcome(present=present, eligible=eligible, numerator=forum["quorum_numerator"],
                                        denominator=forum["quorum_denominator"], strict=forum["quorum_strict"],
                                        threshold=forum["threshold"], yes=yes, no=no)
            else:
                outcome = "carried"
            if a is None:  # a general resolution: whatever the votes said
                carried = outcome == "carried"
            assert outcome == ("carried" if carried else "defeated"), (outcome, yes, no, present, eligible)
            tallies = (yes, no, abstain) if method == "tally" else (0, 0, 0)
            closed_at = m["starts_at"] + dt.timedelta(hours=2)
            motions.append({
                "id": moid, "meeting_id": m["id"], "title": agenda_title,
                "text": f"Forum {'menyetujui' if effect != 'reject' else 'menolak'} {agenda_title.lower()}.",
                "agreement_id": a["id"] if a else None, "effect": effect, "obligation_id": None,
                "corrects_motion_id": None, "status": "closed", "method": method,
                "tally_yes": tallies[0], "tally_no": tallies[1], "tally_abstain": tallies[2],
                "outcome": outcome, "yes": yes, "no": no, "abstain": abstain, "present": present,
                "eligible": eligible, "created_at": m["starts_at"], "closed_at": closed_at,
            })
            if outcome != "carried":
                continue
            did += 1
            year = m["starts_at"].year
            seqs[(forum["id"], year)] = seq = seqs.get((forum["id"], year), 0) + 1
            effects = []
            if a is not None and effect == "reject":
                a["status"] = "rejected"
                effects.append({"agreement_id": a["id"], "from": "draft", "status": "rejected"})
            elif a is not None:
                needed = {1, 4} if a["kind"] in SHARIA_KINDS else {1}
                a.setdefault("_approvals", set()).add(forum["id"])
                if effect == "approve_with_amendments" and forum["id"] == 1:
                    c = a["_clauses"][0]
                    c["text"] = c["text"] + " Diubah oleh forum."
                    c["status"] = "amended"
                    amendments.append({"motion_id": moid, "clause_id": c["id"], "text": c["text"]})
                    vid += 1
                    versions.append({"id": vid, "clause_id": c["id"], "version": 2, "text": c["text"],
                                     "status": "amended", "decision_id": did, "created_at": closed_at})
                    effects.append({"clause_id": c["id"], "from": "proposed", "status": "amended"})
                if needed <= a["_approvals"] and a["status"] == "draft":
                    a["status"] = "approved"
                    effects.append({"agreement_id": a["id"], "from": "draft", "status": "approved"})
                    decided_on[a["id"]] = m["starts_at"].date()
                    for c in a["_clauses"]:
                        if c["status"] == "proposed":
                            c["status"] = "accepted"
                            vid += 1
                            versions.append({"id": vid, "clause_id": c["id"], "version": 2, "text": c["text"],
                                             "status": "accepted", "decision_id": did, "created_at": closed_at})
                            effects.append({"clause_id": c["id"], "from": "proposed", "status": "accepted"})
                else:
                    effects.append({"agreement_id": a["id"], "from": "draft", "awaiting": [
                        "sharia_supervisory" if 4 in needed - a["_approvals"] else "rembug_pusat"]})
            decisions.append({
                "id": did, "number": f"{forum['code']}-{year}-{seq:03d}", "forum_id": forum["id"], "year": year,
                "seq": seq, "motion_id": moid, "meeting_id": m["id"], "agreement_id": a["id"] if a else None,
                "effect": effect, "decided_on": m["starts_at"].date(),
                "text": motions[-1]["text"], "effects": json.dumps(effects, sort_keys=True), "created_at": closed_at,
            })
        # dates and lifecycle after approval: signed (active), later completed, a few suspended
        for a in agreements:
            if a["id"] in decided_on:
                start = decided_on[a["id"]] + dt.timedelta(days=rng.randrange(7, 60))
                a["start_date"], a["end_date"] = start, start + dt.timedelta(days=rng.randrange(365, 365 * 5))
                if start <= today:
                    a["status"] = "completed" if a["end_date"] < today else \
                        ("suspended" if rng.random() < 0.02 else "active")
            elif a["status"] != "rejected":
                start = today + dt.timedelta(days=rng.randrange(30, 400))
                a["start_date"], a["end_date"] = start, start + dt.timedelta(days=rng.randrange(365, 365 * 4))
        say(f"planned {time.perf_counter() - started:.1f} s")

        w.put(Agreement, [{**{k: v for k, v in a.items() if not k.startswith("_")},
                           "deliberation": 0 if a["status"] == "draft" else 1} for a in agreements])
        w.put(AgreementParty, parties)
        w.put(AgreementDependency, deps)
        w.put(Clause, clauses)
        w.put(Meeting, meetings_rows := [{k: v for k, v in m.items() if not k.startswith("_")} for m in meetings])
        del meetings_rows
        w.put(Attendance, attendance)
        del attendance
        # Each opened meeting's roll of voters, as opening it writes it: one INSERT … SELECT (the
        # members' meetings put the whole roster on theirs).
        rolled = conn.exec_driver_sql(
            "INSERT INTO meeting_voters (meeting_id, member_id) SELECT mt.id, m.id FROM meetings mt "
            "JOIN forums f ON f.id = mt.forum_id JOIN members m ON m.active = true AND m.investor = false "
            "AND (f.all_members = true OR EXISTS (SELECT 1 FROM forum_voters fv WHERE fv.forum_id = f.id "
            "AND fv.member_id = m.id)) WHERE mt.status IN ('open', 'closed')")
        w.counts["meeting_voters"] = rolled.rowcount
        say(f"rolls of voters {time.perf_counter() - started:.1f} s")
        agenda_rows = []
        pos_open: dict[int, int] = {}
        for agid, item in enumerate(agenda, start=1):
            if len(item) == 2:  # an agreement under deliberation in an open meeting
                m, a = item
                pos_open[m["id"]] = pos_open.get(m["id"], 1000) + 1
                agenda_rows.append({"id": agid, "meeting_id": m["id"], "position": pos_open[m["id"]],
                                    "title": f"Pembahasan {a['title']}", "agreement_id": a["id"]})
            else:
                m, a, position, title = item
                agenda_rows.append({"id": agid, "meeting_id": m["id"], "position": position, "title": title,
                                    "agreement_id": a["id"] if a else None})
        w.put(AgendaItem, agenda_rows)
        say(f"agenda {time.perf_counter() - started:.1f} s")

        # --- obligations and their occurrences (before motions: no motion names one here) ---
        started_agreements = [a for a in agreements if a["status"] in ("active", "completed", "suspended")]
        obligations, occurrences, payments = [], [], []
        ocid = payid = 0
        parties_of = {p["agreement_id"]: p["partner_id"] for p in reversed(parties)}
        left = n_occurrences
        rng.shuffle(started_agreements)
        for idx, a in enumerate(started_agreements):
            if left <= 0:
                break
            remaining_agreements = len(started_agreements) - idx
            oid = idx + 1
            partner = parties_of[a["id"]]
            loanish = a["kind"] in SHARIA_KINDS
            owed_by = "cooperative" if loanish or rng.random() < 0.3 else "partner"
            okind = "repayment" if loanish else ("report" if owed_by == "cooperative" else
                                                 {"grant": "disbursement", "construction": "construction_milestone",
                                                  "supply": "delivery"}.get(a["kind"], "compliance"))
            amount = None if okind in ("report", "compliance") else Decimal(rng.randrange(5, 500) * 1_000_000)
            start = a["start_date"].replace(day=min(a["start_date"].day, 28))
            per = max(1, math.ceil(left / remaining_agreements))
            series = per > 1
            interval = 1 if okind == "repayment" else 3
            dues = [add_months(start, interval * (k + 1)) for k in range(min(per, left))] if series else \
                [start + dt.timedelta(days=90)]
            obligations.append({
                "id": oid, "agreement_id": a["id"], "clause_id": a["_clauses"][1]["id"] if rng.random() < 0.5 else None,
                "owed_by": owed_by, "partner_id": partner, "kind": okind,
                "title": f"{okind.replace('_', ' ').capitalize()} {a['reference']}", "amount": amount,
                "currency": "IDR", "due_date": None if series else dues[0],
                "rrule": f"FREQ=MONTHLY;INTERVAL={interval}" if series else None,
                "starts_on": add_months(start, interval) if series else None,
                "generated_until": dues[-1] if series else None, "responsible_id": manager_id,
                "waived_decision_id": None, "created_at": now,
            })
            for due in dues:
                ocid += 1
                # Late payments are chased: most that are still open fell due in the last months.
                age = (today - due).days
                fulfilled = age > 0 and rng.random() > (0.15 if age < 90 else 0.05 if age < 365 else 0.004)
                paid = amount if (fulfilled and amount is not None) else Decimal(0)
                fulfilled_on = min(today, due + dt.timedelta(days=rng.randrange(-10, 20))) if fulfilled else None
                occurrences.append({
                    "id": ocid, "obligation_id": oid, "due_on": due, "amount": amount, "paid_amount": paid,
                    "fulfilled_on": fulfilled_on, "note": None, "waived": False, "waived_decision_id": None,
                    "waive_reason": None,
                })
                if fulfilled and amount is not None:
                    payid += 1
                    payments.append({"id": payid, "occurrence_id": ocid, "paid_on": fulfilled_on, "amount": amount,
                                     "note": None, "recorded_by_id": manager_id,
                                     "recorded_at": dt.datetime.combine(fulfilled_on, dt.time(3), tzinfo=dt.UTC)})
            left -= len(dues)
        w.put(Obligation, obligations)
        w.put(Motion, motions)
        w.put(MotionAmendment, [{"id": k + 1, **am} for k, am in enumerate(amendments)])
        w.put(Vote, votes)
        del votes
        w.put(Decision, decisions)
        w.put(ClauseVersion, versions)
        w.put(Occurrence, occurrences)
        w.put(Payment, payments)
        say(f"inserted {time.perf_counter() - started:.1f} s")

        # --- the centres' positions on one agreement under deliberation (8,000 centres at L) ----
        by_agreement: dict[int, list[int]] = {}
        for c in clauses:
            by_agreement.setdefault(c["agreement_id"], []).append(c["id"])
        pending = sorted((a for a in agreements if a["status"] == "under_deliberation" and by_agreement.get(a["id"])),
                         key=lambda a: (-min(len(by_agreement[a["id"]]), 5), a["id"]))
        if not pending:  # small scales may have none: a draft is put under deliberation
            pending = sorted((a for a in agreements if a["status"] == "draft" and by_agreement.get(a["id"])),
                             key=lambda a: (-min(len(by_agreement[a["id"]]), 5), a["id"]))[:1]
            for a in pending:
                conn.execute(text("UPDATE agreements SET status = 'under_deliberation', deliberation = 1 WHERE id = :id"),
                             {"id": a["id"]})
        if pending:
            target, heard = pending[0], min(n_centres, max(5, round(8_000 * f)))
            texts = ["Margin 7 % per tahun.", "Tenor 36 bulan.", "Agunan cukup tanggung renteng.",
                     "Angsuran mingguan di pertemuan rembug."]
            positions, held_on = [], today - dt.timedelta(days=7)
            for centre_id in range(1, heard + 1):
                for clause_id in by_agreement[target["id"]][:5]:
                    for superseded in ([True, False] if rng.random() < 0.05 else [False]):
                        position = rng.choices(["support", "amend", "oppose"], [60, 25, 15])[0]
                        body = rng.choice(texts) if position == "amend" else None
                        positions.append({
                            "agreement_id": target["id"], "deliberation": 1, "clause_id": clause_id,
                            "centre_id": centre_id, "held_on": held_on, "members_present": rng.randint(12, 25),
                            "position": position, "text": body, "text_key": text_key(body) if body else None,
                            "recorded_by_id": officer_ids[(centre_id - 1) // CENTRES_PER_OFFICER % len(officer_ids)],
                            "recorded_at": now, "superseded_at": now if superseded else None})
            w.put(CentrePosition, positions)
            say(f"positions of {heard} centres on agreement {target['id']}, {time.perf_counter() - started:.1f} s")
        # --- a needs survey: a stratified sample of 20,000 members at L, all of whom answered ---------
        survey_started = time.perf_counter()
        survey = _put_survey(
            w, seed, voters_pool, {m["id"]: m["centre_id"] for m in members},
            lambda c: officer_ids[(c - 1) // CENTRES_PER_OFFICER % len(officer_ids)], users,
            size=max(50, round(20_000 * f)), responses=max(50, round(20_000 * f)), today=today, now=now,
            clause_id=by_agreement[pending[0]["id"]][0] if pending else None)
        # written on the connection, outside the ORM session: the survey results' cache keys need new tokens
        # (data_versions: "versions" here is the list of clause versions)
        data_versions.bump(db.session, "surveys", "survey_questions", "survey_members", "survey_responses",
                           "survey_evidence")
        say(f"survey: sample {survey['sample']}, responses {survey['responses']}, "
            f"{time.perf_counter() - survey_started:.1f} s (at {time.perf_counter() - started:.1f} s)")
        # --- results frameworks (issue 16) on funder and lender agreements under way ---------
        n_frameworks = _put_results(w, agreements, max(2, round(2_000 * f)), users, today, now)
        say(f"results frameworks on {n_frameworks} agreements, {time.perf_counter() - started:.1f} s")

        say(f"audit trail {_audit_trail(conn, rng, max(500, round(500_000 * f)), users, n_members, n_agreements, len(obligations), moid, now)} events, {time.perf_counter() - started:.1f} s")

        # a few declared interests (conflicts of interest)
        interests = []
        for k, m in enumerate(rng.sample(voters_pool, max(5, n_members // 1000))):
            interests.append({"id": k + 1, "member_id": m, "partner_id": rng.randrange(1, n_partners + 1),
                              "note": "Keluarga bekerja di mitra.", "declared_at": now})
        w.put(MemberInterest, interests)

        if dialect == "postgresql":
            # the ids were given here: move each table's sequence past them
            for t in db.metadata.tables.values():
                if "id" in t.c:
                    conn.exec_driver_sql(
                        f"SELECT setval(s, (SELECT COALESCE(MAX(id), 1) FROM {t.name})) "
                        f"FROM pg_get_serial_sequence('{t.name}', 'id') AS s WHERE s IS NOT NULL")
        db.session.commit()
        if dialect == "sqlite":
            with db.engine.connect() as c:
                c.exec_driver_sql("ANALYZE")
                c.commit()
        else:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
        counts = {}
        for t in sorted(db.metadata.tables.values(), key=lambda t: t.name):
            counts[t.name] = db.session.scalar(select(func.count()).select_from(t))
        db.session.remove()
        db.engine.dispose()
    seconds = time.perf_counter() - started
    out = users_file(url)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"scale": scale, "database_url": url, "today": today.isoformat(),
                               "users": users, "seconds": round(seconds, 1), "counts": counts}, indent=2))
    return {"counts": counts, "seconds": seconds, "users": users, "users_file": str(out)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=list(SCALES), default="S")
    parser.add_argument("--database-url", default=None, help="default: benchmarks/out/scale-<S>.sqlite3")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    url = args.database_url or os.environ.get("GOVTRACK_BENCH_DATABASE_URL") or default_url(args.scale)
    result = generate(url, args.scale, seed=args.seed)
    from benchmarks.harness import print_table

    rows = [[name, f"{n:,}"] for name, n in result["counts"].items() if n]
    rows.append(["build time (s)", f"{result['seconds']:.1f}"])
    print(f"scale {args.scale} -> {url}")
    print_table(["table", "rows"], rows)
    print(f"users, passwords and API tokens: {result['users_file']}")


if __name__ == "__main__":
    main()
