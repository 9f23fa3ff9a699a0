"""Account forms: sign in, the second factor, forgotten and new passwords, security settings."""
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired

from feedback_app.accounts.passwords import MIN_PASSWORD_LENGTH
from feedback_app.common.forms import BaseForm


class SignInForm(BaseForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class TwoFactorCodeForm(BaseForm):
    code = StringField(
        "Security code",
        description="The 6-digit code from your authenticator app, or one of your recovery codes",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the security code")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmTwoFactorForm(BaseForm):
    code = StringField(
        "Code from your authenticator app",
        description="For example, 123456",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the 6-digit code from your authenticator app")],
    )
    submit = SubmitField("Turn on two-factor authentication", widget=GovSubmitInput())


class ForgotPasswordForm(BaseForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address")],
    )
    submit = SubmitField("Send me a link", widget=GovSubmitInput())


class NewPasswordForm(BaseForm):
    password = PasswordField(
        "New password",
        description=f"At least {MIN_PASSWORD_LENGTH} characters. 3 random words make a strong password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password")],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Confirm your new password"), EqualTo("password", "Passwords must match")],
    )
    submit = SubmitField("Save new password", widget=GovSubmitInput())


class SecuritySettingsForm(BaseForm):
    require_two_factor = BooleanField(
        "Require two-factor authentication for every staff account",
        description="Staff without it are asked to set it up when they next sign in",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
