"""Obligations pages: the managers' dashboard, lists and exports, obligation pages, fulfilment with
evidence, the maturity wall (table and chart), partner scorecards and personal calendar feeds."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from babel import dates as babel_dates
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
from flask_babel import force_locale, format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from govtrack.agreements.queries import agreement_choices
from govtrack.auth.forms import ConfirmForm
from govtrack.auth.permissions import can, permission_required
from govtrack.core import clock, dates
from govtrack.core.exports import Column, Kind, table_response
from govtrack.core.ids import parse_id
from govtrack.core.labels import labels
from govtrack.core.paging import parse_limit
from govtrack.core.web import apply_domain_error, external_url, local_path, safe_next
from govtrack.errors import DomainError
from govtrack.extensions import db
from govtrack.forums.queries import decision_numbers
from govtrack.obligations import calendar, charts, queries, recurrence, services
from govtrack.obligations.forms import (
    ConditionsForm,
    CorrectFulfilmentForm,
    FulfilForm,
    ObligationForm,
    ReverseFulfilmentForm,
)
from govtrack.obligations.models import OccurrenceStatus, OwedBy
from govtrack.obligations.rule_words import describe_rule
from govtrack.partners.models import Partner, PartnerCategory
from govtrack.partners.queries import partner_name
from govtrack.results.queries import indicators_of

log = logging.getLogger(__name__)
bp = Blueprint("obligations", __name__, url_prefix="/obligations")

STATUSES = [s.value for s in OccurrenceStatus]
CATEGORIES = [c.value for c in PartnerCategory]


def _int_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    number = parse_id(raw)
    if number is None:
        abort(400)
    return number


def _date_arg(name: str) -> dt.date | None:
    try:
        return dates.parse_arg(request.args.get(name))
    except ValueError:
        abort(400)


def filters_from_args() -> queries.Filters:
    """The shared filters from the query string; unknown choices are a bad request."""
    direction = request.args.get("direction") or None
    category = request.args.get("category") or None
    status = request.args.get("status") or None
    if direction not in (None, *[o.value for o in OwedBy]):
        abort(400)
    if category not in (None, *CATEGORIES):
        abort(400)
    if status not in (None, "open", *STATUSES):
        abort(400)
    partner_name = request.args.get("partner_name", "").strip() or None
    if partner_name is not None and len(partner_name) > 200:
        abort(400)
    return queries.Filters(
        direction=direction, partner_id=_int_arg("partner_id"), partner_name=partner_name, category=category,
        responsible_id=_int_arg("responsible_id"), status=status, agreement_id=_int_arg("agreement_id"),
        due_from=_date_arg("due_from"), due_before=_date_arg("due_before"),
    )


BADGE_CLASSES = {
    OccurrenceStatus.overdue: "bg-danger", OccurrenceStatus.due_soon: "bg-warning text-dark",
    OccurrenceStatus.pending: "bg-secondary", OccurrenceStatus.fulfilled: "bg-success",
    OccurrenceStatus.waived: "bg-info text-dark",
}


@bp.app_template_global()
def occurrence_badges() -> dict[str, Markup]:
    """Each status's badge, translated and built once per page, not once per row of a list."""
    texts = labels("occurrence_status")
    return {str(s): Markup('<span class="badge {}">{}</span>').format(BADGE_CLASSES[s], texts[s]) for s in BADGE_CLASSES}


_ID_MARKER = 918273645


@bp.app_template_global()
def url_for_ids(endpoint: str, arg: str) -> Callable[[int], str]:
    """`url_for(endpoint, **{arg: id})` for the many ids of a list page: the URL is built once with
    a marker id and each row's id is put in its place (a url_for per link per row was about 1 ms of
    a 100-row page)."""
    head, marker, tail = url_for(endpoint, **{arg: _ID_MARKER}).partition(str(_ID_MARKER))
    if not marker or str(_ID_MARKER) in tail:
        return lambda value: url_for(endpoint, **{arg: value})
    return lambda value: f"{head}{int(value)}{tail}"


def _due_dates(rows) -> dict[dt.date, str]:
    """Each distinct due date of a page of rows, formatted as the `date` filter does (the locale's
    medium date) but with the locale looked up once for the page rather than once per row."""
    locale = get_locale()
    return {d: babel_dates.format_date(d, "medium", locale=locale) for d in {r.due_on for r in rows}}


def _filter_context(filters: queries.Filters) -> dict:
    # A partner is searched by name, not picked from a select of every partner (thousands of them);
    # a link with partner_id (from a partner's page) shows that partner as a chip.
    return {
        "partner_label": partner_name(filters.partner_id),
        "users": queries.user_choices(),
        "categories": labels("partner_category"),
        "statuses": labels("occurrence_status"),
    }


@bp.get("/")
@permission_required("obligations.view")
def dashboard():
    today = clock.today()
    filters = filters_from_args()
    data = queries.dashboard(today=today, filters=filters)
    export_args = {**filters.as_args(), "status": filters.status or "open",
                   "due_before": (data.window_end + dt.timedelta(days=1)).isoformat()}
    return render_template(
        "obligations/dashboard.html", data=data, filters=filters, today=today, form=ConfirmForm(),
        export_args=export_args, due_dates=_due_dates(data.rows), **_filter_context(filters),
        tranche_rows=queries.open_tranches(today=today),
    )


@bp.get("/list")
@permission_required("obligations.view")
def occurrences():
    today = clock.today()
    filters = filters_from_args()
    try:
        page = queries.occurrence_page(filters=filters, today=today, cursor=request.args.get("cursor"),
                                       limit=parse_limit(request.args.get("limit")))
    except DomainError as err:
        abort(400, err.message)
    return render_template("obligations/list.html", page=page, filters=filters, today=today,
                           form=ConfirmForm(), due_dates=_due_dates(page.items), **_filter_context(filters))


@bp.get("/overdue")
@permission_required("obligations.view")
def overdue():
    return redirect(url_for("obligations.occurrences", **{**request.args, "status": "overdue"}))


@bp.get("/export.csv")
@permission_required("obligations.view")
def export_csv():
    """Any obligations view as CSV: it takes the same filters as the dashboard and the lists."""
    return _occurrences_export("csv")


@bp.get("/export.xlsx")
@permission_required("obligations.view")
def export_xlsx():
    """The CSV's twin as an Excel workbook: the same rows, in typed cells."""
    return _occurrences_export("xlsx")


def _occurrences_export(fmt: str) -> Response:
    today = clock.today()
    filters = filters_from_args()
    columns = [
        Column(_("Due on"), Kind.date), Column(_("Status")), Column(_("Direction")), Column(_("Partner")),
        Column(_("Category")), Column(_("Agreement")), Column(_("Obligation"), width=30), Column(_("Kind")),
        Column(_("Currency"), width=9), Column(_("Amount"), Kind.money, currency=8),
        Column(_("Paid"), Kind.money, currency=8), Column(_("Remaining"), Kind.money, currency=8),
        Column(_("Fulfilled on"), Kind.date), Column(_("Responsible")), Column(_("Note"), width=30),
    ]
    # The codes' labels in the reader's language, looked up once for the file.
    status, direction, category, kind = (labels(t) for t in (
        "occurrence_status", "owed_direction", "partner_category", "obligation_kind"))
    rows = (
        [r.due_on, status.get(r.status, r.status), direction.get(r.owed_by, r.owed_by), r.partner_name,
         category.get(r.partner_category, r.partner_category) if r.partner_category else "",
         r.agreement_title, r.title, kind.get(r.kind, r.kind), r.currency, r.amount, r.paid_amount, r.remaining,
         r.fulfilled_on, r.responsible_name, r.note]
        for r in queries.export_rows(filters=filters, today=today)
    )
    return table_response(fmt, columns, rows, f"obligations-{today.isoformat()}", _("Obligations"))


def _form_choices(form: ObligationForm) -> None:
    form.agreement_id.choices = [SelectChoice(i, t) for i, t in agreement_choices()]
    form.partner_id.choices = [SelectChoice(0, "—"), *(SelectChoice(i, n) for i, n in queries.partner_choices())]
    form.responsible_id.choices = [SelectChoice(0, "—"), *(SelectChoice(i, n) for i, n in queries.user_choices())]


@bp.route("/new", methods=["GET", "POST"])
@permission_required("obligations.edit")
def new():
    form = ObligationForm()
    _form_choices(form)
    agreement_id = parse_id(request.args.get("agreement_id"))
    if request.method == "GET" and agreement_id is not None:
        form.agreement_id.data = agreement_id
    if form.validate_on_submit():
        try:
            schedule = form.schedule.data
            rule = None
            if schedule == "rrule":
                rule = form.rrule.data
            elif schedule != "once":
                rule = recurrence.build_rule(schedule, form.starts_on.data, day=form.day.data,
                                             until=form.until.data)
            ob = services.create_obligation(
                actor=current_user,
                data=services.ObligationData(
                    agreement_id=form.agreement_id.data, owed_by=form.owed_by.data, kind=form.kind.data,
                    title=form.title.data, partner_id=form.partner_id.data or None,
                    amount=form.amount.data, currency=form.currency.data,
                    due_date=form.due_date.data if schedule == "once" else None,
                    rrule=rule, starts_on=form.starts_on.data if rule else None,
                    responsible_id=form.responsible_id.data or None,
                ),
                today=clock.today(),
            )
            db.session.commit()
        except DomainError as err:
            if schedule not in ("once", "rrule") and err.fields and "rrule" in err.fields:
                # The builder wrote the rule: its fault is the schedule chosen, not a field never typed.
                err.fields = {("schedule" if k == "rrule" else k): v for k, v in err.fields.items()}
            apply_domain_error(form, err)
        else:
            flash(_("Obligation created."), "success")
            return redirect(url_for("obligations.detail", obligation_id=ob.id))
    return render_template("obligations/form.html", form=form), (422 if form.errors else 200)


@bp.get("/<int:obligation_id>")
@permission_required("obligations.view")
def detail(obligation_id: int):
    ob = queries.load_obligation(obligation_id)
    if ob is None:
        abort(404)
    today = clock.today()
    days = queries.due_soon_days()
    statuses = {o.id: queries.status_of(o.due_on, o.fulfilled_on, o.waived, today, days) for o in ob.occurrences}
    tranche = queries.tranches([ob.id]).get(ob.id)
    return render_template("obligations/detail.html", ob=ob, statuses=statuses, today=today, form=ConfirmForm(),
                           schedule=describe_rule(ob.rrule, ob.starts_on), tranche=tranche,
                           may_have_conditions=ob.kind == "disbursement" and ob.owed_by == "partner",
                           decision_numbers=decision_numbers(
                               [ob.waived_decision_id, ob.conditions_waived_decision_id]
                               + [o.waived_decision_id for o in ob.occurrences]))


def _place_row_errors(form: ConditionsForm, err: DomainError) -> None:
    """The service names a condition by its index among those given (`conditions.1.at_least`):
    show it beside that row's field; what no field shows goes into the flash message."""
    given = [r for r in form.rows if r.indicator_id.data or r.at_least.data is not None or r.by_date.data]
    unplaced = []
    for name, messages in err.fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(given):
            field = getattr(given[int(parts[1])], parts[2], None)
            if field is not None:
                field.errors = [*field.errors, *messages]
                continue
        unplaced.extend(messages)
    flash(" ".join([err.message, *unplaced]), "danger")


@bp.route("/<int:obligation_id>/conditions", methods=["GET", "POST"])
@permission_required("obligations.edit")
def conditions(obligation_id: int):
    """The conditions of a tranche: which indicators of the agreement must reach what, by when."""
    ob = queries.load_obligation(obligation_id)
    if ob is None:
        abort(404)
    tranche = queries.tranches([ob.id]).get(ob.id)
    existing = [{"indicator_id": c.condition.indicator_id, "at_least": c.condition.at_least,
                 "by_date": c.condition.by_date} for c in (tranche.conditions if tranche else [])]
    form = ConditionsForm(data={"rows": existing + [{}] * max(0, 3 - len(existing))} if request.method == "GET"
                          else None)
    indicators = [(0, "—")] + [(i.id, f"{i.title} ({i.unit})") for i in indicators_of(ob.agreement_id)]
    for row in form.rows:
        row.indicator_id.choices = indicators
    status = 200
    if form.validate_on_submit():
        try:
            services.set_conditions(actor=current_user, obligation=ob, conditions=[
                services.ConditionData(indicator_id=i, at_least=v, by_date=d) for i, v, d in form.conditions()])
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            _place_row_errors(form, err)
            status = err.status
        else:
            flash(_("The conditions of %(t)s are saved.", t=ob.title), "success")
            return redirect(url_for("obligations.detail", obligation_id=obligation_id))
    elif form.errors:
        status = 400 if "csrf_token" in form.errors else 422
    return render_template("obligations/conditions.html", form=form, ob=ob,
                           may_have_conditions=ob.kind == "disbursement" and ob.owed_by == "partner"), status


def _back(default: str) -> str:
    """Where to return after an action: the `next` the list passed on (its filters kept), when it is a
    path on this site; an older form's `back=dashboard`; else `default`."""
    if request.values.get("back") == "dashboard" and not request.values.get("next"):
        return url_for("obligations.dashboard")
    return safe_next(default)


@bp.route("/occurrences/<int:occurrence_id>/fulfil", methods=["GET", "POST"])
@permission_required("obligations.edit")
def fulfil(occurrence_id: int):
    """Record a fulfilment. The page says what will be recorded and on which date (today unless
    changed) before anything is written; nothing is recorded by one click on a list."""
    occ = queries.load_occurrence(occurrence_id)
    if occ is None:
        abort(404)
    form = FulfilForm()
    if request.method == "GET":
        form.date.data = clock.today()
    status = 200
    if form.validate_on_submit():
        title, due, obligation_id = occ.obligation.title, occ.due_on, occ.obligation_id  # before the commit expires them
        try:
            services.fulfil(
                actor=current_user, obligation=occ.obligation, occurrence_id=occ.id, on=form.date.data,
                note=form.note.data, amount=form.amount.data, file=form.evidence.data or None,
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
            occ = queries.load_occurrence(occurrence_id)  # the rollback expired it
        else:
            flash(" ".join([_("Fulfilment recorded."), _("%(t)s, due %(due)s: fulfilled on %(on)s.",
                                                           t=title, due=format_date(due),
                                                           on=format_date(form.date.data))]), "success")
            return redirect(_back(url_for("obligations.detail", obligation_id=obligation_id)))
    elif form.errors:
        status = 422
    return render_template("obligations/fulfil.html", form=form, occ=occ, next=local_path(request.values.get("next")),
                           today=clock.today()), status


def _payment_or_404(payment_id: int):
    payment = queries.load_payment(payment_id)
    if payment is None:
        abort(404)
    return payment


@bp.route("/fulfilments/<int:payment_id>/correct", methods=["GET", "POST"])
@permission_required("obligations.edit")
def fulfilment_correct(payment_id: int):
    payment = _payment_or_404(payment_id)
    occ = payment.occurrence
    obligation_id = occ.obligation_id
    form = CorrectFulfilmentForm(data={"date": payment.paid_on, "amount": payment.amount, "note": payment.note}
                                 if request.method == "GET" else None)
    status = 200
    if payment.reversed_at is not None and request.method == "GET":
        flash(_("This fulfilment was reversed; it is kept as it was. Record a new fulfilment instead."), "warning")
        return redirect(url_for("obligations.detail", obligation_id=occ.obligation_id))
    if form.validate_on_submit():
        try:
            services.correct_fulfilment(
                actor=current_user, obligation=occ.obligation, payment_id=payment.id, on=form.date.data,
                amount=form.amount.data, note=form.note.data, reason=form.reason.data,
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
            payment = _payment_or_404(payment_id)
            occ = payment.occurrence
        else:
            flash(_("The fulfilment is corrected."), "success")
            return redirect(_back(url_for("obligations.detail", obligation_id=obligation_id)))
    elif form.errors:
        status = 422
    return render_template("obligations/fulfilment_correct.html", form=form, payment=payment, occ=occ,
                           next=local_path(request.values.get("next"))), status


@bp.route("/fulfilments/<int:payment_id>/reverse", methods=["GET", "POST"])
@permission_required("obligations.edit")
def fulfilment_reverse(payment_id: int):
    payment = _payment_or_404(payment_id)
    occ = payment.occurrence
    obligation_id = occ.obligation_id
    form = ReverseFulfilmentForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.reverse_fulfilment(actor=current_user, obligation=occ.obligation, payment_id=payment.id,
                                        reason=form.reason.data)
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
            payment = _payment_or_404(payment_id)
            occ = payment.occurrence
        else:
            flash(_("The fulfilment is reversed; it stays in the history and the occurrence is open again "
                    "unless other payments cover it."), "success")
            return redirect(_back(url_for("obligations.detail", obligation_id=obligation_id)))
    elif form.errors:
        status = 422
    return render_template("obligations/fulfilment_reverse.html", form=form, payment=payment, occ=occ,
                           next=local_path(request.values.get("next"))), status


@bp.get("/evidence/<int:evidence_id>")
@permission_required("obligations.view")
def evidence(evidence_id: int):
    ev = queries.get_evidence(evidence_id)
    if ev is None:
        abort(404)
    return ev.download()


# ---- the maturity wall ----

@bp.get("/maturity")
@permission_required("obligations.view")
def maturity():
    today = clock.today()
    months, earlier = queries.maturity_wall(today=today)
    currencies = sorted({c for m in months for c in m.amounts} | set(earlier))
    return render_template("obligations/maturity.html", months=months, earlier=earlier,
                           currencies=currencies, today=today)


@bp.get("/maturity.<any(png, svg):fmt>")
@permission_required("obligations.view")
def maturity_chart(fmt: str):
    months, _earlier = queries.maturity_wall(today=clock.today())
    data, mimetype = charts.maturity_chart(months, fmt=fmt)
    return Response(data, mimetype=mimetype)


@bp.get("/maturity.csv")
@permission_required("obligations.view")
def maturity_csv():
    return _maturity_export("csv")


@bp.get("/maturity.xlsx")
@permission_required("obligations.view")
def maturity_xlsx():
    return _maturity_export("xlsx")


def _maturity_export(fmt: str) -> Response:
    """The maturity wall's table, a row per month and currency (overdue from earlier months first)."""
    months, earlier = queries.maturity_wall(today=clock.today())
    rows = [[_("Overdue from earlier months"), cur, amount] for cur, amount in sorted(earlier.items())]
    rows += [[m.start, cur, amount] for m in months for cur, amount in sorted(m.amounts.items())]
    columns = [Column(_("Month"), Kind.month, width=28), Column(_("Currency"), width=9),
               Column(_("Amount"), Kind.money, currency=1)]
    return table_response(fmt, columns, rows, "maturity-wall", _("Maturity wall"))


# ---- partner scorecard ----

@bp.get("/partners/<int:partner_id>/scorecard")
@permission_required("obligations.view")
def scorecard(partner_id: int):
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    card = queries.partner_scorecard(partner_id, clock.today())
    return render_template("obligations/scorecard.html", partner=partner, scorecard=card)


# ---- personal calendar feeds ----

@bp.get("/calendar")
@permission_required("obligations.view")
def calendar_settings():
    feed = queries.feed_of_user(current_user.id)
    return render_template("obligations/calendar.html", feed=feed, form=ConfirmForm(), url=None)


@bp.post("/calendar/issue")
@permission_required("obligations.view")
def calendar_issue():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = services.issue_feed(actor=current_user, user=current_user)
    db.session.commit()
    url = external_url("obligations.ical", token=token)
    flash(_("Your calendar address is ready. Copy it now: it is shown only once."), "success")
    return render_template("obligations/calendar.html", feed=queries.feed_of_user(current_user.id),
                           form=ConfirmForm(), url=url)


@bp.post("/calendar/revoke")
@permission_required("obligations.view")
def calendar_revoke():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.revoke_feed(actor=current_user, user=current_user)
    db.session.commit()
    flash(_("Your calendar address no longer works."), "info")
    return redirect(url_for("obligations.calendar_settings"))


@bp.get("/ical/<token>.ics")
def ical(token: str):
    """A calendar program's subscription: no login; the secret token is the key (404 once revoked)."""
    if len(token) > 100:
        abort(404)
    found = queries.feed_for_token(services.token_hash(token))
    if found is None:
        abort(404)
    _feed, user = found
    if not can(user, "obligations.view"):
        abort(404)
    rows = queries.feed_rows(user_id=user.id, today=clock.today())
    # A calendar program sends no language of its own: the feed speaks its owner's.
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = calendar.feed(rows, name=_("Obligations of %(name)s", name=user.name),
                             host=urlsplit(external_url("obligations.dashboard")).netloc,
                             obligation_url=lambda obligation_id: external_url("obligations.detail",
                                                                               obligation_id=obligation_id))
    resp = Response(body, mimetype="text/calendar")
    resp.headers["Cache-Control"] = "private, max-age=300"
    return resp
