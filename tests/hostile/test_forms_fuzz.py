"""Random data in every HTML form: never a 5xx, and a refused post writes nothing.

The forms are found, not listed: every POST route of the app outside /api/ must be reached by a
form the admin sees on some page (or, for buttons that show only in another state, by its URL).
Each route gets HOSTILE_FORM_EXAMPLES examples (10 in CI; set it higher for a long run)."""

from __future__ import annotations

import io
import os
import time

import hypothesis.strategies as st
import lxml.html
import pytest
from flask import url_for
from hypothesis import HealthCheck, Phase, given, settings
from sqlalchemy import select

from govtrack.audit.models import AuditEvent
from govtrack.extensions import db
from tests.hostile.conftest import (
    PDF,
    PNG,
    FormSpec,
    audit_head,
    discover_forms,
    post_endpoints,
    table_counts,
)

# Long: every form of the app, many examples each (make test-fast skips it).
pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("HOSTILE_FORM_EXAMPLES", "10"))
# Shrinking a failure costs minutes; CI reports the first failing example, a long run shrinks it.
PHASES = [Phase.explicit, Phase.generate] + ([Phase.shrink] if os.environ.get("HOSTILE_SHRINK") else [])

# Routes whose success changes what the other routes can do: fuzz them last.
LAST = ["forums.motion_consensus", "forums.motion_close", "forums.meeting_close", "forums.minutes_approve",
        "partners.deactivate", "partners.reactivate", "auth.logout"]
# Buttons shown only in another state (a draft meeting, an inactive partner...): posted by URL.
BUTTONS = {"partners.reactivate", "forums.meeting_open", "forums.minutes_approve", "obligations.calendar_revoke",
           "members.unlink_user",
           # their confirmations offer the form only in the state that allows the action
           "forums.meeting_close", "forums.motion_consensus",
           # a meeting is edited or cancelled only while scheduled; the world's meeting is open
           "forums.meeting_edit", "forums.meeting_cancel",
           # a centre's positions are recorded while an agreement is under deliberation (the world's
           # draft is not); the report is sent as an open report obligation (the world owes none)
           "centres.record_positions", "reports.fulfil",
           # a survey's capture form shows once a centre and a member are chosen; its sync takes JSON
           # from the page's script (tests/surveys/test_capture.py)
           "surveys.capture_one", "surveys.capture_sync",
           # a sample is drawn again only while nobody has answered (the world's member has); a member
           # answers only a survey they were drawn for (the admin is no member)
           "surveys.redraw", "surveys.answer",
           # survey evidence: the form's second step (a survey chosen) and evidence to remove
           "surveys.evidence_new", "surveys.evidence_remove"}

ODD_DATES = ["2027-02-30", "30/02/2027", "2027-13-01", "0000-00-00", "9999-12-31", "0001-01-01", "2027-1-1",
             "27-03-15", "15 March 2027", "2027-03-15T25:61", "2027-03-15T09:00", "+2027-03-15", "1e9",
             "2027-03-15\n", "１９７０-０１-０１", "-1", "10000-01-01"]
ODD_NUMBERS = ["0", "-1", "1e999", "NaN", "Infinity", "-0", "1.005", "1,5", "0x10", "²", "١٢٣", "٣", "½",
               "99999999999999999999999999999", "-99999999999999999999", "1_000", " 7 ", "+5", "3.",
               "9223372036854775808", "2147483648"]
ODD_TEXT = ["", " ", "\t", "\r\n", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%00",
            "\u202e\u0635", "\ufeff", "😀" * 50, "a\x00b", "{{7*7}}", "${7*7}", "%s%s%n", "\x1b[31m"]

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
long_text = st.builds(lambda s, n: (s or "x") * n, st.text(st.characters(exclude_categories=("Cs",)),
                                                           min_size=1, max_size=8),
                      st.integers(100, 40_000))
number_text = st.one_of(st.sampled_from(ODD_NUMBERS), st.integers(-10**30, 10**30).map(str),
                        st.floats(allow_nan=True, allow_infinity=True).map(str),
                        st.decimals(allow_nan=True, allow_infinity=True).map(str))
date_text = st.one_of(st.sampled_from(ODD_DATES), st.dates().map(lambda d: d.isoformat()),
                      st.dates().map(lambda d: d.strftime("%d/%m/%Y")), st.datetimes().map(str))
MISSING = object()


def field_value(spec: dict):
    """One field's value: often the page's own value (to get past the other fields), else hostile."""
    default = spec.get("value")
    choices = [st.just(default if default is not None else "")] * 3
    if spec.get("options"):
        choices.append(st.sampled_from(spec["options"]))
    choices += [text, long_text, number_text, date_text, st.sampled_from(ODD_TEXT), st.just(""), st.just(MISSING),
                st.lists(st.one_of(text, number_text), min_size=2, max_size=4)]
    return st.one_of(*choices)


def file_value():
    content = st.one_of(st.just(PDF), st.just(PNG), st.binary(max_size=300), st.just(b""),
                        st.just(b"number,name\n=HYPERLINK(\"x\"),\xff\xfe\n"),
                        st.just(b"<html><script>alert(1)</script></html>%PDF-1.4"))
    name = st.one_of(st.just("f.pdf"), st.just("../../etc/passwd"), st.just(""), text.map(lambda s: s + ".pdf"),
                     st.just("a\\b\\c.csv"), st.just("x" * 500 + ".png"))
    return st.one_of(st.just(MISSING), st.tuples(content, name))


def form_data(spec: FormSpec):
    fields = {}
    for name, f in spec.fields.items():
        if name == "csrf_token":
            continue
        fields[name] = file_value() if f["kind"] == "file" else field_value(f)
    extra = st.dictionaries(st.text("abcdefgh_-[]0", min_size=1, max_size=10), st.one_of(text, number_text),
                            max_size=2)
    return st.tuples(st.fixed_dictionaries(fields), extra)


def to_post(values: dict, extra: dict, token: str) -> dict:
    data: dict = {}
    for k, v in {**extra, **values}.items():
        if v is MISSING:
            continue
        if isinstance(v, tuple):
            data[k] = (io.BytesIO(v[0]), v[1])
        else:
            data[k] = v
    data["csrf_token"] = token
    return data


def fresh_token(sign_in, client, admin) -> str:
    """Sign in again if an example signed us out, and the session's CSRF token."""
    resp = client.get("/account/password")
    if resp.status_code != 200:
        sign_in(admin)
        resp = client.get("/account/password")
    return lxml.html.fromstring(resp.get_data(as_text=True)).xpath('//input[@name="csrf_token"]/@value')[0]


def upload_files(app) -> set[str]:
    folder = app.config["UPLOAD_DIR"]
    return set(os.listdir(folder)) if os.path.isdir(folder) else set()


def button_specs(app, ids: dict[str, int], endpoints) -> dict[str, FormSpec]:
    out = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint in endpoints:
                url = url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments})
                out[rule.endpoint] = FormSpec(page=url, action=url, endpoint=rule.endpoint,
                                              fields={"csrf_token": {"kind": "hidden"}}, multipart=False)
    return out


def fuzz_route(app, client, sign_in, admin, spec: FormSpec, examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, phases=PHASES,
              suppress_health_check=list(HealthCheck))
    @given(form_data(spec))
    def run(drawn):
        values, extra = drawn
        token = fresh_token(sign_in, client, admin)
        before, head, files = table_counts(), audit_head(), upload_files(app)
        resp = client.post(spec.action, data=to_post(values, extra, token),
                           content_type="multipart/form-data" if spec.multipart else None)
        assert resp.status_code < 500, (spec.endpoint, resp.status_code, resp.get_data(as_text=True)[:2000])
        if resp.status_code >= 400 or resp.status_code == 303:
            assert table_counts() == before, (spec.endpoint, resp.status_code, "a refused post wrote rows")
            assert audit_head() == head, (spec.endpoint, resp.status_code, "a refused post wrote an audit event")
            assert upload_files(app) == files, (spec.endpoint, resp.status_code, "a refused post stored a file")

    run()


def test_every_form_survives_random_data(app, client, sign_in, world):
    sign_in(world.admin)
    forms = discover_forms(app, client, world.ids)
    wanted = post_endpoints(app) - {"auth.login"}
    forms.update(button_specs(app, world.ids, BUTTONS - set(forms)))
    assert not wanted - set(forms), f"POST routes no form reaches: {sorted(wanted - set(forms))}"
    order = sorted(forms, key=lambda e: (LAST.index(e) if e in LAST else -1, e))
    failures = []
    for endpoint in order:
        started = time.monotonic()
        try:
            fuzz_route(app, client, sign_in, world.admin, forms[endpoint], EXAMPLES)
        except Exception as err:  # noqa: BLE001 - collect every route's failure, then report them all
            failures.append(f"{endpoint}: {err!r}"[:3000])
        print(f"{endpoint}: {time.monotonic() - started:.1f} s")
    assert not failures, "\n\n".join(failures)


@given(email=st.one_of(text, long_text, st.sampled_from(ODD_TEXT)), password=st.one_of(text, long_text),
       extra=st.dictionaries(st.sampled_from(["next", "remember", "email"]), text, max_size=2))
@settings(max_examples=EXAMPLES * 2, deadline=None, database=None, phases=PHASES,
          suppress_health_check=list(HealthCheck))
def test_the_sign_in_form_survives_random_data(app, client, world, email, password, extra):
    html = client.get("/login").get_data(as_text=True)
    token = lxml.html.fromstring(html).xpath('//input[@name="csrf_token"]/@value')[0]
    head = audit_head()
    resp = client.post("/login", data={**extra, "email": email, "password": password, "csrf_token": token})
    assert resp.status_code in {400, 401, 413, 422, 429}
    # A refused sign-in is recorded (issue 11), and nothing else is.
    assert {e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.id > head))} <= {
        "user.sign_in_failed"}
