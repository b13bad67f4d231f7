"""Results framework forms: a result, an indicator, a target, an actual, an import, and the
CSRF-only buttons (submit, verify, remove a target)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from govtrack.core.dates import DateInRange
from govtrack.core.forms import Form
from govtrack.core.labels import choices
from govtrack.core.money import MoneyField, format_typed_amount


class FigureField(MoneyField):
    """A figure (a count or a percentage) typed as people of the user's language write numbers:
    the app's decimal reading (two decimals at most, zero or more), with a figure's example."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        examples = {"a": format_typed_amount(Decimal("1250"), self.locale),
                    "b": format_typed_amount(Decimal("87.5"), self.locale)}
        self.description = _l("A number with at most two decimals, e.g. %(a)s or %(b)s.", **examples)
        self.render_kw = {**(self.render_kw or {}), "placeholder": examples["a"]}


DIRECTION_CHOICES = [SelectChoice("1", _l("Higher is better")), SelectChoice("0", _l("Lower is better"))]
PERIOD_HELP = _l("Inside the agreement's dates when it has them.")


class ResultForm(Form):
    kind = SelectField(_l("Kind"), choices=choices("result_kind"))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])


class IndicatorForm(Form):
    title = StringField(_l("Indicator"), validators=[DataRequired(), Length(max=300)])
    unit = StringField(_l("Unit"), validators=[DataRequired(), Length(max=60)],
                       description=_l("What is counted: households, toilets, percent of loans."))
    code = StringField(_l("Code (optional)"), validators=[Optional(), Length(max=40)],
                       description=_l("How the loan system names it in an import of actuals."))
    measure = SelectField(_l("Measure"), choices=choices("indicator_measure"))
    ascending = SelectField(_l("Direction"), choices=DIRECTION_CHOICES, default="1")
    baseline_year = IntegerField(_l("Baseline year"), validators=[Optional(), NumberRange(1900, 2200)])
    baseline_value = FigureField(_l("Baseline value"), validators=[Optional()])


HUNDRED = Decimal(100)


class _FigureOfPeriod(Form):
    """A figure over a period: the checks a form can make alone, so that they show together with the
    others (the service checks them again, and the agreement's dates)."""

    def __init__(self, *args, percentage: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.percentage = percentage

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        start, end = self.period_start.data, self.period_end.data
        if start and end and not self.period_end.errors and end < start:
            self.period_end.errors = [*self.period_end.errors, _l("The period ends before it starts.")]
            ok = False
        if self.percentage and self.value.data is not None and self.value.data > HUNDRED:
            self.value.errors = [*self.value.errors, _l("A percentage is from 0 to 100.")]
            ok = False
        return ok


class TargetForm(_FigureOfPeriod):
    period_start = DateField(_l("Period from"), validators=[DataRequired(), DateInRange()], description=PERIOD_HELP)
    period_end = DateField(_l("Period to"), validators=[DataRequired(), DateInRange()])
    value = FigureField(_l("Target"), validators=[DataRequired()])


class ActualForm(_FigureOfPeriod):
    """An actual for a period, in total or for a combination of dimensions, with its evidence."""

    period_start = DateField(_l("Period from"), validators=[DataRequired(), DateInRange()], description=PERIOD_HELP)
    period_end = DateField(_l("Period to"), validators=[DataRequired(), DateInRange()])
    value = FigureField(_l("Actual"), validators=[DataRequired()])
    sex = SelectField(_l("Sex of the household head"),
                      choices=[SelectChoice("", _l("All (no split)")), *choices("household_head_sex")],
                      validators=[Optional()])
    region = StringField(_l("Region"), validators=[Optional(), Length(max=120)],
                         description=_l("Empty: all regions."))
    dimension_name = StringField(_l("Other dimension (name)"), validators=[Optional(), Length(max=60)],
                                 description=_l("Any other split the funder asks for, e.g. age group."))
    dimension_value = StringField(_l("Other dimension (value)"), validators=[Optional(), Length(max=120)])
    documents = SelectMultipleField(_l("Evidence among the agreement's documents"), coerce=int,
                                    option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False),
                                    validators=[Optional()])
    evidence = FileField(_l("New evidence file (optional)"),
                         description=_l("PDF, PNG, JPEG, Word, Excel or OpenDocument; it is added to the "
                                        "agreement's documents."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    corrects_id = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        """The other dimension's name and value come together. Checked here rather than in
        validate_<field>: Optional() ends a field's checks when it is empty."""
        ok = super().validate(extra_validators)  # the period and the percentage too
        if bool((self.dimension_name.data or "").strip()) != bool((self.dimension_value.data or "").strip()):
            self.dimension_value.errors = [*self.dimension_value.errors, _l(
                "Give both the name and the value of the other dimension, or neither.")]
            ok = False
        return ok

    def dimensions(self) -> dict[str, str]:
        dims: dict[str, str] = {}
        if self.sex.data:
            dims["sex"] = self.sex.data
        if (self.region.data or "").strip():
            dims["region"] = self.region.data
        if (self.dimension_name.data or "").strip():
            dims[self.dimension_name.data] = self.dimension_value.data
        return dims


class ImportForm(Form):
    file = FileField(_l("File of actuals (CSV or Excel)"), validators=[FileRequired(message=_l("Choose a file."))])


class ActionForm(Form):
    """A button that posts an action (submit, verify, remove): its CSRF token only."""
