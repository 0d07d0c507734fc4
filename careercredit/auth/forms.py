"""Forms of the sign-in pages."""

from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from careercredit.forms import Form


class LoginForm(Form):
    """Campus username and password."""

    username = StringField(
        "Campus username",
        validators=[InputRequired("Enter your campus username."), Length(max=255)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class LogoutForm(Form):
    """Only the CSRF token: signing out is a POST."""
