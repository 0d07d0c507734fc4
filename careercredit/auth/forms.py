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

    def credentials(self) -> tuple[str, str]:
        """The username and password typed (both required: blank only before validation)."""
        return self.username.data or "", self.password.data or ""


class LogoutForm(Form):
    """Only the CSRF token: signing out is a POST."""
