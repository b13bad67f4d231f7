"""Needs surveys' pages: the list, a survey, its form; capture (the field officer's phone page,
offline too), the upload of paper forms, the member's own answers in the portal; results and
their exports; evidence attached to agenda items, motions and clauses."""

from __future__ import annotations

import datetime as dt
import re

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
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from wtforms import SelectChoice

from govtrack.auth.forms import ConfirmForm
from govtrack.auth.models import User
from govtrack.auth.permissions import can, permission_required
from govtrack.core import clock
from govtrack.core.labels import labels
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError, ValidationFailed
from govtrack.extensions import db
from govtrack.members.models import Centre, Member
from govtrack.surveys import importer, queries, services
from govtrack.surveys.forms import QUESTION_ROWS, RedrawForm, SurveyForm, UploadForm
from govtrack.surveys.models import Channel, QuestionKind, Survey

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


# --- capture: the field officer's offline page, its manifest and service worker (helper: offline) -
