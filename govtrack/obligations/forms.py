"""Obligation forms: create (with a recurrence builder), fulfil, and the CSRF-only buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from govtrack.core.dates import DateInRange
from govtrack.core.forms import Form, SubForm
from govtrack.core.labels import choices
from govtrack.core.money import MoneyField

KIND_CHOICES = choices("obligation_kind")
OWED_BY_CHOICES = choices("owed_direction")
SCHEDULE_CHOICES = [
    SelectChoice("once", _l("Once, on the due date")),
    SelectChoice("monthly", _l("Monthly on day N")),
    SelectChoice("quarterly", _l("Quarterly on day N")),
    SelectChoice("yearly", _l("Yearly on the start date")),
    SelectChoice("weekly", _l("Weekly from the start date")),
    SelectChoice("rrule", _l("Custom RRULE (RFC 5545)")),
]


class ObligationForm(Form):
    """A new obligation. Agreement, partner and responsible choices are passed in by the view."""

    agreement_id = SelectField(_l("Agreement"), coerce=int, validators=[DataRequired()])
    owed_by = SelectField(_l("Direction"), choices=OWED_BY_CHOICES)
    partner_id = SelectField(_l("Partner (a party to the agreement)"), coerce=int, validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    amount = MoneyField(_l("Amount"), validators=[Optional()])
    currency = StringField(_l("Currency"), default="IDR",
                           validators=[DataRequired(), Regexp(r"^[A-Z]{3}$", message=_l("Three capital letters, e.g. IDR."))])
    schedule = SelectField(_l("Schedule"), choices=SCHEDULE_CHOICES, default="once")
    due_date = DateField(_l("Due date (once)"), validators=[Optional(), DateInRange()])
    starts_on = DateField(_l("Series starts on"), validators=[Optional(), DateInRange()])
    day = IntegerField(_l("Day of the month (monthly, quarterly)"), validators=[Optional(), NumberRange(1, 31)],
                       description=_l("Day 29, 30 or 31 falls on the month's last day in shorter months."))
    until = DateField(_l("Series ends on (optional; else the agreement's end)"), validators=[Optional(), DateInRange()])
    rrule = StringField(_l("RRULE (custom schedule)"), validators=[Optional(), Length(max=500)],
                        description=_l("For example FREQ=MONTHLY;BYMONTHDAY=15;COUNT=12"))
    responsible_id = SelectField(_l("Responsible user"), coerce=int, validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        """The fields each schedule needs. Checked here rather than in validate_<field>: Optional()
        ends a field's checks when it is empty, so those would never see the missing value."""
        ok = super().validate(extra_validators)
        schedule = self.schedule.data
        needs = []
        if schedule == "once":
            needs.append((self.due_date, _l("A one-off obligation needs a due date.")))
        else:
            needs.append((self.starts_on, _l("A series needs a start date: its first due date, from which the "
                                             "weekday, the day of the month or the date of the year is taken.")))
        if schedule == "rrule":
            needs.append((self.rrule, _l("Type the RRULE, or choose a common schedule.")))
        for field, message in needs:
            if not field.errors and not (field.data.strip() if isinstance(field.data, str) else field.data):
                field.errors = [*field.errors, message]
                ok = False
        if (schedule not in ("once", "rrule") and self.until.data and self.starts_on.data
                and not self.until.errors and self.until.data < self.starts_on.data):
            self.until.errors = [*self.until.errors, _l("The series cannot end before it starts (%(d)s).",
                                                        d=self.starts_on.data.isoformat())]
            ok = False
        return ok


class FulfilForm(Form):
    """Fulfil an occurrence: all of it, or a partial payment, with an optional evidence file."""

    date = DateField(_l("Fulfilled on"), validators=[DataRequired(), DateInRange()])
    amount = MoneyField(_l("Amount paid (leave empty for the whole remaining amount)"), positive=True,
                        validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    evidence = FileField(_l("Evidence (PDF, image, Word, Excel, OpenDocument)"))


class CorrectFulfilmentForm(Form):
    """Correct a recorded fulfilment: its date, amount or note, saying why."""

    date = DateField(_l("Fulfilled on"), validators=[DataRequired(), DateInRange()])
    amount = MoneyField(_l("Amount paid"), positive=True, validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])
    reason = TextAreaField(_l("Why is it corrected?"), validators=[DataRequired(), Length(max=5000)])


class ConditionRow(SubForm):
    """One condition of a tranche: an indicator of the agreement reaches a value by a date."""

    indicator_id = SelectField(_l("Indicator"), coerce=int, validators=[Optional()])
    at_least = MoneyField(_l("Reaches at least"), validators=[Optional()])
    by_date = DateField(_l("By"), validators=[Optional(), DateInRange()])


class ConditionsForm(Form):
    """The conditions of a tranche; a row with no indicator is no condition."""

    rows = FieldList(FormField(ConditionRow), min_entries=3, max_entries=10)

    def conditions(self) -> list[tuple[int | None, object, object]]:
        return [(r.indicator_id.data or None, r.at_least.data, r.by_date.data) for r in self.rows
                if r.indicator_id.data or r.at_least.data is not None or r.by_date.data]


class ReverseFulfilmentForm(Form):
    """Reverse a recorded fulfilment, saying why; it stays in the history."""

    reason = TextAreaField(_l("Why is it reversed?"), validators=[DataRequired(), Length(max=5000)])
