"""Fixtures: a migrated database (SQLite, or PostgreSQL when GOVTRACK_TEST_DATABASE_URL is set),
an app per test with empty tables, clients, a sign-in helper and factories.

The `app` fixture pushes no app context. A test that works with the database itself (or url_for,
the config) takes `app_context` (the factories do); every request of the test client still runs in
its own app context, with its own `g` and database session, as a server runs it."""

from __future__ import annotations

import contextvars
import datetime as dt
import os
import re
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.exc import OperationalError

from govtrack import create_app
from govtrack.extensions import db

# The loopback SMTP server's fixtures (smtp_port, inbox) for the tests that send e-mail.
pytest_plugins = ["tests.smtp"]

TEST_DB_URL = os.environ.get("GOVTRACK_TEST_DATABASE_URL")
PASSWORD = "correct horse battery staple"
ROSTER_TODAY = dt.date(2026, 11, 27)  # the date make_member's roster checks (joined_on) are made on
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_report_header(config):
    return f"govtrack database: {TEST_DB_URL or 'SQLite (temporary file)'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """Migrate a fresh database once per session with `flask db upgrade` (the real migrations)."""
    if TEST_DB_URL:
        url = TEST_DB_URL
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = create_app(_config(url, tmp_path_factory.mktemp("instance")))
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(Path(__file__).parent.parent / "migrations"), revision="heads")
        db.engine.dispose()
    return url


def _config(url: str, instance: Path, **extra) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "AUDIT_KEY": "test-audit-key",
        "UPLOAD_DIR": str(instance / "uploads"),
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "BABEL_DEFAULT_LOCALE": "en",
        "RATELIMIT_STORAGE_URI": "memory://",
        "MAX_UPLOAD_BYTES": 200 * 1024,
        **extra,
    }


def _empty_tables() -> None:
    tables = [t for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        # The search indexes are kept by row triggers, which TRUNCATE does not fire: empty them too.
        search = [f"search_index_{kind}" for kind in ("agreement", "partner", "member", "decision", "member_name")]
        names = ", ".join([f'"{t.name}"' for t in tables] + search)
        # A browser test's live server may still be answering a request of a page just closed (an
        # image, a stylesheet): its reads and this TRUNCATE's locks can deadlock, and PostgreSQL then
        # cancels one of the two. The TRUNCATE is tried again after that request has ended.
        for attempt in range(5):
            try:
                db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                break
            except OperationalError as err:
                db.session.rollback()
                if "deadlock" not in str(err).lower() or attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))
    else:
        # Keys between areas form cycles (decisions, motions, obligations): check them at commit.
        db.session.execute(text("PRAGMA defer_foreign_keys=ON"))
        for t in tables:
            db.session.execute(t.delete())
    db.session.commit()


@pytest.fixture
def app_config() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


def _as_a_server_would(run: Callable, *args, **kwargs):
    """Run one request (or a redirect chain) in a fresh context: Flask then pushes a new app context
    for it (its own `g`, its own database session) even while the test holds one, as a server does.
    What the test wrote in its own session is committed first, as another process's work would be
    before a request could see it (on SQLite the test's open transaction would also hold the write
    lock the request needs)."""
    if has_app_context():
        db.session.commit()
    return contextvars.Context().run(run, *args, **kwargs)


def served_as_a_server_would(app) -> Callable:
    """`app` as a WSGI callable whose requests run as under a server (for Schemathesis, which calls
    the WSGI app itself)."""

    def wsgi(environ, start_response):
        return _as_a_server_would(app, environ, start_response)

    return wsgi


class ServerLikeClient(FlaskClient):
    """The test client, each request as a server runs it (see _as_a_server_would). Responses are
    buffered, so a file a download opened is closed at once."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return _as_a_server_would(super().open, *args, **kwargs)


@pytest.fixture
def app(database_url, tmp_path, app_config):
    app = create_app(_config(database_url, tmp_path, **app_config))
    app.test_client_class = ServerLikeClient
    yield app
    with app.app_context():
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_context(app):
    """An app context for the test body, for the tests (and factories) that use the database."""
    with app.app_context() as ctx:
        yield ctx


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, url: str = "/login") -> str:
    """The CSRF token from a form page (tests run with CSRF on)."""
    html = client.get(url).get_data(as_text=True)
    m = CSRF_RE.search(html)
    assert m, f"no CSRF token on {url}"
    return m.group(1)


@pytest.fixture
def make_user(app_context) -> Callable:
    from govtrack.auth.services import create_user

    counter = {"n": 0}

    def make(role: str = "manager", *, email: str | None = None, name: str | None = None, password: str = PASSWORD):
        counter["n"] += 1
        user = create_user(
            actor="test",
            email=email or f"{role}{counter['n']}@example.test",
            name=name or f"{role.title()} {counter['n']}",
            role=role,
            password=password,
        )
        db.session.commit()
        return user

    return make


def session_token(client) -> str:
    """The CSRF token of the client's current session (every page carries one in its language form)."""
    html = client.get("/login", follow_redirects=True).get_data(as_text=True)
    m = CSRF_RE.search(html)
    assert m, "no CSRF token found"
    return m.group(1)


@pytest.fixture
def sign_in(client, make_user) -> Callable:
    """sign_in("manager") signs a fresh user of that role in on `client` through the sign-in form and
    returns them; sign_in(user) signs that user in; sign_in(None) stays anonymous. `client=` signs
    in another test client, `password=` gives the user's password when it is not the usual one."""

    def do(who, *, client=client, password: str = PASSWORD):
        if who is None:
            return None
        user = make_user(who) if isinstance(who, str) else who
        token = csrf_token(client, "/login")
        resp = client.post("/login", data={"email": user.email, "password": password, "csrf_token": token})
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return user

    return do


@pytest.fixture
def token_for(app_context) -> Callable:
    from govtrack.auth.services import issue_token

    def make(user) -> str:
        token = issue_token(actor="test", user=user)
        db.session.commit()
        return token

    return make


class ApiClient:
    """The test client with a bearer token and JSON helpers."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url, json=None, **kw):
        return self.client.post(url, json=json, headers=self.headers, **kw)

    def patch(self, url, json=None, **kw):
        return self.client.patch(url, json=json, headers=self.headers, **kw)

    def put(self, url, json=None, **kw):
        return self.client.put(url, json=json, headers=self.headers, **kw)

    def delete(self, url, **kw):
        return self.client.delete(url, headers=self.headers, **kw)


@pytest.fixture
def api_as(client, make_user, token_for) -> Callable:
    """api_as("manager") -> an ApiClient with a fresh user's token; api_as(None) is anonymous."""

    def make(role_or_user=None) -> ApiClient:
        if role_or_user is None:
            return ApiClient(client, None)
        user = make_user(role_or_user) if isinstance(role_or_user, str) else role_or_user
        return ApiClient(client, token_for(user))

    return make


@pytest.fixture
def make_partner(app_context) -> Callable:
    from govtrack.partners.services import PartnerData, create_partner

    counter = {"n": 0}

    def make(name: str | None = None, category: str = "nonprofit_funder", **kw):
        counter["n"] += 1
        partner = create_partner(
            actor="test", data=PartnerData(name=name or f"Partner {counter['n']}", category=category, **kw)
        )
        db.session.commit()
        return partner

    return make


@pytest.fixture
def make_agreement(app_context, make_partner) -> Callable:
    """make_agreement(kind="grant", parties=[(partner, "funder")], status="active", ...)."""
    from govtrack.agreements.models import Agreement
    from govtrack.agreements.services import AgreementData, ClauseData, PartyData, create_agreement

    def make(
        title: str = "Agreement",
        *,
        kind: str = "grant",
        parties: list | None = None,
        status: str | None = None,
        clauses: list[str] | None = None,
        **kw,
    ) -> Agreement:
        if parties is None:
            parties = [(make_partner(), "funder")]
        agreement = create_agreement(
            actor="test",
            data=AgreementData(
                title=title,
                kind=kind,
                parties=[PartyData(partner_id=p.id, role=role) for p, role in parties],
                clauses=[ClauseData(text=t) for t in (clauses or [])],
                **kw,
            ),
        )
        if status:
            # Tests may place an agreement in any state directly; the rules are tested elsewhere.
            agreement.status = status
        db.session.commit()
        return agreement

    return make


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        self.statements.append(statement)


@pytest.fixture
def count_queries(app_context):
    """with count_queries() as q: ...; q.count is the number of SQL statements run."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = QueryCounter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting


def create_decision(n: int, agreement=None, *, effect: str = "none", obligation_id: int | None = None,
                    text: str | None = None):
    """A real carried Decision: a one-member forum meets and carries a motion by consensus (mufakat),
    the shortest honest path to a decision for tests (and seeds) that need one to point at."""
    from sqlalchemy import select

    from govtrack.core.clock import utcnow
    from govtrack.forums import services as forums
    from govtrack.forums.models import Decision
    from govtrack.members.models import Member

    member = Member(number=f"DEC-{n:04d}", name=f"Decider {n}", group_name="Test")
    db.session.add(member)
    db.session.flush()
    forum = forums.create_forum(actor="test", data=forums.ForumData(
        name=f"Test forum {n}", kind="rembug_pusat", code=f"T{n}", all_members=False, voter_ids=[member.id]))
    now = utcnow()
    meeting = forums.create_meeting(actor="test", forum=forum, title=f"Meeting {n}",
                                    starts_at=now - dt.timedelta(hours=1), location="Balai")
    agreement_id = getattr(agreement, "id", agreement)
    if agreement_id is not None:
        # A motion about an agreement needs it on the meeting's agenda.
        forums.add_agenda_item(actor="test", meeting=meeting, title=f"Item {n}", agreement_id=agreement_id)
    forums.open_meeting(actor="test", meeting=meeting, now=now)
    forums.set_attendance(actor="test", meeting=meeting, entries=[forums.AttendanceEntry(member.id, "present")])
    motion = forums.create_motion(actor="test", meeting=meeting, data=forums.MotionData(
        title=f"Motion {n}", text=text or f"Resolution {n}.", effect=effect,
        agreement_id=agreement_id, obligation_id=obligation_id))
    forums.consensus(actor="test", motion=motion, now=now)
    db.session.flush()
    return db.session.scalar(select(Decision).where(Decision.motion_id == motion.id))


@pytest.fixture
def make_centre(app_context) -> Callable:
    """make_centre("Rembug Melati", code=, region=, officer=user) -> a centre, through the service."""
    from govtrack.members.services import create_centre

    def make(name: str, *, code: str | None = None, region: str | None = None, officer=None, active: bool = True):
        centre = create_centre(actor="test", values={"name": name, "code": code, "region": region,
                                                     "officer_id": officer.id if officer else None, "active": active})
        db.session.commit()
        return centre

    return make


@pytest.fixture
def make_member(app_context) -> Callable:
    """make_member("Siti", number=, group="Rembug Melati", active=, investor=, joined_on=,
    interests=[partner, ...]) -> a member on the roster, put there through the members service."""
    from govtrack.members.models import Member
    from govtrack.members.services import MemberData, create_member, declare_interest

    counter = {"n": 0}

    def make(name: str | None = None, *, number: str | None = None, group: str | None = "Rembug Melati",
             interests: Iterable = (), **kw) -> Member:
        counter["n"] += 1
        member = create_member(
            actor="test",
            data=MemberData(number=number or f"M-{counter['n']:05d}", name=name or f"Anggota {counter['n']}",
                            group=group, **kw),
            today=ROSTER_TODAY,
        )
        for partner in interests:
            declare_interest(actor="test", member=member, partner_id=partner.id)
        db.session.commit()
        return member

    return make


@pytest.fixture
def make_decision(app_context) -> Callable:
    """make_decision(agreement=None, effect="none", obligation_id=None) -> a real carried Decision."""
    counter = {"n": 0}

    def make(agreement=None, **kw):
        counter["n"] += 1
        decision = create_decision(counter["n"], agreement, **kw)
        db.session.commit()
        return decision

    return make
