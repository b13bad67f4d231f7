"""Roster forms: a member, the CSV import, an interest declaration, a user link."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from govtrack.core.dates import DateInRange
from govtrack.core.forms import Form
from govtrack.members.services import CODE_MAX, NAME_MAX, NOTE_MAX, NUMBER_MAX


class MemberForm(Form):
    number = StringField(
        _l("Member number"),
        validators=[DataRequired(), Length(max=NUMBER_MAX)],
        description=_l("Letters, digits, '-', '/' and '.'; stored in capitals."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    centre = StringField(
        _l("Centre (code)"), validators=[Optional(), Length(max=CODE_MAX)],
        description=_l("The code of the centre the member belongs to, as on the list of centres (RP-00012)."),
    )
    joined_on = DateField(_l("Joined on"), validators=[Optional(), DateInRange()])
    active = BooleanField(_l("Active"), default=True)
    investor = BooleanField(
        _l("Investor (modal penyertaan)"), description=_l("Investors are on the roster but have no vote.")
    )


class ImportForm(Form):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(_l("Choose a file."))],
        # Its help (templates/members/import.html) shows the column names as code: they are the
        # file's format, the same in every language.
    )


class InterestForm(Form):
    partner_id = SelectField(_l("Partner"), coerce=int, validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)])


class LinkUserForm(Form):
    user_id = SelectField(_l("Login"), coerce=int, validators=[DataRequired()])
