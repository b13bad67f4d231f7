"""The audit log in words: what was done, to what (by name), and each changed field's old and new
value in the reader's language, instead of the stored JSON.

The audit area sits below every area whose objects it records, so the names are looked up here, on
top: one query per kind of object named on the page, whatever the number of events (see `describe`).
The stored JSON stays as it is (the chain's hashes cover it); only its reading changes."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from govtrack.agreements.models import Agreement, Clause
from govtrack.audit.models import AuditEvent
from govtrack.auth.models import User
from govtrack.core.i18n import format_figure, format_money, format_period, format_when
from govtrack.core.labels import TABLES, label
from govtrack.extensions import db
from govtrack.forums.models import Decision, Forum, Meeting, Motion
from govtrack.members.models import Centre, Member
from govtrack.obligations.models import Obligation
from govtrack.obligations.rule_words import describe_rule
from govtrack.partners.models import Partner
from govtrack.results.models import Actual, Indicator, Result
from govtrack.surveys.models import Survey

# Fields whose value is the id of an object of this type.
ID_FIELDS = {
    "agreement_id": "agreement", "clause_id": "clause", "decision_id": "decision", "forum_id": "forum",
    "meeting_id": "meeting", "member_id": "member", "motion_id": "motion", "obligation_id": "obligation",
    "partner_id": "partner", "responsible_id": "user", "user_id": "user", "corrects_motion_id": "motion",
    "chair_member_id": "member", "officer_id": "user", "centre_id": "centre",
    "result_id": "result", "indicator_id": "indicator", "corrects_id": "actual",
}
# Fields whose value is a stored code: its label table, by the event's object type where it differs.
CODE_FIELDS = {
    "status": {"agreement": "agreement_status", "clause": "clause_status", "meeting": "meeting_status",
               "motion": "motion_status", "actual": "actual_status"},
    "kind": {"agreement": "agreement_kind", "forum": "forum_kind", "obligation": "obligation_kind",
             "result": "result_kind"},
    "measure": "indicator_measure",
    "category": "partner_category", "visibility": "visibility", "effect": "motion_effect",
    "outcome": "motion_outcome", "method": "vote_method", "threshold": "threshold",
    "minutes_status": "minutes_status", "owed_by": "owed_direction", "role": "user_role",
    "reason": {"user": "sign_in_failure"},
    "sector": {"agreement": "water_sector"},
    "population_kind": "survey_population", "channel": "survey_channel",
}
MONEY_FIELDS = {"amount", "value_amount", "paid_amount", "payment"}
FIGURE_FIELDS = {"value", "baseline_value"}  # an indicator's figures: numbers, not money
MAX_TEXT = 160
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass
class Change:
    field: str
    old: str | None  # None: the field was not there before
    new: str | None  # None: the field is not there after


@dataclass
class EventWords:
    id: int
    at: dt.datetime
    actor: str  # who, in words: "Name (e-mail)", or what acted without a login
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)
    actor_id: int | None = None
    object_type: str = ""  # in words
    object_id: int | None = None
    ip: str | None = None
    actor_label: str = ""  # as recorded: the e-mail then, or the system actor's name


def _system_actor(name: str) -> str:
    """What acted without a login, in words (services name it: core.actor)."""
    words = {"anonymous": _("someone not signed in"), "cli": _("the command line"), "demo": _("the demo data"),
             "system": _("the system")}
    return words.get(name, name)


def changes_text(changes: list[Change]) -> str:
    """The changes on one line, as the export writes them: "Status: Draft → Active; Name: X"."""
    parts = []
    for c in changes:
        if c.old is None:
            parts.append(f"{c.field}: {c.new}")
        elif c.new is None:
            parts.append(f"{c.field}: {c.old} ({_('removed')})")
        else:
            parts.append(f"{c.field}: {c.old} → {c.new}")
    return "; ".join(parts)


def _load(value: str | None) -> dict:
    if not value:
        return {}
    try:
        data = json.loads(value)
    except ValueError:
        return {"text": value}
    return data if isinstance(data, dict) else {"text": data}


def _names(wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    """(type, id) -> a name a person knows it by, one query per type."""
    out: dict[tuple[str, int], str] = {}

    def rows(kind: str, stmt):
        ids = wanted.get(kind)
        if ids:
            for row in db.session.execute(stmt(sorted(ids))):
                out[(kind, row[0])] = row[1]

    def agreement_name(reference, title):
        return f"{reference} — {title}" if reference else title

    ids = wanted.get("agreement")
    if ids:
        for id_, ref, title in db.session.execute(
                select(Agreement.id, Agreement.reference, Agreement.title).where(Agreement.id.in_(sorted(ids)))):
            out[("agreement", id_)] = agreement_name(ref, title)
    ids = wanted.get("clause")
    if ids:
        for id_, number, ref, title in db.session.execute(
                select(Clause.id, Clause.number, Agreement.reference, Agreement.title)
                .join(Agreement, Agreement.id == Clause.agreement_id).where(Clause.id.in_(sorted(ids)))):
            out[("clause", id_)] = _("point %(n)d of %(agreement)s", n=number, agreement=ref or title)
    rows("partner", lambda ids: select(Partner.id, Partner.name).where(Partner.id.in_(ids)))
    rows("forum", lambda ids: select(Forum.id, Forum.name).where(Forum.id.in_(ids)))
    rows("meeting", lambda ids: select(Meeting.id, Meeting.title).where(Meeting.id.in_(ids)))
    rows("motion", lambda ids: select(Motion.id, Motion.title).where(Motion.id.in_(ids)))
    rows("decision", lambda ids: select(Decision.id, Decision.number).where(Decision.id.in_(ids)))
    rows("obligation", lambda ids: select(Obligation.id, Obligation.title).where(Obligation.id.in_(ids)))
    rows("user", lambda ids: select(User.id, User.name).where(User.id.in_(ids)))
    ids = wanted.get("centre")
    if ids:
        for id_, code, name in db.session.execute(
                select(Centre.id, Centre.code, Centre.name).where(Centre.id.in_(sorted(ids)))):
            out[("centre", id_)] = f"{name} ({code})"
    rows("result", lambda ids: select(Result.id, Result.title).where(Result.id.in_(ids)))
    rows("survey", lambda ids: select(Survey.id, Survey.title).where(Survey.id.in_(ids)))
    rows("indicator", lambda ids: select(Indicator.id, Indicator.title).where(Indicator.id.in_(ids)))
    ids = wanted.get("actual")
    if ids:
        for id_, title, start, end in db.session.execute(
                select(Actual.id, Indicator.title, Actual.period_start, Actual.period_end)
                .join(Indicator, Indicator.id == Actual.indicator_id).where(Actual.id.in_(sorted(ids)))):
            out[("actual", id_)] = f"{title}, {format_period(start, end)}"
    ids = wanted.get("member")
    if ids:
        for id_, number, name in db.session.execute(
                select(Member.id, Member.number, Member.name).where(Member.id.in_(sorted(ids)))):
            out[("member", id_)] = f"{name} ({number})"
    return out


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _list_words(key: str, value: list) -> str:
    if key in ("votes", "tally", "counts") and value:
        if key == "votes":
            choices = [v[1] for v in value if isinstance(v, list) and len(v) == 2]
            counts = [choices.count(c) for c in ("yes", "no", "abstain")]
        else:
            counts = [v if isinstance(v, int) else 0 for v in value[:3]]
        if len(counts) == 3:
            return _("%(y)d yes, %(n)d no, %(a)d abstaining", y=counts[0], n=counts[1], a=counts[2])
    if key == "quorum" and len(value) >= 2 and all(isinstance(v, int) for v in value[:2]):
        return f"{value[0]}/{value[1]}"
    if not value:
        return _("none")
    return _("%(n)d items", n=len(value)) if len(value) != 1 else _("one item")


def _rule_words(rule: dict) -> str:
    """A meeting's decision rule (its copy of the forum's): quorum, threshold, proxy limit."""
    quorum = rule.get("quorum") or []
    parts = []
    if len(quorum) >= 2:
        parts.append(_("quorum %(q)s", q=_list_words("quorum", quorum)))
    if isinstance(rule.get("threshold"), str):
        parts.append(label("threshold", rule["threshold"]))
    if isinstance(rule.get("proxy_limit"), int):
        parts.append(_("at most %(n)d proxies per member", n=rule["proxy_limit"]))
    return ", ".join(parts) or "—"


def _value(key: str, value, object_type: str, names: dict, currency: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _yes_no(value)
    if key in ID_FIELDS and isinstance(value, int):
        kind = ID_FIELDS[key]
        return names.get((kind, value)) or _("%(what)s no. %(id)d", what=label("object_type", kind), id=value)
    table = CODE_FIELDS.get(key)
    if isinstance(table, dict):
        table = table.get(object_type)
    if table and isinstance(value, str):
        return label(table, value)
    if isinstance(value, list):
        return _list_words(key, value)
    if key == "rule" and isinstance(value, dict):
        return _rule_words(value)
    if isinstance(value, dict):
        return _("%(n)d items", n=len(value))
    if key == "rrule" and isinstance(value, str):
        return describe_rule(value)
    if key in FIGURE_FIELDS and isinstance(value, str):
        try:
            return format_figure(Decimal(value))
        except ArithmeticError:
            return value
    if key in MONEY_FIELDS and isinstance(value, str):
        try:
            return format_money(value, currency)
        except (ValueError, ArithmeticError):
            return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return format_date(dt.date.fromisoformat(value), "medium")
        except ValueError:
            return value
    if isinstance(value, str) and _DATETIME.match(value):
        try:
            return format_when(dt.datetime.fromisoformat(value), "short")
        except ValueError:
            return value
    return _shorten(str(value))


def _currency(data: dict, other: dict) -> str:
    for d in (data, other):
        for key in ("currency", "value_currency"):
            if isinstance(d.get(key), str):
                return d[key]
    return "IDR"


def _field(key: str) -> str:
    return label("audit_field", key) if key in TABLES["audit_field"] else key.replace("_", " ")


def describe(events: list[AuditEvent]) -> list[EventWords]:
    """The events in words; the names they mention are read in one query per type of object."""
    loaded = [(e, _load(e.before), _load(e.after)) for e in events]
    wanted: dict[str, set[int]] = defaultdict(set)
    for e, before, after in loaded:
        if e.actor_id is not None:
            wanted["user"].add(e.actor_id)
        if e.object_id is not None:
            wanted[e.object_type].add(e.object_id)
        for data in (before, after):
            for key, value in data.items():
                if key in ID_FIELDS and isinstance(value, int) and not isinstance(value, bool):
                    wanted[ID_FIELDS[key]].add(value)
    names = _names(wanted)
    out = []
    for e, before, after in loaded:
        kind = label("object_type", e.object_type)
        if e.object_id is None:
            subject = kind
        else:
            name = names.get((e.object_type, e.object_id))
            subject = f"{kind}: {name}" if name else _("%(what)s no. %(id)d", what=kind, id=e.object_id)
        changes = []
        for key in sorted(before.keys() | after.keys()):
            old = _value(key, before[key], e.object_type, names, _currency(before, after)) if key in before else None
            new = _value(key, after[key], e.object_type, names, _currency(after, before)) if key in after else None
            if key in before and key in after and before[key] == after[key]:
                continue
            changes.append(Change(field=_field(key), old=old, new=new))
        if e.actor_id is None:
            actor = _system_actor(e.actor_label)
        else:
            name = names.get(("user", e.actor_id))
            actor = f"{name} ({e.actor_label})" if name and name != e.actor_label else e.actor_label
        out.append(EventWords(id=e.id, at=e.at, actor=actor, action=label("audit_action", e.action),
                              subject=subject, changes=changes, actor_id=e.actor_id, object_type=kind,
                              object_id=e.object_id, ip=e.ip, actor_label=e.actor_label))
    return out
