"""The network page's filters and what-if control (GET forms: they change nothing)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SearchField, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from govtrack.core.dates import DateInRange
from govtrack.core.forms import Form
from govtrack.core.labels import NETWORK_FLOW, choices
from govtrack.network.graph import FLOWS
from govtrack.network.queries import DEFAULT_STATUSES, STATUS_ORDER


class StatusesField(SelectMultipleField):
    """Several agreement statuses, one checkbox each; its data in the usual order of statuses,
    each once (the order they were ticked in does not matter)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist) -> None:
        super().process_formdata([v for v in valuelist if v])  # `status=` (an old link's "in force"): none chosen
        if self.data:
            self.data = sorted(set(self.data), key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER))


class NetworkFilterForm(Form):
    """Which network to show: the date, a category, a flow, the agreement statuses (several at once;
    none ticked: DEFAULT_STATUSES, ticked when the form is shown), and a date to compare with."""

    class Meta:
        csrf = False  # a GET form that only reads

    as_of = DateField(_l("On date"), validators=[Optional(), DateInRange()], description=_l("Default: today."))
    category = SelectField(_l("Partner category"), validators=[Optional()])
    flow = SelectField(_l("Flow"), validators=[Optional()])
    status = StatusesField(
        _l("Agreement statuses"), validators=[Optional()],
        description=_l("Default: in force (active or suspended), under deliberation and approved."),
    )
    since = DateField(
        _l("Compare with date"), validators=[Optional(), DateInRange()],
        description=_l("For example the date of the last members' meeting."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("All")), *choices("partner_category_plural")]
        self.flow.choices = [SelectChoice("", _l("All")), *(SelectChoice(f, NETWORK_FLOW[f]) for f in FLOWS)]
        by_code = {c.value: c.label for c in choices("agreement_status")}
        self.status.choices = [
            SelectChoice(code, _l("%(status)s (default)", status=by_code[code]) if code in DEFAULT_STATUSES else by_code[code])
            for code in STATUS_ORDER
        ]
        if not self.status.data:
            self.status.data = list(DEFAULT_STATUSES)  # what the page shows when none is chosen, ticked


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
