"""Members pages: the roster and its search, a member's page, forms, the CSV import."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from govtrack.auth.forms import ConfirmForm
from govtrack.auth.permissions import can, permission_required
from govtrack.core import clock
from govtrack.core.exports import Column, Kind, paged, table_response
from govtrack.core.paging import DEFAULT_LIMIT
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError, ValidationFailed
from govtrack.extensions import db
from govtrack.members import importer, queries, services
from govtrack.members.forms import ImportForm, InterestForm, LinkUserForm, MemberForm
from govtrack.partners.queries import partner_choices

bp = Blueprint("members", __name__, url_prefix="/members")

# A roster CSV of 280,000 lines is some 20 MB, past the upload limit for documents.
DEFAULT_IMPORT_MAX_BYTES = 64 * 1024 * 1024


def import_max_bytes() -> int:
    return int(current_app.config.get("MEMBER_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


@bp.url_value_preprocessor
def _import_body_limit(endpoint, values):
    # URL value preprocessors run before every before_request function, so the raised limit is in
    # place before CSRFProtect reads (and size-checks) the multipart body of the import page.
    if endpoint == "members.import_page":
        request.max_content_length = import_max_bytes()


def _bool_arg(name: str) -> bool | None:
    return {"yes": True, "no": False}.get(request.args.get(name, ""))


def _centre_arg() -> int | None:
    """The roster's centre filter (`centre`, a code): its id; 0 (no member has it) for an unknown code."""
    code = request.args.get("centre", "").strip()[: services.CODE_MAX]
    if not code:
        return None
    centre = queries.centre_by_code(code)
    return centre.id if centre else 0


def _search_args() -> dict:
    """The roster's search and filters as the page and its exports read them from the address."""
    return {
        "q": request.args.get("q", "").strip()[:200],
        "group": " ".join(request.args.get("group", "").split())[: services.GROUP_MAX],
        "active": _bool_arg("active"), "investor": _bool_arg("investor"),
        "centre_id": _centre_arg(),
        # `contains` (any part of the name) is no longer offered on the page, where any word of the
        # name is found; it stays for links made before and matches the API's.
        "contains": request.args.get("contains") == "1",
    }


@bp.get("/")
@permission_required("members.view")
def index():
    search = _search_args()
    q, group = search["q"], search["group"]
    try:
        page = queries.member_page(**search, cursor=request.args.get("cursor"), limit=DEFAULT_LIMIT)
    except ValidationFailed:
        abort(400)
    return render_template(
        "members/index.html",
        members=page.items,
        next_cursor=page.next,
        q=q,
        group=group,
        group_size=queries.group_size(group) if group and search["centre_id"] is None else None,
        centre=queries.load_centre(search["centre_id"]) if search["centre_id"] else None,
        centre_code=request.args.get("centre", "").strip()[: services.CODE_MAX],
        number_search=bool(q) and queries.looks_like_number(q),
    )


# Members read per batch by an export: large enough that 280,000 members are 140 queries, small
# enough that a batch's objects are a few megabytes at most.
EXPORT_BATCH = 2000


def _export(fmt: str) -> Response:
    """The roster as the page lists it (its search and filters, in its order), every page of it."""
    search = _search_args()
    try:
        first = queries.member_page(**search, limit=EXPORT_BATCH)
    except ValidationFailed:
        abort(400)
    columns = [Column(_("Number"), width=14), Column(_("Name"), width=30), Column(_("Rembug group"), width=26),
               Column(_("Joined on"), Kind.date), Column(_("Status"), width=12), Column(_("Investor"), width=10)]
    yes, no, active, inactive = _("yes"), _("no"), _("active"), _("inactive")

    def fetch(cursor):
        return first if cursor is None else queries.member_page(**search, cursor=cursor, limit=EXPORT_BATCH)

    rows = ([m.number, m.name, m.group_name, m.joined_on, active if m.active else inactive, yes if m.investor else no]
            for m in paged(fetch))
    stem = f"members-{clock.today().isoformat()}"
    return table_response(fmt, columns, rows, stem, _("Members"))


@bp.get("/export.csv")
@permission_required("members.view")
def export_csv():
    """The roster (with the page's search and filters) as CSV, streamed."""
    return _export("csv")


@bp.get("/export.xlsx")
@permission_required("members.view")
def export_xlsx():
    """The same as an Excel workbook (typed cells), written in constant memory then streamed."""
    return _export("xlsx")


def _detail(member, *, interest_form=None, link_form=None, status: int = 200):
    user = queries.linked_users([member.id]).get(member.id)
    if can(current_user, "members.edit"):
        interest_form = interest_form or InterestForm(formdata=None)
        interest_form.partner_id.choices = [SelectChoice(i, n) for i, n in partner_choices(active_only=False)]
        link_form = link_form or LinkUserForm(formdata=None)
        link_form.user_id.choices = [SelectChoice(u.id, f"{u.name} <{u.email}>")
                                     for u in queries.linkable_users(member)]
    return render_template(
        "members/detail.html",
        member=member,
        centre=queries.get_centre(member.centre_id) if member.centre_id else None,
        user=user,
        interest_form=interest_form,
        link_form=link_form,
    ), status


def _load(member_id: int):
    member = queries.load_member(member_id)
    if member is None:
        abort(404)
    return member


@bp.get("/<int:member_id>")
@permission_required("members.view")
def detail(member_id: int):
    return _detail(_load(member_id))


def _data(form: MemberForm) -> dict:
    return {
        "number": form.number.data,
        "name": form.name.data,
        # a code names the centre; none takes the member out of any
        **({"centre": form.centre.data.strip()} if (form.centre.data or "").strip() else {"centre_id": None}),
        "joined_on": form.joined_on.data,
        "active": form.active.data,
        "investor": form.investor.data,
    }


@bp.route("/new", methods=["GET", "POST"])
@permission_required("members.edit")
def new():
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member = services.create_member(actor=current_user, data=services.MemberData(**_data(form)))
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            return render_template("members/form.html", form=form, member=None), err.status
        flash(_("Member %(number)s added.", number=member.number), "success")
        return redirect(url_for("members.detail", member_id=member.id))
    return render_template("members/form.html", form=form, member=None), (422 if form.errors else 200)


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@permission_required("members.edit")
def edit(member_id: int):
    member = queries.get_member(member_id)
    if member is None:
        abort(404)
    form = MemberForm(obj=member)
    if not form.is_submitted() and member.centre_id:
        form.centre.data = queries.get_centre(member.centre_id).code
    if form.validate_on_submit():
        try:
            services.update_member(actor=current_user, member=member, changes=_data(form))
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            return render_template("members/form.html", form=form, member=member), err.status
        flash(_("Member %(number)s saved.", number=member.number), "success")
        return redirect(url_for("members.detail", member_id=member.id))
    return render_template("members/form.html", form=form, member=member), (422 if form.errors else 200)


@bp.route("/import", methods=["GET", "POST"])
@permission_required("members.edit")
def import_page():
    form = ImportForm()
    if form.validate_on_submit():
        try:
            result = importer.import_members(actor=current_user, source=form.file.data.stream)
            db.session.commit()
        except importer.ImportRejected as err:
            db.session.rollback()
            flash(err.message, "danger")
            return render_template("members/import.html", form=form, result=err.result), 422
        except DomainError as err:
            apply_domain_error(form, err)
            return render_template("members/import.html", form=form, result=None), err.status
        flash(
            _(
                "Import done: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.",
                created=result.created, updated=result.updated, unchanged=result.unchanged,
            ),
            "success",
        )
        return redirect(url_for("members.index"))
    return render_template("members/import.html", form=form, result=None), (422 if form.errors else 200)


@bp.post("/<int:member_id>/interests")
@permission_required("members.edit")
def declare_interest(member_id: int):
    member = _load(member_id)
    form = InterestForm()
    form.partner_id.choices = [SelectChoice(i, n) for i, n in partner_choices(active_only=False)]
    if not form.validate_on_submit():
        return _detail(member, interest_form=form, status=422)
    try:
        services.declare_interest(
            actor=current_user, member=member, partner_id=form.partner_id.data, note=form.note.data
        )
        db.session.commit()
    except DomainError as err:
        apply_domain_error(form, err)
        return _detail(_load(member_id), interest_form=form, status=err.status)
    flash(_("Interest declared."), "success")
    return redirect(url_for("members.detail", member_id=member_id))


@bp.post("/<int:member_id>/interests/<int:interest_id>/withdraw")
@permission_required("members.edit")
def withdraw_interest(member_id: int, interest_id: int):
    interest = queries.get_interest(member_id, interest_id)
    if interest is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.withdraw_interest(actor=current_user, interest=interest)
    db.session.commit()
    flash(_("Interest withdrawn."), "success")
    return redirect(url_for("members.detail", member_id=member_id))


@bp.post("/<int:member_id>/user")
@permission_required("members.edit")
def link_user(member_id: int):
    member = _load(member_id)
    form = LinkUserForm()
    form.user_id.choices = [SelectChoice(u.id, u.name) for u in queries.linkable_users(member)]
    if not form.validate_on_submit():
        return _detail(member, link_form=form, status=422)
    try:
        services.link_user_by_id(actor=current_user, member=member, user_id=form.user_id.data)
        db.session.commit()
    except DomainError as err:
        apply_domain_error(form, err)
        return _detail(_load(member_id), link_form=form, status=err.status)
    flash(_("Login linked to this member."), "success")
    return redirect(url_for("members.detail", member_id=member_id))


@bp.post("/<int:member_id>/user/unlink")
@permission_required("members.edit")
def unlink_user(member_id: int):
    member = _load(member_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.unlink_user(actor=current_user, member=member)
    db.session.commit()
    flash(_("Login unlinked from this member."), "success")
    return redirect(url_for("members.detail", member_id=member_id))
