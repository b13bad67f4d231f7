"""Home, health check, language switch and the glossary."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text

from govtrack.auth.forms import ConfirmForm
from govtrack.auth.models import User
from govtrack.auth.permissions import can
from govtrack.centres import queries as position_queries
from govtrack.core import clock
from govtrack.core.glossary import TERMS, glossary_url
from govtrack.core.web import safe_next
from govtrack.extensions import db
from govtrack.home import queries as home_queries
from govtrack.obligations.queries import due_soon_days
from govtrack.surveys import queries as survey_queries

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    """What needs the user's attention, by what their role may act on (admins see every part)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    parts = {}
    if can(current_user, "meetings.run"):
        parts["board"] = home_queries.board(now=clock.now())
    if can(current_user, "obligations.edit"):
        parts["manager"] = home_queries.manager(user_id=current_user.id, today=clock.today())
    if can(current_user, "positions.record") and not can(current_user, "meetings.run"):
        # a field officer: the agreements their centres may speak to now
        parts["officer"] = position_queries.under_deliberation(limit=20)
    if can(current_user, "portal.view") and not can(current_user, "agreements.view"):
        parts["member"] = home_queries.member(user=current_user, member_id=current_user.member_id, now=clock.now())
        if current_user.member_id is not None:
            parts["member_surveys"] = survey_queries.open_for_member(current_user.member_id, clock.today())
    return render_template("core/home.html", **parts, due_soon_days=due_soon_days())


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means not healthy
        db.session.rollback()
        return jsonify({"status": "unavailable"}), 503
    return jsonify({"status": "ok"})


@bp.post("/language")
def set_language():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = lang
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        user.locale = lang
        db.session.commit()
    return redirect(safe_next(url_for("core.home")))


@bp.get("/glossary")
def glossary():
    """The hard words, in both languages; open to everyone (the public pages use them too)."""
    return render_template("core/glossary.html", terms=TERMS)


bp.add_app_template_global(glossary_url)
