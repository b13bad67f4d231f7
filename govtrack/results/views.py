"""Results framework pages (staff): an agreement's results, indicators, targets and actuals, the
forms that add and change them, submitting and verifying actuals, and the import of actuals."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from govtrack.agreements.models import Agreement
from govtrack.agreements.queries import load_agreement
from govtrack.auth.permissions import permission_required
from govtrack.core import clock
from govtrack.core.labels import label
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError
from govtrack.extensions import db
from govtrack.results import importer, queries, services
from govtrack.results.forms import (
    ActionForm,
    ActualForm,
    ImportForm,
    IndicatorForm,
    ResultForm,
    TargetForm,
)
from govtrack.results.models import Actual, ActualStatus, Indicator, Result

bp = Blueprint("results", __name__, url_prefix="/agreements")


def _agreement(agreement_id: int) -> Agreement:
    agreement = load_agreement(agreement_id)
    if agreement is None:
        abort(404)
    return agreement


def _result(agreement: Agreement, result_id: int) -> Result:
    result = queries.get_result(result_id)
    if result is None or result.agreement_id != agreement.id:
        abort(404)
    return result


def _indicator(agreement: Agreement, indicator_id: int) -> Indicator:
    indicator = queries.get_indicator(indicator_id)
    if indicator is None or indicator.agreement_id != agreement.id:
        abort(404)
    return indicator


def _actual(agreement: Agreement, actual_id: int) -> Actual:
    actual = queries.get_actual(actual_id)
    if actual is None or actual.indicator.agreement_id != agreement.id:
        abort(404)
    return actual


def _back(agreement_id: int, anchor: str = ""):
    return redirect(url_for("results.index", agreement_id=agreement_id) + anchor)


def _status(form, err: DomainError | None) -> int:
    if err is not None:
        return err.status
    if request.method == "POST":
        return 400 if "csrf_token" in form.errors else 422
    return 200


def _page(template: str, form, agreement: Agreement, status: int, **context):
    return render_template(template, form=form, agreement=agreement, **context), status


@bp.get("/<int:agreement_id>/results")
@permission_required("agreements.view")
def index(agreement_id: int):
    """The results framework: results → indicators → baseline, targets, actuals, percent achieved."""
    agreement = _agreement(agreement_id)
    results = queries.results_of(agreement.id)
    rows = {i.id: queries.period_rows(i) for r in results for i in r.indicators}
    gone = {a_id for r in results for i in r.indicators for a_id in queries.superseded_ids(list(i.actuals))}
    return render_template("results/index.html", agreement=agreement, results=results, rows=rows,
                           superseded=gone, action_form=ActionForm(), user_id=current_user.id)


@bp.route("/<int:agreement_id>/results/new", methods=["GET", "POST"])
@permission_required("results.edit")
def new_result(agreement_id: int):
    agreement = _agreement(agreement_id)
    form = ResultForm()
    err = None
    if form.validate_on_submit():
        try:
            result = services.create_result(actor=current_user, agreement=agreement, kind=form.kind.data,
                                            title=form.title.data)
            db.session.commit()
        except DomainError as e:
            apply_domain_error(form, e)
            err = e
        else:
            flash(_("Result %(title)s added. Now add its indicators.", title=result.title), "success")
            return _back(agreement_id, f"#result-{result.id}")
    return _page("results/form.html", form, agreement, _status(form, err), heading=_("New result"))


@bp.route("/<int:agreement_id>/results/<int:result_id>/edit", methods=["GET", "POST"])
@permission_required("results.edit")
def edit_result(agreement_id: int, result_id: int):
    agreement = _agreement(agreement_id)
    result = _result(agreement, result_id)
    form = ResultForm(obj=result)
    err = None
    if form.validate_on_submit():
        try:
            services.update_result(actor=current_user, result=result, kind=form.kind.data, title=form.title.data)
            db.session.commit()
        except DomainError as e:
            apply_domain_error(form, e)
            err = e
        else:
            flash(_("Result %(title)s saved.", title=form.title.data), "success")
            return _back(agreement_id, f"#result-{result_id}")
    return _page("results/form.html", form, agreement, _status(form, err), heading=_("Change the result"))


def _indicator_data(form: IndicatorForm) -> services.IndicatorData:
    return services.IndicatorData(
        title=form.title.data, unit=form.unit.data, code=form.code.data or None, measure=form.measure.data,
        ascending=form.ascending.data == "1", baseline_year=form.baseline_year.data,
        baseline_value=form.baseline_value.data)


@bp.route("/<int:agreement_id>/results/<int:result_id>/indicators/new", methods=["GET", "POST"])
@permission_required("results.edit")
def new_indicator(agreement_id: int, result_id: int):
    agreement = _agreement(agreement_id)
    result = _result(agreement, result_id)
    form = IndicatorForm()
    err = None
    if form.validate_on_submit():
        try:
            indicator = services.add_indicator(actor=current_user, result=result, agreement=agreement,
                                               data=_indicator_data(form))
            db.session.commit()
        except DomainError as e:
            apply_domain_error(form, e)
            err = e
        else:
            flash(_("Indicator %(title)s added. Now give it its targets.", title=indicator.title), "success")
            return _back(agreement_id, f"#indicator-{indicator.id}")
    return _page("results/form.html", form, agreement, _status(form, err),
                 heading=_("New indicator of “%(result)s”", result=result.title))


@bp.route("/<int:agreement_id>/indicators/<int:indicator_id>/edit", methods=["GET", "POST"])
@permission_required("results.edit")
def edit_indicator(agreement_id: int, indicator_id: int):
    agreement = _agreement(agreement_id)
    indicator = _indicator(agreement, indicator_id)
    form = IndicatorForm(data={
        "title": indicator.title, "unit": indicator.unit, "code": indicator.code, "measure": indicator.measure,
        "ascending": "1" if indicator.ascending else "0", "baseline_year": indicator.baseline_year,
        "baseline_value": indicator.baseline_value})
    err = None
    if form.validate_on_submit():
        try:
            services.update_indicator(actor=current_user, indicator=indicator, agreement=agreement,
                                      data=_indicator_data(form))
            db.session.commit()
        except DomainError as e:
            apply_domain_error(form, e)
            err = e
        else:
            flash(_("Indicator %(title)s saved.", title=form.title.data), "success")
            return _back(agreement_id, f"#indicator-{indicator_id}")
    return _page("results/form.html", form, agreement, _status(form, err), heading=_("Change the indicator"))


@bp.route("/<int:agreement_id>/indicators/<int:indicator_id>/targets/new", methods=["GET", "POST"])
@permission_required("results.edit")
def new_target(agreement_id: int, indicator_id: int):
    agreement = _agreement(agreement_id)
    indicator = _indicator(agreement, indicator_id)
    form = TargetForm(percentage=indicator.measure == "percentage")
    err = None
    if form.validate_on_submit():
        try:
            services.add_target(actor=current_user, indicator=indicator, agreement=agreement,
                                data=services.TargetData(form.period_start.data, form.period_end.data,
                                                         form.value.data))
            db.session.commit()
        except DomainError as e:
            apply_domain_error(form, e)
            err = e
        else:
            flash(_("Target added to %(title)s.", title=indicator.title), "success")
            return _back(agreement_id, f"#indicator-{indicator_id}")
    return _page("results/form.html", form, agreement, _status(form, err),
                 heading=_("New target of “%(indicator)s”", indicator=indicator.title), indicator=indicator)


@bp.post("/<int:agreement_id>/indicators/<int:indicator_id>/targets/<int:target_id>/remove")
@permission_required("results.edit")
def remove_target(agreement_id: int, indicator_id: int, target_id: int):
    agreement = _agreement(agreement_id)
    indicator = _indicator(agreement, indicator_id)
    target = next((t for t in indicator.targets if t.id == target_id), None)
    if target is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove_target(actor=current_user, target=target)
    db.session.commit()
    flash(_("Target removed from %(title)s.", title=indicator.title), "success")
    return _back(agreement_id, f"#indicator-{indicator_id}")


def _actual_form(agreement: Agreement, indicator: Indicator, **kwargs) -> ActualForm:
    form = ActualForm(percentage=indicator.measure == "percentage", **kwargs)
    form.documents.choices = [(d.id, d.original_name) for d in agreement.documents if not d.removed]
    return form


def _actual_data(form: ActualForm, corrects_id: int | None) -> services.ActualData:
    return services.ActualData(
        period_start=form.period_start.data, period_end=form.period_end.data, value=form.value.data,
        dimensions=form.dimensions(), document_ids=list(form.documents.data or []), note=form.note.data or None,
        corrects_id=corrects_id)


# An actual's fields as the service names them, and the form field that shows each.
ACTUAL_ALIASES = {"dimensions.sex": "sex", "dimensions.region": "region", "document_ids": "documents",
                  "corrects_id": "period_start"}


def _aliases(form: ActualForm) -> dict[str, str]:
    other = (form.dimension_name.data or "").strip().lower()
    return {**ACTUAL_ALIASES, **({f"dimensions.{other}": "dimension_value"} if other else {})}


@bp.route("/<int:agreement_id>/indicators/<int:indicator_id>/actuals/new", methods=["GET", "POST"])
@permission_required("results.edit")
def new_actual(agreement_id: int, indicator_id: int):
    """Record an actual (a draft); `?corrects=ID` records the correction of a verified one."""
    agreement = _agreement(agreement_id)
    indicator = _indicator(agreement, indicator_id)
    corrects = None
    raw = request.values.get("corrects") or request.form.get("corrects_id")
    if raw:
        corrects = next((a for a in indicator.actuals if str(a.id) == raw), None)
        if corrects is None:
            abort(404)
    prefill = {}
    if corrects is not None and request.method == "GET":
        dims = {d.name: d.value for d in corrects.dimensions}
        other = next(((k, v) for k, v in dims.items() if k not in ("sex", "region")), ("", ""))
        prefill = {"period_start": corrects.period_start, "period_end": corrects.period_end,
                   "sex": dims.get("sex", ""), "region": dims.get("region", ""), "dimension_name": other[0],
                   "dimension_value": other[1], "corrects_id": str(corrects.id)}
    form = _actual_form(agreement, indicator, data=prefill)
    err = None
    if form.validate_on_submit():
        try:
            actual = services.record_actual(actor=current_user, indicator=indicator, agreement=agreement,
                                            data=_actual_data(form, corrects.id if corrects else None),
                                            today=clock.today(), files=[form.evidence.data])
            db.session.commit()
        except DomainError as e:
            apply_domain_error(form, e, aliases=_aliases(form))
            err = e
        else:
            flash(_("Actual recorded as a draft. Submit it for verification when it is right."), "success")
            return _back(agreement_id, f"#actual-{actual.id}")
    heading = (_("Correction of actual no. %(id)d of “%(indicator)s”", id=corrects.id, indicator=indicator.title)
               if corrects else _("New actual of “%(indicator)s”", indicator=indicator.title))
    return _page("results/form.html", form, agreement, _status(form, err), heading=heading, indicator=indicator,
                 multipart=True, corrects=corrects)


@bp.route("/<int:agreement_id>/actuals/<int:actual_id>/edit", methods=["GET", "POST"])
@permission_required("results.edit")
def edit_actual(agreement_id: int, actual_id: int):
    agreement = _agreement(agreement_id)
    actual = _actual(agreement, actual_id)
    if actual.status == ActualStatus.verified.value:
        flash(_("A verified actual is never changed; record a correction instead."), "danger")
        return _back(agreement_id, f"#actual-{actual_id}")
    dims = {d.name: d.value for d in actual.dimensions}
    other = next(((k, v) for k, v in dims.items() if k not in ("sex", "region")), ("", ""))
    form = _actual_form(agreement, actual.indicator, data={
        "period_start": actual.period_start, "period_end": actual.period_end, "value": actual.value,
        "sex": dims.get("sex", ""), "region": dims.get("region", ""), "dimension_name": other[0],
        "dimension_value": other[1], "documents": [d.id for d in actual.documents], "note": actual.note})
    err = None
    if form.validate_on_submit():
        try:
            services.update_actual(actor=current_user, actual=actual, agreement=agreement,
                                   data=_actual_data(form, actual.corrects_id), today=clock.today(),
                                   files=[form.evidence.data])
            db.session.commit()
        except DomainError as e:
            apply_domain_error(form, e, aliases=_aliases(form))
            err = e
        else:
            flash(_("Actual no. %(id)d saved as a draft.", id=actual_id), "success")
            return _back(agreement_id, f"#actual-{actual_id}")
    return _page("results/form.html", form, agreement, _status(form, err),
                 heading=_("Change actual no. %(id)d", id=actual_id), indicator=actual.indicator, multipart=True)


@bp.post("/<int:agreement_id>/actuals/<int:actual_id>/submit")
@permission_required("results.edit")
def submit_actual(agreement_id: int, actual_id: int):
    agreement = _agreement(agreement_id)
    actual = _actual(agreement, actual_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.submit_actual(actor=current_user, actual=actual)
        db.session.commit()
    except DomainError as e:
        db.session.rollback()
        flash(f"{e.message} {_('Nothing was changed.')}", "danger")
    else:
        flash(_("Actual no. %(id)d submitted for verification.", id=actual_id), "success")
    return _back(agreement_id, f"#actual-{actual_id}")


@bp.route("/<int:agreement_id>/actuals/<int:actual_id>/verify", methods=["GET", "POST"])
@permission_required("results.verify")
def verify_actual(agreement_id: int, actual_id: int):
    """Confirm, then verify: a verified actual never changes again."""
    agreement = _agreement(agreement_id)
    actual = _actual(agreement, actual_id)
    form = ActionForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            services.verify_actual(actor=current_user, actual=actual)
            db.session.commit()
        except DomainError as e:
            db.session.rollback()
            flash(f"{e.message} {_('Nothing was changed.')}", "danger")
            status = e.status
            actual = _actual(agreement, actual_id)
        else:
            flash(_("Actual no. %(id)d verified.", id=actual_id), "success")
            return _back(agreement_id, f"#actual-{actual_id}")
    return render_template("results/verify.html", agreement=agreement, actual=actual, form=form,
                           status_label=label("actual_status", actual.status)), status


@bp.route("/<int:agreement_id>/results/import", methods=["GET", "POST"])
@permission_required("results.edit")
def import_actuals(agreement_id: int):
    """Import actuals from the loan system's CSV or Excel file: checked whole, nothing written on error."""
    agreement = _agreement(agreement_id)
    form = ImportForm()
    problems: list = []
    status = 200
    if form.validate_on_submit():
        try:
            count = importer.import_actuals(actor=current_user, agreement=agreement, file=form.file.data,
                                            today=clock.today())
            db.session.commit()
        except importer.ImportRefused as e:
            db.session.rollback()
            problems, status = e.problems, 422
        except DomainError as e:
            apply_domain_error(form, e)
            status = e.status
        else:
            flash(_("%(n)d actuals imported as drafts. Submit them for verification when they are right.",
                    n=count), "success")
            return _back(agreement_id)
    elif request.method == "POST":
        status = 400 if "csrf_token" in form.errors else 422
    return render_template("results/import.html", agreement=agreement, form=form, problems=problems,
                           columns=importer.COLUMNS), status
