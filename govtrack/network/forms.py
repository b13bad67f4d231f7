"""The network page's filters and what-if control (GET forms: they change nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional

from govtrack.core.dates import DateInRange
from govtrack.core.forms import Form
from govtrack.core.labels import NETWORK_FLOW, choices
from govtrack.network.graph import FLOWS


class NetworkFilterForm(Form):
    """Which network to show: the date, a category, a flow, a status, and a date to compare with."""

    class Meta:
        csrf = False  # a GET form that only reads

    as_of = DateField(_l("On date"), validators=[Optional(), DateInRange()], description=_l("Default: today."))
    category = SelectField(_l("Partner category"), validators=[Optional()])
    flow = SelectField(_l("Flow"), validators=[Optional()])
    status = SelectField(
        _l("Agreement status"), validators=[Optional()],
        description=_l("Default: agreements in force (active or suspended)."),
    )
    since = DateField(
        _l("Compare with date"), validators=[Optional(), DateInRange()],
        description=_l("For example the date of the last members' meeting."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("All")), *choices("partner_category_plural")]
        self.flow.choices = [SelectChoice("", _l("All")), *(SelectChoice(f, NETWORK_FLOW[f]) for f in FLOWS)]
        self.status.choices = [SelectChoice("", _l("In force")), *choices("agreement_status")]


class WhatIfForm(Form):
    """Pick a partner to see what would be at risk if it left: one of the largest from a short
    list, or any partner by a part of its name (a list of every partner would run to thousands)."""

    class Meta:
        csrf = False

    partner_id = SelectField(_l("If one of the largest partners left"), coerce=int, validators=[Optional()])
    partner_q = SearchField(
        _l("Or a partner whose name contains"), validators=[Optional(), Length(max=200)],
        render_kw={"autocomplete": "off", "maxlength": 200},
    )
