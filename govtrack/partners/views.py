"""Partners pages: list, detail, create, edit, deactivate and reactivate."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtrack.agreements.queries import agreements_of_partner
from govtrack.auth.forms import ConfirmForm
from govtrack.auth.permissions import can, permission_required
from govtrack.core import clock
from govtrack.core.exports import Column, paged, table_response
from govtrack.core.labels import labels
from govtrack.core.paging import parse_limit
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError
from govtrack.extensions import db
from govtrack.obligations.queries import partner_scorecard
from govtrack.partners import queries, services
from govtrack.partners.forms import PartnerFilterForm, PartnerForm
from govtrack.partners.models import Partner

bp = Blueprint("partners", __name__, url_prefix="/partners")


def _load(partner_id: int) -> Partner:
    partner = queries.get_partner(partner_id)
    if partner is None:
        abort(404)
    return partner


def _contacts(form: PartnerForm) -> list[services.ContactData]:
    return [services.ContactData(**row) for row in form.contact_rows()]


@bp.get("/")
@permission_required("partners.view")
def index():
    form = PartnerFilterForm(request.args)
    filters = form.filters() if form.validate() else {}
    page = queries.partner_page(
        cursor=request.args.get("cursor"), limit=parse_limit(request.args.get("limit")), **filters
    )
    return render_template(
        "partners/index.html", form=form, partners=page.items, next_cursor=page.next,
        regions=queries.regions(),
    )


EXPORT_BATCH = 500


def _export(fmt: str) -> Response:
    """The partners the page lists (its filters, in its order), every page of them."""
    form = PartnerFilterForm(request.args)
    filters = form.filters() if form.validate() else {}
    columns = [Column(_("Name"), width=36), Column(_("Legal name"), width=30), Column(_("Category"), width=22),
               Column(_("Region"), width=22), Column(_("Registration number"), width=18),
               Column(_("Contacts"), width=30), Column(_("Status"), width=12)]
    category = labels("partner_category")
    active, inactive = _("Active"), _("Inactive")
    rows = ([p.name, p.legal_name, category.get(p.category, p.category), p.region, p.registration_no,
             ", ".join(c.name for c in p.contacts), active if p.active else inactive]
            for p in paged(lambda cursor: queries.partner_page(cursor=cursor, limit=EXPORT_BATCH, **filters)))
    stem = f"partners-{clock.today().isoformat()}"
    return table_response(fmt, columns, rows, stem, _("Partners"))


@bp.get("/export.csv")
@permission_required("partners.view")
def export_csv():
    """The partners list (with the page's filters) as CSV."""
    return _export("csv")


@bp.get("/export.xlsx")
@permission_required("partners.view")
def export_xlsx():
    """The same as an Excel workbook."""
    return _export("xlsx")


@bp.get("/<int:partner_id>")
@permission_required("partners.view")
def detail(partner_id: int):
    partner = _load(partner_id)
    return render_template(
        "partners/detail.html",
        partner=partner,
        scorecard=partner_scorecard(partner.id, clock.today()) if can(current_user, "obligations.view") else None,
        agreements=agreements_of_partner(partner.id, user=current_user),
        confirm=ConfirmForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("partners.edit")
def new():
    form = PartnerForm()
    if form.validate_on_submit():
        try:
            partner = services.create_partner(
                actor=current_user,
                data=services.PartnerData(
                    name=form.name.data,
                    category=form.category.data,
                    legal_name=form.legal_name.data,
                    registration_no=form.registration_no.data,
                    region=form.region.data,
                    notes=form.notes.data,
                    contacts=_contacts(form),
                ),
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(_("Partner %(name)s created.", name=partner.name), "success")
            return redirect(url_for("partners.detail", partner_id=partner.id))
    form.pad_contacts()
    return render_template("partners/form.html", form=form, partner=None), (422 if form.errors else 200)


@bp.route("/<int:partner_id>/edit", methods=["GET", "POST"])
@permission_required("partners.edit")
def edit(partner_id: int):
    partner = _load(partner_id)
    form = PartnerForm(obj=partner)
    if form.validate_on_submit():
        try:
            services.update_partner(
                actor=current_user,
                partner=partner,
                changes={
                    "name": form.name.data,
                    "category": form.category.data,
                    "legal_name": form.legal_name.data,
                    "registration_no": form.registration_no.data,
                    "region": form.region.data,
                    "notes": form.notes.data,
                },
                contacts=_contacts(form),
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            partner = _load(partner_id)
        else:
            flash(_("Partner %(name)s saved.", name=partner.name), "success")
            return redirect(url_for("partners.detail", partner_id=partner.id))
    form.pad_contacts()
    return render_template("partners/form.html", form=form, partner=partner), (422 if form.errors else 200)


def _set_active(partner_id: int, active: bool):
    partner = _load(partner_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.set_partner_active(actor=current_user, partner=partner, active=active)
    db.session.commit()
    if active:
        flash(_("Partner %(name)s is active again.", name=partner.name), "success")
    else:
        flash(_("Partner %(name)s is deactivated. Its agreements keep naming it.", name=partner.name), "success")
    return redirect(url_for("partners.detail", partner_id=partner.id))


@bp.post("/<int:partner_id>/deactivate")
@permission_required("partners.edit")
def deactivate(partner_id: int):
    return _set_active(partner_id, False)


@bp.post("/<int:partner_id>/reactivate")
@permission_required("partners.edit")
def reactivate(partner_id: int):
    return _set_active(partner_id, True)
