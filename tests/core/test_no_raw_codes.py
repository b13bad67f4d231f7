"""No stored code reaches a person: load the demo, sign in as each role (and stay anonymous), walk
every page reachable from the navigation and from the lists' first items, and the exports, in
Indonesian; fail on any stored code value (every enum value of the models, the network's flows, the
label tables' codes) that appears as a word of the visible text, on RRULE text and on raw JSON.

Visible text is the text between tags (not attribute values: an <option value="overdue"> is fine,
its text must be "Lewat jatuh tempo"), less e-mail addresses and links; scripts and styles are not
text, and neither is what a page deliberately shows as code, marked translate="no" (the column names
a CSV import takes, an RRULE example beside the field that takes one). CSV cells, iCalendar summaries
and descriptions, and the Atom feed's text are read the same way."""

from __future__ import annotations

import csv
import importlib
import io
import re
from collections import deque
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from babel.messages.pofile import read_po
from icalendar import Calendar
from openpyxl import load_workbook

import govtrack
from govtrack import create_app
from govtrack.core import labels
from govtrack.demo import load_demo
from govtrack.extensions import db
from govtrack.network.graph import FLOWS
from govtrack.obligations import recurrence
from tests.conftest import ServerLikeClient, _config, _empty_tables, csrf_token

ID = {"Accept-Language": "id"}
CATALOG = Path(__file__).resolve().parents[2] / "govtrack/translations/id/LC_MESSAGES/messages.po"
# Pages per role: enough for every page of the navigation and the first item of every list (each
# address pattern once, see _pattern), few enough for a normal test.
MAX_PAGES = 200
PER_OBJECT = 3
# Not pages a person reads: machine formats and actions reachable by a link.
SKIP_PREFIXES = ("/api/", "/static/", "/logout", "/lang", "/healthz")
SKIP_SUFFIXES = (".png", ".graphml", ".gexf", ".json", ".pdf")


def _codes() -> set[str]:
    """Every stored code value: every StrEnum of the models, the network's flows, every label
    table's codes and the recurrence builder's patterns; less those that are Indonesian words, whose
    own Indonesian label says them ("internal": "Internal (hanya staf)", "abstain": "Abstain"), so
    their appearance proves nothing."""
    root = Path(govtrack.__file__).parent
    codes: set[str] = set()
    for area in (p.name for p in root.iterdir() if (p / "models.py").exists()):
        for obj in vars(importlib.import_module(f"govtrack.{area}.models")).values():
            if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum:
                codes |= {v.value for v in obj}
    codes |= set(FLOWS)
    for name, table in labels.TABLES.items():
        if name not in ("audit_field", "audit_action"):  # words for the audit log, not stored values
            codes |= set(table)
    codes |= set(recurrence.PATTERNS)
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    def translated(text) -> str:
        # lazy_pgettext's arguments are (context, message) (a survey's "Yes" is "Ya", a vote's "Setuju")
        entry = catalog.get(text._args[1], context=text._args[0]) if len(text._args) == 2 else catalog.get(text._args[0])
        return entry.string or ""

    indonesian = {
        code for table in labels.TABLES.values() for code, text in table.items()
        if code in WORD.findall(translated(text).lower())
    }
    return codes - indonesian


def _message(catalog, text):
    """The catalogue's entry of a lazy label: (msgid,) from gettext, (context, msgid) from pgettext."""
    args = text._args
    return catalog.get(args[-1], context=args[0] if len(args) > 1 else None)


WORD = re.compile(r"[A-Za-z_]+")
NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+")
CODES = _codes()
RAW = [
    (re.compile(r"\b(?:FREQ|BYMONTHDAY|BYDAY|INTERVAL)="), "a recurrence rule's text"),
    (re.compile(r"\{\s*\""), "raw JSON"),
]


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    """The visible text of a page (no attribute values, no script or style) and its links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag not in VOID and (tag in ("script", "style") or self._hidden or dict(attrs).get("translate") == "no"):
            self._hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if self._hidden:
            self._hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def raw_codes_in(text: str, codes: set[str] = CODES) -> list[str]:
    """The stored codes and raw formats that appear as words of `text`."""
    text = NOT_WORDS.sub(" ", text)
    found = sorted({w for w in WORD.findall(text) if w in codes})
    found += [what for pattern, what in RAW if pattern.search(text)]
    return found


def _context(text: str, word: str) -> str:
    m = re.search(rf"(?<![A-Za-z_]){re.escape(word)}(?![A-Za-z_])", text)
    if not m:
        return word
    return " ".join(text[max(0, m.start() - 60): m.end() + 60].split())


def _pattern(url: str) -> str:
    """An address with its ids and query values left out: each kind of page is read once."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$|\.)", "/N", parts.path)
    keys = sorted({k for k, _v in parse_qsl(parts.query) if k not in ("lang",)})
    return path + ("?" + "&".join(keys) if keys else "")


def _visible(resp) -> tuple[str, list[str]]:
    """(visible text, links) of an answer by its type."""
    ctype = resp.headers.get("Content-Type", "")
    if ctype.startswith("application/vnd.openxmlformats-officedocument.spreadsheetml"):
        # The Excel twin of a CSV export: every cell's value, as a person opening it reads them.
        book = load_workbook(io.BytesIO(resp.get_data()), read_only=True)
        return " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                        for v in row if v is not None), []
    body = resp.get_data(as_text=True)
    if ctype.startswith("text/csv"):
        return " ".join(" ".join(row) for row in csv.reader(io.StringIO(body))), []
    if ctype.startswith("text/calendar"):
        return " ".join(
            str(ev.get(key, "")) for ev in Calendar.from_ical(body).walk("VEVENT")
            for key in ("SUMMARY", "DESCRIPTION", "LOCATION")
        ), []
    if "html" in ctype or "xml" in ctype or "svg" in ctype:
        parser = _Text()
        parser.feed(body)
        return parser.text, parser.links if "html" in ctype else []
    return "", []


def walk(client, start: list[str], *, language: str = "id", codes: set[str] = CODES
         ) -> tuple[dict[str, list[str]], int]:
    """Breadth-first from `start`: {url: [raw codes found]} for every page with one, and the count
    of pages read. Each kind of page is read once, an object's page up to PER_OBJECT times (the
    first items of its list: a scheduled meeting and a closed one read differently)."""
    visits: dict[str, int] = {}
    queued: set[str] = set(start)
    queue = deque(start)
    problems: dict[str, list[str]] = {}
    read = 0

    def wanted(url: str) -> bool:
        pattern = _pattern(url)
        return visits.get(pattern, 0) < (PER_OBJECT if "/N" in pattern else 1)

    while queue and read < MAX_PAGES:
        url = queue.popleft()
        if not wanted(url):
            continue
        pattern = _pattern(url)
        visits[pattern] = visits.get(pattern, 0) + 1
        resp = client.get(url, headers={"Accept-Language": language})
        read += 1
        assert resp.status_code < 500, f"{url} answered {resp.status_code}"
        if resp.status_code != 200:
            continue
        text, links = _visible(resp)
        found = raw_codes_in(text, codes)
        if found:
            problems[url] = [f"{w}: …{_context(text, w)}…" for w in found]
        for href in links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target not in queued and wanted(target):
                queued.add(target)
                queue.append(target)
    return problems, read


@pytest.fixture(scope="module")
def demo_app(database_url, tmp_path_factory):
    """An app over the demo cooperative, loaded once for this module's walks (they only read), and
    emptied afterwards like every test's tables; yields (app, {role: (email, password)})."""
    app = create_app(_config(database_url, tmp_path_factory.mktemp("walk-instance")))
    app.test_client_class = ServerLikeClient
    with app.app_context():
        _empty_tables()
        logins = load_demo()
        db.session.commit()
        db.session.remove()
    yield app, {role: (email, password) for role, email, password in logins}
    with app.app_context():
        _empty_tables()
        db.session.remove()
        db.engine.dispose()


def _sign_in(client, email: str, password: str) -> None:
    resp = client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(client, "/login")})
    assert resp.status_code == 302


def _calendar_feed(client) -> str:
    """Issue the signed-in user's iCalendar feed; its address (path and query)."""
    resp = client.post("/obligations/calendar/issue",
                       data={"csrf_token": csrf_token(client, "/obligations/calendar")}, headers=ID)
    html = resp.get_data(as_text=True)
    url = html.split('id="feed-url" readonly value="', 1)[1].split('"', 1)[0]
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


START = ["/", "/agreements/", "/partners/", "/forums/", "/forums/meetings", "/forums/decisions",
         "/obligations/", "/obligations/export.csv", "/members/", "/network/", "/published/",
         "/published/decisions", "/admin/audit/"]


@pytest.mark.parametrize("role", ["anonymous", "member", "manager", "board", "admin"])
def test_no_page_of_the_demo_shows_a_raw_code_in_indonesian(demo_app, role):
    app, demo = demo_app
    client = app.test_client()
    start = list(START)
    if role != "anonymous":
        _sign_in(client, *demo[role])
    if role == "manager":
        start.append(_calendar_feed(client))
    problems, read = walk(client, start, language="id")
    assert read >= {"anonymous": 8, "member": 12}.get(role, 30), f"only {read} pages read"
    assert not problems, "\n".join(f"{url}\n  " + "\n  ".join(found) for url, found in problems.items())


@pytest.mark.parametrize(("text", "found"), [
    ("Status: Lewat jatuh tempo", []),
    ("Status: overdue", ["overdue"]),
    ("poin 2 → amended", ["amended"]),
    ("Jadwal: FREQ=MONTHLY;BYMONTHDAY=10", ["a recurrence rule's text"]),
    ('{"status": ["draft", "approved"]}', ["approved", "draft", "raw JSON"]),
    ("Internal (hanya staf) · 3 abstain", []),  # Indonesian words that are also codes
    ("menunggu: sharia_supervisory", ["sharia_supervisory"]),
    ("member@demo.koperasi.test http://x.test/published/1#decision-1", []),
])
def test_the_walk_sees_a_raw_code_as_a_word(text, found):
    assert raw_codes_in(text) == found


def test_the_walk_reads_text_not_attributes_scripts_or_deliberate_code():
    parser = _Text()
    parser.feed('<select><option value="overdue">Lewat jatuh tempo</option></select><br>'
                '<script>var s = "draft";</script><p translate="no"><code>active</code><br></p>'
                '<p>Dibuka <a href="/x?status=open">open</a></p>')
    assert raw_codes_in(parser.text) == ["open"]
    assert parser.links == ["/x?status=open"]


@pytest.mark.parametrize("role", ["anonymous", "admin"])
def test_no_page_of_the_demo_shows_a_raw_code_in_english(demo_app, role):
    """In English many labels are the code's own word ("Approved", "yes"): what cannot be a word
    of an English sentence is a code with an underscore (under_deliberation, due_soon), an RRULE or
    raw JSON."""
    app, demo = demo_app
    client = app.test_client()
    if role != "anonymous":
        _sign_in(client, *demo[role])
    problems, read = walk(client, list(START), language="en", codes={c for c in CODES if "_" in c})
    assert read >= (8 if role == "anonymous" else 30), f"only {read} pages read"
    assert not problems, "\n".join(f"{url}\n  " + "\n  ".join(found) for url, found in problems.items())
