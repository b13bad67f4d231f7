"""Needs surveys' pages: the list, a survey, its form; capture (the field officer's phone page,
offline too), the upload of paper forms, the member's own answers in the portal; results and
their exports; evidence attached to agenda items, motions and clauses."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from decimal import Decimal

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import format_decimal, format_percent, get_locale, ngettext, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException, NotFound
from wtforms import SelectChoice, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from govtrack.agreements.models import Clause
from govtrack.agreements.queries import can_see
from govtrack.auth.forms import ConfirmForm
from govtrack.auth.models import User
from govtrack.auth.permissions import can, permission_required
from govtrack.core import clock, jsondepth
from govtrack.core.cache import get_cache
from govtrack.core.errors import json_error
from govtrack.core.exports import Column, Kind, table_response
from govtrack.core.forms import Form
from govtrack.core.labels import label, labels
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError, ValidationFailed
from govtrack.extensions import db
from govtrack.forums.models import AgendaItem, Decision, Motion
from govtrack.members import queries as members_queries
from govtrack.members import services as members_services
from govtrack.members.models import Centre, Member
from govtrack.portal.queries import audience
from govtrack.surveys import charts, importer, queries, services
from govtrack.surveys.forms import QUESTION_ROWS, RedrawForm, SurveyForm, UploadForm
from govtrack.surveys.models import Channel, QuestionKind, Survey, SurveyEvidence, SurveyVisibility

bp = Blueprint("surveys", __name__, url_prefix="/surveys")

# --- surveys: list, form, page, sample, upload, the member's answers (helper: surveys) -----------


def _own() -> set[int] | None:
    """A field officer's centres (they see only surveys and centres of theirs); None for others."""
    return services.officer_centre_ids(current_user)


def _survey(survey_id: int) -> Survey:
    """The survey, or 404; a field officer's only when its sample has members of their centres."""
    survey = queries.get(survey_id)
    if survey is None:
        abort(404)
    own = _own()
    if own is not None and not queries.touches_centres(survey, own):
        abort(404)  # another officer's survey is as missing as an unknown one
    return survey


def _routed(path: str) -> str | None:
    """`path` when a page answers it (the results and the capture page are built beside this one:
    linked by their path, whatever their endpoints are called), else None."""
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return None
    return path


def _rate(drawn: int, answered: int) -> float | None:
    return answered * 100 / drawn if drawn else None


@bp.get("/")
@permission_required("surveys.view")
def index():
    own = _own()
    surveys = queries.visible_listing(own)
    counts = queries.counts(s.id for s in surveys)
    today = clock.today()
    rows = [{"survey": s, "state": queries.state(s, today), "drawn": counts[s.id][0], "responses": counts[s.id][1],
             "rate": _rate(*counts[s.id])} for s in surveys]
    return render_template("surveys/index.html", rows=rows)


# The survey's form: the questions are rows of inputs named q-{i}-key, q-{i}-kind, q-{i}-text,
# q-{i}-choices (one a line) and q-{i}-required, read here; a blank row is ignored.
ROW_FIELDS = ("key", "kind", "text", "choices", "required")
ROWS_READ = services.QUESTIONS_MAX + QUESTION_ROWS


def _blank_row() -> dict:
    return {"key": "", "kind": "yes_no", "text": "", "choices": "", "required": True, "errors": {}}


def _rows_from_request() -> list[dict]:
    rows = []
    for i in range(ROWS_READ):
        row = {name: request.form.get(f"q-{i}-{name}", "")[:6000] for name in ROW_FIELDS}
        row["required"] = bool(row["required"])
        if not (row["key"].strip() or row["text"].strip() or row["choices"].strip()):
            continue
        row["errors"] = {}
        rows.append(row)
    return rows


def _rows_from_survey(survey: Survey) -> list[dict]:
    return [{"key": q.key, "kind": q.kind, "text": q.text, "choices": "\n".join(q.choices or []),
             "required": q.required, "errors": {}} for q in queries.questions(survey)]


def _padded(rows: list[dict]) -> list[dict]:
    return rows + [_blank_row() for _ in range(max(QUESTION_ROWS - len(rows), 2))]


def _question_inputs(rows: list[dict]) -> list[services.QuestionInput]:
    return [services.QuestionInput(key=r["key"], kind=r["kind"], text=r["text"],
                                   choices=[c for c in r["choices"].splitlines() if c.strip()],
                                   required=r["required"]) for r in rows]


_CODES = re.compile(r"[\s,;]+")


def _centre_ids(form: SurveyForm) -> list[int] | None:
    """The centres named by code in the form; None (with the field's error) when a code is unknown."""
    codes = [c.upper() for c in _CODES.split(form.centre_codes.data or "") if c]
    found = queries.centres_by_code(codes)
    unknown = sorted({c for c in codes if c not in found})
    inactive = sorted({c for c in codes if c in found and not found[c].active})
    if unknown:
        form.centre_codes.errors = [*form.centre_codes.errors, _("No centre has the code(s): %(codes)s.",
                                                                 codes=", ".join(c[:30] for c in unknown[:50]))]
    if inactive:
        form.centre_codes.errors = [*form.centre_codes.errors, _("Centre(s) no longer active: %(codes)s.",
                                                                 codes=", ".join(inactive[:50]))]
    if unknown or inactive:
        return None
    return sorted({found[c].id for c in codes})


def _survey_input(form: SurveyForm, rows: list[dict], survey: Survey | None, answered: bool) -> services.SurveyInput:
    common = {"title": form.title.data or "", "purpose": form.purpose.data, "opens_on": form.opens_on.data,
              "closes_on": form.closes_on.data, "visibility": form.visibility.data}
    if answered:  # only these may change; the rest is the survey's as it stands
        return services.SurveyInput(
            **common, questions=[services.QuestionInput(**{k: r[k] for k in ("key", "kind", "text", "required")},
                                                        choices=r["choices"].splitlines())
                                 for r in _rows_from_survey(survey)],
            population_kind=survey.population_kind,
            regions=list(survey.population) if survey.population_kind == "regions" else [],
            centre_ids=list(survey.population) if survey.population_kind == "centres" else [],
            sample_size=survey.sample_size, sample_seed=survey.sample_seed)
    kind = form.population_kind.data
    sample = form.sample_mode.data == "sample"
    return services.SurveyInput(
        **common, questions=_question_inputs(rows), population_kind=kind,
        regions=[r for r in form.regions.data or []] if kind == "regions" else [],
        centre_ids=(_centre_ids(form) or []) if kind == "centres" else [],
        sample_size=form.sample_size.data if sample else None,
        sample_seed=form.sample_seed.data if sample else None)


def _place_errors(form: SurveyForm, rows: list[dict], err: DomainError) -> None:
    """Show the service's errors: a question's beside its row (the rows are numbered as the service
    numbers them, blank ones removed), the others beside the form's fields, all in the flash."""
    rest, question_messages = {}, []
    for name, messages in (err.fields or {}).items():
        parts = name.split(".")
        if parts[0] == "questions" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            rows[int(parts[1])]["errors"][parts[2]] = [str(m) for m in messages]
            question_messages.extend(str(m) for m in messages)
        elif parts[0] == "questions":
            question_messages.extend(str(m) for m in messages)
        else:
            rest[name] = messages
    if question_messages:
        rest["questions"] = question_messages
    if "population" in rest and "population_kind" in form:
        target = {"regions": "regions", "centres": "centre_codes"}.get(form.population_kind.data, "population_kind")
        rest[target] = rest.pop("population")
    apply_domain_error(form, ValidationFailed(err.message, fields=rest), aliases={
        "sample.size": "sample_size", "sample.seed": "sample_seed"})


def _form_page(form: SurveyForm, rows: list[dict], survey: Survey | None, answered: bool, status: int):
    return render_template("surveys/form.html", form=form, rows=rows, survey=survey, answered=answered,
                           kinds=[(k, v) for k, v in _kind_labels().items()]), status


def _kind_labels() -> dict[str, str]:
    return labels("question_kind")


def _prepare(form: SurveyForm, answered: bool) -> None:
    if answered:
        for name in ("population_kind", "regions", "centre_codes", "sample_mode", "sample_size", "sample_seed"):
            delattr(form, name)
    else:
        regions = queries.regions()
        chosen = [r for r in (form.regions.data or []) if r not in regions]
        form.regions.choices = [SelectChoice(r, r) for r in [*regions, *chosen]]


def _save(form: SurveyForm, survey: Survey | None):
    answered = survey is not None and services.has_responses(survey)
    _prepare(form, answered)
    rows = _rows_from_survey(survey) if answered else _rows_from_request()
    if request.method == "POST" and form.validate_on_submit():
        data = _survey_input(form, rows, survey, answered)
        if "centre_codes" in form and form.centre_codes.errors:
            return _form_page(form, _padded(rows), survey, answered, 422)
        try:
            if survey is None:
                survey = services.create_survey(actor=current_user, data=data, today=clock.today())
            else:
                services.update_survey(actor=current_user, survey=survey, data=data, today=clock.today())
            db.session.commit()
        except DomainError as err:
            _place_errors(form, rows, err)
            return _form_page(form, _padded(rows), survey if survey and survey.id else None, answered, err.status)
        flash(_("Survey saved."), "success")
        return redirect(url_for("surveys.detail", survey_id=survey.id))
    if request.method == "POST":
        return _form_page(form, _padded(rows), survey, answered, 400 if "csrf_token" in form.errors else 422)
    return None


@bp.route("/new", methods=["GET", "POST"])
@permission_required("surveys.edit")
def new():
    form = SurveyForm()
    done = _save(form, None)
    if done is not None:
        return done
    if not form.is_submitted():
        today = clock.today()
        form.opens_on.data, form.closes_on.data = today, today + dt.timedelta(days=30)
    return _form_page(form, _padded([]), None, False, 200)


@bp.route("/<int:survey_id>/edit", methods=["GET", "POST"])
@permission_required("surveys.edit")
def edit(survey_id: int):
    survey = _survey(survey_id)
    form = SurveyForm(obj=survey) if request.method == "GET" else SurveyForm()
    done = _save(form, survey)
    if done is not None:
        return done
    answered = services.has_responses(survey)
    if not answered:
        form.population_kind.data = survey.population_kind
        if survey.population_kind == "regions":
            form.regions.data = list(survey.population)
            form.regions.choices = [SelectChoice(r, r) for r in sorted({*queries.regions(), *survey.population})]
        elif survey.population_kind == "centres":
            form.centre_codes.data = "\n".join(sorted(db.session.scalars(
                select(Centre.code).where(Centre.id.in_(survey.population or [-1])))))
        form.sample_mode.data = "everyone" if survey.sample_size is None else "sample"
        form.sample_size.data, form.sample_seed.data = survey.sample_size, survey.sample_seed
    return _form_page(form, _padded(_rows_from_survey(survey)), survey, answered, 200)


def _population_words(survey: Survey) -> list[str]:
    """The regions or centres of the survey's population, as people read them."""
    if survey.population_kind == "regions":
        return list(survey.population)
    if survey.population_kind == "centres":
        return [f"{c.code} · {c.name}" for c in db.session.scalars(
            select(Centre).where(Centre.id.in_(survey.population or [-1])).order_by(Centre.code))]
    return []


CENTRES_SHOWN = 100  # past this many centres, the survey's page lists its regions; a region lists its centres


@bp.get("/<int:survey_id>")
@permission_required("surveys.view")
def detail(survey_id: int):
    survey = _survey(survey_id)
    own = _own()
    drawn, answered = queries.counts([survey.id])[survey.id]
    centres = queries.by_centre(survey, own)
    # Many centres (thousands at scale): the regions first, a region's centres when it is chosen.
    regions: dict[str, dict] = {}
    for c in centres:
        r = regions.setdefault(c["region"], {"region": c["region"], "centres": 0, "drawn": 0, "responses": 0})
        r["centres"] += 1
        r["drawn"] += c["drawn"]
        r["responses"] += c["responses"]
    region = request.args.get("region")
    if region is not None:
        centres = [c for c in centres if c["region"] == region]
    elif len(centres) > CENTRES_SHOWN:
        centres = []
    return render_template(
        "surveys/detail.html", survey=survey, questions=queries.questions(survey),
        state=queries.state(survey, clock.today()), drawn=drawn, answered=answered, rate=_rate(drawn, answered),
        centres=centres, regions=sorted(regions.values(), key=lambda r: (r["region"] == "", r["region"])),
        region=region, many=len(regions) > 1 and sum(r["centres"] for r in regions.values()) > CENTRES_SHOWN,
        population=_population_words(survey),
        redraw_form=RedrawForm() if can(current_user, "surveys.edit") and not answered else None,
        results_url=_routed(f"/surveys/{survey.id}/results"),
        capture_url=_routed(f"/surveys/{survey.id}/capture") if can(current_user, "surveys.record") else None)


@bp.post("/<int:survey_id>/draw")
@permission_required("surveys.edit")
def redraw(survey_id: int):
    survey = _survey(survey_id)
    form = RedrawForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Tick the box to confirm that the sample is to be drawn again."), "warning")
        return redirect(url_for("surveys.detail", survey_id=survey.id)), 303
    try:
        size = services.redraw(actor=current_user, survey=survey)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        flash(err.message, "danger")
        return redirect(url_for("surveys.detail", survey_id=survey.id)), 303
    flash(_("The sample was drawn again: %(n)d members.", n=size), "success")
    return redirect(url_for("surveys.detail", survey_id=survey.id))


def _centre(centre_id: int) -> Centre:
    centre = db.session.get(Centre, centre_id)
    own = _own()
    if centre is None or (own is not None and centre.id not in own):
        abort(404)
    return centre


@bp.get("/<int:survey_id>/centres/<int:centre_id>")
@permission_required("surveys.record")
def centre(survey_id: int, centre_id: int):
    survey = _survey(survey_id)
    place = _centre(centre_id)
    return render_template("surveys/centre.html", survey=survey, centre=place,
                           rows=queries.drawn_at_centre(survey, place.id),
                           capture_url=_routed(f"/surveys/{survey.id}/capture"))


# --- answers: read in words, corrected, given by the member in the portal ---------------------------


def _answers_from_request(questions) -> tuple[dict, dict]:
    """The answers a form sent (inputs named a-{key}), in stored form, and each problem by key."""
    answers, problems = {}, {}
    for q in questions:
        raw = request.form.getlist(f"a-{q.key}") if q.kind == QuestionKind.multiple else \
            request.form.get(f"a-{q.key}", "")
        try:
            value = importer.parse_answer(q, raw)
        except ValueError as err:
            problems[q.key] = str(err)
            continue
        if value is not None:
            answers[q.key] = value
    return answers, problems


def _answer_problems(err: DomainError) -> dict:
    """A service's errors by question key ("" for the others: the member, the day)."""
    out: dict[str, str] = {}
    for name, messages in (err.fields or {}).items():
        parts = name.split(".")
        key = parts[-1] if "answers" in parts[:-1] else ""
        out[key] = " ".join([*([out[key]] if key in out else []), *(str(m) for m in messages)])
    if not out:
        out[""] = err.message
    return out


def _response_page(survey: Survey, member: Member, status: int = 200, *, problems=None, values=None):
    response = queries.response_of(survey, member.id)
    if response is None:
        abort(404)
    recorder = db.session.get(User, response.recorded_by_id) if response.recorded_by_id else None
    return render_template("surveys/response.html", survey=survey, member=member, response=response,
                           questions=queries.questions(survey), recorder=recorder, problems=problems or {},
                           values=values if values is not None else response.answers,
                           form=ConfirmForm(), can_correct=can(current_user, "surveys.record")), status


def _drawn_member(survey: Survey, member_id: int) -> Member:
    drawn = queries.drawn_member(survey, member_id)
    own = _own()
    if drawn is None or (own is not None and drawn.centre_id not in own):
        abort(404)
    return db.session.get(Member, member_id)


@bp.get("/<int:survey_id>/responses/<int:member_id>")
@permission_required("surveys.answers")
def response(survey_id: int, member_id: int):
    survey = _survey(survey_id)
    return _response_page(survey, _drawn_member(survey, member_id))


@bp.post("/<int:survey_id>/responses/<int:member_id>")
@permission_required("surveys.record")
def correct(survey_id: int, member_id: int):
    survey = _survey(survey_id)
    member = _drawn_member(survey, member_id)
    record = queries.response_of(survey, member.id)
    if record is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    questions = queries.questions(survey)
    answers, problems = _answers_from_request(questions)
    if not problems:
        try:
            services.correct_response(actor=current_user, response=record, survey=survey, answers=answers)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            problems = _answer_problems(err)
    if problems:
        flash(_("Please correct the marked answers."), "danger")
        if not can(current_user, "surveys.answers"):
            return redirect(url_for("surveys.centre", survey_id=survey.id, centre_id=record.centre_id or 0)), 303
        return _response_page(survey, member, 422, problems=problems, values=_raw_values(questions))
    flash(_("The answers were corrected; the earlier ones stay in the audit log."), "success")
    if can(current_user, "surveys.answers"):
        return redirect(url_for("surveys.response", survey_id=survey.id, member_id=member.id))
    return redirect(url_for("surveys.detail", survey_id=survey.id))


def _raw_values(questions) -> dict:
    """What the form sent, to show again beside the problems."""
    return {q.key: (request.form.getlist(f"a-{q.key}") if q.kind == QuestionKind.multiple
                    else request.form.get(f"a-{q.key}", "")[:600]) for q in questions}


@bp.route("/<int:survey_id>/answer", methods=["GET", "POST"])
@login_required
def answer(survey_id: int):
    """A member answers a survey they were drawn for, themselves, and corrects it while it is open.
    Anyone else (not drawn, no member linked, an unknown survey) gets 404."""
    member_id = getattr(current_user, "member_id", None)
    survey = queries.get(survey_id)
    if survey is None or member_id is None or queries.drawn_member(survey, member_id) is None:
        abort(404)
    questions = queries.questions(survey)
    mine = queries.response_of(survey, member_id)
    today = clock.today()
    is_open = services.is_open(survey, today)
    form = ConfirmForm()
    problems, values = {}, (mine.answers if mine else {})
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if not is_open:
            flash(_("This survey is not open for answers."), "warning")
            return redirect(url_for("surveys.answer", survey_id=survey.id)), 303
        answers, problems = _answers_from_request(questions)
        if not problems:
            try:
                if mine is None:
                    services.record_responses(actor=current_user, survey=survey, channel=Channel.portal,
                                              today=today, member_self=member_id,
                                              items=[services.ResponseInput(member_id=member_id, answers=answers)])
                else:
                    services.correct_response(actor=current_user, response=mine, survey=survey, answers=answers)
                db.session.commit()
            except DomainError as err:
                db.session.rollback()
                problems = _answer_problems(err)
        if not problems:
            flash(_("Thank you: your answers are saved."), "success")
            return redirect(url_for("surveys.answer", survey_id=survey.id))
        flash(_("Please correct the marked answers."), "danger")
        values, status = _raw_values(questions), 422
    editing = is_open and (mine is None or request.args.get("change") == "1" or status == 422)
    return render_template("surveys/answer.html", survey=survey, questions=questions, mine=mine, values=values,
                           problems=problems, form=form, is_open=is_open, editing=editing,
                           state=queries.state(survey, today)), status


# --- the upload of paper forms ------------------------------------------------------------------------


@bp.url_value_preprocessor
def _upload_body_limit(endpoint, values):
    # Before CSRFProtect reads (and size-checks) the multipart body: an upload is larger than a document.
    if endpoint == "surveys.upload":
        request.max_content_length = importer.MAX_BYTES + 1024 * 1024


@bp.route("/<int:survey_id>/upload", methods=["GET", "POST"])
@permission_required("surveys.record")
def upload(survey_id: int):
    survey = _survey(survey_id)
    questions = queries.questions(survey)
    form = UploadForm()
    result, status = None, 200
    if form.validate_on_submit():
        data = form.file.data.stream.read(importer.MAX_BYTES + 1)
        try:
            done = importer.import_responses(actor=current_user, survey=survey, data=data, today=clock.today())
            db.session.commit()
        except importer.UploadRefused as err:
            db.session.rollback()
            flash(err.message, "danger")
            result, status = err.result, 422
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
        else:
            flash(_("%(created)d responses recorded (%(duplicates)d sent before).", created=done.created,
                    duplicates=done.duplicates), "success")
            return redirect(url_for("surveys.detail", survey_id=survey.id))
    elif request.method == "POST":
        status = 400 if "csrf_token" in form.errors else 422
    return render_template("surveys/upload.html", survey=survey, questions=questions, form=form, result=result,
                           columns=importer.header(questions)), status


def _template_name(survey: Survey, ext: str) -> str:
    return f"survei-{survey.id}-jawaban.{ext}"


@bp.get("/<int:survey_id>/upload/template.csv")
@permission_required("surveys.record")
def upload_template_csv(survey_id: int):
    survey = _survey(survey_id)
    return Response(importer.template_csv(queries.questions(survey)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{_template_name(survey, "csv")}"'})


@bp.get("/<int:survey_id>/upload/template.xlsx")
@permission_required("surveys.record")
def upload_template_xlsx(survey_id: int):
    survey = _survey(survey_id)
    return Response(importer.template_xlsx(queries.questions(survey)),
                    mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{_template_name(survey, "xlsx")}"'})



# --- results: page, charts, exports (helper: results) --------------------------------------------

# Who reads what: staff with surveys.view read the whole result on /surveys/{id}/results (by centre
# too; the texts only with surveys.answers). Members and the public read what `queries.published`
# keeps, on /surveys/published/{id}, and only of surveys published to them (`audience`): any other
# survey answers 404, exactly as a missing one.
CHARTED = (QuestionKind.yes_no, QuestionKind.single, QuestionKind.multiple)
TEXTS_PAGE = 50
CENTRES_PAGE = 100
CHART_VERSION = "1"


def _results_survey(survey_id: int) -> Survey:
    survey = queries.get(survey_id)
    if survey is None:
        abort(404)
    return survey


def _published_survey(survey_id: int) -> Survey:
    """The survey when its results are published to the reader; else 404, as for a missing one."""
    survey = queries.get(survey_id)
    if survey is None or survey.visibility not in audience(current_user):
        abort(404)
    return survey


def share_text(share: float | None) -> str:
    return format_percent(share, format="#,##0%") if share is not None else ""


def points_text(margin: float | None) -> str:
    """A margin of error in percentage points, in the reader's numbers: "± 4,3 poin"."""
    if margin is None:
        return ""
    return _("± %(points)s points", points=format_decimal(round(margin * 100, 1), format="#,##0.0"))


def _number_text(value) -> str:
    if value is None:
        return ""
    return format_decimal(round(value, 2), format="#,##0.##")


def answer_label(question: dict, key: str) -> str:
    """How an answer reads: Ya/Tidak for yes/no questions, the choice's own text otherwise."""
    return label("yes_no", key) if question["kind"] == QuestionKind.yes_no else key


def region_label(region: str | None) -> str:
    return region or _("No region")


def _cells(question: dict, group: dict) -> list[dict]:
    n = group.get("respondents")
    out = []
    for key, count in (group.get("counts") or {}).items():
        share = (group.get("shares") or {}).get(key)
        margin = (group.get("margin") or {}).get(key)
        out.append({"key": key, "label": answer_label(question, key), "count": count, "share": share,
                    "margin": margin, "hidden": count is None, "share_text": share_text(share),
                    "margin_text": points_text(margin) if n else ""})
    return out


def _stats(group: dict) -> list[tuple[str, str]]:
    names = (("mean", _l("Mean")), ("median", _l("Median")), ("min", _l("Lowest")), ("max", _l("Highest")))
    return [(str(text), _number_text(group[name])) for name, text in names if group.get(name) is not None]


def _group_view(question: dict, group: dict, name: str) -> dict:
    return {"name": name, "respondents": group.get("respondents"), "sample": group.get("sample"),
            "cells": _cells(question, group), "stats": _stats(group),
            "suppressed": bool(group.get("suppressed")), "small": group.get("respondents") is None}


def question_view(question: dict, *, centres: bool = False) -> dict:
    """One question's result ready for a page: labelled cells with formatted shares and margins, the
    regions' groups (and the centres' when asked and present)."""
    view = _group_view(question, question, question["text"])
    view.update({"key": question["key"], "kind": question["kind"], "text": question["text"],
                 "kind_label": label("question_kind", question["kind"]),
                 "charted": question["kind"] in CHARTED,
                 "regions": [_group_view(question, r, region_label(r["region"])) for r in question["by_region"]]})
    if centres:
        view["centres"] = [_group_view(question, c, f"{c['code']} {c['name']}".strip() or _("No centre"))
                           for c in question.get("by_centre", [])]
    view["alt"] = chart_alt(question)
    return view


def chart_alt(question: dict) -> str:
    """The chart's words for a screen reader: each answer with its share and margin."""
    parts = [f"{answer_label(question, k)} {share_text(s)} {points_text((question.get('margin') or {}).get(k))}".strip()
             if s is not None else f"{answer_label(question, k)}: {_('hidden')}"
             for k, s in (question.get("shares") or {}).items()]
    return _("Bar chart: %(question)s — %(answers)s.", question=question["text"], answers="; ".join(parts))


def results_view(result: dict, *, centres: bool = False) -> dict:
    """The page's figures: response rate against the sample, the population, each question."""
    rate = result.get("response_rate")
    return {
        "responses": result["responses"], "sample": result["sample"], "population": result["population"],
        "rate": rate, "rate_text": share_text(rate),
        "regions": [{"name": region_label(r["region"]), "sample": r["sample"], "responses": r["responses"],
                     "rate_text": share_text(r["responses"] / r["sample"])
                     if r["responses"] is not None and r["sample"] else ""}
                    for r in result["regions"]],
        "questions": [question_view(q, centres=centres) for q in result["questions"]],
    }


def _question_of(result: dict, key: str) -> dict:
    question = next((q for q in result["questions"] if q["key"] == key), None)
    if question is None:
        abort(404)
    return question


@bp.get("/<int:survey_id>/results")
@permission_required("surveys.view")
def results(survey_id: int):
    survey = _results_survey(survey_id)
    page = results_view(queries.summary(survey))
    return render_template("surveys/results.html", survey=survey, page=page, portal=False,
                           texts_allowed=can(current_user, "surveys.answers"))


@bp.get("/<int:survey_id>/results/<key>/centres")
@permission_required("surveys.view")
def results_centres(survey_id: int, key: str):
    """One question by centre, a page of centres at a time (at thousands of centres, not on the
    results page itself)."""
    survey = _results_survey(survey_id)
    raw = queries.with_centres(survey, key)
    if raw is None:
        abort(404)
    start = max(0, request.args.get("start", type=int) or 0)
    centres = raw.get("by_centre", [])
    rows = [_group_view(raw, c, f"{c['code']} {c['name']}".strip() or _("No centre"))
            for c in centres[start:start + CENTRES_PAGE]]  # only this page's centres made ready
    following = start + CENTRES_PAGE if start + CENTRES_PAGE < len(centres) else None
    return render_template("surveys/results_centres.html", survey=survey, question=question_view(raw), rows=rows,
                           start=start, following=following, total=len(centres))


@bp.get("/<int:survey_id>/results/<text_key>/texts")
@permission_required("surveys.answers")
def results_texts(survey_id: int, text_key: str):
    """The texts given to one text question, a page at a time (individual answers: surveys.answers)."""
    survey = _results_survey(survey_id)
    question = next((q for q in queries.questions(survey) if q.key == text_key and q.kind == QuestionKind.text), None)
    if question is None:
        abort(404)
    after = request.args.get("after", type=int)
    rows, following = queries.text_answers(survey, text_key, after=after, limit=TEXTS_PAGE)
    return render_template("surveys/results_texts.html", survey=survey, question=question, rows=rows,
                           following=following, after=after)


def _chart_response(survey: Survey, question: dict, *, published: bool) -> Response:
    """The question's PNG, cached by the data versions, the reader's language and what they may see."""
    raw = json.dumps([survey.id, question["key"], published, str(get_locale() or ""), CHART_VERSION,
                      queries.stamp()])
    key = f"survey-chart-{hashlib.sha256(raw.encode()).hexdigest()[:48]}.png"
    cache = get_cache()
    body = cache.get(key)
    if body is None:
        labels = [answer_label(question, k) for k in question["counts"]]
        body = charts.question_chart(question, labels=labels, texts={
            "axis": _("Share of respondents (%)"),
            "hidden": _("hidden"),
            "note": _("Lines: the 95%% margin of error. %(n)s respondents.",
                      n=format_decimal(question["respondents"]) if question["respondents"] is not None else "< 5"),
        })
        cache.put(key, body)
    return Response(body, mimetype="image/png", headers={"Cache-Control": "private, max-age=300"})


@bp.get("/<int:survey_id>/results/<key>.png")
@permission_required("surveys.view")
def results_chart(survey_id: int, key: str):
    survey = _results_survey(survey_id)
    question = _question_of(queries.summary(survey), key)
    if question["kind"] not in CHARTED:
        abort(404)
    return _chart_response(survey, question, published=False)


EXPORT_GROUPS = {"all": _l("Everyone"), "region": _l("Region"), "centre": _l("Centre")}


def _export_columns() -> list[Column]:
    return [Column(_("Question"), width=14), Column(_("Question text"), width=40), Column(_("Group"), width=12),
            Column(_("Group name"), width=24), Column(_("Answer"), width=20),
            Column(_("Respondents"), Kind.integer), Column(_("Count"), Kind.integer),
            Column(_("Share (%)"), Kind.number), Column(_("Margin of error (points)"), Kind.number),
            Column(_("Value"), Kind.number), Column(_("Note"), width=30)]


def _decimal(value: float | None, places: str = "0.1") -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal(places))


def _export_rows(result: dict):
    """Aggregates only: per question × group (everyone, each region, each centre) × answer."""
    hidden = _("hidden: fewer than 5 respondents")
    for q in result["questions"]:
        groups = [("all", str(EXPORT_GROUPS["all"]), q)]
        groups += [("region", region_label(r["region"]), r) for r in q["by_region"]]
        groups += [("centre", f"{c['code']} {c['name']}".strip(), c) for c in q.get("by_centre", [])]
        for kind, name, group in groups:
            head = [q["key"], q["text"], str(EXPORT_GROUPS[kind]), name]
            n = group.get("respondents")
            note = hidden if group.get("suppressed") else ""
            counts = group.get("counts") or {}
            for key, count in counts.items():
                share = (group.get("shares") or {}).get(key)
                margin = (group.get("margin") or {}).get(key)
                yield [*head, answer_label(q, key), n, count, _decimal(share * 100 if share is not None else None),
                       _decimal(margin * 100 if margin is not None else None), None, hidden if count is None else ""]
            for stat, text in (("mean", _("Mean")), ("median", _("Median")), ("min", _("Lowest")),
                               ("max", _("Highest"))):
                if group.get(stat) is not None:
                    yield [*head, text, n, None, None, None, _decimal(group[stat], "0.01"), ""]
            if not counts and not any(group.get(s) is not None for s in ("mean", "median")):
                yield [*head, "", n, None, None, None, None, note]


def _results_export(survey_id: int, fmt: str):
    survey = _results_survey(survey_id)
    return table_response(fmt, _export_columns(), _export_rows(queries.results(survey)),
                          f"survey-{survey.id}-results", _("Survey results"))


@bp.get("/<int:survey_id>/results.csv")
@permission_required("surveys.view")
def results_csv(survey_id: int):
    return _results_export(survey_id, "csv")


@bp.get("/<int:survey_id>/results.xlsx")
@permission_required("surveys.view")
def results_xlsx(survey_id: int):
    return _results_export(survey_id, "xlsx")


# The portal's side: published surveys' results, to members and the public.


@bp.get("/published")
def published_index():
    surveys = queries.published_listing(audience(current_user), today=clock.today())
    return render_template("surveys/results_published_index.html", surveys=surveys)


@bp.get("/published/<int:survey_id>")
def published(survey_id: int):
    survey = _published_survey(survey_id)
    page = results_view(queries.published(queries.summary(survey)))
    return render_template("surveys/results.html", survey=survey, page=page, portal=True, texts_allowed=False)


def _published_export(survey_id: int, fmt: str):
    survey = _published_survey(survey_id)
    return table_response(fmt, _export_columns(), _export_rows(queries.published(queries.summary(survey))),
                          f"survey-{survey.id}-results", _("Survey results"))


@bp.get("/published/<int:survey_id>.csv")
def published_csv(survey_id: int):
    return _published_export(survey_id, "csv")


@bp.get("/published/<int:survey_id>.xlsx")
def published_xlsx(survey_id: int):
    return _published_export(survey_id, "xlsx")


@bp.get("/published/<int:survey_id>/<key>.png")
def published_chart(survey_id: int, key: str):
    survey = _published_survey(survey_id)
    question = _question_of(queries.published(queries.summary(survey)), key)
    if question["kind"] not in CHARTED:
        abort(404)
    return _chart_response(survey, question, published=True)


@bp.app_template_global()
def published_surveys(limit: int = 5) -> list[Survey]:
    """The surveys whose results the reader may read on the portal (the portal home's block)."""
    return queries.published_listing(audience(current_user), today=clock.today(), limit=limit)


# Evidence: a survey's result attached as "bukti kebutuhan anggota" to an agenda item, a motion or
# a clause, and shown beside the decision (templates/surveys/_evidence.html, everywhere the same).

TARGETS = {"motion": "motion_id", "agenda-item": "agenda_item_id", "clause": "clause_id"}


def _reader_result(survey: Survey, cache: dict) -> dict | None:
    """What the reader may read of a survey's result: the whole (surveys.view), the published
    aggregates (a survey published to them), or nothing."""
    if survey.id not in cache:
        if can(current_user, "surveys.view"):
            cache[survey.id] = (queries.summary(survey), False)
        elif survey.visibility in audience(current_user):
            cache[survey.id] = (queries.published(queries.summary(survey)), True)
        else:
            cache[survey.id] = (None, True)
    return cache[survey.id]


def _evidence_lines(result: dict, evidence: SurveyEvidence) -> list[dict]:
    """One line per question of the evidence (its one question, or every question of the survey):
    the answers with their shares and margins, everywhere or in the evidence's region."""
    lines = []
    for q in result["questions"]:
        if evidence.question_key is not None and q["key"] != evidence.question_key:
            continue
        group = q
        if evidence.region is not None:
            group = next((r for r in q["by_region"] if r["region"] == evidence.region), None)
            if group is None:
                continue
        cells = _cells(q, group)
        if q["kind"] == QuestionKind.text:
            answers = ""
        elif group.get("suppressed") and all(c["hidden"] for c in cells) and cells:
            answers = _("hidden: fewer than 5 respondents")
        elif q["kind"] == QuestionKind.number:
            answers = "; ".join(f"{t.lower()} {v}" for t, v in _stats(group))
        else:
            answers = "; ".join(f"{c['label']} {c['share_text']} {c['margin_text']}".strip() if not c["hidden"]
                                else f"{c['label']} {_('hidden')}" for c in cells)
        n = group.get("respondents")
        question = q["text"] if not answers or q["text"].rstrip().endswith(("?", ":", ".")) else f"{q['text']}:"
        lines.append({"question": question, "answers": answers,
                      # a hidden group says why once, in its answers
                      "respondents": _("%(n)s respondents", n=format_decimal(n)) if n is not None else ""})
    return lines


class EvidenceIndex:
    """The evidence of one page, read once, by target: `motion(id)`, `agenda_item(id)`, `clause(id)`,
    `motions()` (every motion's, for the agreement page)."""

    def __init__(self, items: list[dict]):
        self.items = items

    def _of(self, attr: str, target_id: int) -> list[dict]:
        return [i for i in self.items if i[attr] == target_id]

    def motion(self, motion_id: int) -> list[dict]:
        return self._of("motion_id", motion_id)

    def agenda_item(self, item_id: int) -> list[dict]:
        return self._of("agenda_item_id", item_id)

    def clause(self, clause_id: int) -> list[dict]:
        return self._of("clause_id", clause_id)

    def motions(self) -> list[dict]:
        return [i for i in self.items if i["motion_id"] is not None]


def _evidence_rows(*, agenda_item_ids=(), motion_ids=(), clause_ids=(), agreement_id=None, decision_ids=()):
    """The evidence on these targets, on the motions about `agreement_id` and on the motions of these
    decisions, each with its motion's title and decision number (one query)."""
    conds = queries.evidence_conditions(agenda_item_ids=agenda_item_ids, motion_ids=motion_ids, clause_ids=clause_ids)
    if agreement_id is not None:
        conds.append(SurveyEvidence.motion_id.in_(select(Motion.id).where(Motion.agreement_id == agreement_id)))
    if decision_ids:
        conds.append(SurveyEvidence.motion_id.in_(select(Decision.motion_id).where(Decision.id.in_(list(decision_ids)))))
    if not conds:
        return []
    return db.session.execute(
        select(SurveyEvidence, Motion.title, Decision.number)
        .outerjoin(Motion, Motion.id == SurveyEvidence.motion_id)
        .outerjoin(Decision, Decision.motion_id == SurveyEvidence.motion_id)
        .where(or_(*conds)).options(joinedload(SurveyEvidence.survey)).order_by(SurveyEvidence.id)).all()


def evidence_views(rows, *, portal: bool) -> list[dict]:
    """The evidence as the reader may read it: staff with surveys.view the whole result (and a
    link to remove it with surveys.edit, off the portal); anyone else only evidence of surveys
    published to them, as published aggregates, linking to the portal's results page."""
    cache: dict = {}
    out = []
    for evidence, motion_title, decision_number in rows:
        survey = evidence.survey
        if portal and survey.visibility not in audience(current_user):
            continue
        if portal:
            result, published = queries.published(queries.summary(survey)), True
        else:
            result, published = _reader_result(survey, cache)
        if result is None:
            continue
        link = url_for("surveys.published", survey_id=survey.id) if published \
            else url_for("surveys.results", survey_id=survey.id)
        out.append({
            "id": evidence.id, "survey_title": survey.title, "link": link, "note": evidence.note,
            "region": evidence.region, "question_key": evidence.question_key,
            "scope": (_("region %(name)s", name=evidence.region) if evidence.region is not None else _("every region")),
            "lines": _evidence_lines(result, evidence),
            "motion_id": evidence.motion_id, "agenda_item_id": evidence.agenda_item_id,
            "clause_id": evidence.clause_id, "motion_title": motion_title, "decision_number": decision_number,
            "removable": not portal and can(current_user, "surveys.edit"),
        })
    return out


@bp.app_template_global()
def survey_evidence(*, agenda_item_ids=(), motion_ids=(), clause_ids=(), agreement_id=None, decision_ids=(),
                    portal: bool = False) -> EvidenceIndex:
    """The page's survey evidence (a template global, read once per page whatever the number of
    includes that ask for it with the same targets)."""
    key = (tuple(agenda_item_ids), tuple(motion_ids), tuple(clause_ids), agreement_id, tuple(decision_ids), portal)
    memo = g.setdefault("survey_evidence", {})
    if key not in memo:
        rows = _evidence_rows(agenda_item_ids=agenda_item_ids, motion_ids=motion_ids, clause_ids=clause_ids,
                              agreement_id=agreement_id, decision_ids=decision_ids)
        memo[key] = EvidenceIndex(evidence_views(rows, portal=portal))
    return memo[key]


class EvidenceForm(Form):
    survey_id = SelectField(_l("Survey"), coerce=str)
    question_key = SelectField(_l("Question"), coerce=str, validators=[Optional()])
    region = SelectField(_l("Region"), coerce=str, validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=services.NOTE_MAX)],
                         description=_l("Why this result matters to the decision (optional)."))


def evidence_target(kind: str, target_id: int):
    """The agenda item, motion or clause evidence is attached to, with the page to go back to; 404
    when it does not exist or the user may not read it."""
    if kind == "motion":
        motion = db.session.get(Motion, target_id)
        if motion is None or not can(current_user, "forums.view"):
            abort(404)
        return motion, motion.title, url_for("forums.motion", motion_id=motion.id)
    if kind == "agenda-item":
        item = db.session.get(AgendaItem, target_id)
        if item is None or not can(current_user, "forums.view"):
            abort(404)
        return item, item.title, url_for("forums.meeting", meeting_id=item.meeting_id, _anchor="evidence")
    clause = db.session.scalar(select(Clause).where(Clause.id == target_id).options(joinedload(Clause.agreement)))
    if clause is None or not can_see(current_user, clause.agreement):
        abort(404)
    return clause, _("Point %(n)d of %(title)s", n=clause.number, title=clause.agreement.title), \
        url_for("agreements.detail", agreement_id=clause.agreement_id, _anchor=f"clause-{clause.id}")


def _evidence_choices(form: EvidenceForm, survey: Survey | None) -> None:
    form.survey_id.choices = [("", _("Choose a survey"))] + [(str(s.id), s.title) for s in queries.listing()]
    form.question_key.choices = [("", _("The whole survey"))]
    form.region.choices = [("", _("Every region"))]
    if survey is not None:
        form.question_key.choices += [(q.key, q.text) for q in queries.questions(survey)]
        form.region.choices += [(r["region"], r["region"]) for r in queries.summary(survey)["regions"] if r["region"]]


@bp.route("/evidence/new", methods=["GET", "POST"])
@permission_required("surveys.edit")
def evidence_new():
    """Attach a survey result to an agenda item, a motion or a clause (`?target=motion&target_id=7`).
    Choosing the survey first (a GET) lists its questions and regions; no script needed."""
    kind = request.args.get("target", "")
    target_id = request.args.get("target_id", type=int)
    if kind not in TARGETS or target_id is None:
        abort(404)
    target, title, back = evidence_target(kind, target_id)
    # On a GET the chosen survey comes in the query; the form still carries its CSRF token for the POST.
    form = EvidenceForm() if request.method == "POST" else EvidenceForm(formdata=request.args)
    chosen = (form.survey_id.data or "").strip()
    survey = queries.get(int(chosen)) if chosen.isdigit() else None
    _evidence_choices(form, survey)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit() and survey is not None:
            try:
                services.attach_evidence(actor=current_user, survey=survey, question_key=form.question_key.data or None,
                                         region=form.region.data or None, note=form.note.data,
                                         **{TARGETS[kind]: target.id})
                db.session.commit()
            except DomainError as err:
                apply_domain_error(form, err)
                status = err.status
            else:
                flash(_("Survey evidence attached."), "success")
                return redirect(back)
        else:
            if survey is None:
                form.survey_id.errors = [_("Choose a survey.")]
            status = 422
    return render_template("surveys/evidence_form.html", form=form, survey=survey, kind=kind, target_id=target_id,
                           title=title, back=back), status


@bp.route("/evidence/<int:survey_evidence_id>/remove", methods=["GET", "POST"])
@permission_required("surveys.edit")
def evidence_remove(survey_evidence_id: int):
    """Remove survey evidence, after a confirmation (audited by the service)."""
    evidence = db.session.scalar(select(SurveyEvidence).where(SurveyEvidence.id == survey_evidence_id)
                                 .options(joinedload(SurveyEvidence.survey)))
    if evidence is None:
        abort(404)
    kind = next(k for k, attr in TARGETS.items() if getattr(evidence, attr) is not None)
    _target, title, back = evidence_target(kind, getattr(evidence, TARGETS[kind]))
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        services.remove_evidence(actor=current_user, evidence=evidence)
        db.session.commit()
        flash(_("Survey evidence removed."), "success")
        return redirect(back)
    view = evidence_views([(evidence, None, None)], portal=False)
    return render_template("surveys/evidence_remove.html", evidence=evidence, item=view[0] if view else None,
                           title=title, back=back, form=form), (422 if form.errors else 200)


# Published to whom, in words (the results page says it once).
VISIBILITY_WORDS = {
    SurveyVisibility.internal: _l("Only staff read these results."),
    SurveyVisibility.members: _l("Members read these results (aggregates only) in the portal."),
    SurveyVisibility.public: _l("Anyone reads these results (aggregates only) in the portal."),
}


@bp.app_template_global()
def survey_visibility_words(visibility: str) -> str:
    return str(VISIBILITY_WORDS.get(visibility, ""))



# --- capture: the field officer's offline page, its manifest and service worker (helper: offline) -
# Works without JavaScript as a plain form (one response per post); with static/js/survey-capture.js
# the page keeps the survey, the centre's members and the unsent responses in the phone's IndexedDB
# and sends them in batches (`capture_sync`) when there is a connection. The service worker
# (static/js/survey-sw.js, served from /surveys/ so that its scope covers the capture pages) keeps
# the page, its files and the bundle for offline use. The CSP needs nothing new: the worker, the
# manifest and the fetches are all 'self' (default-src).

NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
SYNC_MAX = 2000  # responses per sync request; the page sends 500 at a time


def _capture_survey(survey_id: int):
    survey = queries.get(survey_id)
    if survey is None:
        abort(404)
    return survey


def _own_officer() -> int | None:
    """A field officer captures only at the centres assigned to them (their id); others anywhere."""
    return current_user.id if current_user.role == "officer" else None


def capture_centre(survey, centre_id: str | None = None, code: str | None = None):
    """The chosen centre (by id, or by the code a board member or manager types) when members of it
    are drawn and the user may capture there; None when nothing was chosen; 404 otherwise."""
    centre_id, code = (centre_id or "").strip(), (code or "").strip()
    if not centre_id and not code:
        return None
    if centre_id:
        centre = members_queries.get_centre(int(centre_id)) if centre_id.isdigit() and len(centre_id) < 12 else None
    else:
        centre = members_queries.centre_by_code(code[: members_services.CODE_MAX])
    own = _own_officer()
    if centre is None or (own is not None and centre.officer_id != own) or not queries.has_drawn_at(survey, centre.id):
        abort(404)  # another officer's centre is as missing as an unknown one
    return centre


def _question_view(q) -> dict:
    return {"key": q.key, "kind": q.kind, "text": q.text, "choices": list(q.choices or []), "required": q.required,
            "kind_label": str(label("question_kind", q.kind))}


def _capture_strings() -> dict:
    """Every word the script shows, in the reader's language (the script has none of its own)."""
    return {
        "unsent_one": ngettext("%(count)s answer not sent yet", "%(count)s answers not sent yet", 1, count="{n}"),
        "unsent_other": ngettext("%(count)s answer not sent yet", "%(count)s answers not sent yet", 2, count="{n}"),
        "all_sent": _("Every answer has been sent."),
        "send_now": _("Send now"),
        "sending": _("Sending…"),
        "sent": _("Sent: %(created)s new, %(duplicates)s stored before, %(rejected)s refused.", created="{created}",
                  duplicates="{duplicates}", rejected="{rejected}"),
        "online": _("Connected."),
        "offline": _("No connection: answers are kept on this phone and sent when the connection returns."),
        "no_bundle": _("This centre has not been opened on this phone with a connection yet: open it once while "
                       "connected, then it works offline too."),
        "session_ended": _("Your session has ended: sign in again, then send the answers (they stay on this phone)."),
        "sign_in": _("Sign in"),
        "send_failed": _("The answers could not be sent now; they stay on this phone. Try again later."),
        "refused": _("The server refused the answers: %(reason)s", reason="{reason}"),
        "answered": _("Answered"),
        "not_answered": _("Not answered"),
        "saved_here": _("Saved on this phone, not sent yet"),
        "rejected": _("Refused by the server"),
        "rejected_title": _("Refused answers: fix or discard each"),
        "fix": _("Fix"),
        "discard": _("Discard"),
        "discard_confirm": _("Discard this answer? It cannot be brought back."),
        "save": _("Save the answer"),
        "cancel": _("Back to the list"),
        "answering": _("Answers of %(name)s", name="{name}"),
        "yes": pgettext("survey answer", "Yes"),
        "no": pgettext("survey answer", "No"),
        "required": _("An answer is required."),
        "optional": _("(optional)"),
        "not_a_number": _("Write a number, without thousands separators (1500 or 2,5)."),
        "fix_errors": _("Some answers are missing or not valid: see the questions marked."),
        "saved": _("Saved on this phone: %(name)s.", name="{name}"),
        "members": _("Members drawn at this centre"),
        "closed": _("This survey takes no new answers today; answers saved earlier can still be sent."),
        "member_number": _("No. %(number)s", number="{number}"),
        "change_centre": _("Another centre"),
    }


def capture_bundle_data(survey, centre) -> dict:
    """What a phone keeps to capture at one centre: the survey, the centre's drawn members, the
    words of the page, a fresh CSRF token (the page's may be a day old); the API's bundle too."""
    rows = queries.drawn_at_centre(survey, centre.id)
    today = clock.today()
    return {
        "survey": {"id": survey.id, "title": survey.title, "opens_on": survey.opens_on.isoformat(),
                   "closes_on": survey.closes_on.isoformat(), "open": services.is_open(survey, today),
                   "questions": [_question_view(q) for q in queries.questions(survey)]},
        "centre": {"id": centre.id, "code": centre.code, "name": centre.name},
        "members": [{"id": m.id, "number": m.number, "name": m.name, "answered": r is not None} for m, r in rows],
        "today": today.isoformat(),
        "timezone": clock.zone().key,  # the phone dates answers in the cooperative's zone, not its own
        "csrf_token": generate_csrf(),
        "strings": _capture_strings(),
    }


def _form_answers(questions) -> tuple[dict, dict]:
    """The plain form's answers as the service takes them, and the problems it can tell alone."""
    answers, errors = {}, {}
    for q in questions:
        name = f"answer-{q.key}"
        if q.kind == "multiple":
            values = [v for v in request.form.getlist(name) if v]
            if values:
                answers[q.key] = values
            continue
        raw = request.form.get(name, "").strip()
        if not raw:
            continue
        if q.kind == "yes_no":
            answers[q.key] = {"yes": True, "no": False}.get(raw, raw)
        elif q.kind == "number":
            if NUMBER.match(raw.replace(" ", "")):
                answers[q.key] = float(raw.replace(" ", "").replace(",", "."))
            else:
                errors[q.key] = [_("Write a number, without thousands separators (1500 or 2,5).")]
        else:
            answers[q.key] = raw
    return answers, errors


def _capture_page(survey, centre, *, member_id: int | None = None, values=None, errors=None, key=None,
                  code_error: str | None = None, status=200):
    own = _own_officer()
    rows = queries.drawn_at_centre(survey, centre.id) if centre else []
    member = next((m for m, r in rows if m.id == member_id and r is None), None) if member_id else None
    if member_id and member is None and status == 200:
        abort(404)  # not drawn here, or answered already (the list says so)
    today = clock.today()
    return render_template(
        "surveys/capture.html", survey=survey, centre=centre, rows=rows, member=member,
        centres=queries.capture_centres(survey, officer_id=own) if own is not None else [],
        officer=own is not None, code=request.args.get("centre", "") if centre is None else "",
        questions=queries.questions(survey), is_open=services.is_open(survey, today),
        values=values or {}, errors=errors or {}, key=key or uuid.uuid4().hex,
        strings=_capture_strings(), answered=sum(1 for _m, r in rows if r is not None), code_error=code_error,
    ), status


@bp.get("/<int:survey_id>/capture")
@permission_required("surveys.record")
def capture(survey_id: int):
    survey = _capture_survey(survey_id)
    code = request.args.get("centre", "").strip()
    try:
        centre = capture_centre(survey, request.args.get("centre_id"), code)
    except NotFound:
        if request.args.get("centre_id") or not code:
            raise
        # A code typed with a slip: the picker again, saying so (404, as for a missing centre).
        return _capture_page(survey, None, code_error=_(
            "No centre with the code %(code)s has members drawn for this survey.", code=code[:30]), status=404)
    member_id = request.args.get("member_id", "")
    return _capture_page(survey, centre, member_id=int(member_id) if member_id.isdigit() and len(member_id) < 12 else None)


@bp.post("/<int:survey_id>/capture")
@permission_required("surveys.record")
def capture_one(survey_id: int):
    """One response from the plain form (the page without its script)."""
    survey = _capture_survey(survey_id)
    centre = capture_centre(survey, request.form.get("centre_id"))
    raw_member = request.form.get("member_id", "")
    if centre is None or not raw_member.isdigit() or len(raw_member) > 11:
        abort(404)
    member_id = int(raw_member)
    if member_id not in {m.id for m, _r in queries.drawn_at_centre(survey, centre.id)}:
        abort(404)
    questions = queries.questions(survey)
    answers, errors = _form_answers(questions)
    key = request.form.get("key", "")
    values = {q.key: request.form.getlist(f"answer-{q.key}") for q in questions}
    if not errors:
        try:
            created, _duplicates = services.record_responses(
                actor=current_user, survey=survey, channel=Channel.officer,
                items=[services.ResponseInput(member_id=member_id, answers=answers, key=key or None)])
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            for name, messages in (err.fields or {}).items():
                parts = name.split(".")
                field = parts[3] if len(parts) > 3 and parts[2] == "answers" else "response"
                errors.setdefault(field, []).extend(messages)
            if not err.fields:
                errors["response"] = [err.message]
    if errors:
        return _capture_page(survey, centre, member_id=member_id, values=values, errors=errors, key=key, status=422)
    name = next(m.name for m, _r in queries.drawn_at_centre(survey, centre.id) if m.id == member_id)
    flash(_("The answers of %(name)s are stored.", name=name) if created else
          _("The answers of %(name)s were stored already.", name=name), "success")
    return redirect(url_for("surveys.capture", survey_id=survey.id, centre_id=centre.id))


@bp.get("/<int:survey_id>/capture/bundle")
@permission_required("surveys.record")
def capture_bundle(survey_id: int):
    """What the phone keeps to capture offline at one centre (JSON), with a fresh CSRF token."""
    survey = _capture_survey(survey_id)
    centre = capture_centre(survey, request.args.get("centre_id"))
    if centre is None:
        abort(404)
    return jsonify(capture_bundle_data(survey, centre))


def _sync_error(status: int, message: str, fields: dict | None = None):
    return json_error(status, message, code="invalid" if status == 422 else None, fields=fields)


def _sync_item(raw) -> tuple[services.ResponseInput | None, dict]:
    """One response as the phone sent it, or the problems of its shape."""
    if not isinstance(raw, dict):
        return None, {"response": [_("Each response is an object.")]}
    errors: dict[str, list[str]] = {}
    key = raw.get("key")
    if not isinstance(key, str) or not services.RESPONSE_KEY.match(key):
        errors["key"] = [_("A key of 8 to 64 letters, digits or - _ . :")]
    member_id = raw.get("member_id")
    if not isinstance(member_id, int) or isinstance(member_id, bool) or not (0 < member_id < 2**31):
        errors["member_id"] = [_("This member was not drawn for this survey.")]
    answered_on = None
    if raw.get("answered_on") is not None:
        try:
            answered_on = dt.date.fromisoformat(str(raw["answered_on"])[:10])
        except ValueError:
            errors["answered_on"] = [_("A date as YYYY-MM-DD.")]
    answers = raw.get("answers")
    if not isinstance(answers, dict):
        errors["answers"] = [_("The answers are an object of question keys.")]
    unknown = set(raw) - {"key", "member_id", "answered_on", "answers"}
    if unknown:
        errors["response"] = [_("Unknown field: %(names)s.", names=", ".join(sorted(str(u)[:40] for u in unknown)))]
    if errors:
        return None, errors
    return services.ResponseInput(member_id=member_id, answers=answers, key=key, answered_on=answered_on), {}


@bp.post("/<int:survey_id>/capture/sync")
@permission_required("surveys.record")
def capture_sync(survey_id: int):
    """Store the phone's unsent responses: the valid ones are stored (a key stored before counts as a
    duplicate), each refused one comes back with its reasons; answers 200 either way."""
    survey = _capture_survey(survey_id)
    body = request.get_data(cache=True)
    if not request.is_json or jsondepth.too_deep(body):
        return _sync_error(400, _("Send the responses as JSON."))
    data = request.get_json(silent=True)
    raw = data.get("responses") if isinstance(data, dict) else None
    if not isinstance(raw, list) or not raw:
        return _sync_error(422, _("No responses were sent."), {"responses": [_("No responses were sent.")]})
    if len(raw) > SYNC_MAX:
        message = _("At most %(n)d responses at once.", n=SYNC_MAX)
        return _sync_error(422, message, {"responses": [message]})
    items, at, rejected = [], [], []
    for i, r in enumerate(raw):
        item, errors = _sync_item(r)
        if item is None:
            rejected.append((i, errors))
        else:
            items.append(item)
            at.append(i)
    created = duplicates = 0
    if items:
        try:
            created, duplicates, refused = services.record_responses_partly(
                actor=current_user, survey=survey, items=items, channel=Channel.officer)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            return _sync_error(err.status, err.message, err.fields)
        rejected += [(at[j], errors) for j, errors in refused.items()]

    def _echo(i):
        r = raw[i] if isinstance(raw[i], dict) else {}
        return {"key": r.get("key") if isinstance(r.get("key"), str) else None,
                "member_id": r.get("member_id") if isinstance(r.get("member_id"), int) else None}

    return jsonify({"created": created, "duplicates": duplicates,
                    "rejected": [{**_echo(i), "errors": errors} for i, errors in sorted(rejected, key=lambda x: x[0])]})


@bp.get("/<int:survey_id>/capture/manifest.webmanifest")
@permission_required("surveys.record")
def capture_manifest(survey_id: int):
    """The web app manifest of a survey's capture page (installable: it opens on its own, full screen)."""
    survey = _capture_survey(survey_id)
    body = {
        "name": _("Survey capture: %(title)s", title=survey.title)[:120],
        "short_name": _("Survey capture"),
        "description": _("Answers of the members drawn at a centre, recorded at its meeting, offline too."),
        "lang": str(get_locale() or "id"),
        "start_url": url_for("surveys.capture", survey_id=survey.id),
        "scope": url_for("surveys.capture", survey_id=survey.id),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b4f6c",
        "icons": [
            {"src": url_for("static", filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": url_for("static", filename="img/capture-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="img/capture-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    resp = make_response(json.dumps(body, ensure_ascii=False))
    resp.mimetype = "application/manifest+json"
    return resp


@bp.get("/sw.js")
def service_worker():
    """The capture pages' service worker, served from /surveys/ so that its scope covers them. Public:
    a static script with nothing in it about anyone (the browser fetches it without asking)."""
    resp = send_from_directory(current_app.static_folder, "js/survey-sw.js", mimetype="text/javascript",
                               max_age=0)
    resp.headers["Cache-Control"] = "no-cache"
    return resp
