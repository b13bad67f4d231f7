"""Survey forms: a survey (its questions are rows the view reads, `QUESTION_ROWS` of them), the
upload of paper forms, the redraw's confirmation. The answers to one survey are inputs named after
the questions, read by the view too (their number and kinds are the survey's)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from govtrack.core.dates import DateInRange
from govtrack.core.forms import Form
from govtrack.core.labels import choices
from govtrack.surveys.services import PURPOSE_MAX, TITLE_MAX

QUESTION_ROWS = 8  # rows shown on a new survey; blank ones are ignored
SAMPLE_CHOICES = [SelectChoice("everyone", _l("Everyone in the population")),
                  SelectChoice("sample", _l("A random sample, stratified by centre"))]


class SurveyForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), Length(max=PURPOSE_MAX)],
                          description=_l("What the cooperative wants to learn, and for which decision."))
    opens_on = DateField(_l("Opens on"), validators=[InputRequired(), DateInRange()])
    closes_on = DateField(_l("Closes on"), validators=[InputRequired(), DateInRange()])
    visibility = SelectField(_l("Who may read the results"), choices=choices("survey_visibility"),
                             validators=[InputRequired()])
    population_kind = RadioField(_l("Population"), choices=choices("survey_population"), default="all",
                                 validators=[InputRequired()])
    regions = SelectMultipleField(_l("Regions"), choices=[], validate_choice=False,
                                  description=_l("With “members in chosen regions”: hold Ctrl to choose several."))
    centre_codes = TextAreaField(_l("Centre codes"), validators=[Optional(), Length(max=20000)],
                               description=_l("With “members of chosen centres”: their codes, separated by commas "
                                              "or one a line, e.g. RP-00012, RP-00013."))
    sample_mode = RadioField(_l("Sample"), choices=SAMPLE_CHOICES, default="everyone", validators=[InputRequired()])
    sample_size = IntegerField(_l("Sample size"), validators=[Optional(), NumberRange(min=1, max=10_000_000)],
                               description=_l("How many members to draw, in proportion to each centre's size."))
    sample_seed = IntegerField(_l("Seed (optional)"), validators=[Optional(), NumberRange(min=0, max=2**62 - 1)],
                               description=_l("The same seed draws the same members again; left empty, "
                                              "govtrack picks one and records it."))

    def validate_regions(self, field):
        if self.population_kind.data == "regions" and not [r for r in field.data or [] if r.strip()]:
            raise ValidationError(_l("Choose at least one region."))

    def validate_centre_codes(self, field):
        if self.population_kind.data == "centres" and not (field.data or "").strip():
            raise ValidationError(_l("Give at least one centre code."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        # Here rather than in validate_sample_size: Optional() ends a blank field's checks before its
        # own, and a sample without a size would then be taken for everyone.
        mode, size = self.sample_mode, self.sample_size  # None once answers fix the sample (the edit form)
        if mode is not None and size is not None and mode.data == "sample" and size.data is None and not size.errors:
            size.errors = [*size.errors, _l("Give the sample size.")]
            ok = False
        return ok


class UploadForm(Form):
    file = FileField(_l("File of responses (CSV or Excel)"), validators=[FileRequired(message=_l("Choose a file."))])


class RedrawForm(Form):
    confirm = BooleanField(_l("Yes, draw the sample again (the members drawn now are replaced)"),
                           validators=[DataRequired(message=_l("Tick the box to confirm."))])
