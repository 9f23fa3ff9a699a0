"""Forms of the team's entry pages; each carries the entry's version so a stale form is caught."""
import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from feedback_app.cases.models import Reg56Topic
from feedback_app.common.forms import BaseForm
from feedback_app.publishing.services import TEXT_LIMIT, TITLE_LIMIT

REFERENCE = re.compile(r"[A-Za-z]{1,10}-\d{4}-\d{1,10}")
REASON_LIMIT = 2000


def parse_references(text):
    """(references, leftovers): case references in any mix of commas, spaces and lines, upper-cased."""
    tokens = [token for token in re.split(r"[\s,;]+", text or "") if token]
    references = [token.upper() for token in tokens if REFERENCE.fullmatch(token)]
    leftovers = [token for token in tokens if not REFERENCE.fullmatch(token)]
    return list(dict.fromkeys(references)), leftovers


def choices(pairs):
    return [SelectChoice(value, label) for value, label in pairs]


def publishable_topics():
    return choices((topic.value, topic.label) for topic in Reg56Topic if not topic.is_exclusion)


def _optional_int(value):
    return int(value) if value not in (None, "") else None


def _text_area(label, required_message=None, description=None, limit=TEXT_LIMIT):
    validators = [Length(max=limit, message=f"{label} must be {limit:,} characters or fewer")]
    if required_message:
        validators.insert(0, InputRequired(required_message))
    return TextAreaField(label, widget=GovTextArea(), description=description, validators=validators)


class VersionedForm(BaseForm):
    version = HiddenField()


class EntryForm(VersionedForm):
    title = StringField(
        "Title", widget=GovTextInput(),
        description="A few words the public will recognise, like “Short breaks for over-12s”",
        validators=[InputRequired("Enter a title"),
                    Length(max=TITLE_LIMIT, message=f"Title must be {TITLE_LIMIT} characters or fewer")],
    )
    you_said = _text_area(
        "You said", "Enter what people said",
        description="In your own words: what people told us. No names, contact details, schools or dates.",
    )
    is_paraphrase = BooleanField(
        "“You said” is a fresh paraphrase, not the words people used", widget=GovCheckboxInput(),
        description="Tick this to link cases whose commenters did not agree to their words being published.",
    )
    we_did = _text_area("We did", description="Our response, and the action we took or will take.")
    we_could_not = _text_area("We couldn’t, because… (optional)",
                              description="When something cannot be done, say why.")
    theme = SelectField("Theme", coerce=_optional_int, widget=GovSelect(), choices=[],
                        validators=[InputRequired("Choose a theme")],
                        invalid_choice_message="Choose a theme from the list")
    reg56_topic = RadioField(
        "What were the comments about?", widget=GovRadioInput(), choices=publishable_topics(),
        validators=[InputRequired("Choose what the comments were about")],
        invalid_choice_message="Choose what the comments were about",
    )
    reporting_year = SelectField(
        "Reporting year", coerce=_optional_int, widget=GovSelect(), choices=[],
        description="Set from when the newest linked comment was received. Change it if it belongs to another year.",
        validators=[InputRequired("Choose a reporting year")],
        invalid_choice_message="Choose a reporting year from the list",
    )
    case_references = StringField(
        "Cases this entry answers", widget=GovTextInput(),
        description="Case references, separated by commas or spaces, for example LO-2026-00042, LO-2026-00043",
        validators=[InputRequired("Enter the reference of at least one case this entry answers")],
    )
    actions = SelectMultipleField(
        "Actions to show with this entry", coerce=int, widget=GovCheckboxesInput(), choices=[],
        description="Their progress is shown to the public: what will be done, and its status. Not who owns it.",
        invalid_choice_message="Choose actions of the linked cases only",
        invalid_value_message="Choose actions of the linked cases only",
    )
    submit = SubmitField("Save and check", widget=GovSubmitInput())

    def validate_case_references(self, field):
        references, leftovers = parse_references(field.data)
        if leftovers:
            raise ValidationError(f"Enter case references like LO-2026-00042 (not “{leftovers[0][:40]}”)")
        if not references:
            raise ValidationError("Enter the reference of at least one case this entry answers")

    def references(self):
        return parse_references(self.case_references.data)[0]

    def set_text(self, entry):
        for name in ("title", "you_said", "we_did", "we_could_not"):
            getattr(self, name).data = getattr(entry, name)


class EntryPageForm(VersionedForm):
    """A form on the entry's page: prefixed, so several can share the page without sharing ids."""

    field_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", self.field_prefix)
        super().__init__(*args, **kwargs)


class StepForm(EntryPageForm):
    """Send for approval, approve and publish: a button and the version."""

    field_prefix = "step"
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReturnForm(EntryPageForm):
    field_prefix = "return"
    reason = _text_area("What needs changing? (optional)", limit=REASON_LIMIT)
    submit = SubmitField("Return to draft", widget=GovSubmitInput())


class WithdrawForm(EntryPageForm):
    field_prefix = "withdraw"
    reason = _text_area("Why are you withdrawing this entry?", "Enter why you are withdrawing this entry",
                        description="Kept on record for the team. The public no longer sees the entry.",
                        limit=REASON_LIMIT)
    submit = SubmitField("Withdraw entry", widget=GovSubmitInput())


class OverrideForm(BaseForm):
    reason = _text_area("Why is this safe to publish?", "Enter why this is safe to publish", limit=REASON_LIMIT)
    submit = SubmitField("Override this finding", widget=GovSubmitInput())


class VoteForm(BaseForm):
    submit = SubmitField("Send my answer", widget=GovSubmitInput())
