"""Browser tests: Playwright driving Debian's Chromium against a real server on 127.0.0.1.

Fixtures, from the outside in:
  live_server  (session)  the app served by werkzeug on a free port, against the test database
  browser      (session)  Chromium (/usr/bin/chromium, or GOVTRACK_CHROMIUM); skipped when it is
                          missing outside CI, a failure when CI is set
  seed         (test)     empty tables, then a small cooperative: users of every role, partners,
                          published and internal agreements, 12 members in two rembug groups, the
                          central forum (Forum Rembug Pusat) and a draft grant (DRAFT_TITLE) for
                          it to approve; emptied again afterwards
  new_page     (test)     new_page(locale="en-US", axe=False, width=1280, height=900) -> a Page in a
                          fresh context; axe=True bypasses the page's CSP so axe-core can be injected
Helpers: screenshot(page, name) keeps a PNG under test-artifacts/; run_axe(page) returns the
WCAG 2.1 A/AA violations axe-core finds; seed_meeting(seed, now) adds an open meeting of the
central forum with a motion on the draft; seed_obligation(seed, due_on) adds a report the
cooperative owes; sign_in_through_the_form(page, user) signs in through the real login form;
new_context() for module-scoped contexts.

To add a journey (a board meeting, an obligation fulfilled...), put what it needs into the
database inside `with live_server.app.app_context():` (services, then db.session.commit()), or
extend `Seed` below, then drive the pages with `new_page()` and `sign_in_through_the_form()`.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from govtrack import create_app
from govtrack.agreements.models import Clause
from govtrack.core.clock import utcnow
from govtrack.extensions import db
from govtrack.forums import services as forums
from govtrack.forums.models import Decision, Forum
from tests.conftest import PASSWORD, _config, _empty_tables, create_decision

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("GOVTRACK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


def _unavailable(reason: str):
    """Outside CI a machine without a browser skips these tests; in CI that is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason} (apt-get install chromium; set CI=1 to make this fail)")


# ---------------------------------------------------------------- the server


@dataclass
class LiveServer:
    app: object
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


class QuietHandler(WSGIRequestHandler):
    """No access log lines in the test output (the app's own errors are still logged)."""

    def log_request(self, *args, **kwargs) -> None:
        return None


@pytest.fixture(scope="session")
def live_server(database_url, tmp_path_factory) -> Iterator[LiveServer]:
    app = create_app(_config(database_url, tmp_path_factory.mktemp("browser-instance")))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


# ---------------------------------------------------------------- the data


@dataclass
class Seed:
    """What the journeys start from; ids are plain ints (objects would be detached)."""

    users: dict = field(default_factory=dict)  # role -> User (email, name, id)
    partners: dict = field(default_factory=dict)  # key -> partner id
    agreements: dict = field(default_factory=dict)  # key -> agreement id
    titles: dict = field(default_factory=dict)  # key -> title
    members: dict = field(default_factory=dict)  # name -> member id
    forums: dict = field(default_factory=dict)  # key -> forum id
    meetings: dict = field(default_factory=dict)  # key -> meeting id
    motions: dict = field(default_factory=dict)  # key -> motion id
    obligations: dict = field(default_factory=dict)  # key -> obligation id

    def ids(self, kind: str) -> dict:
        """The ids of one kind of seeded object ("agreements", "meetings"...), by key."""
        return getattr(self, kind)


def _seed(app) -> Seed:
    from govtrack.agreements.models import Clause
    from govtrack.agreements.services import (
        AgreementData,
        ClauseData,
        PartyData,
        amend_clause,
        create_agreement,
    )
    from govtrack.auth.services import create_user
    from govtrack.partners.services import PartnerData, create_partner

    seed = Seed()
    for role, name in [("admin", "Admin Koperasi"), ("board", "Ibu Sari (pengurus)"),
                       ("manager", "Pak Budi (manajer)"), ("member", "Ibu Wati (anggota)")]:
        user = create_user(actor="test", email=f"{role}@koperasi.test", name=name, role=role, password=PASSWORD)
        seed.users[role] = user
    partners = {
        "yayasan": PartnerData(name="Yayasan Air Sehat", category="nonprofit_funder", region="Jawa Barat"),
        "bank": PartnerData(name="Bank Syariah Makmur", category="financial_institution", region="Jakarta"),
        "pemda": PartnerData(name="Pemerintah Kabupaten Bogor", category="local_government", region="Bogor"),
    }
    for key, data in partners.items():
        seed.partners[key] = create_partner(actor="test", data=data)
    agreements = {
        "public": dict(
            title="Hibah air bersih untuk rembug Cibinong", kind="grant", visibility="public",
            parties=[("yayasan", "funder")], reference="PKS-2025-001", value_amount=Decimal("1500000000"),
            start_date=dt.date(2025, 3, 1), end_date=dt.date(2027, 2, 28),
            summary="Sambungan air bersih untuk 300 rumah anggota.",
            clauses=["Yayasan menyalurkan dana hibah dalam tiga tahap.",
                     "Koperasi melaporkan penggunaan dana setiap triwulan."],
        ),
        "members": dict(
            title="Fasilitas kredit modal kerja sanitasi", kind="credit_line", visibility="members",
            parties=[("bank", "lender")], reference="PKS-2025-002", value_amount=Decimal("2500000000"),
            start_date=dt.date(2025, 6, 1), end_date=dt.date(2028, 5, 31),
            summary="Pembiayaan jamban sehat bagi anggota.",
            clauses=["Bank menyediakan plafon Rp 2.500.000.000."],
        ),
        "internal": dict(
            title="Rancangan izin galian pipa", kind="permit", visibility="internal",
            parties=[("pemda", "regulator")], reference="PKS-2025-003",
            start_date=dt.date(2025, 1, 1), clauses=["Izin galian di jalan kabupaten."],
        ),
    }
    for key, spec in agreements.items():
        parties = [PartyData(partner_id=seed.partners[p].id, role=r) for p, r in spec.pop("parties")]
        clauses = [ClauseData(text=t) for t in spec.pop("clauses")]
        agreement = create_agreement(actor="test", data=AgreementData(parties=parties, clauses=clauses, **spec))
        db.session.flush()
        decision = create_decision(len(seed.agreements) + 1)
        for clause in db.session.scalars(db.select(Clause).where(Clause.agreement_id == agreement.id)):
            amend_clause(actor="test", clause=clause, text=None, status="accepted", decision_id=decision.id)
        agreement.status = "active"
        seed.agreements[key] = agreement.id
        seed.titles[key] = agreement.title
    db.session.flush()
    seed.partners = {k: p.id for k, p in seed.partners.items()}
    _seed_forum(seed)
    db.session.commit()
    return seed


# The central forum's roll: 12 active members in two rembug groups.
ROLL = {
    "Rembug Mawar": ["Siti Aminah", "Dewi Lestari", "Nur Hasanah", "Rina Wulandari", "Yuni Astuti", "Eka Pratiwi"],
    "Rembug Melati": ["Ani Suryani", "Lilis Suryati", "Tuti Handayani", "Wulan Sari", "Ratna Dewi",
                      "Endang Susilowati"],
}
DRAFT_TITLE = "Hibah sumur bor untuk rembug Mawar"


def _seed_forum(seed: Seed) -> None:
    """The members, the central forum (Forum Rembug Pusat) and a draft grant waiting for its vote."""
    from govtrack.agreements.services import AgreementData, ClauseData, PartyData, create_agreement
    from govtrack.forums.services import ForumData, create_forum
    from govtrack.members.services import MemberData, create_member

    n = 0
    for group, names in ROLL.items():
        for name in names:
            n += 1
            member = create_member(actor="test", today=dt.date(2026, 1, 1), data=MemberData(
                number=f"A{n:04d}", name=name, group=group, joined_on=dt.date(2020, 1, 6)))
            seed.members[name] = member.id
    # Its roll is named: the seed's decisions come from one-member test forums whose members are
    # not part of this cooperative's roll.
    forum = create_forum(actor="test", data=ForumData(
        name="Forum Rembug Pusat", kind="rembug_pusat", code="RP", all_members=False,
        voter_ids=list(seed.members.values())))
    seed.forums["pusat"] = forum.id
    draft = create_agreement(actor="test", data=AgreementData(
        title=DRAFT_TITLE, kind="grant", visibility="members", reference="PKS-2026-004",
        parties=[PartyData(partner_id=seed.partners["yayasan"], role="funder")],
        value_amount=Decimal("350000000"), start_date=dt.date(2026, 4, 1), end_date=dt.date(2027, 3, 31),
        summary="Dua sumur bor untuk rembug Mawar.",
        clauses=[ClauseData(text="Yayasan membiayai dua sumur bor."),
                 ClauseData(text="Rembug Mawar memelihara sumur bersama.")],
    ))
    db.session.flush()
    seed.agreements["draft"] = draft.id
    seed.titles["draft"] = draft.title


def seed_meeting(seed: Seed, now: dt.datetime) -> None:
    """An open meeting of the central forum: attendance taken, a motion on the draft on the table."""
    from govtrack.forums import services
    from govtrack.forums.models import Forum

    forum = db.session.get(Forum, seed.forums["pusat"])
    meeting = services.create_meeting(actor="test", forum=forum, title="Rembug pusat Maret", starts_at=now,
                                      location="Balai desa Cibinong")
    services.add_agenda_item(actor="test", meeting=meeting, title="Hibah sumur bor",
                             agreement_id=seed.agreements["draft"])
    services.open_meeting(actor="test", meeting=meeting, now=now)
    services.set_attendance(actor="test", meeting=meeting, entries=[
        services.AttendanceEntry(member_id, "present") for member_id in list(seed.members.values())[:9]])
    motion = services.create_motion(actor="test", meeting=meeting, data=services.MotionData(
        title="Menyetujui hibah sumur bor", text="Forum menyetujui perjanjian hibah.", effect="approve",
        agreement_id=seed.agreements["draft"]))
    db.session.commit()
    seed.meetings["open"] = meeting.id
    seed.motions["approve"] = motion.id


def seed_obligation(seed: Seed, due_on: dt.date) -> None:
    """A one-off report (on the first quarter) the cooperative owes the funder of the public grant."""
    from govtrack.obligations.models import Occurrence
    from govtrack.obligations.services import ObligationData, create_obligation

    ob = create_obligation(actor="test", today=due_on, data=ObligationData(
        agreement_id=seed.agreements["public"], owed_by="cooperative", kind="report",
        partner_id=seed.partners["yayasan"], title="Laporan penggunaan dana triwulan I", due_date=due_on,
        responsible_id=seed.users["manager"].id))
    db.session.commit()
    seed.obligations["report"] = ob.id
    seed.obligations["report-due"] = db.session.scalars(
        db.select(Occurrence.id).where(Occurrence.obligation_id == ob.id)).one()


@pytest.fixture
def seed(live_server) -> Iterator[Seed]:
    with live_server.app.app_context():
        _empty_tables()
        seed = _seed(live_server.app)
        for user in seed.users.values():
            db.session.refresh(user)
            db.session.expunge(user)
    yield seed
    with live_server.app.app_context():
        db.session.remove()
        _empty_tables()
        db.session.remove()


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as err:  # noqa: BLE001 - a broken browser install is the same as none
        playwright.stop()
        _unavailable(f"Chromium did not start: {err}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable]:
    contexts = []

    def make(*, locale: str = "en-US", axe: bool = False, width: int = 1280, height: int = 900):
        context = new_context(browser, live_server, locale=locale, axe=axe, width=width, height=height)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def sign_in_through_the_form(page, user, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.fill("#email", user.email)
    page.fill("#password", password)
    # Wait for the answer to the post itself: wait_for_load_state alone could return while it was
    # still on its way, and its session cookie then arrived after a test had cleared the cookies.
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, "sign-in failed"


def new_context(browser, live_server, *, locale: str = "en-US", axe: bool = False, width: int = 1280,
                height: int = 900):
    context = browser.new_context(
        base_url=live_server.url,
        locale=locale,
        viewport={"width": width, "height": height},
        # Only for axe runs: injecting axe-core is an inline script, which the CSP forbids.
        bypass_csp=axe,
    )
    context.set_default_timeout(15000)
    return context


def screenshot(page, name: str) -> Path:
    """Keep a full-page PNG of where a journey ended (test-artifacts/ is git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def run_axe(page) -> list[dict]:
    """axe-core's WCAG 2.1 A and AA violations on the current page (needs new_page(axe=True))."""
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return result["violations"]


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {n['target']}: {n.get('failureSummary', '')[:200]}" for n in v["nodes"][:5])
    return "\n".join(lines)


def approve_draft_with_point_2_amended(live_server, seed, *, text: str) -> dict:
    """The central forum approves the draft grant by roll call (9 yes, the rest no), its point 2
    amended, in a meeting opened two hours ago. Returns the decision's number, id and year and the
    amended clause's id."""
    with live_server.app.app_context():
        now = utcnow().replace(microsecond=0) - dt.timedelta(hours=2)
        forum = db.session.get(Forum, seed.forums["pusat"])
        meeting = forums.create_meeting(actor="test", forum=forum, title="Rembug pusat April", starts_at=now,
                                        location="Balai desa Cibinong")
        forums.add_agenda_item(actor="test", meeting=meeting, title="Hibah sumur bor",
                               agreement_id=seed.agreements["draft"])
        forums.open_meeting(actor="test", meeting=meeting, now=now)
        voters = list(seed.members.values())
        forums.set_attendance(actor="test", meeting=meeting,
                              entries=[forums.AttendanceEntry(m, "present") for m in voters])
        second = db.session.scalars(select(Clause).where(Clause.agreement_id == seed.agreements["draft"],
                                                         Clause.number == 2)).one()
        motion = forums.create_motion(actor="test", meeting=meeting, data=forums.MotionData(
            title="Menyetujui hibah sumur bor dengan perubahan", text=text,
            effect="approve_with_amendments", agreement_id=seed.agreements["draft"],
            amendments=[forums.AmendmentData(second.id, "Rembug Mawar dan pengurus memelihara sumur bersama.")]))
        forums.cast_votes(actor="test", motion=motion,
                          votes=[(m, "yes" if i < 9 else "no") for i, m in enumerate(voters)])
        forums.close_motion(actor="test", motion=motion, now=now)
        decision = db.session.scalars(select(Decision).where(Decision.motion_id == motion.id)).one()
        db.session.commit()
        return {"number": decision.number, "id": decision.id, "year": decision.decided_on.year,
                "clause_id": second.id}
