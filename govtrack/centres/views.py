"""Centre pages: the list of rembug pusat (search, region, active), a centre with its members,
chair and field officer, and its form."""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from govtrack.auth.permissions import can, permission_required
from govtrack.centres import queries as position_queries
from govtrack.centres import services as positions
from govtrack.centres.charts import rollup_chart as draw_rollup
from govtrack.centres.forms import CentreForm, PositionsForm
from govtrack.centres.models import POSITIONS
from govtrack.core import clock
from govtrack.core.cache import get_cache
from govtrack.core.labels import label
from govtrack.core.paging import DEFAULT_LIMIT
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError, ValidationFailed
from govtrack.extensions import db
from govtrack.members import queries as members
from govtrack.members import services
from govtrack.portal.queries import on_portal

bp = Blueprint("centres", __name__, url_prefix="/centres")


def _own_only() -> int | None:
    """A field officer reads only the centres assigned to them (their id); others read every centre."""
    return current_user.id if current_user.role == "officer" else None


def _bool_arg(name: str) -> bool | None:
    return {"yes": True, "no": False}.get(request.args.get(name, ""))


@bp.get("/")
@permission_required("centres.view")
def index():
    q = request.args.get("q", "").strip()[:200]
    region = " ".join(request.args.get("region", "").split())[: services.REGION_MAX]
    active = _bool_arg("active")
    try:
        page = members.centre_page(q=q, region=region or None, active=active, cursor=request.args.get("cursor"),
                                   limit=DEFAULT_LIMIT, officer_id=_own_only())
    except ValidationFailed:
        abort(400)
    return render_template(
        "centres/index.html", centres=page.items, next_cursor=page.next, q=q, region=region,
        regions=members.regions(), counts=members.member_counts(c.id for c in page.items),
    )


@bp.get("/<int:centre_id>")
@permission_required("centres.view")
def detail(centre_id: int):
    centre = members.load_centre(centre_id)
    if centre is None or _own_only() not in (None, centre.officer_id):
        abort(404)  # another officer's centre is as missing as an unknown one
    try:
        page = members.member_page(centre_id=centre.id, q=request.args.get("q", "").strip()[:200],
                                   cursor=request.args.get("cursor"), limit=DEFAULT_LIMIT)
    except ValidationFailed:
        abort(400)
    return render_template(
        "centres/detail.html", centre=centre, members=page.items, next_cursor=page.next,
        counts=members.member_counts([centre.id]).get(centre.id, (0, 0)),
    )


def _choices(form: CentreForm, centre) -> None:
    none = SelectChoice(None, "—")
    chairs = [] if centre is None else members.member_page(centre_id=centre.id, active=True, limit=500).items
    form.chair_member_id.choices = [none, *(SelectChoice(m.id, f"{m.name} ({m.number})") for m in chairs)]
    form.officer_id.choices = [none, *(SelectChoice(u.id, u.name) for u in members.officers())]


def _values(form: CentreForm, centre) -> dict:
    values = {"name": form.name.data, "code": form.code.data, "region": form.region.data,
              "officer_id": form.officer_id.data, "active": form.active.data}
    if centre is not None:
        values["chair_member_id"] = form.chair_member_id.data
        if not (form.code.data or "").strip():
            values.pop("code")  # an existing centre keeps its code when the field is left empty
    return values


def _form_page(form: CentreForm, centre, status: int):
    return render_template("centres/form.html", form=form, centre=centre), status


@bp.route("/new", methods=["GET", "POST"])
@permission_required("centres.edit")
def new():
    form = CentreForm()
    _choices(form, None)
    del form.chair_member_id  # a new centre has no members to choose its chair from
    if form.validate_on_submit():
        try:
            centre = services.create_centre(actor=current_user, values=_values(form, None))
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            return _form_page(form, None, err.status)
        flash(_("Centre %(code)s added.", code=centre.code), "success")
        return redirect(url_for("centres.detail", centre_id=centre.id))
    return _form_page(form, None, 422 if form.errors else 200)


@bp.route("/<int:centre_id>/edit", methods=["GET", "POST"])
@permission_required("centres.edit")
def edit(centre_id: int):
    centre = members.get_centre(centre_id)
    if centre is None:
        abort(404)
    form = CentreForm(obj=centre)
    _choices(form, centre)
    if form.validate_on_submit():
        try:
            services.update_centre(actor=current_user, centre=centre, changes=_values(form, centre))
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            return _form_page(form, members.get_centre(centre_id), err.status)
        flash(_("Centre %(code)s saved.", code=centre.code), "success")
        return redirect(url_for("centres.detail", centre_id=centre_id))
    return _form_page(form, centre, 422 if form.errors else 200)


# ---------------------------------------------------------------------------------------------
# Positions on an agreement's clauses: a form a field officer fills on a phone at the centre's
# meeting (no script: radio buttons as large tap targets), and the agreements waiting for them.


@bp.get("/positions")
@permission_required("positions.record")
def positions_index():
    return render_template("centres/positions_index.html", agreements=position_queries.under_deliberation())


def _pick_centre(agreement):
    """The centre chosen for the form: `centre` (a code) or `centre_id`; a field officer's own only."""
    centre = None
    if request.values.get("centre_id", "").isdigit():
        centre = members.get_centre(int(request.values["centre_id"]))
    elif request.values.get("centre", "").strip():
        centre = members.centre_by_code(request.values["centre"][: services.CODE_MAX])
    if centre is not None and not positions.may_record(current_user, centre):
        abort(404)  # another officer's centre is as missing as an unknown one
    return centre


def _positions_page(agreement, centre, *, form=None, errors=None, values=None, status=200):
    own = members.centre_choices_for_officer(current_user.id) if current_user.role == "officer" else []
    return render_template(
        "centres/positions_form.html", agreement=agreement, centre=centre, own=own,
        clauses=position_queries.clauses_of(agreement), form=form or PositionsForm(formdata=None, data={
            "held_on": clock.today()}),
        current=position_queries.current_positions(agreement, centre.id) if centre else {},
        errors=errors or {}, values=values or {}, code=request.values.get("centre", ""),
        size=members.member_counts([centre.id]).get(centre.id, (0, 0))[0] if centre else 0,
        choices=[(p, label("centre_position", p)) for p in POSITIONS],
    ), status


def _agreement_or_404(agreement_id: int):
    """The agreement; to a field officer (who may not read agreements) only one under deliberation."""
    agreement = position_queries.get_agreement(agreement_id)
    if agreement is None or (agreement.status != "under_deliberation" and not can(current_user, "agreements.view")):
        abort(404)
    return agreement


@bp.get("/positions/<int:agreement_id>")
@permission_required("positions.record")
def positions_form(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    centre = _pick_centre(agreement)
    missing = bool(request.values.get("centre", "").strip()) and centre is None
    return _positions_page(agreement, centre, status=404 if missing else 200)


@bp.post("/positions/<int:agreement_id>")
@permission_required("positions.record")
def record_positions(agreement_id: int):
    agreement = _agreement_or_404(agreement_id)
    centre = _pick_centre(agreement)
    if centre is None:
        abort(404)
    form = PositionsForm()
    clauses = position_queries.clauses_of(agreement)
    values = {c.id: {k: request.form.get(f"{k}-{c.id}", "") for k in ("position", "text", "note")} for c in clauses}
    given = [c for c in clauses if values[c.id]["position"]]
    if not form.validate_on_submit():
        return _positions_page(agreement, centre, form=form, values=values, status=422)
    try:
        positions.record_positions(
            actor=current_user, agreement=agreement, centre=centre, held_on=form.held_on.data,
            members_present=form.members_present.data,
            positions=[positions.ClausePosition(c.id, values[c.id]["position"], values[c.id]["text"],
                                                values[c.id]["note"]) for c in given])
        db.session.commit()
    except DomainError as err:
        # positions.{i}.{field} names the i-th clause given: shown beside that clause
        errors: dict = {}
        for name, messages in (err.fields or {}).items():
            parts = name.split(".")
            if parts[0] == "positions" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(given):
                errors.setdefault(given[int(parts[1])].id, []).extend(messages)
        apply_domain_error(form, err, aliases={"date": "held_on"})
        return _positions_page(agreement, centre, form=form, errors=errors, values=values, status=err.status)
    flash(ngettext("%(num)d position of %(centre)s recorded.", "%(num)d positions of %(centre)s recorded.",
                   len(given), centre=centre.name), "success")
    return redirect(url_for("centres.positions_form", agreement_id=agreement.id, centre_id=centre.id))


# ---------------------------------------------------------------------------------------------
# The roll-up chart (a picture of the table beside it): staff read every agreement's, a field
# officer one under deliberation, a member or a visitor one published to them; any other is 404.

CHART_VERSION = 1  # bump when the drawing changes, so that cached pictures are drawn again


def _may_read_rollup(agreement) -> bool:
    if can(current_user, "agreements.view") or can(current_user, "forums.view"):
        return True
    if can(current_user, "centres.view") and agreement.status == "under_deliberation":
        return True
    return on_portal(current_user, agreement)


@bp.get("/rollup/<int:agreement_id>.png")
def rollup_chart(agreement_id: int):
    """Stacked bars per clause: the centres per position and those not heard yet (PNG)."""
    agreement = position_queries.get_agreement(agreement_id)
    if agreement is None or not _may_read_rollup(agreement):
        abort(404)
    deliberation = request.args.get("deliberation", type=int)
    if deliberation is None or not 0 < deliberation <= agreement.deliberation:
        deliberation = agreement.deliberation
    clause_ids = sorted({i for i in request.args.getlist("clause", type=int) if 0 < i < 2**31})[:200] or None
    rows = position_queries.rollup(agreement, deliberation=deliberation, clause_ids=clause_ids)
    # Keyed by what is drawn (each bar's counts) and the language: never stale, and the counts
    # (aggregate queries) cost far less than drawing them.
    drawn = [(r.clause.number, *(r.tallies[p].centres for p in POSITIONS), r.not_heard) for r in rows]
    key = "centres-rollup-" + hashlib.sha256(json.dumps([CHART_VERSION, drawn, str(get_locale())]).encode()).hexdigest()
    cache = get_cache()
    data = cache.get(key)
    if data is None:
        data = draw_rollup(rows)
        cache.put(key, data)
    return Response(data, mimetype="image/png", headers={"Cache-Control": "private, max-age=60"})
