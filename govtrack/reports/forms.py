"""The funder's report's forms: its period (a GET form), the narrative, fulfilling a report obligation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from govtrack.core.dates import DateInRange
from govtrack.core.forms import Form
from govtrack.reports.services import NARRATIVE_MAX


class PeriodForm(Form):
    """Which period the report covers (default: the last whole quarter)."""

    class Meta:
        csrf = False  # a GET form that only reads

    period_start = DateField(_l("From"), validators=[Optional(), DateInRange()])
    period_end = DateField(_l("To"), validators=[Optional(), DateInRange()])

    def validate_period_end(self, field) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_l("The period ends before it starts."))


class NarrativeForm(Form):
    period_start = HiddenField(validators=[DataRequired()])
    period_end = HiddenField(validators=[DataRequired()])
    narrative = TextAreaField(
        _l("Narrative"), validators=[Optional(), Length(max=NARRATIVE_MAX)],
        description=_l("What happened in the period, in your words: progress, difficulties, what comes next."),
    )


class FulfilForm(Form):
    period_start = HiddenField(validators=[DataRequired()])
    period_end = HiddenField(validators=[DataRequired()])
    occurrence_id = HiddenField(validators=[DataRequired()])
