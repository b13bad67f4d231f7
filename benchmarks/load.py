"""Load test: gunicorn with N workers, many concurrent users, 80 % reads by every role and 20 % writes
(concurrent roll-call votes on the same motions, new partners, agreement edits, obligation fulfilments).
Afterwards it checks that nothing was lost, doubled or half-written and prints throughput and latency.

    .venv/bin/python benchmarks/load.py                                   # SQLite, 4 workers, 50 users, 60 s
    .venv/bin/python benchmarks/load.py --db postgres --redis            # PostgreSQL + Redis
    .venv/bin/python benchmarks/load.py --users 8 --seconds 4 --workers 2 --members 200   # a short form

PostgreSQL: a fresh database is created next to GOVTRACK_BENCH_POSTGRES_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/postgres) and dropped afterwards.

Checks (any failure exits 1): no 5xx and no unexpected status; every vote acknowledged (200) is
stored exactly once, no vote is stored that was not acknowledged (a request cut off by a fault may
go either way); the tally equals the rows; every stored vote is in the audit log; payments add up;
the database's integrity and foreign-key checks pass; every carried motion has exactly one decision
and every decision a carried motion; `flask audit verify` exits 0; closing the motions gives
outcomes whose counts equal the rows.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.harness import Env, Server, percentile, print_table  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/15"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ROLES = ("admin", "board", "manager", "member")


@dataclass
class Options:
    db: str = "sqlite"
    workers: int = 4
    users: int = 50
    seconds: float = 60.0
    redis: bool = False
    members: int = 2000
    motions: int = 6
    write_share: float = 0.2
    postgres_url: str | None = None
    seed: int = 20261127


# --- the stack: a database, the app in this process (CLI runner, checks), gunicorn --------------

class Stack:
    """A throwaway database, the app in this process for the CLI and the checks, and gunicorn."""

    def __init__(self, opts: Options):
        self.opts = opts
        self.env = Env(db=opts.db, postgres_url=opts.postgres_url or os.environ.get("GOVTRACK_BENCH_POSTGRES_URL"),
                       redis_url=REDIS_URL if opts.redis else None)
        self.app = make_app(self.env.url, self.env.workdir)
        self.server: Server | None = None

    def cli(self, *args: str, app=None) -> str:
        """Run a `flask` command in this process (the real click command, no extra interpreter)."""
        result = (app or self.app).test_cli_runner().invoke(args=list(args), catch_exceptions=False)
        if result.exit_code != 0:
            raise RuntimeError(f"flask {' '.join(args)} exited {result.exit_code}: {result.output}")
        return result.output

    def start(self) -> Server:
        dispose(self.app)
        self.server = Server(self.env, workers=self.opts.workers).start()
        return self.server

    def close(self) -> None:
        if self.server:
            self.server.stop()
        dispose(self.app)
        self.env.cleanup()


def make_app(url: str, workdir: Path):
    from govtrack import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(workdir / "instance"),
        "SECRET_KEY": "bench-secret-key", "AUDIT_KEY": "bench-audit-key",
        "UPLOAD_DIR": str(workdir / "uploads"), "RATELIMIT_STORAGE_URI": "memory://",
        "BABEL_DEFAULT_LOCALE": "en",
    })


def dispose(app) -> None:
    from govtrack.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# --- HTTP ---------------------------------------------------------------------------------------

class Http:
    """One keep-alive connection (gunicorn's sync workers close it; http.client then reconnects)."""

    def __init__(self, base: str, timeout: float = 60):
        u = urllib.parse.urlsplit(base)
        self.host, self.port, self.timeout = u.hostname, u.port, timeout
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method: str, path: str, *, body=None, headers: dict | None = None,
                ctype: str = "application/json") -> tuple[int, bytes, dict]:
        headers = dict(headers or {})
        if body is not None and not isinstance(body, bytes | str):
            body = json.dumps(body)
        if body is not None:
            headers.setdefault("Content-Type", ctype)
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            if resp.will_close:
                self.conn.close()
            return resp.status, data, dict(resp.getheaders())
        except (OSError, http.client.HTTPException):
            # Cut off (a killed worker, a reset): the outcome is unknown to the client.
            self.conn.close()
            return 0, b"", {}

    def close(self) -> None:
        self.conn.close()


def call(base: str, method: str, path: str, *, token: str | None = None, body=None,
         ctype: str = "application/json", expect: tuple[int, ...] = (200, 201)):
    http_ = Http(base)
    try:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        status, data, _ = http_.request(method, path, body=body, headers=headers, ctype=ctype)
    finally:
        http_.close()
    if status not in expect:
        raise RuntimeError(f"{method} {path} answered {status}: {data[:500]!r}")
    return json.loads(data) if data else None


def login(base: str, email: str, password: str) -> str:
    """Sign in through the login form; returns the session cookie header value."""
    http_ = Http(base)
    try:
        status, data, headers = http_.request("GET", "/login")
        cookie = _cookie(headers)
        token = CSRF_RE.search(data.decode()).group(1)
        form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token})
        status, data, headers = http_.request("POST", "/login", body=form, headers={"Cookie": cookie},
                                              ctype="application/x-www-form-urlencoded")
        if status != 302:
            raise RuntimeError(f"login {email} answered {status}")
        return _cookie(headers) or cookie
    finally:
        http_.close()


def _cookie(headers: dict) -> str:
    raw = headers.get("Set-Cookie") or headers.get("set-cookie") or ""
    return raw.split(";", 1)[0]


# --- seed ---------------------------------------------------------------------------------------

@dataclass
class Seed:
    tokens: dict[str, str]
    cookies: dict[str, str]
    meeting_id: int
    motion_ids: list[int]
    member_ids: list[int]
    agreement_ids: list[int]
    obligation_ids: list[int]
    approve_motion_id: int | None
    approve_agreement_id: int | None
    partner_id: int


def seed(stack: Stack) -> Seed:
    """Migrate, `flask demo load`, tokens from `flask users token`; then through the API: members
    from CSV, a meeting of the Forum Rembug Pusat opened with them present, open motions, and
    recurring obligations to fulfil."""
    opts = stack.opts
    stack.cli("db", "upgrade", "--directory", str(ROOT / "migrations"))
    out = stack.cli("demo", "load")
    passwords = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] in ROLES:
            passwords[parts[0]] = (parts[1], parts[2])
    tokens = {role: stack.cli("users", "token", passwords[role][0]).strip().splitlines()[-1] for role in ROLES}
    server = stack.start()
    base = server.base
    board, manager = tokens["board"], tokens["manager"]

    lines = ["number,name,group,joined_on,active,investor"]
    lines += [f"LD{i:06d},Anggota Beban {i},Rembug {i // 25:03d},2020-01-01,true,false" for i in range(opts.members)]
    result = call(base, "POST", "/api/v1/members/import", token=board, body="\n".join(lines) + "\n", ctype="text/csv")
    assert result["created"] == opts.members, result
    member_ids: list[int] = []
    cursor = None
    while True:
        q = "/api/v1/members?limit=500" + (f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
        page = call(base, "GET", q, token=board)
        member_ids += [m["id"] for m in page["items"] if m["number"].startswith("LD")]
        cursor = page["next"]
        if not cursor:
            break
    assert len(member_ids) == opts.members, len(member_ids)

    forums = call(base, "GET", "/api/v1/forums?kind=rembug_pusat", token=board)["items"]
    forum = forums[0]
    now = dt.datetime.now(dt.UTC)
    meeting = call(base, "POST", "/api/v1/meetings", token=board,
                   body={"forum_id": forum["id"], "title": "Rapat beban", "starts_at": now.isoformat()})
    # An agreement to approve: a draft MoU with one clause; its motion is closed after the load.
    partners = call(base, "GET", "/api/v1/partners?limit=5", token=manager)["items"]
    agreement = call(base, "POST", "/api/v1/agreements", token=manager, body={
        "title": "Nota kesepahaman uji beban", "reference": f"LOAD/{now:%Y%m%d%H%M%S}", "kind": "mou",
        "parties": [{"partner_id": partners[0]["id"], "role": "implementer"}],
        "start_date": now.date().isoformat(), "summary": "Uji beban",
        "clauses": [{"number": "1", "text": "Para pihak bekerja sama."}],
    })
    # A motion decides only what its meeting announced: the agreement goes on the agenda first.
    call(base, "POST", f"/api/v1/meetings/{meeting['id']}/agenda", token=board,
         body={"title": "Nota kesepahaman uji beban", "agreement_id": agreement["id"]})
    call(base, "POST", f"/api/v1/meetings/{meeting['id']}/open", token=board)
    call(base, "PUT", f"/api/v1/meetings/{meeting['id']}/attendance", token=board,
         body=[{"member_id": m, "status": "present"} for m in member_ids])
    motion_ids = []
    for i in range(opts.motions):
        m = call(base, "POST", f"/api/v1/meetings/{meeting['id']}/motions", token=board,
                 body={"title": f"Usul {i + 1}", "text": f"Forum menyetujui usul nomor {i + 1}."})
        motion_ids.append(m["id"])
    approve = call(base, "POST", f"/api/v1/meetings/{meeting['id']}/motions", token=board, body={
        "title": "Persetujuan MoU uji beban", "text": "Forum menyetujui nota kesepahaman.",
        "agreement_id": agreement["id"], "effect": "approve"})
    motion_ids.append(approve["id"])

    agreement_ids = [a["id"] for a in call(base, "GET", "/api/v1/agreements?limit=100", token=manager)["items"]]
    # Recurring obligations with many open occurrences: several fulfilments race on each.
    active = [a for a in call(base, "GET", "/api/v1/agreements?limit=100&status=active", token=manager)["items"]]
    obligation_ids = []
    for i, a in enumerate(active[:4]):
        ob = call(base, "POST", "/api/v1/obligations", token=manager, body={
            "agreement_id": a["id"], "owed_by": "cooperative", "kind": "payment",
            "title": f"Iuran mingguan {i + 1}", "rrule": "FREQ=DAILY;COUNT=400",
            "starts_on": (now.date() - dt.timedelta(days=7)).isoformat(),
            "amount": {"amount": "100000.00", "currency": "IDR"},
        })
        obligation_ids.append(ob["id"])
    cookies = {role: login(base, *passwords[role]) for role in ROLES}
    return Seed(tokens=tokens, cookies=cookies, meeting_id=meeting["id"], motion_ids=motion_ids,
                member_ids=member_ids, agreement_ids=agreement_ids, obligation_ids=obligation_ids,
                approve_motion_id=approve["id"], approve_agreement_id=agreement["id"],
                partner_id=partners[0]["id"])


# --- the virtual users --------------------------------------------------------------------------

# kind, weight, who (a role's token "api:role", a role's session "page:role", or "anon"), method
READS = [
    ("api partners list", 8, "api:manager"),
    ("api agreements list", 8, "api:admin"),
    ("api agreement get", 8, "api:manager"),
    ("api meeting get", 2, "api:board"),
    ("api motion get", 5, "api:board"),
    ("api decisions", 5, "api:board"),
    ("api obligations list", 6, "api:manager"),
    ("api members list", 5, "api:board"),
    ("api network", 2, "api:member"),
    ("api public agreements", 8, "anon"),
    ("page published", 8, "anon"),
    ("page agreements", 6, "page:manager"),
    ("page partners", 4, "page:admin"),
    ("page obligations", 4, "page:manager"),
    ("page published (member)", 3, "page:member"),
    ("page audit", 2, "page:admin"),
]
WRITES = [
    ("vote", 10, "api:board"),
    ("partner create", 3, "api:manager"),
    ("agreement patch", 4, "api:manager"),
    ("obligation fulfil", 3, "api:manager"),
]
EXPECTED = {"vote": {200, 409}, "partner create": {201}, "obligation fulfil": {200, 409}}


@dataclass
class Outcome:
    kind: str
    status: int
    seconds: float


@dataclass
class Record:
    """What the clients saw; shared by the user threads (appends are atomic in CPython)."""

    outcomes: list[Outcome] = field(default_factory=list)
    acked: dict[tuple[int, int], str] = field(default_factory=dict)       # (motion, member) -> choice
    refused: list[tuple[int, int, str]] = field(default_factory=list)     # 409s: motion, member, code
    unknown: set[tuple[int, int]] = field(default_factory=set)            # cut off: may be stored or not
    surprises: list[str] = field(default_factory=list)
    conflicts: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # "kind code" -> n
    started: float = 0.0
    ended: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class User(threading.Thread):
    def __init__(self, n: int, base: str, s: Seed, rec: Record, stop: threading.Event, opts: Options,
                 faults: bool = False):
        super().__init__(name=f"user-{n}", daemon=True)
        self.http, self.seed, self.rec, self.stop, self.opts = Http(base), s, rec, stop, opts
        self.rng = random.Random(opts.seed + n)
        self.n = n
        self.faults = faults
        self.count = 0

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                group = WRITES if self.rng.random() < self.opts.write_share else READS
                kind, _, who = self.rng.choices(group, weights=[w for _, w, _ in group])[0]
                self.one(kind, who)
        finally:
            self.http.close()

    def headers(self, who: str) -> dict:
        if who.startswith("api:"):
            return {"Authorization": f"Bearer {self.seed.tokens[who[4:]]}"}
        if who.startswith("page:"):
            return {"Cookie": self.seed.cookies[who[5:]]}
        return {}

    def one(self, kind: str, who: str) -> None:
        s, rng = self.seed, self.rng
        method, body = "GET", None
        self.count += 1
        vote = None
        match kind:
            case "api partners list":
                path = "/api/v1/partners?limit=50"
            case "api agreements list":
                path = "/api/v1/agreements?limit=50"
            case "api agreement get":
                path = f"/api/v1/agreements/{rng.choice(s.agreement_ids)}"
            case "api meeting get":
                path = f"/api/v1/meetings/{s.meeting_id}"
            case "api motion get":
                path = f"/api/v1/motions/{rng.choice(s.motion_ids)}"
            case "api decisions":
                path = "/api/v1/decisions?limit=50"
            case "api obligations list":
                path = "/api/v1/obligations?limit=50"
            case "api members list":
                path = "/api/v1/members?limit=50"
            case "api network":
                path = "/api/v1/network"
            case "api public agreements":
                path = "/api/v1/public/agreements"
            case "page published" | "page published (member)":
                path = "/published/"
            case "page agreements":
                path = "/agreements/"
            case "page partners":
                path = "/partners/"
            case "page obligations":
                path = "/obligations/"
            case "page audit":
                path = "/admin/audit/"
            case "vote":
                # Some votes go to a few members, so that resubmissions race and come back 409.
                pool = s.member_ids[:20] if rng.random() < 0.3 else s.member_ids
                motion, member = rng.choice(s.motion_ids), rng.choice(pool)
                choice = rng.choices(["yes", "no", "abstain"], weights=[55, 30, 15])[0]
                vote = (motion, member, choice)
                method, path = "POST", f"/api/v1/motions/{motion}/votes"
                body = {"votes": [{"member_id": member, "choice": choice}]}
            case "partner create":
                method, path = "POST", "/api/v1/partners"
                body = {"name": f"Mitra beban {self.n}-{self.count}-{rng.randrange(10**6)}",
                        "category": rng.choice(["nonprofit_funder", "local_government", "other"]),
                        "region": "Jawa Tengah"}
            case "agreement patch":
                method, path = "PATCH", f"/api/v1/agreements/{rng.choice(s.agreement_ids)}"
                body = {"summary": f"Ringkasan diperbarui oleh pengguna {self.n} ({self.count})."}
            case "obligation fulfil":
                method, path = "POST", f"/api/v1/obligations/{rng.choice(s.obligation_ids)}/fulfil"
                body = {"date": dt.date.today().isoformat(), "note": f"Dibayar {self.n}-{self.count}"}
            case _:
                raise AssertionError(kind)
        start = time.perf_counter()
        status, data, _ = self.http.request(method, path, body=body, headers=self.headers(who))
        elapsed = time.perf_counter() - start
        self.rec.outcomes.append(Outcome(kind, status, elapsed))
        expected = EXPECTED.get(kind, {200})
        if status == 409:
            self.rec.conflicts[f"{kind} {_error_code(data)}"] += 1
        if vote is not None:
            key = (vote[0], vote[1])
            with self.rec.lock:
                if status == 200:
                    if key in self.rec.acked:
                        self.rec.surprises.append(f"vote {key} acknowledged twice")
                    self.rec.acked[key] = vote[2]
                elif status == 409:
                    code = _error_code(data)
                    self.rec.refused.append((*key, code))
                elif status == 0:
                    self.rec.unknown.add(key)
        if status == 0 and self.faults:
            return  # a request cut off by the killed worker; its effect is checked in the database
        if status not in expected:
            self.rec.surprises.append(f"{kind}: {method} {path} answered {status}: {data[:300]!r}")


def _error_code(data: bytes) -> str | None:
    with contextlib.suppress(ValueError, KeyError, TypeError):
        return json.loads(data)["error"]["code"]
    return None


def run_users(base: str, s: Seed, opts: Options, *, seconds: float, rec: Record | None = None,
              faults: bool = False, during=None) -> Record:
    """Run opts.users virtual users for `seconds`; `during(rec)` runs in this thread meanwhile."""
    rec = rec or Record()
    stop = threading.Event()
    users = [User(i, base, s, rec, stop, opts, faults=faults) for i in range(opts.users)]
    rec.started = time.perf_counter()
    for u in users:
        u.start()
    deadline = rec.started + seconds
    if during is not None:
        during(rec, deadline)
    while time.perf_counter() < deadline:
        time.sleep(min(0.2, max(0.0, deadline - time.perf_counter())))
    stop.set()
    for u in users:
        u.join(timeout=120)
    rec.ended = time.perf_counter()
    return rec


# --- checks -------------------------------------------------------------------------------------

def db_checks(app) -> list[str]:
    """Integrity of a database (the live one or a restored backup): the database's own checks,
    no orphan rows, decisions whole, payments adding up. Returns the problems found."""
    from sqlalchemy import text

    from govtrack.extensions import db

    problems: list[str] = []
    with app.app_context():
        conn = db.session.connection()
        dialect = db.engine.dialect.name
        if dialect == "sqlite":
            ok = conn.execute(text("PRAGMA integrity_check")).scalars().all()
            if ok != ["ok"]:
                problems.append(f"PRAGMA integrity_check: {ok[:5]}")
            fk = conn.execute(text("PRAGMA foreign_key_check")).all()
            if fk:
                problems.append(f"PRAGMA foreign_key_check: {fk[:5]}")
        # Orphans, on both databases: every foreign key of the schema, checked by a query.
        for table in db.metadata.tables.values():
            for fk in table.foreign_key_constraints:
                cols = [c.name for c in fk.columns]
                ref = fk.referred_table.name
                refcols = [e.column.name for e in fk.elements]
                cond = " AND ".join(f"p.{r} = c.{c}" for c, r in zip(cols, refcols, strict=True))
                notnull = " AND ".join(f"c.{c} IS NOT NULL" for c in cols)
                n = conn.execute(text(
                    f"SELECT count(*) FROM {table.name} c WHERE {notnull} "
                    f"AND NOT EXISTS (SELECT 1 FROM {ref} p WHERE {cond})")).scalar()
                if n:
                    problems.append(f"{n} rows of {table.name}.{','.join(cols)} point at no {ref}")
        q = lambda sql: conn.execute(text(sql)).all()  # noqa: E731
        for row in q("SELECT m.id, count(d.id) FROM motions m LEFT JOIN decisions d ON d.motion_id = m.id "
                     "WHERE m.outcome = 'carried' GROUP BY m.id HAVING count(d.id) != 1"):
            problems.append(f"carried motion {row[0]} has {row[1]} decisions")
        for row in q("SELECT d.id, m.status, m.outcome FROM decisions d JOIN motions m ON m.id = d.motion_id "
                     "WHERE m.status != 'closed' OR m.outcome IS NULL OR m.outcome != 'carried'"):
            problems.append(f"decision {row[0]} belongs to a motion that is {row[1]}/{row[2]}")
        for row in q("SELECT d.id FROM decisions d LEFT JOIN audit_events e ON e.action = 'decision.create' "
                     "AND e.object_type = 'decision' AND e.object_id = d.id WHERE e.id IS NULL"):
            problems.append(f"decision {row[0]} has no audit event")
        # A decision's recorded effects happened: an agreement it approved, rejected or ended moved on.
        for d_id, effects in q("SELECT id, effects FROM decisions"):
            for eff in json.loads(effects or "[]"):
                if "status" in eff and "agreement_id" in eff:
                    status = conn.execute(text("SELECT status FROM agreements WHERE id = :i"),
                                          {"i": eff["agreement_id"]}).scalar()
                    if status in ("draft", "under_deliberation"):
                        problems.append(f"decision {d_id} moved agreement {eff['agreement_id']} to "
                                        f"{eff['status']} but it is {status}")
        # Every approved agreement (and those past it) carries the approvals its policy requires.
        problems += _approvals_present(app)
        # Votes: unique, each in the audit log of its motion.
        for row in q("SELECT motion_id, member_id, count(*) FROM votes GROUP BY motion_id, member_id "
                     "HAVING count(*) > 1"):
            problems.append(f"vote of member {row[1]} on motion {row[0]} stored {row[2]} times")
        audited: set[tuple[int, int, str]] = set()
        for object_id, after in q("SELECT object_id, after FROM audit_events WHERE action = 'motion.votes'"):
            for member, choice in json.loads(after)["votes"]:
                audited.add((object_id, member, choice))
        stored = {(m, mb, c) for m, mb, c in q("SELECT motion_id, member_id, choice FROM votes")}
        if stored - audited:
            problems.append(f"{len(stored - audited)} stored votes are not in the audit log, e.g. "
                            f"{sorted(stored - audited)[:3]}")
        if audited - stored:
            problems.append(f"{len(audited - stored)} audited votes are not stored, e.g. {sorted(audited - stored)[:3]}")
        # Payments add up, never beyond what is owed.
        for occ_id, paid, owed, total, n in q(
            "SELECT o.id, o.paid_amount, o.amount, sum(p.amount), count(p.id) FROM obligation_occurrences o "
            "JOIN obligation_payments p ON p.occurrence_id = o.id GROUP BY o.id, o.paid_amount, o.amount"
        ):
            if owed is not None and (total != paid or paid > owed):
                problems.append(f"occurrence {occ_id}: {n} payments of {total} in all, paid {paid} of {owed}")
        db.session.rollback()
    return problems


def _approvals_present(app) -> list[str]:
    from sqlalchemy import select

    from govtrack.agreements.models import Agreement
    from govtrack.extensions import db
    from govtrack.forums import queries

    out = []
    past = ("approved", "active", "suspended", "completed")
    for a in db.session.scalars(select(Agreement).where(Agreement.status.in_(past))):
        ids, missing = queries.approval_status(a.id, a.kind)
        if missing:
            out.append(f"agreement {a.id} is {a.status} without the approval of {', '.join(missing)}")
    return out


def audit_verify(stack: Stack, app=None) -> list[str]:
    try:
        stack.cli("audit", "verify", app=app)
    except RuntimeError as err:
        return [str(err)]
    return []


def vote_checks(app, rec: Record, motion_ids: list[int]) -> tuple[list[str], dict[int, dict[str, int]]]:
    """Acknowledged votes stored exactly once; nothing stored that was not acknowledged (or cut off)."""
    from sqlalchemy import text

    from govtrack.extensions import db

    problems = []
    with app.app_context():
        rows = db.session.execute(text("SELECT motion_id, member_id, choice FROM votes WHERE motion_id IN "
                                       f"({','.join(str(m) for m in motion_ids)})")).all()
        db.session.rollback()
    stored = {(m, mb): c for m, mb, c in rows}
    if len(stored) != len(rows):
        problems.append(f"{len(rows) - len(stored)} doubled votes")
    for key, choice in rec.acked.items():
        if key not in stored:
            problems.append(f"acknowledged vote {key} was lost")
        elif stored[key] != choice:
            problems.append(f"acknowledged vote {key} is stored as {stored[key]}, not {choice}")
    extra = set(stored) - set(rec.acked) - rec.unknown
    if extra:
        problems.append(f"{len(extra)} votes stored that were never acknowledged, e.g. {sorted(extra)[:3]}")
    for motion, member, code in rec.refused:
        if code == "duplicate_vote" and (motion, member) not in stored:
            problems.append(f"vote {(motion, member)} refused as a duplicate, yet no vote is stored")
        elif code != "duplicate_vote":
            problems.append(f"vote {(motion, member)} refused with {code}")
    tallies: dict[int, dict[str, int]] = {m: {"yes": 0, "no": 0, "abstain": 0} for m in motion_ids}
    for (m, _), c in stored.items():
        tallies[m][c] += 1
    return problems, tallies


def close_and_compare(base: str, s: Seed, tallies: dict[int, dict[str, int]]) -> list[str]:
    """The motion's own tally equals the rows; closing gives outcomes whose counts are the rows."""
    problems = []
    for motion_id in s.motion_ids:
        got = call(base, "GET", f"/api/v1/motions/{motion_id}", token=s.tokens["board"])
        counted = {"yes": 0, "no": 0, "abstain": 0}
        for v in got["votes"]:
            counted[v["choice"]] += 1
        if counted != tallies[motion_id]:
            problems.append(f"motion {motion_id}: the API lists {counted}, the rows are {tallies[motion_id]}")
        closed = call(base, "POST", f"/api/v1/motions/{motion_id}/close", token=s.tokens["board"])
        out = {k: closed[k] for k in ("yes", "no", "abstain")}
        if out != tallies[motion_id]:
            problems.append(f"motion {motion_id} closed with {out}, the rows are {tallies[motion_id]}")
        if motion_id == s.approve_motion_id and closed["outcome"] == "carried":
            a = call(base, "GET", f"/api/v1/agreements/{s.approve_agreement_id}", token=s.tokens["manager"])
            if a["status"] != "approved" or closed["decision"]["id"] not in a["decisions"]:
                problems.append(f"carried approval left agreement {a['id']} {a['status']} / {a['decisions']}")
    return problems


# --- report -------------------------------------------------------------------------------------

def summary_rows(rec: Record) -> list[list]:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for o in rec.outcomes:
        by_kind[o.kind].append(o)
    wall = max(rec.ended - rec.started, 1e-9)
    rows = []
    known = [k for k, _, _ in READS + WRITES]
    for kind in [k for k in known if k in by_kind] + sorted(set(by_kind) - set(known)) + ["all"]:
        outs = rec.outcomes if kind == "all" else by_kind[kind]
        ms = [o.seconds * 1000 for o in outs]
        statuses = defaultdict(int)
        for o in outs:
            statuses[o.status] += 1
        rows.append([kind, len(outs), f"{len(outs) / wall:.1f}", f"{percentile(ms, 50):.0f}",
                     f"{percentile(ms, 99):.0f}", " ".join(f"{k}:{v}" for k, v in sorted(statuses.items()))])
    return rows


def print_report(rec: Record, opts: Options, label: str = "") -> None:
    print(f"\ngovtrack load · {label or opts.db} · {opts.workers} workers · {opts.users} users · "
          f"{rec.ended - rec.started:.1f} s · {int(opts.write_share * 100)} % writes · nproc {os.cpu_count()}\n")
    print_table(["request", "count", "req/s", "p50 ms", "p99 ms", "statuses"], summary_rows(rec))
    acked = len(rec.acked)
    dup = sum(1 for r in rec.refused if r[2] == "duplicate_vote")
    print(f"votes: {acked} acknowledged, {dup} refused as duplicates (409), {len(rec.unknown)} cut off")
    if rec.conflicts:
        print("409s: " + ", ".join(f"{k}: {n}" for k, n in sorted(rec.conflicts.items())))


def worker_cpu(server: Server) -> float:
    """CPU seconds used so far by gunicorn's workers (user + system), from /proc."""
    total = 0.0
    for pid in server.worker_pids():
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def print_cpu(rec: Record, cpu: float) -> None:
    """The CPU the app spent per request: what the machine's load does not distort."""
    n = max(len(rec.outcomes), 1)
    per = cpu / n
    print(f"gunicorn workers: {cpu:.1f} CPU s for {n} requests = {per * 1000:.1f} CPU ms per request "
          f"(≈ {os.cpu_count() / per if per else float('nan'):.0f} req/s on {os.cpu_count()} idle cores, "
          f"database server not counted); load average {os.getloadavg()[0]:.1f}")


def server_errors(rec: Record) -> list[str]:
    bad = [o for o in rec.outcomes if o.status >= 500]
    return [f"{len(bad)} responses with 5xx"] if bad else []


# --- main ---------------------------------------------------------------------------------------

def run(opts: Options, *, quiet: bool = False) -> list[str]:
    """Seed, load, check; returns the problems (empty: all invariants hold)."""
    stack = Stack(opts)
    try:
        s = seed(stack)
        base = stack.server.base
        cpu = worker_cpu(stack.server)
        rec = run_users(base, s, opts, seconds=opts.seconds)
        cpu = worker_cpu(stack.server) - cpu
        problems = server_errors(rec) + rec.surprises[:20]
        vp, tallies = vote_checks(stack.app, rec, s.motion_ids)
        problems += vp
        problems += close_and_compare(base, s, tallies)
        problems += db_checks(stack.app)
        problems += audit_verify(stack)
        if not quiet:
            print_report(rec, opts, label=f"{opts.db}{' + Redis' if opts.redis else ''}")
            print_cpu(rec, cpu)
        return problems
    finally:
        stack.close()


def parse(argv=None) -> Options:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--redis", action="store_true", help=f"GOVTRACK_REDIS_URL={REDIS_URL}")
    p.add_argument("--members", type=int, default=2000)
    p.add_argument("--motions", type=int, default=6)
    p.add_argument("--write-share", type=float, default=0.2)
    a = p.parse_args(argv)
    return Options(db=a.db, workers=a.workers, users=a.users, seconds=a.seconds, redis=a.redis,
                   members=a.members, motions=a.motions, write_share=a.write_share)


def main(argv=None) -> int:
    opts = parse(argv)
    problems = run(opts)
    if problems:
        print("\nPROBLEMS:")
        for p in problems:
            print(" -", p)
        return 1
    print("\nall invariants hold: no 5xx, no lost or doubled vote, tallies = rows, integrity ok, audit chain intact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
