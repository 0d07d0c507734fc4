"""Forms of the sign-in pages."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length


class LoginForm(FlaskForm):
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


class LogoutForm(FlaskForm):
    """Only the CSRF token: signing out is a POST."""
