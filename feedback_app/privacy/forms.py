"""Forms of the privacy pages."""
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, HiddenField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from feedback_app.common.forms import BaseForm


class ApplyRetentionForm(BaseForm):
    submit = SubmitField("Apply the retention schedule now", widget=GovSubmitInput())


class SubjectSearchForm(BaseForm):
    term = StringField(
        "Email address or phone number",
        widget=GovTextInput(),
        validators=[InputRequired("Enter an email address or a phone number"), Length(max=254)],
        description="We search contact details on cases and the senders of emails.",
    )
    submit = SubmitField("Find", widget=GovSubmitInput())


class ExportForm(BaseForm):
    term = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Download everything held (ZIP)", widget=GovSubmitInput())


class ErasureForm(BaseForm):
    term = HiddenField(validators=[InputRequired()])
    reason = StringField(
        "Reason",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the reason for anonymising"), Length(max=2000)],
        description="For example: objection received by email on 3 March. Do not include the person's name.",
    )
    confirm = BooleanField(
        "I understand this removes this person's contact details and words from every case and cannot be undone",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm that you want to anonymise everything about this person")],
    )
    submit = SubmitField("Anonymise everything about this person", widget=GovSubmitInput())
