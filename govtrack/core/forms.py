"""The base of every HTML form: WTForms' own messages in the reader's language.

WTForms ships no Indonesian catalogue, and Flask-WTF looks for its messages only in WTForms' own
catalogues, so a secretary reading Indonesian was told "This field is required." or "Not a valid
choice." in English. The messages are listed below so that `scripts/i18n.sh` extracts them into
govtrack's catalogue, and `Form.Meta` reads them from it (the reader's language, as every other
word on the page)."""

from __future__ import annotations

from flask_babel import get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form as WTForm


class _Catalogue:
    """WTForms' translations interface over govtrack's catalogue for the request's language."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


CATALOGUE = _Catalogue()


class _Meta:
    def get_translations(self, form):
        return CATALOGUE


class Form(FlaskForm):
    """FlaskForm whose built-in messages come from govtrack's catalogue."""

    class Meta(_Meta):
        pass


class SubForm(WTForm):
    """A form inside a form (a row of a FieldList/FormField: no CSRF token of its own), with the
    same messages (FormField does not pass its parent's Meta on)."""

    class Meta(_Meta):
        pass


# WTForms' messages (wtforms/locale/wtforms.pot), for the catalogue's extraction only: never read.
WTFORMS_MESSAGES = (
    _l("Invalid field name '%s'."),
    _l("Field must be equal to %(other_name)s."),
    lazy_ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 1),
    lazy_ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 1),
    lazy_ngettext("Field must be exactly %(max)d character long.", "Field must be exactly %(max)d characters long.", 1),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext("'%(value)s' is not a valid choice for this field.", "'%(value)s' are not valid choices for this field.", 1),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
)
