"""Centre pages: the list of rembug pusat (search, region, active), a centre with its members,
chair and field officer, and its form."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from govtrack.auth.permissions import permission_required
from govtrack.centres.forms import CentreForm
from govtrack.core.paging import DEFAULT_LIMIT
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError, ValidationFailed
from govtrack.extensions import db
from govtrack.members import queries as members
from govtrack.members import services

bp = Blueprint("centres", __name__, url_prefix="/centres")


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
                                   limit=DEFAULT_LIMIT)
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
    if centre is None:
        abort(404)
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
