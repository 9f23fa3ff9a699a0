"""The emails case work sends: replies and signposts to families, threaded; notices to service leads."""
import re
import string

from flask import current_app
from sqlalchemy import select

from feedback_app.cases.models import Reg56Topic, ResponseTemplate
from feedback_app.extensions import db
from feedback_app.intake.acknowledgements import SIGNPOST
from feedback_app.intake.models import CaseMessage, MessageDirection
from feedback_app.outbox.services import queue_email

SIGNPOST_TEMPLATE = "Signpost to complaints"
SIGNPOST_SUBJECT = "About your feedback – reference {reference}"
SIGNPOST_BODY = (
    "Dear {first_name_or_there},\n\nThank you for contacting us (reference {reference}).\n\n"
    + SIGNPOST
    + "\n\n{council_name} Local Offer team"
)
MAX_REFERENCES = 20
# What response templates may use; placeholder_values() fills each (the admin pages check templates).
PLACEHOLDERS = ("reference", "council_name", "respond_by", "first_name_or_there", "complaints_url", "sendiass_url")
_MESSAGE_ID = re.compile(r"^[^\s<>]{1,250}$")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


# --- To the family ---------------------------------------------------------------------------

def queue_family_email(case, subject, body, *, actor, purpose):
    """Queue an email to the family in the caller's transaction, threaded, with placeholders filled."""
    values = placeholder_values(case)
    subject = " ".join(fill_placeholders(subject, values).split())  # one line: no header injection
    if case.reference not in subject:
        subject = f"{subject} – reference {case.reference}"
    body = fill_placeholders(body, values)
    in_reply_to, references = thread_headers(case)
    email = queue_email(to=case.contact_email, subject=subject, body=body, purpose=purpose, case=case,
                        in_reply_to=in_reply_to, references=references)
    message = CaseMessage(direction=MessageDirection.OUTBOUND, sender=sender_name(actor), subject=subject, body=body,
                          outbound_email=email)
    case.messages.append(message)
    db.session.flush()
    return message


def queue_signpost(case, actor):
    """Point the family to the complaints and casework route: the team's template if it has one."""
    template = db.session.scalar(
        select(ResponseTemplate).where(ResponseTemplate.name == SIGNPOST_TEMPLATE, ResponseTemplate.active.is_(True))
    )
    subject, body = (template.subject, template.body) if template is not None else (SIGNPOST_SUBJECT, SIGNPOST_BODY)
    return queue_family_email(case, subject, body, actor=actor, purpose="signpost")


def sender_name(actor):
    return (actor.name or actor.email) if actor is not None else "Local Offer team"


def thread_headers(case):
    """(In-Reply-To, References): the family's latest message, and the conversation up to it."""
    chain, in_reply_to = [], ""
    for message in case.messages:
        if message.direction == MessageDirection.INBOUND and message.inbound_email is not None:
            message_id = message.inbound_email.message_id or ""
            if _MESSAGE_ID.match(message_id):
                chain.append(message_id)
                in_reply_to = message_id
        elif message.outbound_email is not None:
            chain.append(message.outbound_email.message_id)
    if in_reply_to:
        chain = chain[: len(chain) - chain[::-1].index(in_reply_to)]
    return in_reply_to, list(dict.fromkeys(chain))[-MAX_REFERENCES:]


def placeholder_values(case):
    first_name = case.contact_name.split()[0] if case.contact_name.strip() else "there"
    return {
        "reference": case.reference,
        "council_name": current_app.config["COUNCIL_NAME"],
        "respond_by": format_date(case.respond_by),
        "first_name_or_there": first_name,
        "complaints_url": current_app.config["COMPLAINTS_URL"],
        "sendiass_url": current_app.config["SENDIASS_URL"],
    }


class _LeaveUnknown(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def fill_placeholders(text, values):
    """Fill {reference}-style placeholders; anything else (unknown names, stray braces) is left as written.

    str.format_map alone would follow {reference.__class__} or {x[0]} and choke on a lone brace, so
    text using anything but plain names is filled by exact match instead.
    """
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        fields = None
    if fields is None or any(
        name is not None and (not name.isidentifier() or spec or conversion) for _, name, spec, conversion in fields
    ):
        return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), text)
    return text.format_map(_LeaveUnknown(values))


def format_date(day):
    return f"{day.day} {day:%B %Y}" if day is not None else "not set"


# --- To service leads ------------------------------------------------------------------------

def notify_new_services(case, services, new_owner, actor):
    """Tell each lead of the newly added services (or the service's mailbox), and a new owner, once each."""
    recipients = {}
    for service in services:
        addresses = [lead.email for lead in service.leads if lead.active] or ([service.email] if service.email else [])
        for address in addresses:
            recipients.setdefault(address.lower(), (address, []))[1].append(service.name)
    if new_owner is not None and new_owner is not actor and new_owner.email.lower() not in recipients:
        recipients[new_owner.email.lower()] = (new_owner.email, [])
    for address, names in recipients.values():
        queue_email(to=address, subject=f"Case {case.reference} needs a response", body=assignment_text(case, names),
                    purpose="case-assigned", case=case)


def assignment_text(case, service_names):
    # No names, contact details or feedback text: this goes to a mailbox; the case stays behind sign-in.
    themes = ", ".join(theme.name for theme in case.themes) or "Not classified yet"
    topic = Reg56Topic(case.reg56_topic).label if case.reg56_topic else "Not classified yet"
    opening = (f"A Local Offer feedback case has been sent to {', '.join(service_names)}."
               if service_names else "You have been made the owner of a Local Offer feedback case.")
    lines = [
        opening, "",
        f"Reference: {case.reference}",
        f"Topic: {topic}",
        f"Themes: {themes}",
        f"Respond by: {format_date(case.respond_by)}", "",
        f"Open the case (sign in first): {case_link(case)}", "",
        f"{current_app.config['COUNCIL_NAME']} Local Offer team",
    ]
    return "\n".join(lines)


def case_link(case):
    """The case's address; BASE_URL (when configured) makes it absolute for email clients."""
    base = current_app.config.get("BASE_URL", "").rstrip("/")
    return f"{base}/cases/{case.reference}"
