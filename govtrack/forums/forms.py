"""Forms of the forums pages. Choices are passed in by the views; forms never touch the database."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from govtrack.core.dates import DateInRange, LocalDateTimeField
from govtrack.core.forms import Form
from govtrack.core.labels import choices
from govtrack.db import MAX_ID

FORUM_KINDS = choices("forum_kind")
THRESHOLDS = choices("threshold")
EFFECTS = choices("motion_effect")


CLAUSE_NUMBER = re.compile(r"^[0-9]{1,6}$")
TALLY_MAX = 10_000_000  # as the API's tally schema


def _clause_number(text: str) -> int:
    """A clause number typed by a user: ASCII digits only (int() reads "١٢" and refuses "²")."""
    if not CLAUSE_NUMBER.match(text.strip()):
        raise ValueError(text)
    return int(text)


class ForumForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    code = StringField(_l("Decision number prefix"), validators=[Optional(), Length(max=12)],
                       description=_l("E.g. RP gives decision numbers RP-2026-001. Empty: from the kind."))
    kind = SelectField(_l("Kind"), choices=FORUM_KINDS, validators=[DataRequired()])
    all_members = BooleanField(_l("Every active member who is not an investor may vote"), default=True)
    voter_numbers = TextAreaField(
        _l("Voters: one member a line, by member number or full name"), validators=[Optional(), Length(max=1000000)],
        description=_l("Used when not every member votes, e.g. the board or the sharia supervisory board. Paste a "
                       "list or type it: “A0001”, “Siti Aminah” or “A0001 Siti Aminah”. Only active members who "
                       "are not investors may vote."),
        render_kw={"rows": 8, "spellcheck": "false"},
    )
    quorum_numerator = IntegerField(_l("Quorum: numerator"), default=1,
                                    validators=[InputRequired(), NumberRange(min=0, max=1000)])
    quorum_denominator = IntegerField(_l("Quorum: denominator"), default=2,
                                      validators=[InputRequired(), NumberRange(min=1, max=1000)])
    quorum_strict = BooleanField(_l("Strictly more than the fraction (else: at least the fraction)"))
    threshold = SelectField(_l("Threshold"), choices=THRESHOLDS, validators=[DataRequired()])
    proxy_limit = IntegerField(_l("Proxies one member may hold"), default=1,
                               validators=[InputRequired(), NumberRange(min=0, max=1000)])

    def validate_quorum_numerator(self, field):
        if self.quorum_denominator.data and field.data is not None and field.data > self.quorum_denominator.data:
            raise ValidationError(_l("The quorum is at most the whole."))

    def validate_voter_numbers(self, field):
        if not self.all_members.data and not (field.data or "").strip():
            raise ValidationError(_l("Name at least one voter, or let all members vote."))


class MeetingForm(Form):
    forum_id = SelectField(_l("Forum"), coerce=int, validators=[DataRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    starts_at = LocalDateTimeField(_l("Starts at"), validators=[DataRequired(), DateInRange()])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=300)])


class MeetingEditForm(Form):
    """Edit or reschedule a scheduled meeting (its forum does not change)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    starts_at = MeetingForm.starts_at
    location = StringField(_l("Location"), validators=[Optional(), Length(max=300)])


class ReasonForm(Form):
    """Cancelling a meeting or withdrawing a motion: the reason, kept with the record."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("Kept and shown with the record."))


class OfficersForm(Form):
    """Who chairs the meeting and who keeps its minutes, by member number (they sign the minutes)."""

    chair_number = StringField(_l("Chair (member number)"), validators=[Optional(), Length(max=40)])
    secretary_number = StringField(_l("Secretary (member number)"), validators=[Optional(), Length(max=40)])


class AgendaForm(Form):
    title = StringField(_l("Agenda item"), validators=[DataRequired(), Length(max=300)])
    agreement_id = StringField(
        _l("Agreement deliberated"), validators=[Optional(), Length(max=100)],
        description=_l("Its reference (e.g. PKS/001/2026) or its number; empty: none."),
        render_kw={"list": "agreements-awaiting", "autocomplete": "off"},
    )
    clause_numbers = StringField(_l("Clause numbers"), validators=[Optional(), Length(max=500)],
                                 description=_l("E.g. 1, 3, 4. Empty: the agreement as a whole."))

    def validate_clause_numbers(self, field):
        try:
            self.numbers = [_clause_number(x) for x in (field.data or "").replace(";", ",").split(",") if x.strip()]
        except ValueError:
            raise ValidationError(_l("Whole numbers separated by commas.")) from None


class MotionForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    text = TextAreaField(_l("Text of the motion"), validators=[DataRequired(), Length(max=50000)])
    effect = SelectField(_l("Effect if carried"), choices=EFFECTS, validators=[DataRequired()])
    agreement_id = StringField(
        _l("Agreement"), validators=[Optional(), Length(max=100)],
        description=_l("Its reference (e.g. PKS/001/2026) or its number; it must be on this meeting's agenda. "
                        "Empty: none."),
        render_kw={"list": "agreements-awaiting", "autocomplete": "off"},
    )
    amendments = TextAreaField(
        _l("Amended clauses"), validators=[Optional(), Length(max=100000)],
        description=_l("One per line: clause number, a colon, the new text. E.g. 2: Margin 7% per year."),
    )
    obligation_id = IntegerField(_l("Obligation id (to waive)"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    corrects_motion_id = IntegerField(_l("Corrects motion id"),
                                      validators=[Optional(), NumberRange(min=1, max=MAX_ID)])

    def validate_amendments(self, field):
        self.parsed: list[tuple[int, str]] = []
        bad: list[str] = []
        for n, line in enumerate((field.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            number, sep, text = line.partition(":")
            try:
                parsed = _clause_number(number)
            except ValueError:
                parsed = None
            if not sep or parsed is None or not text.strip():
                shown = line.strip() if len(line.strip()) <= 60 else line.strip()[:57] + "…"
                bad.append(str(_l("Line %(n)d (“%(text)s”): write the clause number, a colon, then the new text.",
                                  n=n, text=shown)))
                continue
            if any(parsed == p for p, _t in self.parsed):
                bad.append(str(_l("Line %(n)d: clause %(c)d is amended twice.", n=n, c=parsed)))
                continue
            self.parsed.append((parsed, text.strip()))
        if bad:
            # Every bad line at once, each named by its number.
            raise ValidationError(" ".join(bad))


class MinutesForm(Form):
    # Its own id: the meeting page's minutes section is #minutes (the anchor a save returns to), and a
    # label pointing at that section would leave the text area without a name.
    minutes = TextAreaField(
        _l("Minutes (Markdown)"), id="minutes-markdown", validators=[Optional(), Length(max=200000)], description=_l(
        "Markdown: # Heading and ## Subheading on a line of their own; lines starting with - or 1. make "
        "a list; **bold**, *italic*; [text](https://…) makes a link; a blank line starts a new "
        "paragraph. HTML is not applied: it shows as typed."))


class TallyForm(Form):
    yes = IntegerField(_l("Yes"), validators=[InputRequired(), NumberRange(min=0, max=TALLY_MAX)])
    no = IntegerField(_l("No"), validators=[InputRequired(), NumberRange(min=0, max=TALLY_MAX)])
    abstain = IntegerField(_l("Abstain"), default=0, validators=[InputRequired(), NumberRange(min=0, max=TALLY_MAX)])


class ConfirmForm(Form):
    """A button that posts (CSRF only)."""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def policy_form_class(kinds: list[tuple[str, str]]) -> type[Form]:
    """A form with one set of forum-kind checkboxes per agreement kind."""
    attrs = {k: MultiCheckboxField(label, choices=FORUM_KINDS, validate_choice=True) for k, label in kinds}
    return type("PolicyForm", (Form,), attrs)


class _FilterYear(IntegerField):
    """A year typed in a filter: ASCII digits only, its refusal in the reader's language (WTForms
    has no Indonesian words of its own)."""

    def process_formdata(self, valuelist) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        if not (text.isascii() and text.isdigit() and len(text) <= 4):
            self.data = None
            raise ValueError(_l("Give a year from %(min)d to %(max)d.", min=1900, max=2200))
        self.data = int(text)


class _FilterDate(DateField):
    """A date typed in a filter (the browser's date picker sends YYYY-MM-DD)."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Not a date; write it as YYYY-MM-DD.")) from None


class _FilterChoice(SelectField):
    """A choice of a filter; a value not offered is refused in the reader's language."""

    def pre_validate(self, form) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(_l("Choose one of the values offered.")) from None


class DecisionFilterForm(Form):
    """The decision register's filters (a GET form: it changes nothing, so no CSRF token). The
    agreement is typed as people know it, its reference or number; the view resolves it."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200, message=_l("At most %(n)d characters.", n=200))],
                    description=_l("Number, text, or the agreement's reference or title."))
    forum_id = _FilterChoice(_l("Forum"), validators=[Optional()], validate_choice=True)
    year = _FilterYear(_l("Year"), validators=[Optional(), NumberRange(
        min=1900, max=2200, message=_l("Give a year from %(min)d to %(max)d.", min=1900, max=2200))])
    date_from = _FilterDate(_l("From"), name="from", validators=[Optional(), DateInRange()])
    date_to = _FilterDate(_l("To"), name="to", validators=[Optional(), DateInRange()])
    agreement_id = StringField(_l("Agreement"), validators=[Optional(), Length(max=100, message=_l(
        "At most %(n)d characters.", n=100))], description=_l("Its reference or number."))
    effect = _FilterChoice(_l("Effect"), validators=[Optional()], validate_choice=True)

    def __init__(self, *args, forums, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum_id.choices = [SelectChoice("", _l("Every forum")), *(SelectChoice(str(i), n) for i, n in forums)]
        self.effect.choices = [SelectChoice("", _l("Any effect")), *choices("decision_effect")]

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
