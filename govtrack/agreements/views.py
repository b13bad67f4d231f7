"""Agreements pages (for staff): list, detail, create, edit while draft, status moves, documents."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtrack.agreements import queries, rules, services
from govtrack.agreements.forms import (
    AgreementFilterForm,
    AgreementForm,
    DocumentForm,
    PublishForm,
    RemoveDocumentForm,
    ReplaceDocumentForm,
    TransitionForm,
)
from govtrack.agreements.models import Agreement, AgreementStatus
from govtrack.auth.permissions import permission_required
from govtrack.centres.queries import rollup_page as position_rollup_page
from govtrack.core import clock
from govtrack.core.exports import Column, Kind, paged, table_response
from govtrack.core.labels import label, labels
from govtrack.core.paging import parse_limit
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError
from govtrack.extensions import db
from govtrack.forums.queries import (
    approval_path,
    decision_numbers,
    decisions_for_agreement,
    next_step_words,
)
from govtrack.partners.queries import partner_choices, partner_name
from govtrack.results.queries import result_count

bp = Blueprint("agreements", __name__, url_prefix="/agreements")

# The order in which status-move buttons appear.
STATUS_ORDER = [s.value for s in AgreementStatus]


def _load(agreement_id: int) -> Agreement:
    agreement = queries.load_agreement(agreement_id)
    if agreement is None:
        abort(404)
    return agreement


def _render_detail(agreement: Agreement, *, doc_form: DocumentForm | None = None, status: int = 200):
    # what the rembug pusat said about each clause, once it has been under deliberation
    rollup_page = position_rollup_page(agreement, names=True)
    targets = sorted(rules.allowed_targets(agreement.status), key=STATUS_ORDER.index)
    path = approval_path(agreement.id, agreement.kind, agreement.status)
    return render_template(
        "agreements/detail.html",
        agreement=agreement,
        decisions=decisions_for_agreement(agreement.id),
        path=path, next_step=next_step_words(path),
        # A clause's versions name the decision that made them by its number, never by its id.
        decision_numbers=decision_numbers({v.decision_id for c in agreement.clauses for v in c.versions}),
        dependents=queries.dependents(agreement.id, user=current_user),
        moves=[(t, label("agreement_move", t), t in rules.DECISION_REQUIRED) for t in targets],
        move_form=TransitionForm(),
        doc_form=doc_form or DocumentForm(),
        rollup={r.clause.id: r for r in rollup_page.rows} if rollup_page else {},
        rollup_page=rollup_page, regions=rollup_page.regions if rollup_page else {}, show_names=True,
        results_count=result_count(agreement.id),
    ), status


@bp.get("/")
@permission_required("agreements.view")
def index():
    form = AgreementFilterForm(request.args)
    filters = form.filters() if form.validate() else {}
    page = queries.agreement_page(
        user=current_user,
        cursor=request.args.get("cursor"),
        limit=parse_limit(request.args.get("limit")),
        descending=True,
        **filters,
    )
    return render_template("agreements/index.html", form=form, agreements=page.items, next_cursor=page.next,
                           partner_label=partner_name(filters.get("partner_id")))


EXPORT_BATCH = 500


def _export(fmt: str) -> Response:
    """The agreements the page lists to this user (its filters, newest first), every page of them."""
    form = AgreementFilterForm(request.args)
    filters = form.filters() if form.validate() else {}
    columns = [Column(_("Reference"), width=16), Column(_("Title"), width=40), Column(_("Kind"), width=18),
               Column(_("Parties"), width=40), Column(_("Currency"), width=9),
               Column(_("Value"), Kind.money, currency=4), Column(_("Start date"), Kind.date),
               Column(_("End date"), Kind.date), Column(_("Status"), width=16), Column(_("Visibility"), width=14)]
    kind, role, status, visibility = (labels(t) for t in ("agreement_kind", "party_role", "agreement_status",
                                                          "visibility"))

    def fetch(cursor):
        return queries.agreement_page(user=current_user, cursor=cursor, limit=EXPORT_BATCH, descending=True,
                                      **filters)

    rows = ([a.reference, a.title, kind.get(a.kind, a.kind),
             "; ".join(f"{p.partner.name} ({role.get(p.role, p.role)})" for p in a.parties),
             a.value_currency, a.value_amount, a.start_date, a.end_date, status.get(a.status, a.status),
             visibility.get(a.visibility, a.visibility)]
            for a in paged(fetch))
    stem = f"agreements-{clock.today().isoformat()}"
    return table_response(fmt, columns, rows, stem, _("Agreements"))


@bp.get("/export.csv")
@permission_required("agreements.view")
def export_csv():
    """The agreements list (with the page's filters) as CSV."""
    return _export("csv")


@bp.get("/export.xlsx")
@permission_required("agreements.view")
def export_xlsx():
    """The same as an Excel workbook (values as amounts, dates as dates)."""
    return _export("xlsx")


@bp.get("/<int:agreement_id>")
@permission_required("agreements.view")
def detail(agreement_id: int):
    return _render_detail(_load(agreement_id))


def _form(agreement: Agreement | None, **kwargs) -> AgreementForm:
    partners = partner_choices(active_only=True)
    if agreement is not None:
        # Partners already named stay choosable even when they have been deactivated since.
        known = {pid for pid, _name in partners}
        partners += [(p.partner_id, p.partner.name) for p in agreement.parties if p.partner_id not in known]
    return AgreementForm(
        partners=partners,
        agreements=queries.agreement_choices(exclude=agreement.id if agreement else None),
        **kwargs,
    )


def _form_data(agreement: Agreement) -> dict:
    return {
        "title": agreement.title,
        "reference": agreement.reference,
        "kind": agreement.kind,
        "value": agreement.value_amount,
        "value_currency": agreement.value_currency,
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
        "summary": agreement.summary,
        "visibility": agreement.visibility,
        "sector": agreement.sector or "",
        "depends_on": [str(d.id) for d in agreement.dependencies],
        "parties": [{"partner_id": str(p.partner_id), "role": p.role} for p in agreement.parties],
        "clauses": [
            {"id": str(c.id), "number": c.number, "text": c.text, "proposed_by": c.proposed_by}
            for c in agreement.clauses
        ],
    }


def _scalars(form: AgreementForm) -> dict:
    return {
        "title": form.title.data,
        "reference": form.reference.data,
        "kind": form.kind.data,
        "value_amount": form.value.data,
        "value_currency": form.value_currency.data,
        "start_date": form.start_date.data,
        "end_date": form.end_date.data,
        "summary": form.summary.data or None,
        "visibility": form.visibility.data,
        "sector": form.sector.data or None,
    }


def _relations(form: AgreementForm) -> dict:
    return {
        "parties": [services.PartyData(partner_id=pid, role=role) for pid, role in form.party_rows()],
        "clauses": [services.ClauseData(**row) for row in form.clause_rows()],
        "depends_on": form.dependency_ids(),
    }


def _status_for(form, domain_status: int | None) -> int:
    """The service's status when it refused; else 422 for form errors, 200 for a fresh form."""
    return domain_status or (422 if form.errors else 200)


@bp.route("/new", methods=["GET", "POST"])
@permission_required("agreements.edit")
def new():
    form = _form(None)
    status = None
    if form.validate_on_submit():
        try:
            agreement = services.create_agreement(
                actor=current_user, data=services.AgreementData(**_scalars(form), **_relations(form))
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
        else:
            flash(_("Draft agreement %(title)s created.", title=agreement.title), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    form.set_rows()
    return render_template("agreements/form.html", form=form, agreement=None), _status_for(form, status)


@bp.route("/<int:agreement_id>/edit", methods=["GET", "POST"])
@permission_required("agreements.edit")
def edit(agreement_id: int):
    agreement = _load(agreement_id)
    if agreement.status != AgreementStatus.draft.value:
        return _publish(agreement)
    form = _form(agreement, data=_form_data(agreement))
    status = None
    if form.validate_on_submit():
        try:
            services.update_agreement(
                actor=current_user, agreement=agreement, changes=_scalars(form), **_relations(form)
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
            agreement = _load(agreement_id)
        else:
            flash(_("Agreement %(title)s saved.", title=agreement.title), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    form.set_rows()
    return render_template("agreements/form.html", form=form, agreement=agreement), _status_for(form, status)


def _publish(agreement: Agreement):
    """After the draft stage only visibility, summary and sector change here; terms change by decision."""
    form = PublishForm(obj=agreement)
    status = None
    if form.validate_on_submit():
        try:
            services.update_agreement(
                actor=current_user, agreement=agreement,
                changes={"visibility": form.visibility.data, "summary": form.summary.data or None,
                         "sector": form.sector.data or None},
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
            agreement = _load(agreement.id)
        else:
            flash(_("Agreement %(title)s saved.", title=agreement.title), "success")
            return redirect(url_for("agreements.detail", agreement_id=agreement.id))
    return render_template("agreements/publish.html", form=form, agreement=agreement), _status_for(form, status)


@bp.post("/<int:agreement_id>/transition")
@permission_required("agreements.transition")
def transition(agreement_id: int):
    agreement = _load(agreement_id)
    form = TransitionForm()
    if not form.validate_on_submit():
        abort(400)
    to = form.to.data
    try:
        services.transition_agreement(actor=current_user, agreement=agreement, to=to)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        to_label = label("agreement_status", to)
        if err.code == "decision_required":
            flash(
                _(
                    "“%(to)s” needs a carried forum decision. Put the agreement on the agenda of a "
                    "forum meeting; the decision will make the move. Nothing was changed.",
                    to=to_label,
                ),
                "danger",
            )
        elif err.code == "invalid_transition":
            flash(_("An agreement in this status cannot become “%(to)s”. Nothing was changed.", to=to_label), "danger")
        else:
            details = " ".join(str(m) for msgs in err.fields.values() for m in msgs)
            flash(f"{err.message} {details}".strip(), "danger")
        return _render_detail(_load(agreement_id), status=err.status)
    flash(_("The agreement is now “%(to)s”.", to=label("agreement_status", to)), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id))


@bp.post("/<int:agreement_id>/documents")
@permission_required("agreements.edit")
def upload(agreement_id: int):
    agreement = _load(agreement_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        return _render_detail(agreement, doc_form=form, status=400 if "csrf_token" in form.errors else 422)
    try:
        doc = services.add_document(actor=current_user, agreement=agreement, file=form.file.data)
        db.session.commit()
    except DomainError as err:
        apply_domain_error(form, err)
        return _render_detail(_load(agreement_id), doc_form=form, status=err.status)
    flash(_("Document %(name)s attached.", name=doc.original_name), "success")
    return redirect(url_for("agreements.detail", agreement_id=agreement_id) + "#documents")


@bp.get("/<int:agreement_id>/documents/<int:document_id>")
def download(agreement_id: int, document_id: int):
    """A document, only to users who may see its agreement (a removed one: staff only); everyone
    else gets 404 (no IDOR)."""
    doc = queries.get_document(document_id)
    if doc is None or doc.agreement_id != agreement_id or not queries.may_download(current_user, doc):
        abort(404)
    return doc.download()


@bp.get("/<int:agreement_id>/documents/<int:document_id>/versions/<int:version_id>")
@permission_required("agreements.view")
def download_version(agreement_id: int, document_id: int, version_id: int):
    """An earlier file of a document, to staff."""
    version = queries.get_document_version(version_id)
    if (version is None or version.document_id != document_id or version.document.agreement_id != agreement_id
            or not queries.may_see_history(current_user)):
        abort(404)
    return version.download()


def _document(agreement_id: int, document_id: int):
    agreement = _load(agreement_id)
    doc = next((d for d in agreement.documents if d.id == document_id), None)
    if doc is None:
        abort(404)
    return agreement, doc


def _back_to_documents(agreement_id: int):
    return redirect(url_for("agreements.detail", agreement_id=agreement_id) + "#documents")


@bp.route("/<int:agreement_id>/documents/<int:document_id>/replace", methods=["GET", "POST"])
@permission_required("agreements.edit")
def replace_document(agreement_id: int, document_id: int):
    """Upload a new file in a document's place; the earlier file stays in its history."""
    agreement, doc = _document(agreement_id, document_id)
    form = ReplaceDocumentForm()
    status = 200
    if doc.removed:
        status = 409
    elif form.validate_on_submit():
        earlier = doc.original_name
        try:
            services.replace_document(actor=current_user, document=doc, file=form.file.data)
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
            agreement, doc = _document(agreement_id, document_id)
        else:
            flash(_("%(earlier)s is replaced by %(name)s; the earlier file is kept in the document's history.",
                    earlier=earlier, name=doc.original_name), "success")
            return _back_to_documents(agreement_id)
    elif request.method == "POST":
        status = 400 if "csrf_token" in form.errors else 422
    return render_template("agreements/document_action.html", action="replace", form=form,
                           agreement=agreement, doc=doc), status


@bp.route("/<int:agreement_id>/documents/<int:document_id>/remove", methods=["GET", "POST"])
@permission_required("agreements.edit")
def remove_document(agreement_id: int, document_id: int):
    """Confirm the removal of a document, with a reason."""
    agreement, doc = _document(agreement_id, document_id)
    form = RemoveDocumentForm()
    status = 200
    if doc.removed:
        status = 409 if request.method == "POST" else 200
    elif form.validate_on_submit():
        try:
            services.remove_document(actor=current_user, document=doc, reason=form.reason.data)
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
            agreement, doc = _document(agreement_id, document_id)
        else:
            flash(_("Document %(name)s removed. It stays listed as removed, with the reason.",
                    name=doc.original_name), "success")
            return _back_to_documents(agreement_id)
    elif request.method == "POST":
        status = 400 if "csrf_token" in form.errors else 422
    return render_template("agreements/document_action.html", action="remove", form=form,
                           agreement=agreement, doc=doc), status
