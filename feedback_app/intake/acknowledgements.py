"""The acknowledgement a family gets when their feedback becomes a case."""
from flask import current_app

from feedback_app.audit.services import record_event
from feedback_app.cases.models import Reg56Topic
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.intake.models import CaseMessage, MessageDirection
from feedback_app.outbox.services import queue_email

# The case is recorded but not worked: this route is for comments on the Local Offer as a whole.
# {complaints_url} and {sendiass_url} are filled from the configuration (response-template placeholders).
SIGNPOST = (
    "You told us this is about your own child's support. We publish what families tell us about the "
    "Local Offer each year, but we cannot answer questions about one child's support through this "
    "feedback. Please contact your child's SEND caseworker, or raise a concern through the council's "
    "complaints process: {complaints_url}\n\n"
    "You can also get free, impartial advice from SENDIASS: {sendiass_url}"
)


def acknowledgement_text(case):
    config = current_app.config
    lines = [
        "Thank you for your feedback about our Local Offer.",
        "",
        f"Your reference number is {case.reference}. Please keep it, and quote it if you contact us.",
        "",
    ]
    if case.reg56_topic == Reg56Topic.INDIVIDUAL_CASE:
        lines += [SIGNPOST.format(complaints_url=config["COMPLAINTS_URL"], sendiass_url=config["SENDIASS_URL"]), ""]
    else:
        lines += [
            "What happens next:",
            "- the Local Offer team will read your feedback and pass it to the service responsible;",
            f"- we aim to reply by {case.respond_by:%-d %B %Y} ({config['RESPOND_WORKING_DAYS']} working days);",
            "- each year we publish what families told us and what we did about it, without naming anyone.",
            "",
        ]
    lines += [
        "You can reply to this email to add anything.",
        "",
        f"{config['COUNCIL_NAME']} Local Offer team",
    ]
    return "\n".join(lines)


def queue_acknowledgement(case, *, in_reply_to="", references=()):
    """Queue the acknowledgement in the caller's transaction, once per case, if we have an address."""
    if not case.contact_email or case.acknowledged_at is not None:
        return None
    subject = f"We have your feedback – reference {case.reference}"
    email = queue_email(
        to=case.contact_email,
        subject=subject,
        body=acknowledgement_text(case),
        purpose="auto-acknowledgement",
        case=case,
        in_reply_to=in_reply_to,
        references=references,
    )
    case.acknowledged_at = utcnow()
    # Added with its case set rather than appended to case.messages: appending loads every earlier
    # message of the case first (a SELECT per acknowledgement) only to add one row.
    db.session.add(CaseMessage(case=case, direction=MessageDirection.OUTBOUND, sender="Local Offer team",
                               subject=subject, body=email.body_text, outbound_email=email))
    record_event("case.acknowledgement_queued", subject=case, case=case, actor_label="system")
    return email
