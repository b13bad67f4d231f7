"""The members' portal and the public pages: published agreements, their decisions, the feed.

Nothing here needs a login: an anonymous visitor reads what is public, a member (or anyone with
`portal.view`) also what is published to members. An agreement that is not published to the
reader answers exactly as one that does not exist.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from govtrack.audit.queries import head_anchor
from govtrack.centres.queries import rollup_page as centre_rollup_page
from govtrack.core import clock
from govtrack.core.labels import choices, label
from govtrack.core.web import external_url
from govtrack.forums.queries import published_decisions
from govtrack.obligations.queries import published_obligations
from govtrack.portal import feed, queries
from govtrack.portal.forms import PublishedFilterForm

bp = Blueprint("portal", __name__, url_prefix="/published")

PAGE_SIZE = 20
REGISTER_PAGE_SIZE = 50


def _filter_form() -> PublishedFilterForm:
    return PublishedFilterForm(
        request.args, categories=choices("partner_category"), kinds=choices("agreement_kind")
    )


def _filters(form: PublishedFilterForm) -> dict:
    return {
        "q": (form.q.data or "").strip() or None,
        "category": form.category.data or None,
        "kind": form.kind.data or None,
        "year": form.year.data or None,
    }


@bp.get("/")
def index():
    form = _filter_form()
    if request.args and not form.validate():
        return render_template("portal/index.html", form=form, agreements=[], next_cursor=None), 422
    page = queries.published_page(
        user=current_user, cursor=request.args.get("cursor"), limit=PAGE_SIZE, **_filters(form)
    )
    return render_template("portal/index.html", form=form, agreements=page.items, next_cursor=page.next)


@bp.get("/<int:agreement_id>")
def agreement(agreement_id: int):
    item = queries.published_agreement(agreement_id, user=current_user)
    if item is None:
        abort(404)  # the same answer as for an id that does not exist
    decisions = published_decisions([item.id])[item.id]
    by_id = {d.id: d for d in decisions}
    obligations = published_obligations(item.id, clock.today())
    terms = [c for c in item.clauses if c.status in ("accepted", "amended")]
    not_agreed = [c for c in item.clauses if c.status == "rejected"]
    # What the rembug pusat said, beside what was decided: counts and proposed texts only, never
    # which centre said what nor which were not heard (show_names stays off).
    rollup = centre_rollup_page(item)
    return render_template(
        "portal/agreement.html",
        rollup=rollup,
        decided={c.id: label("clause_status", c.status) for c in item.clauses} if rollup else {},
        agreement=item,
        terms=terms,
        not_agreed=not_agreed,
        decisions=decisions,
        decisions_by_id=by_id,
        obligations=obligations,
        dependencies=[d for d in item.dependencies if queries.on_portal(current_user, d)],
    )


@bp.get("/decisions")
def decisions():
    page = queries.published_page(
        user=current_user, cursor=request.args.get("cursor"), limit=REGISTER_PAGE_SIZE
    )
    by_agreement = published_decisions([a.id for a in page.items])
    rows = [(a, d) for a in page.items for d in by_agreement[a.id]]
    rows.sort(key=lambda row: (row[1].decided_on, row[1].id), reverse=True)
    return render_template(
        "portal/decisions.html", rows=rows, next_cursor=page.next, anchor=head_anchor()
    )


@bp.get("/meetings")
@login_required
def meetings():
    """The member's upcoming meetings: those of the forums they vote in, with their agenda."""
    start_of_today = dt.datetime.combine(clock.today(), dt.time(0), tzinfo=clock.zone())
    rows = queries.upcoming_meetings(current_user, since=start_of_today)
    return render_template("portal/meetings.html", rows=rows,
                           linked=getattr(current_user, "member_id", None) is not None)


@bp.get("/feed.atom")
def atom_feed():
    body = feed.build_feed(
        title=_("govtrack: published agreements and decisions"),
        self_url=external_url("portal.atom_feed"),
        home_url=external_url("portal.index"),
        agreement_url=lambda agreement_id: external_url("portal.agreement", agreement_id=agreement_id),
    )
    return Response(body, mimetype="application/atom+xml")
