"""The portal's search form (a GET form: it changes nothing, so it carries no CSRF token)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SearchField, SelectChoice, SelectField
from wtforms.validators import Length, NumberRange, Optional

from govtrack.core.forms import Form


class PublishedFilterForm(Form):
    """Search and filters of the published agreements; choices are passed in by the view."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200)],
                    description=_l("Title, reference, summary or partner name."))
    category = SelectField(_l("Partner category"), validators=[Optional()], validate_choice=True)
    kind = SelectField(_l("Kind of agreement"), validators=[Optional()], validate_choice=True)
    year = IntegerField(_l("Starting year"), validators=[Optional(), NumberRange(min=1900, max=2200)])

    def __init__(self, *args, categories, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("All categories")), *categories]
        self.kind.choices = [SelectChoice("", _l("All kinds")), *kinds]
