"""Forums pages: forums, meetings (read as minutes), the roll-call screen, motions, the decision
register and the approval policy."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from govtrack.agreements.queries import awaiting_decision, find_agreement
from govtrack.audit.queries import head_anchor, published_anchor
from govtrack.auth.permissions import can, permission_required
from govtrack.centres import queries as rollups
from govtrack.core import clock
from govtrack.core.exports import table_response
from govtrack.core.ids import parse_id
from govtrack.core.labels import AGREEMENT_KIND, label
from govtrack.core.paging import parse_limit
from govtrack.core.web import apply_domain_error, local_path, safe_next
from govtrack.errors import DomainError, ValidationFailed
from govtrack.extensions import db
from govtrack.forums import exports, forms, queries, register, rules, services
from govtrack.forums.markdown import render as render_markdown
from govtrack.forums.models import (
    AttendanceStatus,
    Choice,
    Effect,
    MeetingStatus,
    MinutesStatus,
    MotionStatus,
    Outcome,
)
from govtrack.members import queries as member_queries
from govtrack.search import queries as search_queries

bp = Blueprint("forums", __name__, url_prefix="/forums")

AGREEMENT_KINDS = list(AGREEMENT_KIND.items())  # (code, label): one policy row per kind


def _meeting_or_404(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    if meeting is None:
        abort(404)
    return meeting


def _motion_or_404(motion_id: int):
    motion = queries.load_motion(motion_id)
    if motion is None:
        abort(404)
    return motion


def _checked(form) -> bool:
    """A posted button form with a valid CSRF token (else 400)."""
    if not form.validate_on_submit():
        abort(400)
    return True


# --- forums -----------------------------------------------------------------------------------

@bp.get("/")
@permission_required("forums.view")
def index():
    page = queries.forum_page(cursor=request.args.get("cursor"), limit=parse_limit(request.args.get("limit")))
    return render_template("forums/index.html", forums=page.items, next_cursor=page.next)


# A named list of voters is typed or pasted one member a line (the centres' chairs of a rembug pusat
# forum are a few thousand); past this many lines the form says so instead of reading them.
VOTER_LINES_MAX = 20000


def _voter_lines(text: str | None) -> tuple[list[int], list[int], list[str]]:
    """The members named by the paste box, one a line: a member number, a full name, or a number
    followed by the name ("A0001 Siti Aminah", as the picker writes them). Returns the member ids in
    the order given (each once), the line number of each, and a message per line that names no one
    ("Line 3: “Sri Komariah” not found."); a name with spaces is read as a name, never as numbers."""
    lines = [(i, " ".join(raw.split())) for i, raw in enumerate((text or "").splitlines(), 1)]
    lines = [(i, line) for i, line in lines if line]
    if len(lines) > VOTER_LINES_MAX:
        return [], [], [_("At most %(n)d lines.", n=VOTER_LINES_MAX)]
    parsed = []  # (line number, number or None, name or None)
    for i, line in lines:
        head, _sep, rest = line.partition(" ")
        head = head.rstrip(",;:")
        if member_queries.looks_like_number(head):
            parsed.append((i, head.upper(), rest.strip(" -–—,;:\t") or None))
        else:
            parsed.append((i, None, line))
    by_number = queries.members_by_number([n for _i, n, _name in parsed if n])
    by_name = queries.members_by_name([name for _i, n, name in parsed if n is None])
    ids, line_of, errors = [], [], []
    for i, number, name in parsed:
        if number is not None:
            member = by_number.get(number)
            if member is None:
                errors.append(_("Line %(line)d: no member has the number “%(n)s”.", line=i, n=number))
                continue
            if name and member_queries.fold(name) != member_queries.fold(member.name):
                errors.append(_("Line %(line)d: member no. %(n)s is %(name)s, not “%(typed)s”.", line=i, n=number,
                                name=member.name, typed=name))
                continue
        else:
            found = by_name.get(member_queries.fold(name), [])
            if not found:
                errors.append(_("Line %(line)d: “%(name)s” not found.", line=i, name=name))
                continue
            if len(found) > 1:
                errors.append(_("Line %(line)d: %(count)d members are called “%(name)s” (%(numbers)s); give the "
                                "member number.", line=i, count=len(found), name=name,
                                numbers=", ".join(m.number for m in found[:5]) + (" …" if len(found) > 5 else "")))
                continue
            member = found[0]
        if member.id not in ids:
            ids.append(member.id)
            line_of.append(i)
    return ids, line_of, errors


def _save_forum(form, forum=None) -> bool:
    """Create or edit a forum from its form; False (with the errors on the form) when refused."""
    ids, line_of, errors = ([], [], []) if form.all_members.data else _voter_lines(form.voter_numbers.data)
    try:
        if errors:
            raise ValidationFailed(_("Some lines of the list of voters name no member."),
                                   fields={"voter_numbers": errors})
        data = services.ForumData(
            name=form.name.data, code=form.code.data, kind=form.kind.data,
            all_members=form.all_members.data, voter_ids=ids,
            quorum_numerator=form.quorum_numerator.data, quorum_denominator=form.quorum_denominator.data,
            quorum_strict=form.quorum_strict.data, threshold=form.threshold.data,
            proxy_limit=form.proxy_limit.data,
        )
        if forum is None:
            services.create_forum(actor=current_user, data=data)
        else:
            services.update_forum(actor=current_user, forum=forum, data=data)
        db.session.commit()
    except DomainError as err:
        # The service names a voter by their place in the list (`voters.3`): the form by its line.
        fields = {}
        for key, messages in (err.fields or {}).items():
            head, _dot, index = key.partition(".")
            if head == "voters" and index.isdigit() and int(index) < len(line_of):
                key = "voter_numbers"
                messages = [_("Line %(line)d: %(message)s", line=line_of[int(index)], message=m) for m in messages]
            fields.setdefault(key, []).extend(messages)
        err.fields = fields
        apply_domain_error(form, err, aliases={"quorum": "quorum_numerator", "voters": "voter_numbers"})
        return False
    return True


@bp.route("/new", methods=["GET", "POST"])
@permission_required("forums.manage")
def forum_new():
    form = forms.ForumForm()
    if form.validate_on_submit() and _save_forum(form):
        flash(_("The forum is created."), "success")
        return redirect(url_for("forums.index"))
    return render_template("forums/forum_form.html", form=form), (422 if form.errors else 200)


@bp.get("/voters/search")
@permission_required("forums.manage")
def voter_search():
    """The voter picker's suggestions as JSON: members whose number or any word of whose name
    begins with what is typed, at most a dozen, each saying whether they may vote
    (static/js/voter-picker.js)."""
    q = " ".join((request.args.get("q") or "").split())[:SEARCH_MAX]
    # The roster's full-text index (each word of the number and the name, as a prefix), newest
    # first, stopped after a dozen: as fast at 280,000 members as at 100.
    hits, _next = search_queries.search(user=current_user, q=q, kind="member", limit=VOTER_SUGGESTIONS)
    found = queries.member_names([h.id for h in hits])
    items = []
    for m in (found[h.id] for h in hits if h.id in found):
        why = (_("an investor; investors have no vote") if m.investor
               else _("not an active member") if not m.active else None)
        items.append({"id": m.id, "number": m.number, "name": m.name, "group": m.group_name,
                      "line": f"{m.number} {m.name}", "eligible": why is None, "why": why})
    return jsonify({"items": items})


VOTER_SUGGESTIONS = 12


def _forum_or_404(forum_id: int):
    forum = queries.get_forum(forum_id)
    if forum is None:
        abort(404)
    return forum


@bp.get("/<int:forum_id>")
@permission_required("forums.view")
def forum(forum_id: int):
    """A forum: its rule now, and which of its meetings were decided under which rule."""
    forum = _forum_or_404(forum_id)
    recent = queries.recent_meetings(forum.id)
    return render_template(
        "forums/forum.html", forum=forum, current=rules.forum_rule(forum), rules_used=queries.rules_used(forum.id),
        recent=[(m, rules.meeting_rule(m, forum)) for m in recent],
        voters=queries.member_names(queries.voter_ids([forum.id])[forum.id]) if not forum.all_members else {},
    )


@bp.route("/<int:forum_id>/edit", methods=["GET", "POST"])
@permission_required("forums.manage")
def forum_edit(forum_id: int):
    forum = _forum_or_404(forum_id)
    voters = queries.member_names(queries.voter_ids([forum.id])[forum.id])
    listed = "\n".join(f"{m.number} {m.name}" for m in sorted(voters.values(), key=lambda m: m.number))
    form = forms.ForumForm(obj=forum, data={"voter_numbers": listed})
    if form.validate_on_submit() and _save_forum(form, forum):
        flash(_("The forum is saved. Meetings already opened keep the rule they opened under."), "success")
        return redirect(url_for("forums.forum", forum_id=forum_id))
    return render_template("forums/forum_form.html", form=form, forum=forum), (422 if form.errors else 200)


# --- meetings ---------------------------------------------------------------------------------

@bp.get("/meetings")
@permission_required("forums.view")
def meetings():
    filters = _meetings_filters()
    page = queries.meeting_page(cursor=request.args.get("cursor"), limit=parse_limit(request.args.get("limit")),
                                **filters)
    export_args = {k: v for k, v in {"status": filters["status"], "forum_id": filters["forum_id"],
                                     "minutes": filters["minutes_status"]}.items() if v}
    return render_template("forums/meetings.html", meetings=page.items, next_cursor=page.next,
                           status=filters["status"], forum_id=filters["forum_id"],
                           minutes_status=filters["minutes_status"], export_args=export_args)


def _meetings_filters() -> dict:
    """The meetings list's filters from the query string (an unknown value is no filter)."""
    status = request.args.get("status") or None
    if status not in (None, *[s.value for s in MeetingStatus]):
        status = None
    # ?minutes=draft: the meetings whose minutes wait for approval (the home page links here).
    minutes_status = request.args.get("minutes") or None
    if minutes_status not in (None, *[s.value for s in MinutesStatus]):
        minutes_status = None
    return {"status": status, "forum_id": parse_id(request.args.get("forum_id")), "minutes_status": minutes_status}


@bp.get("/meetings/export.csv")
@permission_required("forums.view")
def meetings_export_csv():
    """The meetings list with attendance (present, eligible, quorate) as CSV, with its filters."""
    return _meetings_export("csv")


@bp.get("/meetings/export.xlsx")
@permission_required("forums.view")
def meetings_export_xlsx():
    """The CSV's twin as an Excel workbook."""
    return _meetings_export("xlsx")


def _meetings_export(fmt: str):
    columns, rows = exports.meeting_table(_meetings_filters())
    return table_response(fmt, columns, rows, f"meetings-{clock.today().isoformat()}", _("Meetings"))


@bp.route("/meetings/new", methods=["GET", "POST"])
@permission_required("meetings.run")
def meeting_new():
    form = forms.MeetingForm()
    form.forum_id.choices = [SelectChoice(i, n) for i, n in queries.forum_choices()]
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(
                actor=current_user, forum=queries.get_forum(form.forum_id.data), title=form.title.data,
                starts_at=form.starts_at.data, location=form.location.data,
            )
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            return redirect(url_for("forums.meeting", meeting_id=meeting.id))
    return render_template("forums/meeting_form.html", form=form), (422 if form.errors else 200)


def _agreement_typed(form) -> int | None:
    """The agreement the form's field names (reference or number), or None; a clear field error
    when no agreement matches."""
    try:
        return find_agreement(form.agreement_id.data)
    except LookupError:
        message = _("No agreement has the reference or number “%(typed)s”.", typed=(form.agreement_id.data or "")[:100])
        raise ValidationFailed(message, fields={"agreement_id": [message]}) from None


# A meeting page names the people who attended up to this many; a larger meeting (a members' meeting
# of thousands) links to its attendance register instead, so the page stays as light at any size.
ATTENDANCE_INLINE = 60


def _meeting_page(meeting, *, agenda_form=None, minutes_form=None, officers_form=None, status: int = 200):
    forum = meeting.forum
    rule = rules.meeting_rule(meeting, forum)
    counts = queries.attendance_counts(meeting.id)
    attendance = queries.attendance_list(meeting.id, limit=ATTENDANCE_INLINE + 1)
    motion_ids = [m.id for m in meeting.motions]
    votes = queries.votes_by_motion(motion_ids)
    recused = queries.recused_by_motion(meeting.motions, queries.attending_ids(meeting.id))
    recused_members = queries.member_names(set().union(*recused.values()) if recused else [])
    eligible = queries.meeting_eligible_count(meeting, forum)
    present = queries.present_count(meeting, forum)
    roster_change = queries.roster_change(meeting, forum, eligible)
    live_counts = queries.vote_counts(motion_ids)
    agenda_form = agenda_form or forms.AgendaForm()
    # Only a meeting that still changes shows the agenda form and its suggestions.
    changing = meeting.status in (MeetingStatus.scheduled, MeetingStatus.open)
    awaiting = awaiting_decision() if changing and can(current_user, "meetings.run") else []
    minutes_form = minutes_form or forms.MinutesForm(data={"minutes": meeting.minutes})
    officers = queries.member_names([i for i in (meeting.chair_member_id, meeting.secretary_member_id) if i])
    officers_form = officers_form or forms.OfficersForm(data={
        "chair_number": officers[meeting.chair_member_id].number if meeting.chair_member_id else "",
        "secretary_number": officers[meeting.secretary_member_id].number if meeting.secretary_member_id else ""})
    # A closed meeting prints the anchor kept when it closed (or its minutes were approved), the
    # same on every reprint; a meeting still under way prints the head as it is now.
    kept = published_anchor("meeting", meeting.id) if meeting.status == MeetingStatus.closed else None
    # what the rembug pusat said, under each agenda item about an agreement (its clauses, or all):
    # as it stands now, or for a closed meeting as it stood when the meeting closed
    about = [item for item in meeting.agenda if item.agreement is not None]
    said_by = (rollups.deliberations_at([(item.id, item.agreement_id, meeting.closed_at) for item in about])
               if meeting.status == MeetingStatus.closed and meeting.closed_at else None)
    agenda_rollups = {item.id: rollups.rollup_page(item.agreement, clause_ids=[c.id for c in item.clauses] or None,
                                                   names=True, deliberation=said_by.get(item.id) if said_by else None)
                      for item in about if said_by is None or item.id in said_by}
    return render_template(
        "forums/meeting.html", rollups=agenda_rollups, show_names=True, folded=True, meeting=meeting, forum=forum, votes=votes, counts=counts,
        attendance=attendance if len(attendance) <= ATTENDANCE_INLINE else None,
        recused=recused, recused_members=recused_members, eligible=eligible, present=present,
        needed=rule.quorum_needed(eligible=eligible), quorate=rule.is_quorate(present=present, eligible=eligible),
        rule=rule, officers=officers, officers_form=officers_form, reason_form=forms.ReasonForm(),
        live_counts=live_counts, minutes_html=render_markdown(meeting.minutes), agenda_form=agenda_form,
        awaiting=awaiting, roster_change=roster_change, has_roll=queries.has_roll(meeting),
        minutes_form=minutes_form, confirm=forms.ConfirmForm(), anchor=kept or head_anchor(),
        anchor_kept=kept is not None,
    ), status


@bp.get("/meetings/<int:meeting_id>")
@permission_required("forums.view")
def meeting(meeting_id: int):
    return _meeting_page(_meeting_or_404(meeting_id))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@permission_required("meetings.run")
def meeting_edit(meeting_id: int):
    """Edit or reschedule a scheduled meeting: title, time, place."""
    meeting = _meeting_or_404(meeting_id)
    if request.method == "GET" and meeting.status != MeetingStatus.scheduled:
        flash(_("Only a scheduled meeting can be edited: this one is %(status)s.",
                status=label("meeting_status", meeting.status).lower()), "danger")
        return redirect(url_for("forums.meeting", meeting_id=meeting_id))
    form = forms.MeetingEditForm(data={"title": meeting.title, "location": meeting.location,
                                       "starts_at": meeting.starts_at})
    status = 200
    if form.validate_on_submit():
        try:
            services.update_meeting(actor=current_user, meeting=meeting, title=form.title.data,
                                    starts_at=form.starts_at.data,
                                    location=form.location.data)
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
        else:
            flash(_("The meeting is saved."), "success")
            return redirect(url_for("forums.meeting", meeting_id=meeting_id))
    elif form.errors:
        status = 422
    return render_template("forums/meeting_edit.html", form=form, meeting=meeting), status


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@permission_required("meetings.run")
def meeting_cancel(meeting_id: int):
    """Cancel a scheduled meeting with a reason (it stays listed, struck through)."""
    meeting = _meeting_or_404(meeting_id)
    if request.method == "GET" and meeting.status != MeetingStatus.scheduled:
        flash(_("Only a scheduled meeting can be cancelled: this one is %(status)s.",
                status=label("meeting_status", meeting.status).lower()), "danger")
        return redirect(url_for("forums.meeting", meeting_id=meeting_id))
    form = forms.ReasonForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.cancel_meeting(actor=current_user, meeting=meeting, reason=form.reason.data)
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
        else:
            flash(_("The meeting is cancelled."), "success")
            return redirect(url_for("forums.meeting", meeting_id=meeting_id))
    elif form.errors:
        status = 422
    return render_template("forums/meeting_cancel.html", form=form, meeting=meeting), status


@bp.post("/meetings/<int:meeting_id>/officers")
@permission_required("meetings.run")
def meeting_officers(meeting_id: int):
    """Record the chair and the secretary who sign the minutes (by member number)."""
    meeting = _meeting_or_404(meeting_id)
    form = forms.OfficersForm()
    if form.validate_on_submit():
        try:
            numbers = {"chair_number": (form.chair_number.data or "").strip(),
                       "secretary_number": (form.secretary_number.data or "").strip()}
            ids = queries.member_ids_by_number(numbers.values())
            unknown = {f: [_("No member has the number %(n)s.", n=n)] for f, n in numbers.items() if n and n not in ids}
            if unknown:
                raise ValidationFailed(next(iter(unknown.values()))[0], fields=unknown)
            services.set_officers(actor=current_user, meeting=meeting,
                                  chair_member_id=ids.get(numbers["chair_number"]),
                                  secretary_member_id=ids.get(numbers["secretary_number"]))
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            return _meeting_page(_meeting_or_404(meeting_id), officers_form=form, status=err.status)
        flash(_("The chair and the secretary are saved."), "success")
        return redirect(url_for("forums.meeting", meeting_id=meeting_id, _anchor="signatures"))
    return _meeting_page(meeting, officers_form=form, status=422)


@bp.get("/meetings/<int:meeting_id>/attendance")
@permission_required("forums.view")
def attendance(meeting_id: int):
    """The attendance register: everyone recorded, present first, printable."""
    meeting = _meeting_or_404(meeting_id)
    return render_template("forums/attendance.html", meeting=meeting, counts=queries.attendance_counts(meeting.id),
                           attendance=queries.attendance_list(meeting.id))


# Lines of the register of voters on one page (a members' meeting of 280,000 prints page by page
# or one rembug group at a time).
VOTERS_PAGE = 500
# Up to this many rembug groups the register offers them in a list; past it (a members' meeting has
# thousands) the group's name is typed.
GROUP_CHOICES = 200


@bp.get("/meetings/<int:meeting_id>/voters")
@permission_required("forums.view")
def voters(meeting_id: int):
    """The register of voters (daftar pemilih): the roll fixed when the meeting opened, by member
    number, with each voter's attendance once it is taken; printable."""
    meeting = _meeting_or_404(meeting_id)
    forum = meeting.forum
    group = " ".join((request.args.get("group") or "").split())[:SEARCH_MAX] or None
    total = queries.meeting_eligible_count(meeting, forum)
    try:
        page = queries.roll_page(meeting, forum, cursor=request.args.get("cursor"), limit=VOTERS_PAGE, group=group,
                                 size=total)
    except ValidationFailed:
        abort(400)
    counts = queries.attendance_counts(meeting.id)
    holders = queries.member_names([r.proxy_holder_id for r in page.items if r.proxy_holder_id])
    return render_template(
        "forums/voters.html", meeting=meeting, forum=forum, rows=page.items, next_cursor=page.next,
        holders=holders, total=total, fixed=queries.has_roll(meeting),
        attendance_taken=any(counts.values()), group=group,
        groups=queries.group_names(meeting, forum, total, limit=GROUP_CHOICES + 1), group_choices=GROUP_CHOICES,
    )


def _meeting_action(meeting_id: int, action, done: str):
    meeting = _meeting_or_404(meeting_id)
    _checked(forms.ConfirmForm())
    back = safe_next(url_for("forums.meeting", meeting_id=meeting_id))
    try:
        action(actor=current_user, meeting=meeting)
        db.session.commit()
    except DomainError as err:
        apply_domain_error(None, err)
        return redirect(url_for("forums.meeting", meeting_id=meeting_id)), 303
    flash(done, "success")
    return redirect(back)


def _confirm_page(*, title: str, heading: str, consequences: list[str], action: str, button: str,
                  cancel: str, meeting, motion=None, preview=None, blockers: list[str] | None = None,
                  minutes_html=None):
    """The page between a button and an action that cannot be undone: it says what will happen and
    posts the action only when confirmed (no script needed)."""
    return render_template(
        "forums/confirm.html", title=title, heading=heading, consequences=consequences, action=action,
        button=button, cancel=cancel, meeting=meeting, motion=motion, preview=preview, blockers=blockers or [],
        minutes_html=minutes_html, confirm=forms.ConfirmForm(), next=local_path(request.args.get("next")),
    )


@bp.get("/meetings/<int:meeting_id>/close")
@permission_required("meetings.run")
def meeting_close_confirm(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    blockers = []
    if meeting.status != MeetingStatus.open:
        blockers.append(_("Only an open meeting is closed; this one is %(status)s.",
                          status=label("meeting_status", meeting.status).lower()))
    still_open = [m.title for m in meeting.motions if m.status == MotionStatus.open]
    if still_open:
        blockers.append(_("Close or withdraw every motion before closing the meeting; still open: %(titles)s.",
                          titles=", ".join(f"“{t}”" for t in still_open)))
    return _confirm_page(
        title=_("Close the meeting"), heading=_("Close the meeting “%(t)s”?", t=meeting.title),
        consequences=[
            _("Closing is final: attendance, the agenda, motions and votes of this meeting change no more."),
            _("The minutes can still be written and corrected until they are approved."),
        ],
        action=url_for("forums.meeting_close", meeting_id=meeting_id), button=_("Yes, close the meeting"),
        cancel=url_for("forums.meeting", meeting_id=meeting_id), meeting=meeting, blockers=blockers,
    )


@bp.get("/meetings/<int:meeting_id>/minutes/approve")
@permission_required("meetings.run")
def minutes_approve_confirm(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    blockers = []
    if meeting.status != MeetingStatus.closed:
        blockers.append(_("Minutes are approved after the meeting closes."))
    elif meeting.minutes_status == MinutesStatus.approved:
        blockers.append(_("These minutes are already approved."))
    elif not meeting.minutes:
        blockers.append(_("There are no minutes to approve."))
    return _confirm_page(
        title=_("Approve the minutes"), heading=_("Approve the minutes of “%(t)s”?", t=meeting.title),
        consequences=[
            _("Approved minutes are final: nobody can edit them afterwards."),
            _("The current audit anchor is kept with them and printed on every copy."),
        ],
        action=url_for("forums.minutes_approve", meeting_id=meeting_id), button=_("Yes, approve the minutes"),
        cancel=url_for("forums.meeting", meeting_id=meeting_id, _anchor="minutes"), meeting=meeting,
        blockers=blockers, minutes_html=render_markdown(meeting.minutes),
    )


@bp.post("/meetings/<int:meeting_id>/open")
@permission_required("meetings.run")
def meeting_open(meeting_id: int):
    return _meeting_action(meeting_id, services.open_meeting, _("The meeting is open."))


@bp.post("/meetings/<int:meeting_id>/close")
@permission_required("meetings.run")
def meeting_close(meeting_id: int):
    return _meeting_action(meeting_id, services.close_meeting, _("The meeting is closed."))


@bp.post("/meetings/<int:meeting_id>/minutes/approve")
@permission_required("meetings.run")
def minutes_approve(meeting_id: int):
    return _meeting_action(meeting_id, services.approve_minutes, _("The minutes are approved."))


@bp.post("/meetings/<int:meeting_id>/minutes")
@permission_required("meetings.run")
def minutes(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.MinutesForm()
    if form.validate_on_submit():
        try:
            services.set_minutes(actor=current_user, meeting=meeting, text=form.minutes.data)
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            return _meeting_page(_meeting_or_404(meeting_id), minutes_form=form, status=err.status)
        flash(_("The minutes are saved."), "success")
        return redirect(url_for("forums.meeting", meeting_id=meeting_id, _anchor="minutes"))
    return _meeting_page(meeting, minutes_form=form, status=422)


@bp.post("/meetings/<int:meeting_id>/agenda")
@permission_required("meetings.run")
def agenda_add(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.AgendaForm()
    if form.validate_on_submit():
        try:
            agreement_id = _agreement_typed(form)
            clause_ids = []
            numbers = getattr(form, "numbers", [])
            if numbers:
                if agreement_id is None:
                    raise ValidationFailed(_("Clauses belong to an agreement; choose it."),
                                           fields={"clause_numbers": [_("Choose the agreement.")]})
                found = queries.clause_ids_by_number(agreement_id, numbers)
                missing = sorted(set(numbers) - set(found))
                if missing:
                    message = _("The agreement has no clause %(n)s.", n=", ".join(str(n) for n in missing))
                    raise ValidationFailed(message, fields={"clause_numbers": [message]})
                clause_ids = list(found.values())
            services.add_agenda_item(actor=current_user, meeting=meeting, title=form.title.data,
                                     agreement_id=agreement_id, clause_ids=clause_ids)
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err, aliases={"clause_ids": "clause_numbers"})
            return _meeting_page(_meeting_or_404(meeting_id), agenda_form=form, status=err.status)
        flash(_("The item is on the agenda."), "success")
        return redirect(url_for("forums.meeting", meeting_id=meeting_id, _anchor="agenda"))
    return _meeting_page(meeting, agenda_form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/motions/new", methods=["GET", "POST"])
@permission_required("meetings.run")
def motion_new(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    form = forms.MotionForm()
    if meeting.status == MeetingStatus.closed:
        flash(_("This meeting is closed; it changes no more."), "danger")
        return redirect(url_for("forums.meeting", meeting_id=meeting_id)), 303
    if meeting.status == MeetingStatus.cancelled:
        flash(_("This meeting was cancelled; it cannot be opened and nothing can be added to it."), "danger")
        return redirect(url_for("forums.meeting", meeting_id=meeting_id)), 303
    # A motion may only be about an agreement on this meeting's agenda: those are the suggestions
    # (read before a refused write's rollback expires the meeting's agenda).
    on_agenda = {i.agreement.id: (i.agreement.id, i.agreement.reference, i.agreement.title)
                 for i in meeting.agenda if i.agreement is not None}
    status = 200
    if form.validate_on_submit():
        try:
            agreement_id = _agreement_typed(form)
            amendments = []
            parsed = getattr(form, "parsed", [])
            if parsed:
                if agreement_id is None:
                    raise ValidationFailed(_("Amendments need the agreement."),
                                           fields={"agreement_id": [_("Choose the agreement.")]})
                found = queries.clause_ids_by_number(agreement_id, [n for n, _t in parsed])
                missing = [n for n, _t in parsed if n not in found]
                if missing:
                    message = _("The agreement has no clause %(n)s.", n=", ".join(str(n) for n in missing))
                    raise ValidationFailed(message, fields={"amendments": [message]})
                amendments = [services.AmendmentData(found[n], t) for n, t in parsed]
            motion = services.create_motion(actor=current_user, meeting=meeting, data=services.MotionData(
                title=form.title.data, text=form.text.data, effect=form.effect.data, agreement_id=agreement_id,
                amendments=amendments, obligation_id=form.obligation_id.data,
                corrects_motion_id=form.corrects_motion_id.data,
            ))
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            status = err.status
        else:
            return redirect(url_for("forums.motion", motion_id=motion.id))
    elif form.errors:
        status = 422
    return render_template("forums/motion_form.html", form=form, meeting=meeting,
                           awaiting=list(on_agenda.values())), status


# --- the roll-call screen ---------------------------------------------------------------------

ROLL_CALL_LIMIT = 300
SEARCH_MAX = 200


def _roll_call_context(meeting, motion):
    # Bounded as every other search: SQLite refuses a LIKE pattern past 50,000 bytes (a 500).
    group = (request.values.get("group") or "")[:SEARCH_MAX] or None
    q = (request.values.get("q") or "")[:SEARCH_MAX] or None
    forum = meeting.forum
    eligible = queries.meeting_eligible_count(meeting, forum)
    rows = queries.roll_call_rows(meeting, group=group, q=q, limit=ROLL_CALL_LIMIT, size=eligible)
    ids = [m.id for m in rows]
    attendance = queries.attendance_map(meeting.id, ids)
    holders = queries.member_names([a.proxy_holder_id for a in attendance.values() if a.proxy_holder_id])
    voted: dict[int, str] = {}
    recused: set[int] = set()
    if motion is not None:
        voted = {v.member_id: v.choice for v in queries.votes_by_motion([motion.id])[motion.id]}
        recused = queries.recused_by_motion([motion], ids)[motion.id]
    present = queries.present_count(meeting, forum)
    counts = queries.vote_counts([motion.id])[motion.id] if motion is not None else None
    return {
        "meeting": meeting, "forum": forum, "rows": rows, "attendance": attendance, "holders": holders,
        "voted": voted, "recused": recused, "motion": motion, "open_motions": queries.open_motions(meeting.id),
        "groups": queries.group_names(meeting, forum, eligible), "group": group, "q": q, "limit": ROLL_CALL_LIMIT,
        "eligible": eligible, "present": present, "counts": counts,
        "needed": rules.meeting_rule(meeting, forum).quorum_needed(eligible=eligible),
        "form": forms.ConfirmForm(), "errors": {}, "general_errors": [], "error_message": None,
    }


def _chosen_motion(meeting):
    motion_id = parse_id(request.values.get("motion"))
    if motion_id is not None:
        motion = next((m for m in meeting.motions if m.id == motion_id), None)
        if motion is None:
            abort(404)
        return motion
    return next((m for m in meeting.motions if m.status == MotionStatus.open), None)


@bp.route("/meetings/<int:meeting_id>/roll-call", methods=["GET", "POST"])
@permission_required("meetings.run")
def roll_call(meeting_id: int):
    meeting = _meeting_or_404(meeting_id)
    motion = _chosen_motion(meeting)
    if request.method == "POST":
        _checked(forms.ConfirmForm())
        entries, votes = [], []
        try:
            entries, votes, unreadable = _parse_roll_call(meeting, motion)
            if unreadable:
                _check_the_other_rows(meeting, motion, entries, votes, unreadable)
            summary = services.record_roll_call(actor=current_user, meeting=meeting, entries=entries,
                                                motion=motion, votes=votes)
            db.session.commit()
        except DomainError as err:
            db.session.rollback()
            ctx = _roll_call_context(_meeting_or_404(meeting_id), motion and queries.load_motion(motion.id))
            ctx["errors"], ctx["general_errors"] = _row_errors(err, entries, votes)
            ctx["error_message"] = err.message
            ctx["submitted"] = _as_submitted(entries)
            return render_template("forums/roll_call.html", **ctx), err.status
        flash(_("Recorded: %(a)d attendance changes, %(v)d votes.", a=summary["attendance"], v=summary["votes"]),
              "success")
        return redirect(url_for("forums.roll_call", meeting_id=meeting_id, motion=motion.id if motion else None,
                                group=request.form.get("group") or None, q=request.form.get("q") or None))
    ctx = _roll_call_context(meeting, motion)
    ctx["submitted"] = None
    return render_template("forums/roll_call.html", **ctx)


def _as_submitted(entries) -> dict[str, str]:
    """The screen's entries as they were typed, shown again after a refusal (nothing is lost): the
    posted form, with the rows "everyone present" filled in marked present."""
    submitted = request.form.to_dict()
    for e in entries:
        submitted.setdefault(f"att-{e.member_id}", e.status)
    return submitted


def _row_errors(err: DomainError, entries, votes) -> tuple[dict[str, list[str]], list[str]]:
    """The service names rows as the API does (`3.proxy_holder_id`, `votes.2.member_id`: the index of
    the entry it was given); the screen names them by the input of the member's row (`holder-17`)."""
    by_row: dict[str, list[str]] = {}
    general: list[str] = []
    inputs = {"status": "att", "member_id": "att", "proxy_holder_id": "holder"}
    for key, messages in (err.fields or {}).items():
        parts = key.split(".")
        target = None
        if key.startswith(("att-", "holder-", "vote-")):
            target = key
        elif len(parts) == 2 and parts[0].isdigit() and int(parts[0]) < len(entries) and parts[1] in inputs:
            target = f"{inputs[parts[1]]}-{entries[int(parts[0])].member_id}"
        elif len(parts) == 3 and parts[0] == "votes" and parts[1].isdigit() and int(parts[1]) < len(votes):
            target = f"vote-{votes[int(parts[1])][0]}"
        if target is None:
            general.extend(str(m) for m in messages)
        else:
            by_row.setdefault(target, []).extend(str(m) for m in messages)
    if not by_row and not general:
        general.append(err.message)
    return by_row, general


def _parse_roll_call(meeting, motion):
    """The rows of the submitted screen: attendance that changed, new votes, and the refusals of the
    rows whose proxy holder cannot be read (by the row's input; those rows are left out of the entries)."""
    try:
        ids = [int(x) for x in request.form.getlist("row")]
    except ValueError:
        raise ValidationFailed(_("The form was damaged; reload the page."), fields={}) from None
    current = queries.attendance_map(meeting.id, ids)
    holder_numbers = {i: (request.form.get(f"holder-{i}") or "").strip()[:SEARCH_MAX] for i in ids}
    by_number = queries.member_ids_by_number([n for n in holder_numbers.values() if n])
    entries, votes, missing, unknown = [], [], [], []
    # "Everyone present": each row shown with no attendance chosen counts as present (what
    # static/js/roll-call.js does on the screen before saving, when scripts run).
    fill = AttendanceStatus.present.value if request.form.get("fill") == "present" else ""
    for i in ids:
        status = request.form.get(f"att-{i}") or (fill if i not in current else "")
        holder_id = None
        if status == AttendanceStatus.proxy:
            number = holder_numbers[i]
            holder_id = by_number.get(number)
            if not number:
                missing.append(i)
            elif holder_id is None:
                unknown.append(i)
        if status in {s.value for s in AttendanceStatus}:
            row = current.get(i)
            if row is None or (row.status, row.proxy_holder_id) != (status, holder_id):
                entries.append(services.AttendanceEntry(i, status, holder_id))
        choice = request.form.get(f"vote-{i}") or ""
        if choice in {c.value for c in Choice}:
            votes.append((i, choice))
    unreadable: dict[str, list[str]] = {}
    if missing or unknown:
        names = queries.member_names(missing + unknown)
        for i in missing:
            unreadable[f"holder-{i}"] = [_("%(who)s is represented by proxy: give the member number of the proxy "
                                           "holder.", who=_member_words(names.get(i)))]
        for i in unknown:
            unreadable[f"holder-{i}"] = [_("No member has the number “%(n)s” (the proxy holder given for %(who)s).",
                                           n=holder_numbers[i], who=_member_words(names.get(i)))]
        # Those rows are reported as they are; the rest are still checked (_check_the_other_rows).
        bad = set(missing) | set(unknown)
        entries = [e for e in entries if e.member_id not in bad]
    # Holders first so that a proxy given to someone marked present in the same submit is valid.
    entries.sort(key=lambda e: e.status != AttendanceStatus.present)
    return entries, votes, unreadable


class _DryRun(Exception):
    """Ends a check of the other rows, whose writes are then undone."""


def _check_the_other_rows(meeting, motion, entries, votes, unreadable: dict[str, list[str]]) -> None:
    """Some rows could not be read (a proxy holder's number missing or unknown): the service still
    checks the others inside a savepoint that is always rolled back, so that one submit reports every
    row that needs a correction; then the whole submit is refused, nothing recorded."""
    fields = dict(unreadable)
    try:
        with db.session.begin_nested():
            services.record_roll_call(actor=current_user, meeting=meeting, entries=entries, motion=motion,
                                      votes=votes)
            raise _DryRun
    except _DryRun:
        pass
    except DomainError as err:
        by_row, general = _row_errors(err, entries, votes)
        for key, messages in by_row.items():
            fields.setdefault(key, []).extend(messages)
        if general:
            fields["rows"] = general
    raise ValidationFailed(_("Some rows need a correction."), fields=fields)


def _member_words(member) -> str:
    if member is None:
        return _("an unknown member")
    return _("%(name)s (member no. %(number)s)", name=member.name, number=member.number)


# --- motions ----------------------------------------------------------------------------------

@bp.get("/motions/<int:motion_id>")
@permission_required("forums.view")
def motion(motion_id: int, tally_form=None, reason_form=None, status: int = 200,
           tally_errors: list[str] | None = None):
    motion = _motion_or_404(motion_id)
    meeting = motion.meeting
    forum = meeting.forum
    rule = rules.meeting_rule(meeting, forum)
    votes = queries.votes_by_motion([motion.id])[motion.id]
    eligible, present = queries.meeting_eligible_count(meeting, forum), queries.present_count(meeting, forum)
    tally_form = tally_form or forms.TallyForm(data={"yes": motion.tally_yes, "no": motion.tally_no,
                                                     "abstain": motion.tally_abstain})
    rollup, decided = _rollup_of_decision(motion.decision, motion.agreement, names=True)
    return render_template(
        "forums/motion.html", rollup=rollup, decided=decided, show_names=True, motion=motion, meeting=meeting, forum=forum, votes=votes,
        counts=queries.vote_counts([motion.id])[motion.id], eligible=eligible, present=present,
        quorate=rule.is_quorate(present=present, eligible=eligible), rule=rule,
        tally_form=tally_form, tally_errors=tally_errors or [], confirm=forms.ConfirmForm(),
        reason_form=reason_form or forms.ReasonForm(),
        recused=queries.member_names(queries.recused_by_motion([motion])[motion.id]),
    ), status


@bp.post("/motions/<int:motion_id>/tally")
@permission_required("meetings.run")
def motion_tally(motion_id: int):
    motion_obj = _motion_or_404(motion_id)
    form = forms.TallyForm()
    if form.validate_on_submit():
        try:
            services.record_tally(actor=current_user, motion=motion_obj, yes=form.yes.data, no=form.no.data,
                                  abstain=form.abstain.data)
            db.session.commit()
        except DomainError as err:
            # A count larger than the attendance is about the three counts together: shown under them.
            apply_domain_error(form, err)
            return motion(motion_id, tally_form=form, status=err.status,
                          tally_errors=[str(m) for m in err.fields.get("tally", [])])
        flash(_("The tally is recorded."), "success")
        return redirect(url_for("forums.motion", motion_id=motion_id))
    return motion(motion_id, tally_form=form, status=422)


def _motion_action(motion_id: int, action, done: str):
    motion_obj = _motion_or_404(motion_id)
    _checked(forms.ConfirmForm())
    back = safe_next(url_for("forums.motion", motion_id=motion_id))
    try:
        action(actor=current_user, motion=motion_obj)
        db.session.commit()
    except DomainError as err:
        apply_domain_error(None, err)
        return redirect(url_for("forums.motion", motion_id=motion_id)), 303
    flash(done, "success")
    return redirect(back)


@bp.get("/motions/<int:motion_id>/consensus")
@permission_required("meetings.run")
def motion_consensus_confirm(motion_id: int):
    motion_obj = _motion_or_404(motion_id)
    meeting = motion_obj.meeting
    blockers = []
    if motion_obj.status != MotionStatus.open:
        blockers.append(_("This motion is closed; its votes never change."))
    elif meeting.status != MeetingStatus.open:
        blockers.append(_("The meeting is not open."))
    elif motion_obj.method is not None:
        blockers.append(_("Votes were already cast on this motion; close the vote instead."))
    preview = services.close_preview(motion_obj) if not blockers else None
    if preview is not None and preview.outcome == Outcome.no_quorum:
        blockers.append(_("No quorum: %(p)d of %(e)d eligible present; consensus needs a quorate meeting.",
                          p=preview.present, e=preview.eligible))
    consequences = [
        _("The motion is recorded as carried by consensus (mufakat), with no objection, and closed for good."),
        _("A carried motion becomes a numbered decision and applies its effect at once: %(effect)s.",
          effect=label("motion_effect", motion_obj.effect).lower()
          + (f" — {motion_obj.agreement.title}" if motion_obj.agreement else ""))
        if motion_obj.effect != Effect.none else _("A carried motion becomes a numbered decision."),
    ]
    return _confirm_page(
        title=_("Carried by consensus (mufakat)"),
        heading=_("Record “%(t)s” as carried by consensus?", t=motion_obj.title), consequences=consequences,
        action=url_for("forums.motion_consensus", motion_id=motion_id), button=_("Yes, carried by consensus"),
        cancel=url_for("forums.motion", motion_id=motion_id), meeting=meeting, motion=motion_obj, blockers=blockers,
    )


@bp.get("/motions/<int:motion_id>/close")
@permission_required("meetings.run")
def motion_close_confirm(motion_id: int):
    motion_obj = _motion_or_404(motion_id)
    meeting = motion_obj.meeting
    blockers = []
    if motion_obj.status != MotionStatus.open:
        blockers.append(_("This motion is closed; its votes never change."))
    elif meeting.status != MeetingStatus.open:
        blockers.append(_("The meeting is not open."))
    preview = services.close_preview(motion_obj) if not blockers else None
    if preview is not None and preview.refusal:
        blockers.append(preview.refusal)
    consequences = [_("Closing the vote is final: its votes never change afterwards; a correction is a new motion "
                      "that names this one.")]
    if preview is not None and preview.outcome == Outcome.carried and motion_obj.effect != Effect.none:
        consequences.append(_("A carried motion becomes a numbered decision and applies its effect at once: "
                              "%(effect)s.", effect=label("motion_effect", motion_obj.effect).lower()
                              + (f" — {motion_obj.agreement.title}" if motion_obj.agreement else "")))
    elif preview is not None and preview.outcome == Outcome.carried:
        consequences.append(_("A carried motion becomes a numbered decision."))
    return _confirm_page(
        title=_("Close the vote"), heading=_("Close the vote on “%(t)s”?", t=motion_obj.title),
        consequences=consequences, action=url_for("forums.motion_close", motion_id=motion_id),
        button=_("Yes, close the vote"), cancel=url_for("forums.motion", motion_id=motion_id), meeting=meeting,
        motion=motion_obj, preview=preview, blockers=blockers,
    )


@bp.post("/motions/<int:motion_id>/withdraw")
@permission_required("meetings.run")
def motion_withdraw(motion_id: int):
    """Withdraw a motion before it is closed, with a reason."""
    motion_obj = _motion_or_404(motion_id)
    form = forms.ReasonForm()
    if form.validate_on_submit():
        try:
            services.withdraw_motion(actor=current_user, motion=motion_obj, reason=form.reason.data)
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
            return motion(motion_id, reason_form=form, status=err.status)
        flash(_("The motion is withdrawn."), "success")
        return redirect(url_for("forums.motion", motion_id=motion_id))
    return motion(motion_id, reason_form=form, status=422)


@bp.post("/motions/<int:motion_id>/consensus")
@permission_required("meetings.run")
def motion_consensus(motion_id: int):
    return _motion_action(motion_id, services.consensus, _("Carried by consensus (mufakat)."))


@bp.post("/motions/<int:motion_id>/close")
@permission_required("meetings.run")
def motion_close(motion_id: int):
    return _motion_action(motion_id, services.close_motion, _("The vote is closed."))


# --- decisions and the approval policy ---------------------------------------------------------

def _register_filter(form) -> tuple[register.RegisterFilter | None, str | None]:
    """The register's filter from its form (None when a field is wrong: the form then says which),
    and how the chip names the agreement asked for."""
    agreement_id = None
    if form.validate() and form.agreement_id.data:
        try:
            agreement_id = find_agreement(form.agreement_id.data)
        except LookupError:
            form.agreement_id.errors.append(
                _("No agreement has the reference or number “%(typed)s”.", typed=form.agreement_id.data[:100]))
    if form.errors:
        return None, None
    return register.RegisterFilter(
        forum_id=int(form.forum_id.data) if form.forum_id.data else None, year=form.year.data,
        date_from=form.date_from.data, date_to=form.date_to.data, agreement_id=agreement_id,
        effect=form.effect.data or None, q=(form.q.data or "").strip() or None,
    ), register.agreement_label(agreement_id)


def _decided_by_clause(records, rows) -> dict[int, str]:
    """clause id -> what the decision did to it, in words: the clause's new status, else the
    agreement's (an approval approves every point)."""
    on_clause = {e.id: label("clause_status", e.to) for e in records if e.object == "clause" and e.to}
    on_agreement = next((label("agreement_status", e.to) for e in records
                         if e.object == "agreement" and e.to and not e.awaiting), None)
    return {r.clause.id: on_clause.get(r.clause.id) or on_agreement or _("No change") for r in rows}


def _rollup_of_decision(decision, agreement, *, effects=None, names: bool):
    """The centres' roll-up beside a motion or decision about an agreement: of the deliberation the
    decision was taken in (the current one before any decision), with what it decided per clause."""
    if agreement is None:
        return None, {}
    deliberation = None
    if decision is not None:
        deliberation = rollups.deliberations_at([(decision.id, agreement.id, decision.created_at)]).get(decision.id)
        if deliberation is None:
            return None, {}  # decided before any centre spoke
    page = rollups.rollup_page(agreement, deliberation=deliberation, names=names)
    if page is None or decision is None:
        return page, {}
    if effects is None:
        effects = register.effect_records([decision])[decision.id]
    return page, _decided_by_clause(effects, page.rows)


def _centres_said(decisions) -> dict[int, list]:
    """decision id -> per clause the centres per position, for the register's short line: two
    queries for the whole page (which deliberation each decision closed, and one GROUP BY)."""
    about = [(d.id, d.agreement_id, d.created_at) for d in decisions if d.agreement_id is not None]
    deliberations = rollups.deliberations_at(about)
    said = rollups.summaries((a, deliberations[i]) for i, a, _at in about if i in deliberations)
    return {i: said.get((a, deliberations[i]), []) for i, a, _at in about if i in deliberations}


def _register_form():
    return forms.DecisionFilterForm(request.args, forums=queries.forum_choices())


@bp.get("/decisions")
@permission_required("decisions.view")
def decisions():
    """The decision register: filtered by forum, year, dates, agreement and effect, and searched."""
    form = _register_form()
    filters, agreement_name = _register_filter(form)
    if filters is None:
        return render_template("forums/decisions.html", form=form, decisions=[], next_cursor=None, effects={},
                               filters=None, anchor=head_anchor()), 422
    page = register.register_page(filters, cursor=request.args.get("cursor"),
                                  limit=parse_limit(request.args.get("limit")))
    return render_template("forums/decisions.html", form=form, decisions=page.items, next_cursor=page.next,
                           effects=register.effect_records(page.items), filters=filters,
                           centres_said=_centres_said(page.items),
                           agreement_name=agreement_name, anchor=head_anchor())


@bp.get("/decisions/export.csv")
@permission_required("decisions.view")
def decisions_export_csv():
    """The register as CSV, with the page's filters."""
    return _decisions_export("csv")


@bp.get("/decisions/export.xlsx")
@permission_required("decisions.view")
def decisions_export_xlsx():
    """The CSV's twin as an Excel workbook: the same rows in typed cells."""
    return _decisions_export("xlsx")


def _decisions_export(fmt: str):
    form = _register_form()
    filters, _name = _register_filter(form)
    if filters is None:
        return render_template("forums/decisions.html", form=form, decisions=[], next_cursor=None, effects={},
                               filters=None, anchor=head_anchor()), 422
    columns, rows = exports.decision_table(filters)
    return table_response(fmt, columns, rows, f"decisions-{clock.today().isoformat()}", _("Decisions"))


@bp.get("/decisions/<int:decision_id>")
def decision(decision_id: int):
    """One decision as its record. Staff read every decision (and a roll-call's named votes);
    a member or a visitor reads one about an agreement published to them, and any other is 404,
    as a decision that does not exist."""
    record = register.visible_decision(decision_id, user=current_user)
    if record is None:
        abort(404)
    effects = register.effect_records([record])[record.id]
    # staff read which centres were not heard; a member or a visitor only the counts
    rollup, decided = _rollup_of_decision(record, record.agreement, effects=effects,
                                          names=can(current_user, "centres.view"))
    return render_template(
        "forums/decision.html", d=record, motion=record.motion, effects=effects,
        rollup=rollup, decided=decided, show_names=can(current_user, "centres.view"),
        votes=register.decision_votes(record) if can(current_user, "forums.view") else [],
    )


@bp.route("/policy", methods=["GET", "POST"])
@permission_required("settings.manage")
def policy():
    current = queries.policy_table()
    form_class = forms.policy_form_class(AGREEMENT_KINDS)
    form = form_class(data={k: list(v) for k, v in current.items()})
    if form.validate_on_submit():
        try:
            services.set_policy(actor=current_user, table={k: form[k].data for k, _l in AGREEMENT_KINDS})
            db.session.commit()
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(_("The approval policy is saved."), "success")
            return redirect(url_for("forums.policy"))
    return render_template("forums/policy.html", form=form, kinds=AGREEMENT_KINDS), (422 if form.errors else 200)
