"""Needs surveys' pages: the list, a survey, its form; capture (the field officer's phone page,
offline too), the upload of paper forms, the member's own answers in the portal; results and
their exports; evidence attached to agenda items, motions and clauses."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import get_locale, ngettext, pgettext
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.exceptions import NotFound

from govtrack.auth.permissions import permission_required
from govtrack.core import clock, jsondepth
from govtrack.core.errors import json_error
from govtrack.core.labels import label
from govtrack.errors import DomainError
from govtrack.extensions import db
from govtrack.members import queries as members_queries
from govtrack.members import services as members_services
from govtrack.surveys import queries, services
from govtrack.surveys.models import Channel

bp = Blueprint("surveys", __name__, url_prefix="/surveys")

# --- surveys: list, form, page, sample, upload, the member's answers (helper: surveys) -----------


# --- results: page, charts, exports (helper: results) --------------------------------------------


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
