"""The search page: GET /search?q= (every kind the user may search, grouped), or one kind with
pages (`kind=`, `cursor=`)."""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from govtrack.auth.permissions import can, permission_required
from govtrack.search import queries

bp = Blueprint("search", __name__)

PER_KIND = 10  # hits of each kind on the grouped page
PAGE_SIZE = 50  # hits of one kind a page


def hit_url(hit: queries.Hit, user) -> str:
    """Where a hit opens for `user`: the staff page, or for a member the published one."""
    if hit.kind == "agreement":
        if can(user, "agreements.view"):
            return url_for("agreements.detail", agreement_id=hit.id)
        return url_for("portal.agreement", agreement_id=hit.id)
    if hit.kind == "partner":
        return url_for("partners.detail", partner_id=hit.id)
    if hit.kind == "member":
        return url_for("members.detail", member_id=hit.id)
    if can(user, "forums.view"):
        return url_for("forums.meeting", meeting_id=hit.meeting_id, _anchor=f"motion-{hit.motion_id}")
    return url_for("portal.agreement", agreement_id=hit.agreement_id, _anchor=f"decision-{hit.id}")


@bp.get("/search")
@permission_required("portal.view")
def page():
    q = (request.args.get("q") or "")[: queries.MAX_QUERY]
    kind = queries.check_kind(request.args.get("kind"))
    groups: list[queries.KindPage] = []
    next_cursor = None
    if kind:
        hits, next_cursor = queries.search(user=current_user, q=q, kind=kind, cursor=request.args.get("cursor"),
                                           limit=PAGE_SIZE)
        if kind in queries.kinds_for(current_user):
            groups = [queries.KindPage(kind, hits, None)]
    else:
        groups = queries.search_groups(user=current_user, q=q, per_kind=PER_KIND)
    urls = {(h.kind, h.id): hit_url(h, current_user) for g in groups for h in g.hits}
    return render_template(
        "search/page.html", q=q, kind=kind, groups=groups, urls=urls, next_cursor=next_cursor,
        searched=bool(queries.words(q)), found=any(g.hits for g in groups),
    )
