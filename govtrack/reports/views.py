"""The funder's report pages: /agreements/{id}/report (printable) and its .xlsx twin, the
narrative the manager writes, and fulfilling a report obligation with the report attached."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from govtrack.agreements.models import Agreement
from govtrack.agreements.queries import load_agreement
from govtrack.auth.permissions import can, permission_required
from govtrack.core import clock
from govtrack.core.exports import XLSX_MIMETYPE
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError
from govtrack.extensions import db
from govtrack.reports import queries, services
from govtrack.reports.forms import FulfilForm, NarrativeForm, PeriodForm
from govtrack.reports.workbook import report_workbook

bp = Blueprint("reports", __name__, url_prefix="/agreements")


def _agreement(agreement_id: int) -> Agreement:
    agreement = load_agreement(agreement_id)
    if agreement is None:
        abort(404)
    return agreement


def _period(form: PeriodForm) -> tuple[dt.date, dt.date]:
    start, end = queries.default_period(clock.today())
    return form.period_start.data or start, form.period_end.data or end


def _posted_period() -> tuple[dt.date, dt.date]:
    try:
        start = dt.date.fromisoformat(request.form.get("period_start", ""))
        end = dt.date.fromisoformat(request.form.get("period_end", ""))
    except ValueError:
        abort(400)
    return start, end


def filename(agreement: Agreement, start: dt.date, end: dt.date) -> str:
    own = (agreement.reference or str(agreement.id)).replace("/", "-")
    return f"laporan-{own}-{start.isoformat()}-{end.isoformat()}.xlsx"


def _page(agreement: Agreement, form: PeriodForm, start: dt.date, end: dt.date, *, narrative_form=None,
          status: int = 200):
    today = clock.today()
    report = queries.funder_report(agreement, start=start, end=end, today=today)
    period = {"period_start": start.isoformat(), "period_end": end.isoformat()}
    narrative_form = narrative_form or NarrativeForm(formdata=None, narrative=report["narrative"] or "", **period)
    openings = queries.open_report_occurrences(agreement.id, today) if can(current_user, "obligations.edit") else []
    fulfil_forms = [(o, FulfilForm(formdata=None, occurrence_id=str(o["occurrence_id"]), **period)) for o in openings]
    return render_template(
        "reports/report.html", agreement=agreement, report=report, form=form, narrative_form=narrative_form,
        fulfil_forms=fulfil_forms, can_write=can(current_user, "results.edit"), period_args=period,
        generated=clock.now(),
    ), status


@bp.get("/<int:agreement_id>/report")
@permission_required("agreements.view")
def report(agreement_id: int):
    agreement = _agreement(agreement_id)
    form = PeriodForm(formdata=request.args)
    if request.args and not form.validate():
        start, end = queries.default_period(clock.today())
        return _page(agreement, form, start, end, status=422)
    start, end = _period(form)
    return _page(agreement, form, start, end)


@bp.get("/<int:agreement_id>/report.xlsx")
@permission_required("agreements.view")
def report_xlsx(agreement_id: int):
    agreement = _agreement(agreement_id)
    form = PeriodForm(formdata=request.args)
    if request.args and not form.validate():
        return _page(agreement, form, *queries.default_period(clock.today()), status=422)
    start, end = _period(form)
    body = report_workbook(queries.funder_report(agreement, start=start, end=end, today=clock.today()))
    return Response(body, mimetype=XLSX_MIMETYPE, headers={
        "Content-Disposition": f'attachment; filename="{filename(agreement, start, end)}"'})


@bp.post("/<int:agreement_id>/report/narrative")
@permission_required("results.edit")
def narrative(agreement_id: int):
    agreement = _agreement(agreement_id)
    start, end = _posted_period()
    form = NarrativeForm()
    if form.validate_on_submit():
        try:
            services.save_narrative(actor=current_user, agreement=agreement, start=start, end=end,
                                    text=form.narrative.data or "")
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            apply_domain_error(form, err)
            return _page(agreement, PeriodForm(formdata=None, period_start=start, period_end=end), start, end,
                         narrative_form=form, status=err.status)
        flash(_("The narrative is saved."), "success")
        return redirect(url_for("reports.report", agreement_id=agreement.id, period_start=start.isoformat(),
                                period_end=end.isoformat()) + "#narrative")
    status = 400 if "csrf_token" in form.errors else 422
    return _page(agreement, PeriodForm(formdata=None, period_start=start, period_end=end), start, end,
                 narrative_form=form, status=status)


@bp.post("/<int:agreement_id>/report/fulfil")
@permission_required("obligations.edit")
def fulfil(agreement_id: int):
    agreement = _agreement(agreement_id)
    start, end = _posted_period()
    form = FulfilForm()
    if not form.validate_on_submit() or not (form.occurrence_id.data or "").isdigit():
        abort(400)
    today = clock.today()
    content = report_workbook(queries.funder_report(agreement, start=start, end=end, today=today))
    try:
        services.fulfil_with_report(
            actor=current_user, agreement=agreement, occurrence_id=int(form.occurrence_id.data), on=today,
            content=content, filename=filename(agreement, start, end),
            note=_("Report for %(start)s – %(end)s attached.", start=format_date(start, "medium"),
                   end=format_date(end, "medium")))
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
        return redirect(url_for("reports.report", agreement_id=agreement.id, period_start=start.isoformat(),
                                period_end=end.isoformat()))
    flash(_("The report obligation is fulfilled, with this report attached as its evidence."), "success")
    return redirect(url_for("reports.report", agreement_id=agreement.id, period_start=start.isoformat(),
                            period_end=end.isoformat()))
