"""Forms of the admin pages, with GOV.UK widgets and error messages."""
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from feedback_app.accounts.models import Role
from feedback_app.accounts.services import MIN_PASSWORD_LENGTH
from feedback_app.admin.services import FACET_LABELS, check_placeholders
from feedback_app.common.forms import BaseForm


def _choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def _name_field(required_message, label="Name", **kwargs):
    return StringField(
        label,
        widget=GovTextInput(),
        validators=[
            InputRequired(required_message),
            Length(max=200, message=f"{label} must be 200 characters or fewer"),
        ],
        **kwargs,
    )


def _placeholders_only(form, field):
    problem = check_placeholders(field.data or "")
    if problem:
        raise ValidationError(problem)


class ThemeForm(BaseForm):
    name = _name_field("Enter the theme’s name")
    facet = RadioField(
        "Which part of the taxonomy is it in?",
        widget=GovRadioInput(),
        choices=_choices((str(facet), label) for facet, label in FACET_LABELS.items()),
        validators=[InputRequired("Select which part of the taxonomy the theme is in")],
        invalid_choice_message="Select which part of the taxonomy the theme is in",
    )
    submit = SubmitField("Add theme", widget=GovSubmitInput())


class ThemeEditForm(BaseForm):
    name = _name_field("Enter the theme’s name")
    # Text, not IntegerField, so a wrong entry gets a GOV.UK-style message rather than WTForms' own.
    position = StringField(
        "Position in the list",
        widget=GovTextInput(),
        description="A whole number: 1 puts it first",
        validators=[InputRequired("Enter the theme’s position in the list, like 1")],
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    def __init__(self, *args, theme_count=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.theme_count = theme_count

    def validate_position(self, field):
        if not field.data.isdigit() or not 1 <= int(field.data) <= self.theme_count:
            raise ValidationError(f"Position must be a whole number between 1 and {self.theme_count}")


class ServiceForm(BaseForm):
    name = _name_field("Enter the service’s name")
    description = StringField(
        "Description",
        widget=GovTextArea(),
        description="What the service does, for colleagues choosing where to send a case",
        validators=[Optional(), Length(max=2000, message="Description must be 2000 characters or fewer")],
    )
    email = StringField(
        "Team email address",
        widget=GovTextInput(),
        description="Where the service receives cases when no lead is named",
        validators=[
            Optional(),
            Email("Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    active = BooleanField("Active – cases can be sent to this service", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save service", widget=GovSubmitInput())


class ServiceLeadsForm(BaseForm):
    leads = SelectMultipleField(
        "Service leads",
        widget=GovCheckboxesInput(),
        choices=[],
        coerce=int,
        description="Leads see and work this service’s cases. Select all that apply.",
        invalid_choice_message="Select only people who are service leads",
        invalid_value_message="Select only people who are service leads",
    )

    def set_people(self, people):
        self.leads.choices = _choices(
            (user.id, f"{user.name or user.email} ({user.email})" + ("" if user.active else " – deactivated"))
            for user in people
        )
    submit = SubmitField("Save leads", widget=GovSubmitInput())


class UserForm(BaseForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter their email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    name = _name_field("Enter their full name", label="Full name")
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=_choices((str(role), role.label) for role in Role),
        validators=[InputRequired("Select their role")],
        invalid_choice_message="Select their role",
    )
    password = PasswordField(
        "Temporary password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. Give it to them in person or by phone, not by email.",
        validators=[
            InputRequired("Enter a temporary password"),
            Length(min=MIN_PASSWORD_LENGTH, message=f"Password must be {MIN_PASSWORD_LENGTH} characters or more"),
        ],
    )
    submit = SubmitField("Add user", widget=GovSubmitInput())


class ResponseTemplateForm(BaseForm):
    name = _name_field("Enter the template’s name", description="For the team, when choosing a template")
    subject = StringField(
        "Email subject",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the email subject"),
            Length(max=300, message="Subject must be 300 characters or fewer"),
            _placeholders_only,
        ],
    )
    body = StringField(
        "Message",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the message"), _placeholders_only],
    )
    submit = SubmitField("Save template", widget=GovSubmitInput())
