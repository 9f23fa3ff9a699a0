"""Forms of the web feedback journey (one per question page) and of the team's staff entry page."""
import re
from datetime import date

from wtforms import Field, HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, StopValidation, ValidationError

from feedback_app.cases.models import Channel, Reg56Topic, ReplyPreference, SubmitterRole
from feedback_app.common.forms import BaseForm

FEEDBACK_MAX_LENGTH = 5000
STAFF_FEEDBACK_MAX_LENGTH = 20000  # letters and meeting notes run longer than a web comment
NAME_MAX_LENGTH = 200
ON_BEHALF_MAX_LENGTH = 200
EMAIL_MAX_LENGTH = 254
PHONE_MAX_LENGTH = 30
EARLIEST_RECEIVED = date(2000, 1, 1)

# C0 and C1 control characters except tab and newline: PostgreSQL refuses NUL, and none of them is text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-]")
_PHONE = re.compile(r"\+?[0-9]{10,15}")
_DAY_OR_MONTH = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")

PUBLIC_TOPICS = [
    Reg56Topic.CONTENT_QUALITY, Reg56Topic.CONTENT_GAPS, Reg56Topic.ACCESSIBILITY,
    Reg56Topic.DEVELOPMENT_REVIEW, Reg56Topic.INDIVIDUAL_CASE,
]
PUBLIC_ROLES = [
    SubmitterRole.PARENT_CARER, SubmitterRole.YOUNG_PERSON, SubmitterRole.CHILD,
    SubmitterRole.PROFESSIONAL, SubmitterRole.ON_BEHALF,
]
STAFF_CHANNELS = [Channel.PHONE, Channel.EVENT, Channel.LETTER, Channel.FORUM, Channel.EMAIL]
TOPIC_UNDECIDED = "undecided"
YES, NO = "yes", "no"


def clean_text(value):
    """Multi-line text without control characters, with one kind of line break."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_line(value):
    """One line of text: control characters and runs of whitespace become single spaces."""
    if not isinstance(value, str):
        return value
    return " ".join(_LINE_CONTROL.sub(" ", value).split())


def _offered(message):
    """Every wrong answer to a choice – none, or a value we never offered – gets the same plain message."""

    def check(form, field):
        offered = {str(value) for value in field.choices}
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(value is None or str(value) not in offered for value in values):
            raise StopValidation(message)

    return check


def choice(message, choices):
    """Radios; the choices are plain values, as the templates give each its words for the voice."""
    return RadioField(choices=[str(value) for value in choices], validators=[_offered(message)],
                      validate_choice=False)


def _text(*validators, single_line=True):
    return StringField(filters=[clean_line if single_line else clean_text], validators=list(validators))


def _valid_email(form, field):
    try:
        Email()(form, field)
    except ValidationError:
        raise StopValidation("Enter an email address in the correct format, like name@example.com") from None


def _valid_phone(message):
    def check(form, field):
        number = field.data or ""
        if len(number) > PHONE_MAX_LENGTH or not _PHONE.fullmatch(_PHONE_PUNCTUATION.sub("", number)):
            raise StopValidation(message)

    return check


class HoneypotMixin:
    """A field people never see or hear (display:none, aria-hidden, out of the tab order); bots fill it."""

    website = StringField(filters=[clean_line])

    @property
    def caught_a_bot(self):
        return bool(self.website.data)


# --- The public journey: one form per question page ------------------------------------------

class FeedbackForm(HoneypotMixin, BaseForm):
    feedback = TextAreaField(filters=[clean_text], validators=[
        DataRequired("Enter your feedback"),
        Length(max=FEEDBACK_MAX_LENGTH, message="Your feedback must be 5,000 characters or fewer"),
    ])

    def answers(self):
        return {"body": self.feedback.data}

    @staticmethod
    def initial(answers):
        return {"feedback": answers.get("body", "")}


class TopicForm(BaseForm):
    topic = choice("Select what your feedback is about", PUBLIC_TOPICS)

    def answers(self):
        return {"topic": self.topic.data}

    @staticmethod
    def initial(answers):
        return {"topic": answers.get("topic")}


class RoleForm(BaseForm):
    role = choice("Select who is giving this feedback", PUBLIC_ROLES)

    def answers(self):
        # "Who for" belongs to "on behalf of" alone: another answer clears it, so it is asked again if needed.
        return {"role": self.role.data, **({} if self.role.data == SubmitterRole.ON_BEHALF else {"on_behalf_of": ""})}

    @staticmethod
    def initial(answers):
        return {"role": answers.get("role")}


class OnBehalfForm(BaseForm):
    on_behalf_of = _text(
        DataRequired("Enter who you are giving feedback for"),
        Length(max=ON_BEHALF_MAX_LENGTH, message="Who you are giving feedback for must be 200 characters or fewer"),
    )

    def answers(self):
        return {"on_behalf_of": self.on_behalf_of.data}

    @staticmethod
    def initial(answers):
        return {"on_behalf_of": answers.get("on_behalf_of", "")}


class ThemesForm(BaseForm):
    # default=list: a page posted with no box ticked is an empty form, which Flask-WTF reads as no form at all.
    themes = SelectMultipleField(validators=[_offered("Select themes from the list, or none")],
                                 validate_choice=False, default=list)

    def __init__(self, *args, theme_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.themes.choices = list(theme_choices)

    def answers(self):
        chosen = set(self.themes.data or [])
        return {"themes": [slug for slug in self.themes.choices if slug in chosen]}

    @staticmethod
    def initial(answers):
        return {"themes": answers.get("themes", [])}


class ReplyForm(BaseForm):
    reply = choice("Select if you want a reply", list(ReplyPreference))

    def answers(self):
        """Contact details kept only for the way they chose: nothing at all for "no reply"."""
        reply = self.reply.data
        if reply == ReplyPreference.EMAIL:
            return {"reply": reply, "phone": ""}
        if reply == ReplyPreference.PHONE:
            return {"reply": reply, "email": ""}
        return {"reply": reply, "email": "", "phone": "", "name": ""}

    @staticmethod
    def initial(answers):
        return {"reply": answers.get("reply")}


_NAME_LENGTH = Length(max=NAME_MAX_LENGTH, message="Your name must be 200 characters or fewer")


class EmailForm(BaseForm):
    email = _text(
        DataRequired("Enter your email address"),
        Length(max=EMAIL_MAX_LENGTH, message="Email address must be 254 characters or fewer"),
    )
    name = _text(_NAME_LENGTH)

    def validate_email(self, field):
        _valid_email(self, field)

    def answers(self):
        return {"email": self.email.data, "name": self.name.data}

    @staticmethod
    def initial(answers):
        return {"email": answers.get("email", ""), "name": answers.get("name", "")}


class PhoneForm(BaseForm):
    phone = _text(DataRequired("Enter a phone number"))
    name = _text(_NAME_LENGTH)

    def validate_phone(self, field):
        _valid_phone("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")(self, field)

    def answers(self):
        return {"phone": self.phone.data, "name": self.name.data}

    @staticmethod
    def initial(answers):
        return {"phone": answers.get("phone", ""), "name": answers.get("name", "")}


class ConsentForm(BaseForm):
    consent = choice("Select yes if we can publish a summary of your feedback", [YES, NO])

    def answers(self):
        return {"consent": self.consent.data}

    @staticmethod
    def initial(answers):
        return {"consent": answers.get("consent")}


class CheckAnswersForm(HoneypotMixin, BaseForm):
    token = HiddenField(filters=[clean_line])


# --- Staff entry ---------------------------------------------------------------------------

class DateInputField(Field):
    """Day, month and year in three boxes (GOV.UK date input), with GOV.UK's error messages."""

    def __init__(self, label=None, validators=None, *, subject="Date", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.subject = subject
        self.parts = ("", "", "")
        self.parse_error = ""

    def process_formdata(self, valuelist):
        parts = [clean_line(value) if isinstance(value, str) else "" for value in list(valuelist)[:3]]
        self.parts = tuple(parts + [""] * (3 - len(parts)))
        self.data = None
        day, month, year = self.parts
        if not any(self.parts):
            return
        missing = [name for name, value in zip(("day", "month", "year"), self.parts) if not value]
        if missing:
            self.parse_error = f"{self.subject} must include a {' and a '.join(missing)}"
        elif not (_DAY_OR_MONTH.fullmatch(day) and _DAY_OR_MONTH.fullmatch(month)):
            self.parse_error = f"{self.subject} must be a real date"
        elif not _YEAR.fullmatch(year):
            self.parse_error = "Year must include 4 numbers"
        else:
            try:
                self.data = date(int(year), int(month), int(day))
            except ValueError:
                self.parse_error = f"{self.subject} must be a real date"

    def process_data(self, value):
        self.data = value
        if value:
            self.parts = (str(value.day), str(value.month), str(value.year))

    def pre_validate(self, form):
        if self.parse_error:
            raise StopValidation(self.parse_error)


class StaffFeedbackForm(BaseForm):
    channel = choice("Select how the feedback was received", STAFF_CHANNELS)
    received_on = DateInputField(subject="Date received")
    feedback = TextAreaField(filters=[clean_text], validators=[
        DataRequired("Enter the feedback"),
        Length(max=STAFF_FEEDBACK_MAX_LENGTH, message="The feedback must be 20,000 characters or fewer"),
    ])
    role = choice("Select who gave the feedback", list(SubmitterRole))
    on_behalf_of = _text(Length(max=ON_BEHALF_MAX_LENGTH, message="On behalf of must be 200 characters or fewer"))
    topic = choice("Select what the feedback is about, or decide at triage", [*Reg56Topic, TOPIC_UNDECIDED])
    # default=list: a page posted with no box ticked is an empty form, which Flask-WTF reads as no form at all.
    themes = SelectMultipleField(validators=[_offered("Select themes from the list, or none")],
                                 validate_choice=False, default=list)
    contact_name = _text(Length(max=NAME_MAX_LENGTH, message="Name must be 200 characters or fewer"))
    contact_email = _text()
    contact_phone = _text()
    reply = choice("Select how they would like a reply", list(ReplyPreference))
    consent = choice("Select yes if they agreed to publish a summary", [YES, NO])

    def __init__(self, *args, theme_choices=(), today, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes.choices = list(theme_choices)
        self.today = today

    def validate_received_on(self, field):
        if field.data is None:
            raise StopValidation("Enter the date the feedback was received")
        if field.data > self.today:
            raise StopValidation("Date received must be today or in the past")
        if field.data < EARLIEST_RECEIVED:
            raise StopValidation("Date received must be in or after 2000")

    def validate_contact_email(self, field):
        if not field.data:
            if self.reply.data == ReplyPreference.EMAIL:
                raise StopValidation("Enter their email address, or choose another way to reply")
            return
        if len(field.data) > EMAIL_MAX_LENGTH:
            raise StopValidation("Email address must be 254 characters or fewer")
        _valid_email(self, field)

    def validate_contact_phone(self, field):
        if not field.data:
            if self.reply.data == ReplyPreference.PHONE:
                raise StopValidation("Enter their phone number, or choose another way to reply")
            return
        _valid_phone("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")(self, field)

    def record_arguments(self):
        """The form's answers as plain arguments for record_staff_feedback."""
        topic = self.topic.data
        return {
            "channel": Channel(self.channel.data),
            "received_on": self.received_on.data,
            "body": self.feedback.data,
            "submitter_role": SubmitterRole(self.role.data),
            "on_behalf_of": self.on_behalf_of.data,
            "reg56_topic": None if topic == TOPIC_UNDECIDED else Reg56Topic(topic),
            "theme_slugs": list(self.themes.data or []),
            "contact_name": self.contact_name.data,
            "contact_email": self.contact_email.data,
            "contact_phone": self.contact_phone.data,
            "reply_preference": ReplyPreference(self.reply.data),
            "consent_publish": self.consent.data == YES,
        }


# --- What each choice is called on the page, for adults and for young people ---------------------

TOPIC_LABELS = {
    "adult": {
        "content_quality": "What is on offer, or how good it is",
        "content_gaps": "Something that is missing",
        "accessibility": "How easy the information is to find and understand",
        "development_review": "How the Local Offer is developed and reviewed, and how families are involved",
        "individual_case": "My child’s own support (for example an EHC plan or a school place)",
    },
    "young": {
        "content_quality": "What is on offer, or how good it is",
        "content_gaps": "Something that is missing",
        "accessibility": "How easy the information is to find and understand",
        "development_review": "How the Local Offer is made and checked, and how young people get a say",
        "individual_case": "My own support (for example my EHC plan or my school place)",
    },
}
ROLE_LABELS = {
    "adult": {
        "parent_carer": "A parent or carer",
        "young_person": "A young person (16 to 25)",
        "child": "A child (under 16)",
        "professional": "Someone who works with children, young people or families",
        "on_behalf": "Someone giving feedback for a family or group, for example the parent carer forum",
    },
    "young": {
        "young_person": "I am 16 to 25",
        "child": "I am under 16",
        "parent_carer": "I am a parent or carer",
        "professional": "I work with children or young people",
        "on_behalf": "I am telling you this for someone else",
    },
}
REPLY_LABELS = {
    "adult": {"email": "Yes, by email", "phone": "Yes, by phone", "none": "I do not need a reply"},
    "young": {"email": "Yes, by email", "phone": "Yes, by phone", "none": "No, I do not need a reply"},
}
CONSENT_LABELS = {
    "adult": {YES: "Yes, you can publish a summary", NO: "No, do not publish it"},
    "young": {YES: "Yes, you can share it", NO: "No, do not share it"},
}
