"""Forms of the team's report pages."""
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from feedback_app.common.forms import BaseForm

TEXT_LIMIT = 20000


class RequestBuildForm(BaseForm):
    year = SelectField("Reporting year", coerce=int, widget=GovSelect(), choices=[],
                       validators=[InputRequired("Select the reporting year")])
    submit = SubmitField("Build the report", widget=GovSubmitInput())

    def set_years(self, pairs):
        self.year.choices = [SelectChoice(year, label) for year, label in pairs]


class ReportTextForm(BaseForm):
    introduction = TextAreaField(
        "Introduction", widget=GovTextArea(),
        description="Shown at the start of the report, before what the Local Offer is.",
        validators=[Length(max=TEXT_LIMIT, message=f"Introduction must be {TEXT_LIMIT:,} characters or fewer")])
    next_steps = TextAreaField(
        "Next steps", widget=GovTextArea(), description="What the council will do in the coming year.",
        validators=[Length(max=TEXT_LIMIT, message=f"Next steps must be {TEXT_LIMIT:,} characters or fewer")])
    submit = SubmitField("Save the text", widget=GovSubmitInput())
