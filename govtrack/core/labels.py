"""One label per stored value: every code a person sees (a status, a kind, a category) has its words
here, once, as an English msgid that the catalog translates. Pages (the Jinja global `label`), form
choices, CSV exports, the iCalendar feed, e-mail and flash messages all read them through `label()`.

A table is named after what it labels. Where a page needs other words for the same codes (a plural on
the network page, a verb on a button), that is its own named table here, not a copy elsewhere. The
codes are plain strings: this module sits below the areas whose enums they are (tests/core/test_labels.py
checks that every enum value has its label)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

# ---- partners ----

PARTNER_CATEGORY = {
    "local_government": _l("Local government"),
    "central_government": _l("Central government"),
    "nonprofit_funder": _l("Non-profit funder"),
    "financial_institution": _l("Financial institution"),
    "construction_partner": _l("Construction partner"),
    "other": _l("Other"),
}
# The network page names groups of partners.
PARTNER_CATEGORY_PLURAL = {
    "local_government": _l("Local government"),
    "central_government": _l("Central government"),
    "nonprofit_funder": _l("Non-profit funders"),
    "financial_institution": _l("Financial institutions"),
    "construction_partner": _l("Construction partners"),
    "other": _l("Other partners"),
}

# ---- agreements ----

AGREEMENT_KIND = {
    "mou": _l("Memorandum of understanding"),
    "grant": _l("Grant"),
    "loan": _l("Loan"),
    "credit_line": _l("Credit line"),
    "guarantee": _l("Guarantee"),
    "technical_assistance": _l("Technical assistance"),
    "supply": _l("Supply"),
    "construction": _l("Construction"),
    "permit": _l("Permit"),
    "other": _l("Other"),
}
AGREEMENT_STATUS = {
    "draft": _l("Draft"),
    "under_deliberation": _l("Under deliberation"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "active": _l("Active"),
    "suspended": _l("Suspended"),
    "completed": _l("Completed"),
    "terminated": _l("Terminated"),
}
# The button that moves an agreement to a status says what it does.
AGREEMENT_MOVE = {
    "draft": _l("Back to draft"),
    "under_deliberation": _l("Put up for deliberation"),
    "approved": _l("Approve"),
    "rejected": _l("Reject"),
    "active": _l("Mark as signed (active)"),
    "suspended": _l("Suspend"),
    "completed": _l("Mark as completed"),
    "terminated": _l("Terminate"),
}
PARTY_ROLE = {
    "funder": _l("Funder"),
    "lender": _l("Lender"),
    "guarantor": _l("Guarantor"),
    "supplier": _l("Supplier"),
    "contractor": _l("Contractor"),
    "regulator": _l("Regulator"),
    "implementer": _l("Implementer"),
    "other": _l("Other"),
}
VISIBILITY = {
    "internal": _l("Internal (staff only)"),
    "members": _l("Members"),
    "public": _l("Public"),
}
# The OECD DAC purpose codes of water and sanitation (IATI's sector vocabulary 1): what an
# agreement finances, exported with it as open data.
WATER_SECTOR = {
    "14030": _l("Drinking water and sanitation (basic)"),
    "14031": _l("Drinking water supply (basic)"),
    "14032": _l("Sanitation (basic)"),
}
CLAUSE_STATUS = {
    "proposed": _l("Proposed"),
    "accepted": _l("Accepted"),
    "amended": _l("Amended"),
    "rejected": _l("Rejected"),
}
# what a rembug pusat said about a clause
CENTRE_POSITION = {
    "support": _l("Support (setuju)"),
    "amend": _l("Proposes an amendment (usul ubah)"),
    "oppose": _l("Oppose (tolak)"),
}

PROPOSED_BY = {
    "cooperative": _l("Cooperative"),
    "partner": _l("Partner"),
}
# In a sentence under a clause: the word order differs in Indonesian.
PROPOSED_BY_PHRASE = {
    "cooperative": _l("Proposed by the cooperative"),
    "partner": _l("Proposed by the partner"),
}

# ---- obligations ----

OBLIGATION_KIND = {
    "payment": _l("Payment"),
    "repayment": _l("Repayment"),
    "disbursement": _l("Disbursement"),
    "report": _l("Report"),
    "delivery": _l("Delivery"),
    "construction_milestone": _l("Construction milestone"),
    "compliance": _l("Compliance"),
    "other": _l("Other"),
}
# Who owes: the column "Owed by" of the public agreement page.
OWED_BY = {
    "cooperative": _l("The cooperative"),
    "partner": _l("The partner"),
}
# Which way an obligation runs: lists, filters, the form and the CSV export.
OWED_DIRECTION = {
    "cooperative": _l("The cooperative owes the partner"),
    "partner": _l("The partner owes the cooperative"),
}
# The same, short, in the columns of a dense list (the dashboard's groups and rows).
OWED_DIRECTION_SHORT = {
    "cooperative": _l("cooperative owes"),
    "partner": _l("partner owes"),
}
OCCURRENCE_STATUS = {
    "pending": _l("Pending"),
    "due_soon": _l("Due soon"),
    "overdue": _l("Overdue"),
    "fulfilled": _l("Fulfilled"),
    "waived": _l("Waived"),
}

# ---- forums ----

FORUM_KIND = {
    "rembug_pusat": _l("Forum rembug pusat (central forum)"),
    "board": _l("Board (pengurus)"),
    "supervisors": _l("Supervisors (pengawas)"),
    "sharia_supervisory": _l("Sharia supervisory board (DPS)"),
    "members_meeting": _l("Members' meeting (RAT)"),
}
THRESHOLD = {
    "simple_majority": _l("Simple majority (yes > no)"),
    "two_thirds": _l("Two thirds of votes cast"),
    "three_quarters": _l("Three quarters of votes cast"),
    "unanimous": _l("Unanimous (no vote against)"),
}
MEETING_STATUS = {
    "scheduled": _l("Scheduled"),
    "open": _l("Open"),
    "closed": _l("Closed"),
    "cancelled": _l("Cancelled"),
}
MINUTES_STATUS = {
    "draft": _l("Draft"),
    "approved": _l("Approved"),
}
ATTENDANCE_STATUS = {
    "present": _l("Present"),
    "absent": _l("Absent"),
    "proxy": _l("By proxy"),
}
# What a motion proposes (the form's choices, the motion and meeting pages).
MOTION_EFFECT = {
    "none": _l("None (a general resolution)"),
    "approve": _l("Approve the agreement"),
    "approve_with_amendments": _l("Approve with amended clauses"),
    "reject": _l("Reject the agreement"),
    "terminate": _l("Terminate the agreement"),
    "waive_obligation": _l("Waive an obligation"),
}
# What a carried decision did (decision lists, the portal).
DECISION_EFFECT = {
    "approve": _l("Approved the agreement"),
    "approve_with_amendments": _l("Approved the agreement with amendments"),
    "reject": _l("Rejected the agreement"),
    "terminate": _l("Terminated the agreement"),
    "waive_obligation": _l("Waived an obligation"),
    "none": _l("General resolution"),
}
MOTION_STATUS = {
    "open": _l("Open"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn"),
}
# "vote": a decision recorded without a motion's method (older decisions, the portal's fallback).
VOTE_METHOD = {
    "consensus": _l("By consensus (mufakat)"),
    "roll_call": _l("By roll-call vote"),
    "tally": _l("By counted vote"),
    "vote": _l("By vote"),
}
VOTE_CHOICE = {
    "yes": _l("Yes"),
    "no": _l("No"),
    "abstain": _l("Abstain"),
}
MOTION_OUTCOME = {
    "carried": _l("Carried"),
    "defeated": _l("Defeated"),
    "no_quorum": _l("No quorum"),
}

# ---- network ----

NETWORK_FLOW = {
    "funding": _l("Funding (grants)"),
    "liquidity": _l("Liquidity (loans, credit lines)"),
    "guarantee": _l("Guarantees"),
    "supply": _l("Supply and works"),
    "regulation": _l("Regulation (permits)"),
    "cooperation": _l("Other cooperation"),
}
CONCENTRATION_LEVEL = {
    "high": _l("highly concentrated"),
    "moderate": _l("moderately concentrated"),
    "low": _l("not concentrated"),
    "none": _l("no sources"),
}

# ---- users ----

USER_ROLE = {
    "admin": _l("Administrator"),
    "board": _l("Board (pengurus)"),
    "manager": _l("Manager"),
    "member": _l("Member (anggota)"),
    "officer": _l("Field officer (petugas lapangan)"),
}

# ---- notices ----

NOTICE_STATUS = {
    "queued": _l("Waiting to be sent"),
    "sent": _l("Sent"),
}

# ---- the audit log ----

# What an audit event is about (its object_type).
# ---- results ----

RESULT_KIND = {
    "output": _l("Output"),
    "outcome": _l("Outcome"),
}
INDICATOR_MEASURE = {
    "number": _l("Number"),
    "percentage": _l("Percentage"),
}
ACTUAL_STATUS = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "verified": _l("Verified"),
}
# The dimensions an actual is split by that every funder asks for; others keep the cooperative's words.
RESULT_DIMENSION = {
    "sex": _l("Sex of the household head"),
    "region": _l("Region"),
}
# A tranche (a disbursement that waits for results) as the obligation page and the dashboard say it.
TRANCHE_STATE = {
    "waiting": _l("Waiting for conditions"),
    "claimable": _l("Claimable"),
    "late": _l("Late"),
}
HOUSEHOLD_HEAD_SEX = {
    "female": _l("Female"),
    "male": _l("Male"),
}

QUESTION_KIND = {
    "yes_no": _l("Yes or no"),
    "single": _l("One choice"),
    "multiple": _l("Several choices"),
    "number": _l("Number"),
    "text": _l("Short text"),
}

SURVEY_POPULATION = {
    "all": _l("All active members"),
    "regions": _l("Members in chosen regions"),
    "centres": _l("Members of chosen centres"),
}

SURVEY_VISIBILITY = {
    "internal": _l("Internal: staff only"),
    "members": _l("Members: aggregates only"),
    "public": _l("Public: aggregates only"),
}

SURVEY_CHANNEL = {
    "officer": _l("Field officer at the centre"),
    "upload": _l("Paper form, uploaded"),
    "portal": _l("Member in the portal"),
    "api": _l("API"),
}

YES_NO = {
    "yes": _l("Yes"),
    "no": _l("No"),
}

OBJECT_TYPE = {
    "actual": _l("Actual"),
    "agreement": _l("Agreement"),
    "approval_policy": _l("Approval policy"),
    "centre": _l("Centre"),
    "survey": _l("Needs survey"),
    "clause": _l("Clause"),
    "decision": _l("Decision"),
    "forum": _l("Forum"),
    "indicator": _l("Indicator"),
    "meeting": _l("Meeting"),
    "member": _l("Member"),
    "motion": _l("Motion"),
    "obligation": _l("Obligation"),
    "partner": _l("Partner"),
    "request": _l("Request"),
    "result": _l("Result"),
    "user": _l("User"),
}
# What was done (an audit event's action). tests/audit/test_audit_words.py checks that every action
# the code records has its words here.
AUDIT_ACTION = {
    "access.denied": _l("Access refused"),
    "actual.create": _l("Actual recorded"),
    "actual.import": _l("Actuals imported"),
    "actual.submit": _l("Actual submitted for verification"),
    "actual.update": _l("Actual changed"),
    "actual.verify": _l("Actual verified"),
    "report.narrative": _l("Funder report narrative written"),
    "agreement.create": _l("Agreement created"),
    "agreement.transition": _l("Agreement status changed"),
    "agreement.update": _l("Agreement changed"),
    "centre.create": _l("Centre added"),
    "centre.positions": _l("Positions of a centre recorded"),
    "centre.update": _l("Centre changed"),
    "survey.create": _l("Needs survey created"),
    "survey.update": _l("Needs survey changed"),
    "survey.draw": _l("Survey sample drawn again"),
    "survey.responses": _l("Survey responses recorded"),
    "survey.response.correct": _l("Survey response corrected"),
    "survey.evidence": _l("Survey evidence attached"),
    "survey.evidence.remove": _l("Survey evidence removed"),
    "clause.decide": _l("Clause decided"),
    "decision.create": _l("Decision recorded"),
    "document.remove": _l("Document removed"),
    "document.replace": _l("Document replaced by a new file"),
    "document.upload": _l("Document uploaded"),
    "forum.create": _l("Forum created"),
    "indicator.create": _l("Indicator added"),
    "indicator.update": _l("Indicator changed"),
    "forum.update": _l("Forum changed"),
    "meeting.agenda_add": _l("Agenda item added"),
    "meeting.attendance": _l("Attendance recorded"),
    "meeting.cancel": _l("Meeting cancelled"),
    "meeting.close": _l("Meeting closed"),
    "meeting.create": _l("Meeting scheduled"),
    "meeting.minutes": _l("Minutes written"),
    "meeting.minutes_approve": _l("Minutes approved"),
    "meeting.officers": _l("Chair and secretary recorded"),
    "meeting.open": _l("Meeting opened"),
    "meeting.update": _l("Meeting changed"),
    "member.create": _l("Member added"),
    "member.import": _l("Roster imported"),
    "member.import_add": _l("Member added by a roster import"),
    "member.import_change": _l("Member changed by a roster import"),
    "member.interest_declare": _l("Interest declared"),
    "member.interest_withdraw": _l("Interest withdrawn"),
    "member.link_user": _l("Login linked to member"),
    "member.unlink_user": _l("Login unlinked from member"),
    "member.update": _l("Member changed"),
    "motion.close": _l("Vote closed"),
    "motion.create": _l("Motion tabled"),
    "motion.tally": _l("Tally recorded"),
    "motion.votes": _l("Votes recorded"),
    "motion.withdraw": _l("Motion withdrawn"),
    "obligation.agreement_end": _l("Series ended with its agreement"),
    "obligation.conditions": _l("Tranche conditions set"),
    "obligation.conditions_waive": _l("Tranche conditions waived"),
    "obligation.create": _l("Obligation created"),
    "obligation.fulfilment_correct": _l("Fulfilment corrected"),
    "obligation.fulfilment_reverse": _l("Fulfilment reversed"),
    "obligation.extend": _l("Series extended"),
    "obligation.feed_issue": _l("Calendar feed issued"),
    "obligation.feed_revoke": _l("Calendar feed revoked"),
    "obligation.fulfil": _l("Obligation fulfilled"),
    "obligation.remind": _l("Reminder sent"),
    "obligation.waive": _l("Obligation waived"),
    "partner.create": _l("Partner added"),
    "partner.update": _l("Partner changed"),
    "policy.update": _l("Approval policy changed"),
    "result.create": _l("Result added"),
    "result.update": _l("Result changed"),
    "target.add": _l("Target added"),
    "target.remove": _l("Target removed"),
    "user.create": _l("User created"),
    "user.password_change": _l("Password changed"),
    "user.password_set": _l("Password set"),
    "user.sign_in": _l("Signed in"),
    "user.sign_in_failed": _l("Sign-in failed"),
    "user.sign_out": _l("Signed out"),
    "user.token_issue": _l("API token issued"),
    "user.token_new_address": _l("API token used from a new address"),
    "user.token_revoke": _l("API token revoked"),
    "user.update": _l("User changed"),
}
# Why a sign-in was refused (the `reason` of a user.sign_in_failed event).
SIGN_IN_FAILURE = {
    "throttled": _l("Too many failures: asked to wait"),
    "wrong_credentials": _l("Wrong e-mail or password"),
}
# The fields an audit event's before and after name. A field without words here is shown by its
# key with spaces (tests/audit/test_audit_words.py checks the demo's events have words for all).
AUDIT_FIELD = {
    "active": _l("Active"),
    "actuals": _l("Actuals"),
    "added": _l("Added"),
    "address": _l("Address"),
    "agreement_id": _l("Agreement"),
    "all_members": _l("Every member votes"),
    "amendments": _l("Amended clauses"),
    "amount": _l("Amount"),
    "ascending": _l("Higher is better"),
    "baseline_value": _l("Baseline value"),
    "baseline_year": _l("Baseline year"),
    "category": _l("Category"),
    "changed": _l("Changed"),
    "clause_id": _l("Clause"),
    "clause_ids": _l("Clauses"),
    "clauses": _l("Clauses"),
    "code": _l("Code"),
    "conditions": _l("Conditions"),
    "corrects_id": _l("Corrects actual"),
    "corrects_motion_id": _l("Corrects motion"),
    "counts": _l("Count"),
    "created": _l("Created"),
    "currency": _l("Currency"),
    "day": _l("Day"),
    "decision": _l("Decision"),
    "decision_id": _l("Decision"),
    "decisions": _l("Decisions"),
    "depends_on": _l("Depends on"),
    "dimensions": _l("Dimensions"),
    "document": _l("Document"),
    "documents": _l("Documents"),
    "due_date": _l("Due date"),
    "effect": _l("Effect"),
    "effects": _l("Effects"),
    "email": _l("E-mail"),
    "end_date": _l("End date"),
    "endpoint": _l("Page"),
    "entries": _l("Entries"),
    "evidence": _l("Evidence"),
    "expires_at": _l("Expires"),
    "forum_id": _l("Forum"),
    "fulfilled_on": _l("Fulfilled on"),
    "group": _l("Rembug group"),
    "centre": _l("Centre"),
    "centre_id": _l("Centre"),
    "chair_member_id": _l("Chair (ketua)"),
    "officer_id": _l("Field officer"),
    "members_present": _l("Members present"),
    "deliberation": _l("Deliberation"),
    "date": _l("Date"),
    "positions": _l("Positions"),
    "indicator_id": _l("Indicator"),
    "investor": _l("Investor"),
    "item": _l("Agenda item"),
    "items": _l("Items"),
    "joined_on": _l("Joined on"),
    "kind": _l("Kind"),
    "legal_name": _l("Legal name"),
    "location": _l("Place"),
    "measure": _l("Measure"),
    "meeting_id": _l("Meeting"),
    "member_id": _l("Member"),
    "method": _l("Method"),
    "minutes": _l("Minutes"),
    "minutes_status": _l("Minutes"),
    "motion_id": _l("Motion"),
    "name": _l("Name"),
    "note": _l("Note"),
    "notes": _l("Notes"),
    "number": _l("Number"),
    "obligation_id": _l("Obligation"),
    "occurrence": _l("Occurrence"),
    "occurrences": _l("Number of due dates"),
    "on": _l("Date"),
    "outcome": _l("Outcome"),
    "owed_by": _l("Direction"),
    "paid_amount": _l("Paid"),
    "parties": _l("Parties"),
    "partner_id": _l("Partner"),
    "payment": _l("Payment"),
    "period_end": _l("Period to"),
    "period_start": _l("Period from"),
    "permission": _l("Permission"),
    "position": _l("Position"),
    "proxy_limit": _l("Proxy limit"),
    "quorum": _l("Quorum"),
    "reason": _l("Reason"),
    "reference": _l("Reference"),
    "region": _l("Region"),
    "registration_no": _l("Registration number"),
    "removed": _l("Removed"),
    "responsible_id": _l("Responsible"),
    "result_id": _l("Result"),
    "reversed": _l("Reversed"),
    "revoked": _l("Revoked"),
    "role": _l("Role"),
    "rows": _l("Rows"),
    "rrule": _l("Schedule"),
    "rule": _l("Decision rule"),
    "sector": _l("Water and sanitation sector"),
    "sha256": _l("Content hash (SHA-256)"),
    "size": _l("Size (bytes)"),
    "start_date": _l("Start date"),
    "starts_at": _l("Starts at"),
    "starts_on": _l("Starts on"),
    "status": _l("Status"),
    "summary": _l("Summary"),
    "tally": _l("Tally"),
    "targets": _l("Targets"),
    "text": _l("Text"),
    "threshold": _l("Threshold"),
    "title": _l("Title"),
    "today": _l("Today"),
    "token_id": _l("API token"),
    "tokens_revoked": _l("API tokens revoked"),
    "unchanged": _l("Unchanged"),
    "under_deliberation": _l("Under deliberation"),
    "unit": _l("Unit"),
    "updated": _l("Updated"),
    "user_id": _l("Login"),
    "value": _l("Value"),
    "value_amount": _l("Value"),
    "value_currency": _l("Currency"),
    "visibility": _l("Visibility"),
    "voters": _l("Voters"),
    "votes": _l("Votes"),
}

# ---- search ----

# The groups of the search page (the API's `kind`).
SEARCH_KIND = {
    "agreement": _l("Agreements"),
    "partner": _l("Partners"),
    "member": _l("Members"),
    "decision": _l("Decisions"),
}

TABLES = {
    "partner_category": PARTNER_CATEGORY,
    "partner_category_plural": PARTNER_CATEGORY_PLURAL,
    "agreement_kind": AGREEMENT_KIND,
    "agreement_status": AGREEMENT_STATUS,
    "agreement_move": AGREEMENT_MOVE,
    "party_role": PARTY_ROLE,
    "visibility": VISIBILITY,
    "water_sector": WATER_SECTOR,
    "clause_status": CLAUSE_STATUS,
    "centre_position": CENTRE_POSITION,
    "question_kind": QUESTION_KIND,
    "survey_population": SURVEY_POPULATION,
    "survey_visibility": SURVEY_VISIBILITY,
    "survey_channel": SURVEY_CHANNEL,
    "yes_no": YES_NO,
    "proposed_by": PROPOSED_BY,
    "proposed_by_phrase": PROPOSED_BY_PHRASE,
    "obligation_kind": OBLIGATION_KIND,
    "owed_by": OWED_BY,
    "owed_direction": OWED_DIRECTION,
    "owed_direction_short": OWED_DIRECTION_SHORT,
    "occurrence_status": OCCURRENCE_STATUS,
    "forum_kind": FORUM_KIND,
    "threshold": THRESHOLD,
    "meeting_status": MEETING_STATUS,
    "minutes_status": MINUTES_STATUS,
    "attendance_status": ATTENDANCE_STATUS,
    "motion_effect": MOTION_EFFECT,
    "decision_effect": DECISION_EFFECT,
    "motion_status": MOTION_STATUS,
    "vote_method": VOTE_METHOD,
    "vote_choice": VOTE_CHOICE,
    "motion_outcome": MOTION_OUTCOME,
    "network_flow": NETWORK_FLOW,
    "concentration_level": CONCENTRATION_LEVEL,
    "user_role": USER_ROLE,
    "notice_status": NOTICE_STATUS,
    "object_type": OBJECT_TYPE,
    "audit_action": AUDIT_ACTION,
    "audit_field": AUDIT_FIELD,
    "sign_in_failure": SIGN_IN_FAILURE,
    "search_kind": SEARCH_KIND,
    "result_kind": RESULT_KIND,
    "indicator_measure": INDICATOR_MEASURE,
    "actual_status": ACTUAL_STATUS,
    "result_dimension": RESULT_DIMENSION,
    "household_head_sex": HOUSEHOLD_HEAD_SEX,
    "tranche_state": TRANCHE_STATE,
}


def label(table: str, code: str | None) -> str:
    """The label of `code` in `table`, in the current language; the code itself when it has none
    (a value written by a newer version, say), and "" for no value."""
    if code is None:
        return ""
    text = TABLES[table].get(str(code))
    return str(text) if text is not None else str(code)


def labels(table: str) -> dict[str, str]:
    """Every label of `table` translated now: for a page that shows the same codes on many rows."""
    return {code: str(text) for code, text in TABLES[table].items()}


def choices(table: str) -> list[SelectChoice]:
    """A form select's options, one per code; the labels stay lazy so a form class built at import
    shows them in each request's language."""
    return [SelectChoice(code, text) for code, text in TABLES[table].items()]
