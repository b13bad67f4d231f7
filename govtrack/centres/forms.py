"""Centre forms: a centre (rembug pusat)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from govtrack.core.dates import DateInRange
from govtrack.core.forms import Form
from govtrack.members.services import CODE_MAX, GROUP_MAX, REGION_MAX


def _id_or_none(value):
    return int(value) if value not in (None, "", "None") else None


class CentreForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=GROUP_MAX)])
    code = StringField(
        _l("Code"), validators=[Optional(), Length(max=CODE_MAX)],
        description=_l("Letters, digits, '-', '/' and '.'; stored in capitals. Left empty, the next RP-number."),
    )
    region = StringField(
        _l("Region"), validators=[Optional(), Length(max=REGION_MAX)],
        description=_l("The kecamatan and kabupaten, e.g. Kec. Cibinong, Kab. Bogor."),
    )
    chair_member_id = SelectField(_l("Chair (ketua)"), coerce=_id_or_none, validators=[Optional()],
                                  description=_l("One of the centre's active members."))
    officer_id = SelectField(_l("Field officer"), coerce=_id_or_none, validators=[Optional()],
                             description=_l("The login of the field officer who attends the centre's meetings."))
    active = BooleanField(_l("Active"), default=True)


class PositionsForm(Form):
    """The meeting's date and attendance; the positions per clause are read by the view (one set of
    radio buttons per clause, named after it)."""

    held_on = DateField(_l("Date of the meeting"), validators=[DataRequired(), DateInRange()])
    members_present = IntegerField(_l("Members present"), validators=[InputRequired(), NumberRange(min=1)])
