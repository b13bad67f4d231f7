"""Agreement forms: list filter, create / edit-while-draft with party and clause rows, visibility,
status moves and document upload. The words for the codes are in govtrack.core.labels."""

from __future__ import annotations

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
from wtforms.fields import FieldList, FormField
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from govtrack.agreements.models import (
    ProposedBy,
    Visibility,
)
from govtrack.core.dates import DateInRange
from govtrack.core.forms import Form, SubForm
from govtrack.core.ids import parse_id
from govtrack.core.labels import choices
from govtrack.core.money import MoneyField
from govtrack.db import MAX_ID

PARTY_ROWS = 3
CLAUSE_ROWS = 3


def sector_choices() -> list[SelectChoice]:
    """The water and sanitation sectors, each with its DAC code (what funders read in IATI)."""
    return [SelectChoice("", _l("Not said (exported as 14030)")),
            *(SelectChoice(c.value, f"{c.value} — {c.label}") for c in choices("water_sector"))]




class AgreementFilterForm(Form):
    """The list page's GET filters (no CSRF: reading changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Title or reference"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("Any status")), *choices("agreement_status")], validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=[SelectChoice("", _l("Any kind")), *choices("agreement_kind")], validators=[Optional()])
    # A name search, not a select of every partner (2,000 options would be most of the page); a
    # partner page links here with one partner's id.
    partner_name = StringField(_l("Partner"), validators=[Optional(), Length(max=200)])
    partner = IntegerField(_l("Partner"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    visibility = SelectField(
        _l("Visibility"), choices=[SelectChoice("", _l("Any visibility")), *choices("visibility")], validators=[Optional()]
    )

    def filters(self) -> dict:
        return {
            "q": (self.q.data or "").strip() or None,
            "status": self.status.data or None,
            "kind": self.kind.data or None,
            "partner_id": self.partner.data,
            "partner_name": (self.partner_name.data or "").strip() or None,
            "visibility": self.visibility.data or None,
        }


class PartyRowForm(SubForm):
    """One party row; a row without a partner is ignored."""

    # No Optional(): it would stop the row check in validate_role for an empty select.
    partner_id = SelectField(_l("Partner"), choices=[])
    role = SelectField(_l("Role"), choices=[SelectChoice("", "—"), *choices("party_role")])

    def is_blank(self) -> bool:
        return not self.partner_id.data and not self.role.data

    def validate_role(self, field) -> None:
        if self.partner_id.data and not field.data:
            raise ValidationError(_l("Choose the partner's role."))
        if field.data and not self.partner_id.data:
            raise ValidationError(_l("Choose a partner for this role."))


class ClauseRowForm(SubForm):
    """One numbered clause; a row without text is left out (which removes a draft's clause)."""

    id = HiddenField()
    number = IntegerField(_l("Number"), validators=[Optional(), NumberRange(min=1, max=100000)])
    text = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20000)])
    proposed_by = SelectField(_l("Proposed by"), choices=choices("proposed_by"), validators=[Optional()])

    def is_blank(self) -> bool:
        return not (self.text.data or "").strip()

    def validate_id(self, field) -> None:
        if field.data and parse_id(str(field.data)) is None:
            raise ValidationError(_l("Not a clause of this agreement."))


def _partner_options(partners: list[tuple[int, str]]) -> list[SelectChoice]:
    return [SelectChoice("", "—"), *(SelectChoice(str(i), n) for i, n in partners)]


class AgreementForm(Form):
    """Create a draft agreement, or edit one while it is a draft."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=100)],
                            description=_l("For example PKS/2026/014. Must be unique."))
    kind = SelectField(_l("Kind"), choices=choices("agreement_kind"), validators=[DataRequired()])
    # No min_entries (see partners.forms.PartnerForm.contacts): set_rows() adds the empty rows.
    parties = FieldList(FormField(PartyRowForm), max_entries=50)
    value = MoneyField(_l("Value"), validators=[Optional()])
    value_currency = StringField(
        _l("Currency"), default="IDR",
        validators=[DataRequired(), Regexp(r"^[A-Z]{3}$", message=_l("Three capital letters, e.g. IDR."))],
    )
    start_date = DateField(_l("Start date"), validators=[Optional(), DateInRange()])
    end_date = DateField(_l("End date"), validators=[Optional(), DateInRange()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=50000)])
    visibility = SelectField(_l("Visibility"), choices=choices("visibility"), default=Visibility.internal.value,
                             validators=[DataRequired()])
    sector = SelectField(
        _l("Water and sanitation sector"), validators=[Optional()],
        description=_l("What it finances, as published in the open data (IATI): water, sanitation or both."),
    )
    depends_on = SelectMultipleField(
        _l("Depends on"), choices=[], validators=[Optional()],
        description=_l("Agreements this one needs, e.g. the grant that funds a construction contract."),
    )
    clauses = FieldList(FormField(ClauseRowForm), max_entries=200)

    def __init__(self, *args, partners: list[tuple[int, str]], agreements: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for row in self.parties:
            row.form.partner_id.choices = _partner_options(partners)
        self._partners = partners
        self.depends_on.choices = [SelectChoice(str(i), label) for i, label in agreements]
        self.sector.choices = sector_choices()

    def set_rows(self) -> None:
        """Enough empty rows to add parties and clauses without JavaScript."""
        while len(self.parties.entries) < PARTY_ROWS or not self.parties.entries[-1].form.is_blank():
            self.parties.append_entry()
        while len(self.clauses.entries) < CLAUSE_ROWS or not self.clauses.entries[-1].form.is_blank():
            self.clauses.append_entry()
        for row in self.parties:
            row.form.partner_id.choices = _partner_options(self._partners)

    def validate_parties(self, field) -> None:
        if not any(not row.form.is_blank() for row in field.entries):
            raise ValidationError(_l("Name at least one party."))

    def validate_end_date(self, field) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end date is before the start date."))

    def party_rows(self) -> list[tuple[int, str]]:
        return [
            (int(row.form.partner_id.data), row.form.role.data)
            for row in self.parties.entries
            if not row.form.is_blank()
        ]

    def clause_rows(self) -> list[dict]:
        return [
            {
                "id": int(row.form.id.data) if row.form.id.data else None,
                "number": row.form.number.data,
                "text": row.form.text.data.strip(),
                "proposed_by": row.form.proposed_by.data or ProposedBy.cooperative.value,
            }
            for row in self.clauses.entries
            if not row.form.is_blank()
        ]

    def dependency_ids(self) -> list[int]:
        return [int(v) for v in self.depends_on.data or []]


class PublishForm(Form):
    """What may change after the draft stage without a decision: visibility, summary and sector."""

    visibility = SelectField(_l("Visibility"), choices=choices("visibility"), validators=[DataRequired()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=50000)])
    sector = SelectField(
        _l("Water and sanitation sector"), validators=[Optional()],
        description=_l("What it finances, as published in the open data (IATI): water, sanitation or both."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = sector_choices()


class TransitionForm(Form):
    """A status-move button."""

    to = HiddenField(validators=[DataRequired()])


class DocumentForm(Form):
    """Attach a document to an agreement."""

    file = FileField(_l("Document"), validators=[FileRequired(message=_l("Choose a file."))],
                     description=_l("PDF, PNG, JPEG, Word, Excel or OpenDocument."))


class ReplaceDocumentForm(Form):
    """Put a new file in a document's place; the earlier one is kept in its history."""

    file = FileField(_l("New file"), validators=[FileRequired(message=_l("Choose a file."))],
                     description=_l("PDF, PNG, JPEG, Word, Excel or OpenDocument."))


class RemoveDocumentForm(Form):
    """Remove a document, saying why."""

    reason = TextAreaField(_l("Why is it removed?"),
                           validators=[DataRequired(message=_l("Say why the document is removed.")), Length(max=2000)],
                           description=_l("Kept with the document and shown where it was listed."))
