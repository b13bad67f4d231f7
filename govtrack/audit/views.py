"""The audit page for admins."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from govtrack.audit import queries
from govtrack.auth.permissions import permission_required
from govtrack.core.ids import parse_id
from govtrack.web.audit_words import describe

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")


def _int_arg(name: str) -> int | None:
    return parse_id(request.args.get(name))


@bp.get("/")
@permission_required("audit.view")
def index():
    limit = 50
    events = queries.audit_page(
        object_type=request.args.get("object_type") or None,
        object_id=_int_arg("object_id"),
        actor_id=_int_arg("actor_id"),
        before_id=_int_arg("before"),
        limit=limit,
    )
    next_before = events[-1].id if len(events) == limit else None
    return render_template(
        "audit/index.html",
        events=describe(events),
        object_types=queries.object_types(),
        next_before=next_before,
    )
