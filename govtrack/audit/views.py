"""The audit log for those allowed to see it: an auditor's view and its exports.

Filters: the user (a name or an e-mail; an unknown one is said, never ignored), local dates (the
cooperative's days, WIB by default), the kind and id of object, the action; and the sign-in history
as its own tab. Each event is read in words (web.audit_words). The exports (`export.csv`,
`export.xlsx`) take the page's filters and end with the chain's anchor as it stood when the export
began: the rows are those up to that anchor, so `flask audit verify --anchor SEQ:HASH` vouches for
exactly what the file holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from govtrack.audit import queries
from govtrack.audit.queries import SIGN_IN_ACTIONS, AuditFilter
from govtrack.auth.permissions import permission_required
from govtrack.auth.queries import list_users, user_by_email
from govtrack.core import clock
from govtrack.core.dates import in_range, range_message
from govtrack.core.exports import Column, Kind, csv_response, xlsx_response
from govtrack.core.i18n import format_when
from govtrack.core.ids import parse_id
from govtrack.core.labels import TABLES, label
from govtrack.web.audit_words import changes_text, describe

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

PAGE = 50
MAX_USERS = 20  # a name that matches more logins than this is too vague to filter by


@dataclass
class Asked:
    """The page's filters as read from the query string, and what was wrong with them."""

    filters: AuditFilter | None  # None when a filter could not be read: nothing is listed
    errors: dict[str, str] = field(default_factory=dict)
    users: list = field(default_factory=list)  # the logins a user filter matched
    sign_ins: bool = False

    def words(self) -> str:
        """The filters in words, for the export's anchor sheet."""
        args = request.args
        view = _("Sign-in history") if self.sign_ins else _("All events")
        parts = [(_("View"), view)]
        if self.users:
            parts.append((_("User"), ", ".join(f"{u.name} <{u.email}>" for u in self.users)))
        for key, title in (("from", _("From")), ("to", _("To")), ("object_id", _("Object id"))):
            if args.get(key):
                parts.append((title, args[key]))
        if args.get("object_type"):
            parts.append((_("Object"), label("object_type", args["object_type"])))
        if args.get("action"):
            parts.append((_("Action"), label("audit_action", args["action"])))
        return "; ".join(f"{title}: {value}" for title, value in parts)


def _users(text: str) -> tuple[list, str | None]:
    """The logins a user filter means: the one with that e-mail, else those whose name or e-mail
    contains the text; with the message to show when none (or too many) match."""
    text = " ".join(text.split())[:254]
    exact = user_by_email(text) if "@" in text else None
    if exact is not None:
        return [exact], None
    found = list_users(q=text)
    if not found:
        return [], _("No user has a name or e-mail like “%(text)s”.", text=text)
    if len(found) > MAX_USERS:
        return [], _("%(n)d users match “%(text)s”: give more of the name or the whole e-mail.",
                     n=len(found), text=text)
    return found, None


def read_filters() -> Asked:
    args = request.args
    sign_ins = args.get("view") == "sign_ins"
    errors: dict[str, str] = {}
    users: list = []
    actor_ids = None
    who = args.get("user", "").strip()
    if who:
        users, problem = _users(who)
        if problem:
            errors["user"] = problem
        actor_ids = tuple(u.id for u in users)
    elif args.get("actor_id"):  # links from older pages named the user by id
        actor_id = parse_id(args.get("actor_id"))
        if actor_id is None:
            errors["user"] = _("Not a user number.")
        else:
            actor_ids = (actor_id,)
    days = {}
    for key in ("from", "to"):
        raw = args.get(key, "").strip()
        try:
            days[key] = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            errors[key] = _("Not a date: write it as 2026-12-31.")
            continue
        if days[key] is not None and not in_range(days[key]):
            errors[key] = range_message()
    if days.get("from") and days.get("to") and days["from"] > days["to"]:
        errors["to"] = _("The last day comes before the first.")
    object_type = args.get("object_type") or None
    if object_type and object_type not in TABLES["object_type"]:
        errors["object_type"] = _("Not a kind of object the log records.")
    object_id = None
    if args.get("object_id", "").strip():
        object_id = parse_id(args.get("object_id").strip())
        if object_id is None:
            errors["object_id"] = _("Not an object number: give its id, a whole number.")
    action = args.get("action") or None
    allowed = SIGN_IN_ACTIONS if sign_ins else TABLES["audit_action"]
    if action and action not in allowed:
        errors["action"] = _("Not an action of this list.")
    if errors:
        return Asked(None, errors, users, sign_ins)
    start = clock.day_start(days["from"]) if days.get("from") else None
    end = clock.day_start(days["to"] + dt.timedelta(days=1)) if days.get("to") else None
    return Asked(AuditFilter(actor_ids=actor_ids, start=start, end=end, object_type=object_type,
                             object_id=object_id, action=action, sign_ins=sign_ins), errors, users, sign_ins)


def _choices(table: str, keys=None) -> list[tuple[str, str]]:
    words = TABLES[table]
    return sorted(((k, str(words[k])) for k in (keys or words)), key=lambda kv: kv[1].lower())


@bp.get("/")
@permission_required("audit.view")
def index():
    asked = read_filters()
    events = []
    if asked.filters is not None:
        events = queries.audit_page(filters=asked.filters, before_id=parse_id(request.args.get("before")),
                                    limit=PAGE)
    next_before = events[-1].id if len(events) == PAGE else None
    return render_template(
        "audit/index.html",
        events=describe(events),
        asked=asked,
        object_types=_choices("object_type"),
        actions=_choices("audit_action", SIGN_IN_ACTIONS if asked.sign_ins else None),
        next_before=next_before,
        zone=clock.zone_label(),
    ), (422 if asked.errors else 200)


def _columns() -> list[Column]:
    return [
        Column(_("No."), Kind.integer), Column(_("When (%(zone)s)", zone=clock.zone_label()), Kind.datetime, width=20),
        Column(_("Who"), width=30), Column(_("Action"), width=24), Column(_("Object"), width=14),
        Column(_("Object id"), Kind.integer), Column(_("Object name"), width=36),
        Column(_("Changes (before → after)"), width=60), Column(_("Address")),
    ]


def _export(fmt: str) -> Response:
    asked = read_filters()
    if asked.filters is None:
        return Response("\n".join(asked.errors.values()) + "\n", status=422, mimetype="text/plain")
    anchor = queries.head_anchor()
    taken = clock.utcnow()

    def rows():
        for batch in queries.export_batches(asked.filters, upto=anchor.seq):
            for e in describe(batch):
                yield [e.id, e.at, e.actor, e.action, e.object_type, e.object_id, e.subject,
                       changes_text(e.changes), e.ip]

    about = [
        [_("Audit log anchor"), str(anchor)],
        [_("Taken at"), format_when(taken)],
        [_("Exported by"), f"{current_user.name} <{current_user.email}>"],
        [_("Filters"), asked.words()],
        [_("To check it"), f"flask audit verify --anchor {anchor}"],
    ]
    stem = f"audit-log-{clock.today().isoformat()}"
    if fmt == "xlsx":
        return xlsx_response(_columns(), rows(), f"{stem}.xlsx", sheet_name=_("Audit log"),
                             extra_sheets=[(_("Anchor"), about)])
    return csv_response(_columns(), rows(), f"{stem}.csv", footer=about)


@bp.get("/export.csv")
@permission_required("audit.view")
def export_csv():
    """The filtered audit log as CSV, ending with the chain's anchor at the time of export."""
    return _export("csv")


@bp.get("/export.xlsx")
@permission_required("audit.view")
def export_xlsx():
    """The same as an Excel workbook, the anchor on its own sheet."""
    return _export("xlsx")
