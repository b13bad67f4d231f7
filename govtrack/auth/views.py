"""Sign-in, sign-out, password change, and the admin's user pages."""

from __future__ import annotations

import datetime as dt
import logging

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from govtrack.auth import queries, services
from govtrack.auth.forms import (
    ConfirmForm,
    LoginForm,
    PasswordChangeForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
)
from govtrack.auth.models import User
from govtrack.auth.permissions import permission_required
from govtrack.core.clock import utcnow
from govtrack.core.web import apply_domain_error, safe_next
from govtrack.errors import DomainError
from govtrack.extensions import client_address, db, limiter

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _give_back_the_attempt() -> None:
    """A successful sign-in does not use up its address's limit, so a branch office behind one
    router (many people, one address) is never refused for signing in; failures, refusals and bad
    forms still count. The attempt was counted (atomically, before the password was checked, so
    that concurrent guesses cannot all slip past one count) and is given back here: a hit of -1 on
    the same fixed-window counter, in whichever store the limiter uses."""
    for request_limit in limiter.current_limits:
        try:
            request_limit.limiter.hit(request_limit.limit, *request_limit.request_args, cost=-1)
        except Exception:  # the store is down: the sign-in still succeeds (it was let through)
            log.warning("could not give back a sign-in attempt to the address limit", exc_info=True)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])  # per address; per account: govtrack/auth/throttle.py
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        verdict = services.begin_sign_in(email=form.email.data, address=client_address(), now=utcnow())
        db.session.commit()  # the attempt counts (or its refusal is audited) whatever follows
        if not verdict.allowed:
            form.email.errors.append(ngettext(
                "Too many failed sign-ins for this account. Try again in %(num)d second.",
                "Too many failed sign-ins for this account. Try again in %(num)d seconds.",
                verdict.retry_after,
            ))
            resp = make_response(render_template("auth/login.html", form=form), 429)
            resp.headers["Retry-After"] = str(verdict.retry_after)
            return resp
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            db.session.rollback()
            services.record_sign_in_failure(email=form.email.data, reason="wrong_credentials")
            db.session.commit()
            log.info("failed sign-in from %s", client_address())
            # One message whether the e-mail is unknown or the password wrong.
            form.password.errors.append(_("E-mail or password is wrong."))
            return render_template("auth/login.html", form=form), 401
        services.signed_in(user=user)
        db.session.commit()
        _give_back_the_attempt()
        session.clear()  # a fresh session: nothing from before sign-in survives
        login_user(user)
        session.permanent = True
        session["login_at"] = utcnow().timestamp()
        return redirect(safe_next(url_for("core.home")))
    return render_template("auth/login.html", form=form), (422 if form.errors else 200)


@bp.post("/logout")
@login_required
def logout():
    ConfirmForm().validate_on_submit() or abort(400)
    user = db.session.get(User, current_user.id)
    services.sign_out(user=user)  # a copied cookie of this session stops working
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        try:
            services.change_password(
                user=user, current=form.current_password.data, new=form.new_password.data
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
        else:
            session.clear()
            login_user(user)  # this session goes on with the new token; the others end
            session.permanent = True
            session["login_at"] = utcnow().timestamp()
            flash(_("Your password is changed. Your other sessions are signed out and your API tokens are revoked."),
                  "success")
            return redirect(url_for("core.home"))
    return render_template("auth/password.html", form=form), (422 if form.errors and status == 200 else status)


@bp.get("/admin/users")
@permission_required("users.manage")
def users():
    rows = queries.list_users(q=request.args.get("q"), role=request.args.get("role"))
    return render_template("auth/users.html", users=rows, form=ConfirmForm())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@permission_required("users.manage")
def user_new():
    form = UserCreateForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.create_user(
                actor=current_user,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data or None,
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
        else:
            flash(_("User %(email)s created.", email=user.email), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None), (422 if form.errors and status == 200 else status)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@permission_required("users.manage")
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user)
    status = 200
    if form.validate_on_submit():
        try:
            services.update_user(
                actor=current_user,
                user=user,
                name=form.name.data,
                role=form.role.data,
                active=form.active.data,
            )
            if form.password.data:
                services.set_password(actor=current_user, user=user, password=form.password.data)
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
        else:
            flash(_("User %(email)s saved.", email=user.email), "success")
            return redirect(url_for("auth.users"))
    return _edit_page(user, form), (422 if form.errors and status == 200 else status)


def _edit_page(user: User, form: UserEditForm, token_form: TokenForm | None = None) -> str:
    return render_template("auth/user_form.html", form=form, user=user, token_form=token_form or TokenForm(),
                           tokens=queries.tokens_of(user_id=user.id), now=utcnow())


# The new token waits in the session between the POST that issues it and the page that shows it,
# which takes it out: a reload of that page (or of the POST's redirect) issues nothing and shows
# nothing. The session cookie is signed and sent only to this site; it carries a token for this
# admin's eyes, who could issue any token anyway, for one request.
SHOWN_ONCE_KEY = "new_api_token"


@bp.post("/admin/users/<int:user_id>/token")
@permission_required("users.manage")
def user_token(user_id: int):
    user = db.get_or_404(User, user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _edit_page(user, UserEditForm(obj=user), form), 422
    try:
        token = services.issue_token(actor=current_user, user=user, days=form.days.data)
        db.session.commit()
    except DomainError as err:
        apply_domain_error(form, err)
        return _edit_page(user, UserEditForm(obj=user), form), err.status
    expires_at = utcnow() + dt.timedelta(days=form.days.data) if form.days.data else None
    session[SHOWN_ONCE_KEY] = {"user_id": user.id, "token": token,
                          "expires_at": expires_at.isoformat() if expires_at else None}
    return redirect(url_for("auth.user_token_shown", user_id=user.id))


@bp.get("/admin/users/<int:user_id>/token")
@permission_required("users.manage")
def user_token_shown(user_id: int):
    """The token just issued, shown once; afterwards (a reload, the back button) a note instead."""
    user = db.get_or_404(User, user_id)
    waiting = session.pop(SHOWN_ONCE_KEY, None)
    if not isinstance(waiting, dict) or waiting.get("user_id") != user.id:
        flash(_("An API token is shown only once, when it is issued, and this one was shown already. If it "
                "was not copied, revoke the tokens and issue a new one."), "info")
        return redirect(url_for("auth.user_edit", user_id=user.id))
    expires_at = dt.datetime.fromisoformat(waiting["expires_at"]) if waiting.get("expires_at") else None
    # Signed-in pages are sent with Cache-Control: no-store (web.security): the back button reloads.
    return render_template("auth/token.html", user=user, token=waiting["token"], expires_at=expires_at)


@bp.post("/admin/users/<int:user_id>/revoke-tokens")
@permission_required("users.manage")
def user_revoke_tokens(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    n = services.revoke_tokens(actor=current_user, user=user)
    db.session.commit()
    flash(_("%(n)d token(s) revoked.", n=n), "success")
    return redirect(url_for("auth.user_edit", user_id=user.id))
