"""Partner forms: the list filter, create/edit with a fixed set of contact rows."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.fields import FieldList, FormField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from govtrack.core.forms import Form, SubForm
from govtrack.core.labels import choices

CATEGORY_CHOICES = choices("partner_category")

# Blank contact rows offered on the form so that contacts can be added without JavaScript.
CONTACT_ROWS = 3


class PartnerFilterForm(Form):
    """The list page's GET filters (no CSRF: reading changes nothing)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    category = SelectField(
        _l("Category"), choices=[SelectChoice("", _l("All categories")), *CATEGORY_CHOICES], validators=[Optional()]
    )
    region = StringField(_l("Region"), validators=[Optional(), Length(max=120)])
    active = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("Active and inactive")), SelectChoice("1", _l("Active")),
                 SelectChoice("0", _l("Inactive"))],
        validators=[Optional()],
    )

    def filters(self) -> dict:
        """The query filters for partners.queries.partner_filter (only valid values)."""
        active = {"1": True, "0": False}.get(self.active.data or "")
        return {
            "q": (self.q.data or "").strip() or None,
            "category": self.category.data or None,
            "region": (self.region.data or "").strip() or None,
            "active": active,
        }


class ContactForm(SubForm):
    """One contact row; a row left entirely empty is ignored."""

    name = StringField(_l("Contact name"), validators=[Length(max=200)])  # required in a used row
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=50)])

    def is_blank(self) -> bool:
        return not any((f.data or "").strip() for f in (self.name, self.position, self.email, self.phone))

    def validate_name(self, field) -> None:
        if not (field.data or "").strip() and not self.is_blank():
            raise ValidationError(_l("A contact needs a name."))


class PartnerForm(Form):
    """Create or edit a partner with its contacts."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), choices=CATEGORY_CHOICES, validators=[DataRequired()])
    legal_name = StringField(_l("Legal name"), validators=[Optional(), Length(max=300)])
    registration_no = StringField(_l("Registration number"), validators=[Optional(), Length(max=100)])
    region = StringField(
        _l("Region"), validators=[Optional(), Length(max=120)],
        description=_l("For example Kabupaten Bogor or Kota Bandung."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=20000)])
    # No min_entries: WTForms 3.3 renumbers submitted rows and then re-reads the form data for the
    # rows min_entries adds, duplicating a row when the submitted indices have a gap. The empty rows
    # are added for display only, by pad_contacts().
    contacts = FieldList(FormField(ContactForm), max_entries=50)

    def pad_contacts(self) -> None:
        """Offer at least CONTACT_ROWS rows and always one empty row to add a contact."""
        while len(self.contacts.entries) < CONTACT_ROWS or not self.contacts.entries[-1].form.is_blank():
            self.contacts.append_entry()

    def contact_rows(self) -> list[dict]:
        """The filled contact rows as plain dicts."""
        return [
            {
                "name": row.form.name.data.strip(),
                "position": row.form.position.data,
                "email": row.form.email.data,
                "phone": row.form.phone.data,
            }
            for row in self.contacts.entries
            if not row.form.is_blank()
        ]
