"""Forums API: /api/v1/forums, /meetings, /motions, /decisions, /approval-policy."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import ValidationError, fields, validate, validates_schema

from govtrack.agreements.models import AgreementKind
from govtrack.api import exempt
from govtrack.api.schemas import (
    BoundedAwareDateTime,
    BoundedDate,
    IdArg,
    IdField,
    ListArgs,
    StrictSchema,
    WholeNumber,
    list_schema,
)
from govtrack.auth.permissions import can, permission_required
from govtrack.core import dates
from govtrack.db import MAX_ID
from govtrack.errors import NotFound, ValidationFailed
from govtrack.extensions import db
from govtrack.forums import queries, register, rules, services
from govtrack.forums.models import (
    AttendanceStatus,
    Choice,
    Effect,
    ForumKind,
    MeetingStatus,
    Threshold,
)

blp = exempt(Blueprint("forums_api", __name__, url_prefix="/api/v1", description="Forums, meetings, motions, votes and decisions"))


def _values(enum_cls) -> list[str]:
    return [e.value for e in enum_cls]


class VotersField(fields.Field):
    """`"all_members"` or a list of member ids."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "all_members":
            return value
        if isinstance(value, list) and value and all(
                isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_ID for v in value):
            return value
        raise ValidationError('Either "all_members" or a non-empty list of member ids.')


class QuorumSchema(StrictSchema):
    numerator = WholeNumber(required=True, validate=validate.Range(min=0, max=1000))
    denominator = WholeNumber(required=True, validate=validate.Range(min=1, max=1000))
    strict = fields.Boolean(load_default=False)

    @validates_schema
    def _fraction(self, data, **kwargs):
        if data.get("numerator", 0) > data.get("denominator", 1):
            raise ValidationError("The quorum is at most the whole (numerator ≤ denominator).", "numerator")


class ForumSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    code = fields.String(load_default=None, validate=validate.Length(1, 12),
                         metadata={"description": "Prefix of decision numbers, e.g. RP"})
    kind = fields.String(required=True, validate=validate.OneOf(_values(ForumKind)))
    quorum = fields.Nested(QuorumSchema, load_default=lambda: {"numerator": 1, "denominator": 2, "strict": False})
    threshold = fields.String(load_default="simple_majority", validate=validate.OneOf(_values(Threshold)))
    voters = VotersField(load_default="all_members",
                         metadata={"description": '"all_members" or [member ids]'})
    proxy_limit = WholeNumber(load_default=1, validate=validate.Range(min=0, max=1000))


ForumList = list_schema(ForumSchema, "ForumList")


def forum_out(forums) -> list[dict]:
    voters = queries.voter_ids([f.id for f in forums if not f.all_members])
    return [
        {
            "id": f.id, "name": f.name, "code": f.code, "kind": f.kind,
            "quorum": {"numerator": f.quorum_numerator, "denominator": f.quorum_denominator,
                       "strict": f.quorum_strict},
            "threshold": f.threshold,
            "voters": "all_members" if f.all_members else voters.get(f.id, []),
            "proxy_limit": f.proxy_limit,
        }
        for f in forums
    ]


class ForumQuery(ListArgs):
    kind = fields.String(load_default=None, validate=validate.OneOf(_values(ForumKind)))


@blp.route("/forums")
class Forums(MethodView):
    @permission_required("forums.view")
    @blp.arguments(ForumQuery, location="query")
    @blp.response(200, ForumList)
    def get(self, args):
        """List forums."""
        page = queries.forum_page(cursor=args["cursor"], limit=args["limit"], kind=args["kind"])
        return {"items": forum_out(page.items), "next": page.next}

    @permission_required("forums.manage")
    @blp.arguments(ForumSchema)
    @blp.response(201, ForumSchema)
    def post(self, data):
        """Create a forum with its quorum, threshold, voters and proxy limit."""
        voters = data["voters"]
        forum = services.create_forum(
            actor=current_user,
            data=services.ForumData(
                name=data["name"], kind=data["kind"], code=data["code"],
                all_members=voters == "all_members", voter_ids=[] if voters == "all_members" else voters,
                quorum_numerator=data["quorum"]["numerator"], quorum_denominator=data["quorum"]["denominator"],
                quorum_strict=data["quorum"]["strict"], threshold=data["threshold"],
                proxy_limit=data["proxy_limit"],
            ),
        )
        db.session.commit()
        return forum_out([forum])[0]


class ForumPatchSchema(StrictSchema):
    """The fields of POST, each optional: what is left out stays as it is."""

    name = fields.String(validate=validate.Length(1, 200))
    code = fields.String(validate=validate.Length(1, 12))
    kind = fields.String(validate=validate.OneOf(_values(ForumKind)))
    quorum = fields.Nested(QuorumSchema)
    threshold = fields.String(validate=validate.OneOf(_values(Threshold)))
    voters = VotersField(metadata={"description": '"all_members" or [member ids]'})
    proxy_limit = WholeNumber(validate=validate.Range(min=0, max=1000))


def _forum(forum_id: int):
    forum = queries.get_forum(forum_id)
    if forum is None:
        raise NotFound("No such forum.")
    return forum


@blp.route("/forums/<int:forum_id>")
class ForumItem(MethodView):
    @permission_required("forums.view")
    @blp.response(200, ForumSchema)
    def get(self, forum_id):
        """One forum."""
        return forum_out([_forum(forum_id)])[0]

    @permission_required("forums.manage")
    @blp.arguments(ForumPatchSchema)
    @blp.response(200, ForumSchema)
    def patch(self, data, forum_id):
        """Edit a forum. Meetings already opened keep the rule (quorum, threshold, proxy limit) they
        opened under; 409 `kind_fixed` / `code_fixed` when meetings or decisions depend on those."""
        forum = _forum(forum_id)
        current = forum_out([forum])[0]
        merged = {**current, **data}
        voters = merged["voters"]
        services.update_forum(
            actor=current_user, forum=forum,
            data=services.ForumData(
                name=merged["name"], kind=merged["kind"], code=merged["code"],
                all_members=voters == "all_members", voter_ids=[] if voters == "all_members" else voters,
                quorum_numerator=merged["quorum"]["numerator"], quorum_denominator=merged["quorum"]["denominator"],
                quorum_strict=merged["quorum"].get("strict", False), threshold=merged["threshold"],
                proxy_limit=merged["proxy_limit"],
            ),
        )
        db.session.commit()
        db.session.expire_all()
        return forum_out([_forum(forum_id)])[0]


# --- meetings ---------------------------------------------------------------------------------

class AgendaItemSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    position = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, 300))
    agreement_id = IdField(load_default=None)
    clause_ids = fields.List(IdField(), load_default=list)


class AmendmentSchema(StrictSchema):
    clause_id = IdField(required=True)
    text = fields.String(required=True, validate=validate.Length(1, 20000))


class MotionSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    meeting_id = fields.Integer(dump_only=True)
    title = fields.String(required=True, validate=validate.Length(1, 300))
    text = fields.String(required=True, validate=validate.Length(1, 50000))
    agreement_id = IdField(load_default=None)
    effect = fields.String(load_default="none", validate=validate.OneOf(_values(Effect)))
    amendments = fields.List(fields.Nested(AmendmentSchema), load_default=list)
    obligation_id = IdField(load_default=None)
    corrects_motion_id = IdField(load_default=None)
    status = fields.String(dump_only=True)
    withdraw_reason = fields.String(dump_only=True, allow_none=True)
    withdrawn_at = fields.DateTime(dump_only=True, allow_none=True)
    method = fields.String(dump_only=True)
    tally = fields.Dict(dump_only=True)
    outcome = fields.String(dump_only=True)
    yes = fields.Integer(dump_only=True)
    no = fields.Integer(dump_only=True)
    abstain = fields.Integer(dump_only=True)
    present = fields.Integer(dump_only=True)
    eligible = fields.Integer(dump_only=True)
    decision = fields.Dict(dump_only=True, allow_none=True)
    votes = fields.List(fields.Dict(), dump_only=True)


class MeetingSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    forum_id = IdField(required=True)
    title = fields.String(required=True, validate=validate.Length(1, 300))
    starts_at = BoundedAwareDateTime(required=True)
    location = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))
    status = fields.String(dump_only=True, metadata={"enum": _values(MeetingStatus)})
    cancel_reason = fields.String(dump_only=True, allow_none=True)
    cancelled_at = fields.DateTime(dump_only=True, allow_none=True)
    rule = fields.Dict(dump_only=True, allow_none=True,
                       metadata={"description": "The rule it is decided under: its own copy once opened, else the "
                                                "forum's current rule"})
    chair_member_id = fields.Integer(dump_only=True, allow_none=True)
    secretary_member_id = fields.Integer(dump_only=True, allow_none=True)
    minutes = fields.String(dump_only=True, allow_none=True)
    minutes_status = fields.String(dump_only=True)
    agenda = fields.List(fields.Nested(AgendaItemSchema), dump_only=True)
    motions = fields.List(fields.Nested(MotionSchema), dump_only=True)
    attendance = fields.Dict(dump_only=True)


MeetingList = list_schema(MeetingSchema, "MeetingList")


class MeetingQuery(ListArgs):
    forum_id = IdArg(load_default=None)
    status = fields.String(load_default=None, validate=validate.OneOf(_values(MeetingStatus)))


def _decision_out(d) -> dict | None:
    if d is None:
        return None
    return {"id": d.id, "number": d.number, "decided_on": d.decided_on.isoformat()}


def motion_out(m, votes=None) -> dict:
    out = {
        "id": m.id, "meeting_id": m.meeting_id, "title": m.title, "text": m.text,
        "agreement_id": m.agreement_id, "effect": m.effect,
        "amendments": [{"clause_id": a.clause_id, "text": a.text} for a in m.amendments],
        "obligation_id": m.obligation_id, "corrects_motion_id": m.corrects_motion_id,
        "status": m.status, "withdraw_reason": m.withdraw_reason, "withdrawn_at": m.withdrawn_at,
        "method": m.method,
        "tally": {"yes": m.tally_yes, "no": m.tally_no, "abstain": m.tally_abstain},
        "outcome": m.outcome, "yes": m.yes, "no": m.no, "abstain": m.abstain, "present": m.present,
        "eligible": m.eligible, "decision": _decision_out(m.decision),
    }
    if votes is not None:
        out["votes"] = [{"member_id": v.member_id, "choice": v.choice, "cast_by_id": v.cast_by_id} for v in votes]
    return out


def meeting_out(meeting, *, full: bool = False) -> dict:
    out = {
        "id": meeting.id, "forum_id": meeting.forum_id, "title": meeting.title, "starts_at": meeting.starts_at,
        "location": meeting.location, "status": meeting.status, "minutes_status": meeting.minutes_status,
        "cancel_reason": meeting.cancel_reason, "cancelled_at": meeting.cancelled_at,
        "chair_member_id": meeting.chair_member_id, "secretary_member_id": meeting.secretary_member_id,
    }
    if full:
        rule = rules.meeting_rule(meeting, meeting.forum)
        out["rule"] = {"quorum": {"numerator": rule.quorum_numerator, "denominator": rule.quorum_denominator,
                                  "strict": rule.quorum_strict},
                       "threshold": rule.threshold, "proxy_limit": rule.proxy_limit}
        att = queries.attendance_list(meeting.id)
        out["minutes"] = meeting.minutes
        out["agenda"] = [
            {"id": i.id, "position": i.position, "title": i.title, "agreement_id": i.agreement_id,
             "clause_ids": [c.id for c in i.clauses]}
            for i in meeting.agenda
        ]
        out["motions"] = [motion_out(m) for m in meeting.motions]
        out["attendance"] = {
            "present": sum(a.status == AttendanceStatus.present for a in att),
            "proxy": sum(a.status == AttendanceStatus.proxy for a in att),
            "absent": sum(a.status == AttendanceStatus.absent for a in att),
            "eligible": queries.meeting_eligible_count(meeting, meeting.forum),
            "members": [{"member_id": a.member_id, "status": a.status, "proxy_holder_id": a.proxy_holder_id}
                        for a in att],
        }
    return out


def _meeting(meeting_id: int):
    meeting = queries.load_meeting(meeting_id)
    if meeting is None:
        raise NotFound("No such meeting.")
    return meeting


def _full(meeting_id: int) -> dict:
    db.session.expire_all()
    return meeting_out(_meeting(meeting_id), full=True)


@blp.route("/meetings")
class Meetings(MethodView):
    @permission_required("forums.view")
    @blp.arguments(MeetingQuery, location="query")
    @blp.response(200, MeetingList)
    def get(self, args):
        """List meetings, newest first."""
        page = queries.meeting_page(cursor=args["cursor"], limit=args["limit"], forum_id=args["forum_id"],
                                    status=args["status"])
        return {"items": [meeting_out(m) for m in page.items], "next": page.next}

    @permission_required("meetings.run")
    @blp.arguments(MeetingSchema)
    @blp.response(201, MeetingSchema)
    def post(self, data):
        """Schedule a meeting."""
        forum = queries.get_forum(data["forum_id"])
        if forum is None:
            raise ValidationFailed("No such forum.", fields={"forum_id": ["No forum with this id."]})
        meeting = services.create_meeting(actor=current_user, forum=forum, title=data["title"],
                                          starts_at=data["starts_at"], location=data["location"])
        db.session.commit()
        return _full(meeting.id)


class MeetingPatchSchema(StrictSchema):
    """What a scheduled meeting may change: its title, time and place (each optional)."""

    title = fields.String(validate=validate.Length(1, 300))
    starts_at = BoundedAwareDateTime(default_timezone=None)
    location = fields.String(allow_none=True, validate=validate.Length(max=300))


class ReasonSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(1, 2000),
                           metadata={"description": "Why, in words; kept and shown with the record"})


class OfficersSchema(StrictSchema):
    chair_member_id = IdField(required=True, allow_none=True)
    secretary_member_id = IdField(required=True, allow_none=True)


@blp.route("/meetings/<int:meeting_id>")
class MeetingItem(MethodView):
    @permission_required("forums.view")
    @blp.response(200, MeetingSchema)
    def get(self, meeting_id):
        """One meeting with its agenda, attendance counts and motions."""
        return meeting_out(_meeting(meeting_id), full=True)

    @permission_required("meetings.run")
    @blp.arguments(MeetingPatchSchema)
    @blp.response(200, MeetingSchema)
    def patch(self, data, meeting_id):
        """Edit or reschedule a scheduled meeting (title, starts_at, location); 409
        `meeting_not_scheduled` once it is open, closed or cancelled. A new time or place queues an
        e-mail notice to the forum's voters who have a login."""
        services.update_meeting(actor=current_user, meeting=_meeting(meeting_id), title=data.get("title"),
                                starts_at=data.get("starts_at"), location=data.get("location"),
                                changes=frozenset(data))
        db.session.commit()
        return _full(meeting_id)


@blp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@permission_required("meetings.run")
@blp.arguments(ReasonSchema)
@blp.response(200, MeetingSchema)
def meeting_cancel(data, meeting_id):
    """Cancel a scheduled meeting with a reason: status `cancelled`, kept and listed, never deleted;
    its open motions are withdrawn; the voters get a notice. 409 once it is open, closed or cancelled."""
    services.cancel_meeting(actor=current_user, meeting=_meeting(meeting_id), reason=data["reason"])
    db.session.commit()
    return _full(meeting_id)


@blp.route("/meetings/<int:meeting_id>/officers", methods=["PUT"])
@permission_required("meetings.run")
@blp.arguments(OfficersSchema)
@blp.response(200, MeetingSchema)
def meeting_officers(data, meeting_id):
    """Who chairs the meeting and who keeps its minutes (member ids; they sign the minutes)."""
    services.set_officers(actor=current_user, meeting=_meeting(meeting_id), **data)
    db.session.commit()
    return _full(meeting_id)


@blp.route("/meetings/<int:meeting_id>/open", methods=["POST"])
@permission_required("meetings.run")
@blp.response(200, MeetingSchema)
def meeting_open(meeting_id):
    """Open a scheduled meeting (its draft agreements come under deliberation)."""
    services.open_meeting(actor=current_user, meeting=_meeting(meeting_id))
    db.session.commit()
    return _full(meeting_id)


@blp.route("/meetings/<int:meeting_id>/close", methods=["POST"])
@permission_required("meetings.run")
@blp.response(200, MeetingSchema)
def meeting_close(meeting_id):
    """Close an open meeting (every motion closed first); it changes no more."""
    services.close_meeting(actor=current_user, meeting=_meeting(meeting_id))
    db.session.commit()
    return _full(meeting_id)


class AttendanceEntrySchema(StrictSchema):
    member_id = IdField(required=True)
    status = fields.String(required=True, validate=validate.OneOf(_values(AttendanceStatus)))
    proxy_holder_id = IdField(load_default=None, allow_none=True)


class AttendanceResultSchema(StrictSchema):
    added = fields.Integer()
    changed = fields.Integer()
    present = fields.Integer()
    eligible = fields.Integer()


@blp.route("/meetings/<int:meeting_id>/attendance", methods=["PUT"])
@permission_required("meetings.run")
@blp.arguments(AttendanceEntrySchema(many=True))
@blp.response(200, AttendanceResultSchema)
def meeting_attendance(data, meeting_id):
    """Record attendance: `[{"member_id", "status", "proxy_holder_id"}]`.

    Members not listed keep their recorded attendance."""
    meeting = _meeting(meeting_id)
    summary = services.set_attendance(
        actor=current_user, meeting=meeting,
        entries=[services.AttendanceEntry(**e) for e in data],
    )
    db.session.commit()
    forum = queries.get_forum(meeting.forum_id)
    return {**summary, "present": queries.present_count(meeting, forum), "eligible": queries.meeting_eligible_count(meeting, forum)}


class VoterSchema(StrictSchema):
    position = fields.Integer(metadata={"description": "Its line in the register, by member number"})
    member_id = fields.Integer()
    number = fields.String()
    name = fields.String()
    group = fields.String(allow_none=True)
    attendance = fields.String(allow_none=True, metadata={"enum": _values(AttendanceStatus),
                                                          "description": "null while not recorded"})
    proxy_holder_id = fields.Integer(allow_none=True)


class VoterListSchema(StrictSchema):
    items = fields.List(fields.Nested(VoterSchema))
    next = fields.String(allow_none=True)
    fixed = fields.Boolean(metadata={"description": "true: the roll fixed when the meeting opened; false: the "
                                                    "forum's voters on the roster now (a meeting not opened)"})
    fixed_at = BoundedAwareDateTime(allow_none=True, dump_only=True)
    count = fields.Integer(metadata={"description": "How many voters in all (the quorum base)"})


@blp.route("/meetings/<int:meeting_id>/voters")
@permission_required("forums.view")
@blp.arguments(ListArgs, location="query")
@blp.response(200, VoterListSchema)
def meeting_voters(args, meeting_id):
    """The meeting's roll of voters, by member number: fixed when it opened (members joining or
    leaving the roster later do not change it, and `eligible` in motion results counts it); for a
    meeting not opened yet, the forum's voters on the roster now (`fixed` false)."""
    meeting = _meeting(meeting_id)
    forum = meeting.forum
    count = queries.meeting_eligible_count(meeting, forum)
    page = queries.roll_page(meeting, forum, cursor=args["cursor"], limit=args["limit"], size=count)
    return {
        "items": [{"position": r.position, "member_id": r.member.id, "number": r.member.number,
                   "name": r.member.name, "group": r.member.group_name, "attendance": r.status,
                   "proxy_holder_id": r.proxy_holder_id} for r in page.items],
        "next": page.next, "fixed": queries.has_roll(meeting),
        "fixed_at": meeting.opened_at if queries.has_roll(meeting) else None,
        "count": count,
    }


@blp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@permission_required("meetings.run")
@blp.arguments(AgendaItemSchema)
@blp.response(201, AgendaItemSchema)
def agenda_add(data, meeting_id):
    """Add an agenda item naming the agreement and clauses it deliberates."""
    item = services.add_agenda_item(actor=current_user, meeting=_meeting(meeting_id), title=data["title"],
                                    agreement_id=data["agreement_id"], clause_ids=data["clause_ids"])
    db.session.commit()
    return {"id": item.id, "position": item.position, "title": item.title, "agreement_id": item.agreement_id,
            "clause_ids": sorted(data["clause_ids"])}


class MinutesSchema(StrictSchema):
    minutes = fields.String(required=True, validate=validate.Length(max=200000))


@blp.route("/meetings/<int:meeting_id>/minutes", methods=["PUT"])
@permission_required("meetings.run")
@blp.arguments(MinutesSchema)
@blp.response(200, MeetingSchema)
def minutes_put(data, meeting_id):
    """Draft the minutes (Markdown) until they are approved (also after the meeting closes); 409
    `minutes_approved` afterwards."""
    services.set_minutes(actor=current_user, meeting=_meeting(meeting_id), text=data["minutes"])
    db.session.commit()
    return _full(meeting_id)


@blp.route("/meetings/<int:meeting_id>/minutes/approve", methods=["POST"])
@permission_required("meetings.run")
@blp.response(200, MeetingSchema)
def minutes_approve(meeting_id):
    """Approve the minutes of a closed meeting."""
    services.approve_minutes(actor=current_user, meeting=_meeting(meeting_id))
    db.session.commit()
    return _full(meeting_id)


@blp.route("/meetings/<int:meeting_id>/motions", methods=["POST"])
@permission_required("meetings.run")
@blp.arguments(MotionSchema)
@blp.response(201, MotionSchema)
def motion_create(data, meeting_id):
    """Table a motion."""
    motion = services.create_motion(
        actor=current_user, meeting=_meeting(meeting_id),
        data=services.MotionData(
            title=data["title"], text=data["text"], effect=data["effect"], agreement_id=data["agreement_id"],
            amendments=[services.AmendmentData(**a) for a in data["amendments"]],
            obligation_id=data["obligation_id"], corrects_motion_id=data["corrects_motion_id"],
        ),
    )
    db.session.commit()
    return _motion_full(motion.id)


# --- motions ----------------------------------------------------------------------------------

def _motion(motion_id: int):
    motion = queries.load_motion(motion_id)
    if motion is None:
        raise NotFound("No such motion.")
    return motion


def _motion_full(motion_id: int) -> dict:
    db.session.expire_all()
    motion = _motion(motion_id)
    return motion_out(motion, queries.votes_by_motion([motion.id])[motion.id])


@blp.route("/motions/<int:motion_id>")
@permission_required("forums.view")
@blp.response(200, MotionSchema)
def motion_get(motion_id):
    """One motion with its votes, outcome and decision."""
    motion = _motion(motion_id)
    return motion_out(motion, queries.votes_by_motion([motion.id])[motion.id])


class VoteSchema(StrictSchema):
    member_id = IdField(required=True)
    choice = fields.String(required=True, validate=validate.OneOf(_values(Choice)))


class TallySchema(StrictSchema):
    yes = WholeNumber(required=True, validate=validate.Range(min=0, max=10_000_000))
    no = WholeNumber(required=True, validate=validate.Range(min=0, max=10_000_000))
    abstain = WholeNumber(load_default=0, validate=validate.Range(min=0, max=10_000_000))


class VotesBodySchema(StrictSchema):
    votes = fields.List(fields.Nested(VoteSchema), validate=validate.Length(min=1, max=300000))
    tally = fields.Nested(TallySchema)

    @validates_schema
    def _one_kind(self, data, **kwargs):
        if ("votes" in data) == ("tally" in data):
            raise ValidationError('Give either "votes" (roll-call) or "tally" (counts), not both.', "votes")


class VotesResultSchema(StrictSchema):
    recorded = fields.Integer()
    yes = fields.Integer()
    no = fields.Integer()
    abstain = fields.Integer()
    method = fields.String()


@blp.route("/motions/<int:motion_id>/votes", methods=["POST"])
@permission_required("meetings.run")
@blp.arguments(VotesBodySchema)
@blp.response(200, VotesResultSchema)
def motion_votes(data, motion_id):
    """Roll-call `{"votes": [{"member_id", "choice"}]}` or `{"tally": {"yes", "no", "abstain"}}`.

    A refused vote (second vote, closed motion, recused, investor, not eligible, not present)
    answers 409 and records nothing of the request."""
    motion = _motion(motion_id)
    if "votes" in data:
        n = services.cast_votes(actor=current_user, motion=motion,
                                votes=[(v["member_id"], v["choice"]) for v in data["votes"]])
    else:
        t = data["tally"]
        services.record_tally(actor=current_user, motion=motion, yes=t["yes"], no=t["no"], abstain=t["abstain"])
        n = t["yes"] + t["no"] + t["abstain"]
    db.session.commit()
    db.session.expire_all()
    motion = _motion(motion_id)
    counts = services.motion_counts(motion)
    return {"recorded": n, "yes": counts[0], "no": counts[1], "abstain": counts[2], "method": motion.method}


class CloseResultSchema(StrictSchema):
    outcome = fields.String(metadata={"enum": ["carried", "defeated", "no_quorum"]})
    yes = fields.Integer()
    no = fields.Integer()
    abstain = fields.Integer()
    present = fields.Integer()
    eligible = fields.Integer()
    method = fields.String(allow_none=True)
    decision = fields.Dict(allow_none=True)


def _close_out(motion_id: int) -> dict:
    db.session.expire_all()
    m = _motion(motion_id)
    return {"outcome": m.outcome, "yes": m.yes, "no": m.no, "abstain": m.abstain, "present": m.present,
            "eligible": m.eligible, "method": m.method, "decision": _decision_out(m.decision)}


@blp.route("/motions/<int:motion_id>/withdraw", methods=["POST"])
@permission_required("meetings.run")
@blp.arguments(ReasonSchema)
@blp.response(200, MotionSchema)
def motion_withdraw(data, motion_id):
    """Withdraw a motion before it is closed, with a reason: status `withdrawn`, no outcome, no
    effect, no decision. 409 `motion_closed` once it is closed."""
    services.withdraw_motion(actor=current_user, motion=_motion(motion_id), reason=data["reason"])
    db.session.commit()
    return _motion_full(motion_id)


@blp.route("/motions/<int:motion_id>/consensus", methods=["POST"])
@permission_required("meetings.run")
@blp.response(200, CloseResultSchema)
def motion_consensus(motion_id):
    """Mufakat: carried without a vote when the meeting is quorate (409 `no_quorum` otherwise)."""
    services.consensus(actor=current_user, motion=_motion(motion_id))
    db.session.commit()
    return _close_out(motion_id)


@blp.route("/motions/<int:motion_id>/close", methods=["POST"])
@permission_required("meetings.run")
@blp.response(200, CloseResultSchema)
def motion_close(motion_id):
    """Close the vote: outcome and counts; a carried motion becomes a decision and applies its effect."""
    services.close_motion(actor=current_user, motion=_motion(motion_id))
    db.session.commit()
    return _close_out(motion_id)


# --- decisions and policy ---------------------------------------------------------------------

class VotesCountSchema(StrictSchema):
    yes = fields.Integer(allow_none=True)
    no = fields.Integer(allow_none=True)
    abstain = fields.Integer(allow_none=True)


class EffectSchema(StrictSchema):
    object = fields.String(metadata={"enum": ["agreement", "clause", "obligation"]})
    id = fields.Integer()
    number = fields.Raw(metadata={"description": "What people see: the clause's number, the agreement's "
                                                "reference (its title when it has none), the obligation's title"})
    from_ = fields.String(data_key="from", attribute="from", allow_none=True, metadata={"description": "status before (null: not recorded)"})
    to = fields.String(allow_none=True, metadata={"description": "status after (null: unchanged)"})
    agreement_id = fields.Integer(metadata={"description": "a clause's agreement"})
    awaiting = fields.List(fields.String(), metadata={"description": "forum kinds whose approval it still waits for"})
    waived_occurrences = fields.Integer(allow_none=True)


class NamedVoteSchema(StrictSchema):
    member_id = fields.Integer()
    number = fields.String()
    name = fields.String()
    choice = fields.String(metadata={"enum": _values(Choice)})
    by_proxy = fields.Boolean()


class DecisionSchema(StrictSchema):
    id = fields.Integer()
    number = fields.String()
    date = fields.Date(metadata={"description": "the cooperative's local date of the decision"})
    decided_on = fields.Date(metadata={"description": "the same as `date` (kept for earlier clients)"})
    forum_id = IdField()
    forum = fields.String()
    meeting_id = IdField()
    motion_id = IdField()
    agreement_id = IdField(allow_none=True)
    effect = fields.String(metadata={"enum": _values(Effect)})
    text = fields.String()
    method = fields.String(allow_none=True, metadata={"enum": ["consensus", "roll_call", "tally"]})
    votes = fields.Nested(VotesCountSchema)
    present = fields.Integer(allow_none=True)
    eligible = fields.Integer(allow_none=True)
    effects = fields.List(fields.Nested(EffectSchema))
    named_votes = fields.List(fields.Nested(NamedVoteSchema),
                              metadata={"description": "a roll-call's votes by member, to staff only"})


DecisionList = list_schema(DecisionSchema, "DecisionList")


class DecisionQuery(ListArgs):
    forum_id = IdArg(load_default=None)
    agreement_id = IdArg(load_default=None)
    year = fields.Integer(load_default=None, validate=validate.Range(min=dates.MIN_DATE.year, max=dates.MAX_DATE.year))
    from_ = BoundedDate(data_key="from", load_default=None, metadata={"description": "first local date, inclusive"})
    to = BoundedDate(load_default=None, metadata={"description": "last local date, inclusive"})
    effect = fields.String(load_default=None, validate=validate.OneOf(_values(Effect)))
    q = fields.String(load_default=None, validate=validate.Length(max=200),
                      metadata={"description": "words of the number, the text, or the agreement's reference or title"})

    @validates_schema
    def _range(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("The end date is before the start date.", "to")


def decision_out(d, effects: list, named_votes: list | None = None) -> dict:
    m = d.motion
    out = {"id": d.id, "number": d.number, "date": d.decided_on, "decided_on": d.decided_on,
           "forum_id": d.forum_id, "forum": d.forum.name, "meeting_id": d.meeting_id, "motion_id": d.motion_id,
           "agreement_id": d.agreement_id, "effect": d.effect, "text": d.text, "method": m.method,
           "votes": {"yes": m.yes, "no": m.no, "abstain": m.abstain}, "present": m.present,
           "eligible": m.eligible, "effects": [e.as_json() for e in effects]}
    if named_votes is not None:
        out["named_votes"] = [{"member_id": v.member_id, "number": v.member.number, "name": v.member.name,
                               "choice": v.choice, "by_proxy": v.cast_by_id is not None} for v in named_votes]
    return out


def _filter(args) -> register.RegisterFilter:
    return register.RegisterFilter(
        forum_id=args["forum_id"], year=args["year"], date_from=args["from_"], date_to=args["to"],
        agreement_id=args["agreement_id"], effect=args["effect"], q=(args["q"] or "").strip() or None)


@blp.route("/decisions")
@permission_required("decisions.view")
@blp.arguments(DecisionQuery, location="query")
@blp.response(200, DecisionList)
def decisions(args):
    """The decision register, newest first: `forum_id`, `year`, `from`/`to` (local dates, inclusive),
    `agreement_id`, `effect`, `q` (number, text, agreement reference or title)."""
    page = register.register_page(_filter(args), cursor=args["cursor"], limit=args["limit"])
    effects = register.effect_records(page.items)
    return {"items": [decision_out(d, effects[d.id]) for d in page.items], "next": page.next}


@blp.route("/decisions/<int:decision_id>")
@blp.response(200, DecisionSchema)
def decision_get(decision_id):
    """One decision as its record: the vote with counts (and, to staff, a roll-call's named votes) and
    each effect. Staff read every decision; a member (or, without a token, the public) a decision
    about an agreement published to them; any other answers 404, exactly like a decision that does
    not exist."""
    decision = register.visible_decision(decision_id, user=current_user)
    if decision is None:
        raise NotFound("No such decision.")
    named = register.decision_votes(decision) if can(current_user, "forums.view") else None
    return decision_out(decision, register.effect_records([decision])[decision.id], named)


class PolicySchema(StrictSchema):
    policy = fields.Dict(keys=fields.String(validate=validate.OneOf(_values(AgreementKind))),
                         values=fields.List(fields.String(validate=validate.OneOf(_values(ForumKind))),
                                            validate=validate.Length(min=1)),
                         required=True)


@blp.route("/approval-policy")
class Policy(MethodView):
    @permission_required("forums.view")
    @blp.response(200, PolicySchema)
    def get(self):
        """Agreement kind -> the forum kinds that must each carry an approval."""
        return {"policy": {k: list(v) for k, v in queries.policy_table().items()}}

    @permission_required("settings.manage")
    @blp.arguments(PolicySchema)
    @blp.response(200, PolicySchema)
    def put(self, data):
        """Change the approval policy for the kinds given."""
        table = services.set_policy(actor=current_user, table=data["policy"])
        db.session.commit()
        return {"policy": {k: list(v) for k, v in table.items()}}
