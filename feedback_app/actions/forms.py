"""Forms of the action pages, the partner-link page and the partner's own page."""
from datetime import datetime

from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, ValidationError

from feedback_app.actions.models import ActionStatus
from feedback_app.common.forms import BaseForm

TEXT_LIMIT = 5000


def choices(pairs):
    return [SelectChoice(str(value), label) for value, label in pairs]


def _optional_int(value):
    return int(value) if value not in (None, "") else None


def _text_area(label, required_message=None, description=None):
    validators = [Length(max=TEXT_LIMIT, message=f"{label} must be {TEXT_LIMIT:,} characters or fewer")]
    if required_message:
        validators.insert(0, InputRequired(required_message))
    return TextAreaField(label, widget=GovTextArea(), description=description, validators=validators)


class OptionalDateField(DateField):
    """A GOV.UK date input (day, month, year) that may be left blank."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%d %m %Y", widget=GovDateInput(), **kwargs)

    def process_formdata(self, valuelist):
        parts = [part.strip() for part in valuelist]
        if len(parts) != 3:
            self.raw_data = None  # the widget expects a day, a month and a year, or nothing
        if not any(parts):
            self.data = None
            return
        if len(parts) != 3 or not all(parts):
            self.data = None
            raise ValueError(f"{self.label.text.split(' (')[0]} must include a day, month and year")
        try:
            self.data = datetime.strptime(" ".join(parts), "%d %m %Y").date()
        except ValueError:
            self.data = None
            raise ValueError(f"{self.label.text.split(' (')[0]} must be a real date") from None


class ErrorFieldMixin:
    """`error_field` is where a refusal from the service is shown."""

    error_field = None

    def show_error(self, message):
        getattr(self, self.error_field).errors.append(message)


class RecordActionForm(ErrorFieldMixin, BaseForm):
    error_field = "description"
    service = RadioField(
        "Which service will do it?", coerce=_optional_int, widget=GovRadioInput(), choices=[],
        validators=[InputRequired("Select the service that will do it")],
        invalid_choice_message="Select the service that will do it",
    )
    description = _text_area("What will be done?", "Enter what will be done",
                             description="Plain English: this may be published as the council’s action.")
    owner = SelectField(
        "Owner with an account (optional)", coerce=_optional_int, widget=GovSelect(), choices=[],
        description="They get the reminder if the action is overdue.",
        invalid_choice_message="Select someone from the list",
    )
    owner_name = StringField(
        "Owner’s name and role", widget=GovTextInput(),
        description="Needed if the owner has no account, for example “Sam Patel, CAMHS manager”.",
        validators=[Length(max=200, message="Owner’s name and role must be 200 characters or fewer")],
    )
    due_on = OptionalDateField("Due date (optional)")
    submit = SubmitField("Record action", widget=GovSubmitInput())

    def validate_owner_name(self, field):
        if not field.data and not self.owner.data:
            raise ValidationError("Enter who owns this action, or choose an owner with an account")


class UpdateActionForm(ErrorFieldMixin, BaseForm):
    error_field = "status"
    version = HiddenField()
    status = RadioField(
        "Status", widget=GovRadioInput(), choices=[],
        validators=[InputRequired("Select the status of the action")],
        invalid_choice_message="Select the status of the action",
    )
    evidence = _text_area(
        "What has been done", description="Needed to mark the action as done. You can add progress at any time.")
    cancelled_reason = _text_area("Why is it cancelled?", description="Needed only if you cancel the action.")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def set_statuses(self, statuses, current):
        self.status.choices = choices(
            (status.value, f"Still {status.label.lower()}" if status == current else status.label)
            for status in statuses
        )

    def validate_evidence(self, field):
        if self.status.data == ActionStatus.DONE and not field.data:
            raise ValidationError("Enter what was done")

    def validate_cancelled_reason(self, field):
        if self.status.data == ActionStatus.CANCELLED and not field.data:
            raise ValidationError("Enter why the action is cancelled")


class PartnerLinkForm(ErrorFieldMixin, BaseForm):
    error_field = "recipient_email"
    recipient_name = StringField(
        "Partner lead’s name", widget=GovTextInput(),
        validators=[InputRequired("Enter the partner lead’s name"),
                    Length(max=200, message="Name must be 200 characters or fewer")],
    )
    recipient_email = StringField(
        "Their email address", widget=GovTextInput(),
        description="We email them the link. Anyone with the link can read the feedback and update this action.",
        validators=[
            InputRequired("Enter their email address"),
            Email("Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    submit = SubmitField("Send link", widget=GovSubmitInput())


class RevokeLinkForm(BaseForm):
    """A button only: the CSRF token is its whole content."""
