"""Agreement forms: list filter, create / edit-while-draft with party and clause rows, visibility,
status moves and document upload; and the labels the pages show for the codes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    Form,
    HiddenField,
    IntegerField,
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
    AgreementKind,
    AgreementStatus,
    ClauseStatus,
    PartyRole,
    ProposedBy,
    Visibility,
)
from govtrack.core.dates import DateInRange
from govtrack.core.money import MoneyField
from govtrack.db import MAX_ID

LABELS = {
    "kind": {
        AgreementKind.mou.value: _l("Memorandum of understanding"),
        AgreementKind.grant.value: _l("Grant"),
        AgreementKind.loan.value: _l("Loan"),
        AgreementKind.credit_line.value: _l("Credit line"),
        AgreementKind.guarantee.value: _l("Guarantee"),
        AgreementKind.technical_assistance.value: _l("Technical assistance"),
        AgreementKind.supply.value: _l("Supply"),
        AgreementKind.construction.value: _l("Construction"),
        AgreementKind.permit.value: _l("Permit"),
        AgreementKind.other.value: _l("Other"),
    },
    "status": {
        AgreementStatus.draft.value: _l("Draft"),
        AgreementStatus.under_deliberation.value: _l("Under deliberation"),
        AgreementStatus.approved.value: _l("Approved"),
        AgreementStatus.rejected.value: _l("Rejected"),
        AgreementStatus.active.value: _l("Active"),
        AgreementStatus.suspended.value: _l("Suspended"),
        AgreementStatus.completed.value: _l("Completed"),
        AgreementStatus.terminated.value: _l("Terminated"),
    },
    "role": {
        PartyRole.funder.value: _l("Funder"),
        PartyRole.lender.value: _l("Lender"),
        PartyRole.guarantor.value: _l("Guarantor"),
        PartyRole.supplier.value: _l("Supplier"),
        PartyRole.contractor.value: _l("Contractor"),
        PartyRole.regulator.value: _l("Regulator"),
        PartyRole.implementer.value: _l("Implementer"),
        PartyRole.other.value: _l("Other"),
    },
    "visibility": {
        Visibility.internal.value: _l("Internal (staff only)"),
        Visibility.members.value: _l("Members"),
        Visibility.public.value: _l("Public"),
    },
    "proposed_by": {
        ProposedBy.cooperative.value: _l("Cooperative"),
        ProposedBy.partner.value: _l("Partner"),
    },
    "clause_status": {
        ClauseStatus.proposed.value: _l("Proposed"),
        ClauseStatus.accepted.value: _l("Accepted"),
        ClauseStatus.amended.value: _l("Amended"),
        ClauseStatus.rejected.value: _l("Rejected"),
    },
}

# Button texts for the status moves ("to" status -> what the button says).
MOVE_LABELS = {
    AgreementStatus.draft.value: _l("Back to draft"),
    AgreementStatus.under_deliberation.value: _l("Put up for deliberation"),
    AgreementStatus.approved.value: _l("Approve"),
    AgreementStatus.rejected.value: _l("Reject"),
    AgreementStatus.active.value: _l("Mark as signed (active)"),
    AgreementStatus.suspended.value: _l("Suspend"),
    AgreementStatus.completed.value: _l("Mark as completed"),
    AgreementStatus.terminated.value: _l("Terminate"),
}

PARTY_ROWS = 3
CLAUSE_ROWS = 3


def _choices(name: str) -> list[tuple[str, str]]:
    return list(LABELS[name].items())


class AgreementFilterForm(FlaskForm):
    """The list page's GET filters (no CSRF: reading changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Title or reference"), validators=[Optional(), Length(max=200)])
    status = SelectField(_l("Status"), choices=[("", _l("Any status")), *_choices("status")], validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=[("", _l("Any kind")), *_choices("kind")], validators=[Optional()])
    # A name search, not a select of every partner (2,000 options would be most of the page); a
    # partner page links here with one partner's id.
    partner_name = StringField(_l("Partner"), validators=[Optional(), Length(max=200)])
    partner = IntegerField(_l("Partner"), validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    visibility = SelectField(
        _l("Visibility"), choices=[("", _l("Any visibility")), *_choices("visibility")], validators=[Optional()]
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


class PartyRowForm(Form):
    """One party row; a row without a partner is ignored."""

    # No Optional(): it would stop the row check in validate_role for an empty select.
    partner_id = SelectField(_l("Partner"), choices=[])
    role = SelectField(_l("Role"), choices=[("", "—"), *_choices("role")])

    def is_blank(self) -> bool:
        return not self.partner_id.data and not self.role.data

    def validate_role(self, field) -> None:
        if self.partner_id.data and not field.data:
            raise ValidationError(_l("Choose the partner's role."))
        if field.data and not self.partner_id.data:
            raise ValidationError(_l("Choose a partner for this role."))


class ClauseRowForm(Form):
    """One numbered clause; a row without text is left out (which removes a draft's clause)."""

    id = HiddenField()
    number = IntegerField(_l("Number"), validators=[Optional(), NumberRange(min=1, max=100000)])
    text = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20000)])
    proposed_by = SelectField(_l("Proposed by"), choices=_choices("proposed_by"), validators=[Optional()])

    def is_blank(self) -> bool:
        return not (self.text.data or "").strip()

    def validate_id(self, field) -> None:
        # isascii(): "²".isdigit() is true, but int() cannot read it.
        if field.data and not (str(field.data).isascii() and str(field.data).isdigit() and len(str(field.data)) <= 18):
            raise ValidationError(_l("Not a clause of this agreement."))


class AgreementForm(FlaskForm):
    """Create a draft agreement, or edit one while it is a draft."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=100)],
                            description=_l("For example PKS/2026/014. Must be unique."))
    kind = SelectField(_l("Kind"), choices=_choices("kind"), validators=[DataRequired()])
    # No min_entries (see partners.forms.PartnerForm.contacts): set_rows() adds the empty rows.
    parties = FieldList(FormField(PartyRowForm), max_entries=50)
    value = MoneyField(_l("Value"), validators=[Optional()],
                       description=_l("Amount, for example 150000000 or 1500000.50."))
    value_currency = StringField(
        _l("Currency"), default="IDR",
        validators=[DataRequired(), Regexp(r"^[A-Z]{3}$", message=_l("Three capital letters, e.g. IDR."))],
    )
    start_date = DateField(_l("Start date"), validators=[Optional(), DateInRange()])
    end_date = DateField(_l("End date"), validators=[Optional(), DateInRange()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=50000)])
    visibility = SelectField(_l("Visibility"), choices=_choices("visibility"), default=Visibility.internal.value,
                             validators=[DataRequired()])
    depends_on = SelectMultipleField(
        _l("Depends on"), choices=[], validators=[Optional()],
        description=_l("Agreements this one needs, e.g. the grant that funds a construction contract."),
    )
    clauses = FieldList(FormField(ClauseRowForm), max_entries=200)

    def __init__(self, *args, partners: list[tuple[int, str]], agreements: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for row in self.parties:
            row.form.partner_id.choices = [("", "—"), *((str(i), n) for i, n in partners)]
        self._partners = partners
        self.depends_on.choices = [(str(i), label) for i, label in agreements]

    def set_rows(self) -> None:
        """Enough empty rows to add parties and clauses without JavaScript."""
        while len(self.parties.entries) < PARTY_ROWS or not self.parties.entries[-1].form.is_blank():
            self.parties.append_entry()
        while len(self.clauses.entries) < CLAUSE_ROWS or not self.clauses.entries[-1].form.is_blank():
            self.clauses.append_entry()
        for row in self.parties:
            row.form.partner_id.choices = [("", "—"), *((str(i), n) for i, n in self._partners)]

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


class PublishForm(FlaskForm):
    """What may change after the draft stage without a decision: visibility and summary."""

    visibility = SelectField(_l("Visibility"), choices=_choices("visibility"), validators=[DataRequired()])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=50000)])


class TransitionForm(FlaskForm):
    """A status-move button."""

    to = HiddenField(validators=[DataRequired()])


class DocumentForm(FlaskForm):
    """Attach a document to an agreement."""

    file = FileField(_l("Document"), validators=[FileRequired(message=_l("Choose a file."))],
                     description=_l("PDF, PNG, JPEG, Word, Excel or OpenDocument."))
