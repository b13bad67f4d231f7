"""Hostile-input fixtures: a small world with one of every object a form can act on, a crawler that
finds every HTML form the admin can see, and helpers to count what a request wrote."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException

from govtrack.agreements.models import DocumentVersion
from govtrack.extensions import db
from tests.conftest import create_decision

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
TODAY = dt.date(2027, 3, 15)
NOW = dt.datetime(2027, 3, 15, 9, 0, tzinfo=dt.UTC)


@dataclass
class World:
    """One of everything, by the name of the URL parameter that points at it."""

    admin: object
    ids: dict[str, int]
    objects: dict[str, object] = field(default_factory=dict)


def table_counts() -> dict[str, int]:
    """Rows per table: a request that was refused must leave every count as it was."""
    db.session.rollback()
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.tables.values()}
    db.session.rollback()
    return counts


def audit_head() -> int:
    from govtrack.audit.models import AuditEvent

    db.session.rollback()
    head = db.session.scalar(select(func.max(AuditEvent.id))) or 0
    db.session.rollback()
    return head


def form_token(client, url: str) -> str:
    """The CSRF token of the form on `url`."""
    html = client.get(url).get_data(as_text=True)
    return lxml.html.fromstring(html).xpath('//input[@name="csrf_token"]/@value')[0]


def post_form(client, url: str, data: dict, page: str | None = None):
    """Post a form with a fresh CSRF token (from `page`, else `url`): never a 5xx, and a refusal
    writes nothing (no row, no audit event)."""
    before, head = table_counts(), audit_head()
    resp = client.post(url, data={**data, "csrf_token": form_token(client, page or url)})
    assert resp.status_code < 500, resp.get_data(as_text=True)[:500]
    if resp.status_code >= 400:
        assert table_counts() == before and audit_head() == head, url
    return resp


def build_world(make_user, make_partner, make_agreement, text: Callable[[str], str] = lambda s: s) -> World:
    """Create the objects; `text(kind)` gives the text to put in each shown text field (XSS tests)."""
    from govtrack.agreements.services import add_document
    from govtrack.forums import services as forums
    from govtrack.members.services import MemberData, create_member, declare_interest
    from govtrack.obligations.services import ObligationData, create_obligation, fulfil

    admin = make_user("admin", name=text("admin name"))
    other = make_user("manager", name=text("user name"))
    from govtrack.partners.services import ContactData

    partner = make_partner(text("partner name"), notes=text("partner notes"), region=text("region"),
                           legal_name=text("legal name"),
                           contacts=[ContactData(name=text("contact name"), position=text("contact position"),
                                                 email="c@example.test", phone=text("phone"))])
    draft = make_agreement(text("draft title"), parties=[(partner, "funder")], summary=text("summary"),
                           clauses=[text("clause one"), text("clause two")], reference="REF-1")
    active = make_agreement(text("active title"), kind="loan", parties=[(partner, "lender")], status="active",
                            visibility="public", summary=text("public summary"), clauses=[text("public clause")],
                            start_date=dt.date(2026, 1, 1), end_date=dt.date(2029, 12, 31))
    from govtrack.agreements.models import Clause

    db.session.execute(update(Clause).where(Clause.agreement_id == active.id).values(status="accepted"))
    doc = add_document(actor="test", agreement=active,
                       file=FileStorage(io.BytesIO(PDF), filename=text("document name") + ".pdf"))
    draft_doc = add_document(actor="test", agreement=draft, file=FileStorage(io.BytesIO(PDF), filename="d.pdf"))
    db.session.commit()
    from govtrack.agreements.services import replace_document

    replace_document(actor="test", document=draft_doc,
                     file=FileStorage(io.BytesIO(PDF), filename=text("replaced document name") + ".pdf"))
    db.session.commit()
    version_id = db.session.scalar(select(func.max(DocumentVersion.id)))  # the earlier file of the draft's

    member = create_member(actor="test", data=MemberData(number="M-00001", name=text("member name"),
                                                         group=text("group")), today=TODAY)
    voter = create_member(actor="test", data=MemberData(number="M-00002", name="Voter Two", group="G"),
                          today=TODAY)
    interest = declare_interest(actor="test", member=member, partner_id=partner.id, note=text("interest note"))
    from govtrack.members.models import Centre
    from govtrack.members.services import update_centre

    update_centre(actor="test", centre=db.session.get(Centre, member.centre_id), changes={"region": text("region")})
    db.session.commit()

    forum = forums.create_forum(actor="test", data=forums.ForumData(
        name=text("forum name"), kind="rembug_pusat", code="RP", all_members=True, voter_ids=[]))
    meeting = forums.create_meeting(actor="test", forum=forum, title=text("meeting title"), starts_at=NOW,
                                    location=text("location"))
    forums.add_agenda_item(actor="test", meeting=meeting, title=text("agenda title"))
    forums.set_minutes(actor="test", meeting=meeting, text=text("minutes"))
    forums.open_meeting(actor="test", meeting=meeting, now=NOW)
    forums.set_attendance(actor="test", meeting=meeting,
                          entries=[forums.AttendanceEntry(member.id, "present"),
                                   forums.AttendanceEntry(voter.id, "present")])
    motion = forums.create_motion(actor="test", meeting=meeting, data=forums.MotionData(
        title=text("motion title"), text=text("motion text"), effect="none"))
    db.session.commit()
    decision = create_decision(1, active, text=text("decision text"))
    db.session.commit()

    ob = create_obligation(actor="test", data=ObligationData(
        # A disbursement: its page offers the form of a tranche's conditions too.
        agreement_id=active.id, owed_by="partner", partner_id=partner.id, kind="disbursement",
        title=text("obligation title"), amount=Decimal("1000000"), rrule="FREQ=MONTHLY;BYMONTHDAY=15",
        starts_on=dt.date(2027, 1, 15), responsible_id=admin.id), today=TODAY)
    db.session.commit()
    from govtrack.obligations.models import Occurrence

    occurrences = list(db.session.scalars(
        select(Occurrence).where(Occurrence.obligation_id == ob.id).order_by(Occurrence.due_on)))
    fulfil(actor="test", obligation=ob, on=TODAY, note=text("obligation note"), occurrence_id=occurrences[0].id,
           file=FileStorage(io.BytesIO(PNG), filename=text("evidence name") + ".png"))
    db.session.commit()
    from govtrack.obligations.models import EvidenceFile

    evidence = db.session.scalar(select(EvidenceFile))
    from govtrack.obligations.models import Payment

    payment = db.session.scalar(select(Payment).where(Payment.occurrence_id == occurrences[0].id))
    from govtrack.results import services as results

    result = results.create_result(actor="test", agreement=draft, kind="output", title=text("result title"), indicators=[
        results.IndicatorData(title=text("indicator title"), unit=text("unit"), code="K1", baseline_year=2025,
                              baseline_value=Decimal(1),
                              targets=[results.TargetData(dt.date(2026, 1, 1), dt.date(2026, 3, 31), Decimal(10))])])
    db.session.flush()
    from govtrack.results.models import Indicator, Target

    indicator = db.session.scalar(select(Indicator).where(Indicator.result_id == result.id))
    target = db.session.scalar(select(Target).where(Target.indicator_id == indicator.id))
    actual = results.record_actual(actor="test", indicator=indicator, agreement=draft, today=TODAY, data=results.ActualData(
        dt.date(2026, 1, 1), dt.date(2026, 3, 31), Decimal(5), {"region": text("dimension value")},
        document_ids=[draft_doc.id], note=text("actual note")))
    results.submit_actual(actor="test", actual=actual)  # its page offers the verification form
    results.record_actual(actor="test", indicator=indicator, agreement=draft, today=TODAY, data=results.ActualData(
        dt.date(2026, 1, 1), dt.date(2026, 3, 31), Decimal(3), {"sex": "female"}))  # a draft: the submit button
    db.session.commit()
    from govtrack.surveys import services as surveys

    # A survey open on TODAY, everyone drawn, results published to members; the member has answered
    # (their response page offers the correction form, so the survey's form offers only what may change
    # once answered); its result is evidence on the motion.
    survey = surveys.create_survey(actor="test", today=TODAY, data=surveys.SurveyInput(
        title=text("survey title"), purpose=text("survey purpose"), population_kind="all", visibility="members",
        questions=[
            surveys.QuestionInput("air", "yes_no", text("question text")),
            surveys.QuestionInput("sumber", "single", text("question"), ["Sumur", "PDAM"]),
            surveys.QuestionInput("catatan", "text", text("text question"), required=False)],
        opens_on=dt.date(2027, 3, 1), closes_on=dt.date(2027, 4, 30)))
    surveys.record_responses(actor="test", survey=survey, channel="officer", today=TODAY, items=[
        surveys.ResponseInput(member.id, {"air": True, "sumber": "Sumur", "catatan": text("survey answer")})])
    survey_evidence = surveys.attach_evidence(actor="test", survey=survey, motion_id=motion.id, note=text("evidence note"))
    db.session.commit()
    ids = {
        "survey_id": survey.id,
        "result_id": result.id, "indicator_id": indicator.id, "target_id": target.id, "actual_id": actual.id,
        "user_id": other.id, "partner_id": partner.id, "agreement_id": draft.id, "document_id": draft_doc.id,
        "member_id": member.id, "interest_id": interest.id, "meeting_id": meeting.id, "motion_id": motion.id,
        "obligation_id": ob.id, "occurrence_id": occurrences[1].id, "evidence_id": evidence.id, "forum_id": forum.id,
        "payment_id": payment.id, "decision_id": decision.id, "version_id": version_id,
        "centre_id": member.centre_id, "key": "sumber",
        "text_key": "catatan", "survey_evidence_id": survey_evidence.id,
    }
    objects = {"admin": admin, "other": other, "partner": partner, "draft": draft, "active": active, "doc": doc,
               "member": member, "forum": forum, "meeting": meeting, "motion": motion, "decision": decision,
               "obligation": ob}
    return World(admin=admin, ids=ids, objects=objects)


@pytest.fixture
def today(monkeypatch) -> dt.date:
    from govtrack.core import clock

    monkeypatch.setattr(clock, "today", lambda: TODAY)
    return TODAY


@pytest.fixture
def world(app, make_user, make_partner, make_agreement, today) -> World:
    with app.test_request_context():
        w = build_world(make_user, make_partner, make_agreement)
    return w


# ---- routes and forms ----

def html_routes(app, ids: dict[str, int]) -> dict[str, str]:
    """Every GET route outside the API, static files and downloads, as endpoint -> URL."""
    from flask import url_for

    out = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static")):
                continue
            if rule.endpoint in {"obligations.ical", "obligations.maturity_chart", "centres.rollup_chart"}:
                continue
            args = {a: ids[a] for a in rule.arguments}
            out[rule.endpoint] = url_for(rule.endpoint, **args)
    return out


def post_endpoints(app) -> set[str]:
    return {r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods and not r.rule.startswith("/api/")}


@dataclass
class FormSpec:
    """An HTML form as the page offers it."""

    page: str
    action: str
    endpoint: str
    fields: dict[str, dict]  # name -> {"kind": input type / select / textarea, "value", "options"}
    multipart: bool


def parse_forms(app, page_url: str, html: str) -> list[FormSpec]:
    doc = lxml.html.fromstring(html)
    adapter = app.url_map.bind("localhost")
    specs = []
    for form in doc.xpath("//form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = urljoin(page_url, form.get("action") or page_url)
        parts = urlsplit(action)
        try:
            endpoint, _args = adapter.match(parts.path, method="POST")
        except HTTPException:
            continue
        fields: dict[str, dict] = {}
        for el in form.xpath(".//input|.//select|.//textarea"):
            name = el.get("name")
            if not name:
                continue
            if el.tag == "select":
                options = [o.get("value", o.text_content()) for o in el.xpath(".//option")]
                chosen = [o.get("value", o.text_content()) for o in el.xpath(".//option[@selected]")]
                fields[name] = {"kind": "select", "value": (chosen or options or [""])[0], "options": options,
                                "multiple": el.get("multiple") is not None}
            elif el.tag == "textarea":
                # The HTML parser keeps the newline a browser drops after <textarea>.
                value = el.text or ""
                fields[name] = {"kind": "textarea", "value": value[1:] if value.startswith("\n") else value}
            else:
                kind = (el.get("type") or "text").lower()
                if kind in {"submit", "button", "reset", "image"}:
                    if name not in fields:
                        fields[name] = {"kind": "button", "value": el.get("value", "")}
                    continue
                if kind in {"checkbox", "radio"}:
                    entry = fields.setdefault(name, {"kind": kind, "value": None, "options": []})
                    entry["options"].append(el.get("value", "on"))
                    if el.get("checked") is not None:
                        entry["value"] = el.get("value", "on")
                    continue
                fields[name] = {"kind": kind, "value": el.get("value", "")}
        specs.append(FormSpec(page=page_url, action=parts.path + (f"?{parts.query}" if parts.query else ""),
                              endpoint=endpoint, fields=fields,
                              multipart=(form.get("enctype") or "") == "multipart/form-data"))
    return specs


def discover_forms(app, client, ids: dict[str, int]) -> dict[str, FormSpec]:
    """endpoint -> the richest form that posts to it, from every page the signed-in user can open."""
    found: dict[str, FormSpec] = {}
    for url in html_routes(app, ids).values():
        resp = client.get(url)
        if resp.status_code != 200 or resp.mimetype != "text/html":
            continue
        for spec in parse_forms(app, url, resp.get_data(as_text=True)):
            if spec.endpoint not in found or len(spec.fields) > len(found[spec.endpoint].fields):
                found[spec.endpoint] = spec
    return found
