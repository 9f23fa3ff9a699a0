"""Forms of the case work pages; each carries the case's version so a stale form is caught."""
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from feedback_app.cases.merge_services import MAX_PARTS
from feedback_app.cases.models import ClockStopReason, Reg56Topic
from feedback_app.common.forms import BaseForm
from feedback_app.directory.models import ThemeFacet

FACET_LABELS = {
    ThemeFacet.SERVICE_AREA: "Service area",
    ThemeFacet.WEBSITE: "About the website or directory",
    ThemeFacet.KIND: "Kind of feedback",
}
TEXT_LIMIT = 10_000


def _choices(pairs):
    return [SelectChoice(str(value), label) for value, label in pairs]


def _optional_int(value):
    return int(value) if value not in (None, "") else None


def _text_area(label, required_message, description=None, limit=TEXT_LIMIT):
    validators = [Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")]
    if required_message:
        validators.insert(0, InputRequired(required_message))
    return TextAreaField(label, widget=GovTextArea(), description=description, validators=validators)


def _theme_field(label):
    return SelectMultipleField(
        label, coerce=int, widget=GovCheckboxesInput(), choices=[],
        invalid_choice_message="Select themes from the list", invalid_value_message="Select themes from the list",
    )


class CaseForm(BaseForm):
    """A form about one case. `error_field` is where a refusal from the service is shown."""

    error_field = None
    version = HiddenField()

    def show_error(self, message):
        getattr(self, self.error_field).errors.append(message)


class ThemesMixin:
    """One group of theme checkboxes per facet of the taxonomy."""

    FACETS = tuple(ThemeFacet)

    def set_theme_choices(self, themes):
        for facet in self.FACETS:
            self.theme_field(facet).choices = _choices(
                (theme.id, theme.name) for theme in themes if theme.facet == facet
            )

    def theme_field(self, facet):
        return getattr(self, f"themes_{facet}")

    def theme_fields(self):
        return [self.theme_field(facet) for facet in self.FACETS if self.theme_field(facet).choices]

    def set_themes(self, themes):
        for facet in self.FACETS:
            self.theme_field(facet).data = [theme.id for theme in themes if theme.facet == facet]

    def chosen_theme_ids(self):
        return [theme_id for facet in self.FACETS for theme_id in (self.theme_field(facet).data or [])]


class ClassifyForm(ThemesMixin, CaseForm):
    error_field = "reg56_topic"
    reg56_topic = RadioField(
        "What is the feedback about?", widget=GovRadioInput(), choices=_choices(Reg56Topic.choices()),
        validators=[InputRequired("Select what the feedback is about")],
        invalid_choice_message="Select what the feedback is about",
    )
    excluded_reason = _text_area(
        "Why is it excluded?", None, limit=2000,
        description="Needed if you chose one of the exclusions. "
                    "It is kept with the case and counted in the annual report.",
    )
    themes_service_area = _theme_field(FACET_LABELS[ThemeFacet.SERVICE_AREA])
    themes_website = _theme_field(FACET_LABELS[ThemeFacet.WEBSITE])
    themes_kind = _theme_field(FACET_LABELS[ThemeFacet.KIND])
    submit = SubmitField("Save classification", widget=GovSubmitInput())

    def validate_excluded_reason(self, field):
        if self.reg56_topic.data and Reg56Topic(self.reg56_topic.data).is_exclusion and not field.data:
            raise ValidationError("Enter why this feedback is excluded")


class AssignForm(CaseForm):
    error_field = "services"
    services = SelectMultipleField(
        "Which services should respond?", coerce=int, widget=GovCheckboxesInput(), choices=[],
        description="Their leads get an email. Select all that apply.",
        validators=[InputRequired("Select at least one service")],
        invalid_choice_message="Select services from the list", invalid_value_message="Select services from the list",
    )
    assignee = SelectField(
        "Who owns this case? (optional)", coerce=_optional_int, widget=GovSelect(), choices=[],
        invalid_choice_message="Select someone from the list",
    )
    submit = SubmitField("Send to services", widget=GovSubmitInput())


class StopClockForm(CaseForm):
    error_field = "reason"
    clock_action = HiddenField(default="stop")
    reason = RadioField(
        "Why are you stopping the clock?", widget=GovRadioInput(), choices=_choices(ClockStopReason.choices()),
        validators=[InputRequired("Select why you are stopping the clock")],
        invalid_choice_message="Select why you are stopping the clock",
    )
    detail = _text_area("Details (optional unless you chose another reason)", None, limit=2000)
    submit = SubmitField("Stop the clock", widget=GovSubmitInput())

    def validate_detail(self, field):
        if self.reason.data == ClockStopReason.OTHER and not field.data:
            raise ValidationError("Enter why the clock is stopped")


class RestartClockForm(CaseForm):
    error_field = "submit"
    clock_action = HiddenField(default="restart")
    submit = SubmitField("Restart the clock", widget=GovSubmitInput())


class TemplateChoiceForm(BaseForm):
    """Picks a response template to start a reply from (a GET form: no CSRF token needed)."""

    class Meta:
        csrf = False

    template = SelectField("Start from a response template", coerce=_optional_int, widget=GovSelect(), choices=[])
    use = SubmitField("Use this template", widget=GovSubmitInput())


class ReplyForm(CaseForm):
    error_field = "body"
    template_id = HiddenField()
    subject = StringField(
        "Subject", widget=GovTextInput(),
        validators=[InputRequired("Enter a subject"),
                    Length(max=250, message="Subject must be 250 characters or fewer")],
    )
    body = _text_area(
        "Your reply", "Enter your reply",
        description="Placeholders like {reference} and {first_name_or_there} are filled in when it is sent.",
    )
    submit = SubmitField("Send reply", widget=GovSubmitInput())


class NoteForm(CaseForm):
    error_field = "body"
    body = _text_area("Note", "Enter the note", description="Only staff see notes. The family never does.")
    submit = SubmitField("Add note", widget=GovSubmitInput())


class ResolveForm(CaseForm):
    error_field = "response"
    response = _text_area("Your response", "Enter your response")
    submit = SubmitField("Resolve case", widget=GovSubmitInput())


class CloseForm(CaseForm):
    error_field = "reason"
    reason = _text_area("Why are you closing this case?", "Enter why you are closing this case", limit=2000)
    submit = SubmitField("Close case", widget=GovSubmitInput())


class ReopenForm(CaseForm):
    error_field = "reason"
    reason = _text_area("Why are you re-opening this case?", "Enter why you are re-opening this case", limit=2000)
    submit = SubmitField("Re-open case", widget=GovSubmitInput())


DUPLICATE_ACTIONS = (("link", "Link the two cases (both stay open)"),
                     ("merge", "Merge this case into the other one (this case is closed as a duplicate)"))


class DuplicateForm(CaseForm):
    error_field = "other_reference"
    other_reference = StringField(
        "Reference of the other case", widget=GovTextInput(), description="For example, LO-2026-00042",
        validators=[InputRequired("Enter the reference of the other case")],
    )
    duplicate_action = RadioField(
        "What do you want to do?", widget=GovRadioInput(), choices=_choices(DUPLICATE_ACTIONS),
        validators=[InputRequired("Select whether to link or merge")],
        invalid_choice_message="Select whether to link or merge",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class UnmergeForm(CaseForm):
    error_field = "submit"
    unmerge = HiddenField(default="1")
    submit = SubmitField("Unmerge this case", widget=GovSubmitInput())


class SplitForm(CaseForm):
    error_field = "part1_text"

    def set_theme_choices(self, themes):
        for number in range(1, MAX_PARTS + 1):
            self.themes_of(number).choices = _choices((theme.id, theme.name) for theme in themes)

    def text_of(self, number):
        return getattr(self, f"part{number}_text")

    def themes_of(self, number):
        return getattr(self, f"part{number}_themes")

    def parts(self):
        return [(self.text_of(number).data, self.themes_of(number).data or []) for number in range(1, MAX_PARTS + 1)]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if not any(text for text, _ in self.parts()):
            self.part1_text.errors.append("Enter the text of at least one part")
            return False
        for number in range(1, MAX_PARTS + 1):
            if self.themes_of(number).data and not self.text_of(number).data:
                self.text_of(number).errors.append(f"Enter the text of part {number}, or clear its themes")
                valid = False
        return valid


for _number in range(1, MAX_PARTS + 1):
    setattr(SplitForm, f"part{_number}_text", _text_area(f"Part {_number}: text", None))
    setattr(SplitForm, f"part{_number}_themes", SelectMultipleField(
        f"Part {_number}: themes", coerce=int, widget=GovCheckboxesInput(), choices=[],
        invalid_choice_message="Select themes from the list", invalid_value_message="Select themes from the list",
    ))
SplitForm.submit = SubmitField("Split case", widget=GovSubmitInput())


BULK_TITLES = {"assign": "Send cases to services", "classify": "Classify cases", "close": "Close cases"}


class BulkForm(ThemesMixin, BaseForm):
    """The details of a change to several cases; the queue sends the cases and the action."""

    confirm = HiddenField()
    services = SelectMultipleField(
        "Which services should respond?", coerce=int, widget=GovCheckboxesInput(), choices=[],
        description="Their leads get an email. Select all that apply.",
        invalid_choice_message="Select services from the list", invalid_value_message="Select services from the list",
    )
    assignee = SelectField(
        "Who owns these cases? (optional)", coerce=_optional_int, widget=GovSelect(), choices=[],
        invalid_choice_message="Select someone from the list",
    )
    reg56_topic = RadioField(
        "What is the feedback about?", widget=GovRadioInput(), choices=_choices(Reg56Topic.choices()),
        validate_choice=False,
    )
    themes_service_area = _theme_field(f"Add themes: {FACET_LABELS[ThemeFacet.SERVICE_AREA].lower()}")
    themes_website = _theme_field(f"Add themes: {FACET_LABELS[ThemeFacet.WEBSITE].lower()}")
    themes_kind = _theme_field(f"Add themes: {FACET_LABELS[ThemeFacet.KIND].lower()}")
    reason = _text_area("Reason", None, limit=2000)
    submit = SubmitField("Apply to the selected cases", widget=GovSubmitInput())

    def validate_for(self, action):
        """Validate the fields the action needs; WTForms' own validation covers the choices."""
        valid = self.validate()
        if action == "assign" and not self.services.data:
            self.services.errors.append("Select at least one service")
        if action == "classify":
            topic = self.reg56_topic.data
            if topic and topic not in Reg56Topic.__members__.values():
                self.reg56_topic.errors.append("Select what the feedback is about")
            elif not topic and not self.chosen_theme_ids():
                self.reg56_topic.errors.append("Select a topic or at least one theme")
            elif topic and Reg56Topic(topic).is_exclusion and not self.reason.data:
                self.reason.errors.append("Enter why this feedback is excluded")
        if action == "close" and not self.reason.data:
            self.reason.errors.append("Enter why you are closing these cases")
        return valid and not self.errors
