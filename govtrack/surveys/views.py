"""Needs surveys' pages: the list, a survey, its form; capture (the field officer's phone page,
offline too), the upload of paper forms, the member's own answers in the portal; results and
their exports; evidence attached to agenda items, motions and clauses."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from govtrack.agreements.models import Clause
from govtrack.agreements.queries import can_see
from govtrack.auth.permissions import can, permission_required
from govtrack.core import clock, versions
from govtrack.core.cache import get_cache
from govtrack.core.exports import Column, Kind, table_response
from govtrack.core.forms import Form
from govtrack.core.labels import label
from govtrack.core.web import apply_domain_error
from govtrack.errors import DomainError
from govtrack.extensions import db
from govtrack.forums.models import AgendaItem, Decision, Motion
from govtrack.portal.queries import audience
from govtrack.surveys import charts, queries, services
from govtrack.surveys.models import QuestionKind, Survey, SurveyEvidence, SurveyVisibility

bp = Blueprint("surveys", __name__, url_prefix="/surveys")

# --- surveys: list, form, page, sample, upload, the member's answers (helper: surveys) -----------


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
    raw = _question_of(queries.results(survey), key)
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
                      versions.tokens(db.session, *queries.TABLES)])
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
    conds = []
    if agenda_item_ids:
        conds.append(SurveyEvidence.agenda_item_id.in_(list(agenda_item_ids)))
    if motion_ids:
        conds.append(SurveyEvidence.motion_id.in_(list(motion_ids)))
    if clause_ids:
        conds.append(SurveyEvidence.clause_id.in_(list(clause_ids)))
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


class ConfirmForm(Form):
    pass


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
