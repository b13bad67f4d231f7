"""Sign-in, password and user-administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, Regexp

from govtrack.auth.passwords import MIN_PASSWORD_LENGTH
from govtrack.auth.services import MAX_TOKEN_DAYS
from govtrack.core.forms import Form
from govtrack.core.labels import choices

ROLE_CHOICES = choices("user_role")


# A plain shape check: local and internal domains (koperasi.lan) are fine for a cooperative.
EMAIL = Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not an e-mail address."))


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])


class PasswordChangeForm(Form):
    """Changing the password ends the other sessions and revokes the API tokens."""

    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("Passwords do not match."))],
    )


class UserCreateForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), EMAIL, Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    password = PasswordField(
        _l("Password"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        description=_l("Leave empty to create the account without a password."),
    )


class UserEditForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, validators=[DataRequired()])
    active = BooleanField(_l("Active"))
    password = PasswordField(
        _l("New password"),
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=1024)],
        description=_l("Leave empty to keep the current password. A new password signs the user out everywhere and revokes their API tokens."),
    )


class TokenForm(Form):
    days = IntegerField(
        _l("Valid for (days)"),
        validators=[Optional(), NumberRange(min=1, max=MAX_TOKEN_DAYS)],
        description=_l("Leave empty for a token that lasts until it is revoked."),
    )


class ConfirmForm(Form):
    """A form with nothing but its CSRF token, for POST buttons."""
