"""Which case an inbound email belongs to: safe threading that never joins one family's email to another's."""
import re

from sqlalchemy import select

from feedback_app.cases.models import Case, CaseStatus
from feedback_app.common.types import database_text
from feedback_app.extensions import db
from feedback_app.intake.models import InboundEmail
from feedback_app.outbox.models import OutboundEmail

MAX_THREAD_REFERENCES = 20

_ADDRESS = re.compile(r"^[^@\s<>()\[\]\\,;:\"]+@[^@\s<>()\[\]\\,;:\"]+\.[^@\s<>()\[\]\\,;:\"]+$")
_MESSAGE_ID = re.compile(r"^[^\s<>]{1,250}$")


def family_answers_resolved_case(case, sender):
    """Only the family's own reply re-opens a resolved case; anyone else's waits for triage."""
    return (case.status == CaseStatus.RESOLVED and case.merged_into_id is None
            and same_address(sender, case.contact_email))


def case_from_headers(parsed, sender):
    """The case of a message we sent or received that this one answers, safest first."""
    ids = thread_ids(parsed)
    if not ids:
        return None, ""
    # Our own Message-IDs carry an unguessable token: whoever quotes one received our email.
    sent = {email.message_id: email for email in db.session.scalars(
        select(OutboundEmail).where(OutboundEmail.message_id.in_(ids), OutboundEmail.case_id.is_not(None)))}
    for message_id in ids:
        if message_id in sent:
            case = db.session.get(Case, sent[message_id].case_id)
            how = "a reply to our email"
            if not same_address(sender, case.contact_email):
                how += ", from an address other than the case's contact"
            return case, how
    # A family's own Message-ID is known to everyone they copied in: the sender must match too.
    received = db.session.scalars(
        select(InboundEmail).where(InboundEmail.message_id.in_(ids), InboundEmail.case_id.is_not(None)))
    by_id = {}
    for email in received:
        by_id.setdefault(email.message_id, email)
    for message_id in ids:
        earlier = by_id.get(message_id)
        if earlier is not None and (same_address(sender, earlier.case.contact_email)
                                    or same_address(sender, earlier.from_address)):
            return earlier.case, "a reply in the same email thread"
    return None, ""


def case_from_subject(parsed, sender):
    for case in cases_named(parsed):
        if same_address(sender, case.contact_email):
            return case, "its reference is in the subject and the sender is the case's contact"
    return None, ""


def case_named_by_someone_else(parsed, sender):
    for case in cases_named(parsed):
        if not same_address(sender, case.contact_email):
            return case
    return None


def cases_named(parsed):
    references = [ref for ref in parsed.case_references or () if len(ref) <= 30][:5]
    if not references:
        return []
    found = {case.reference: case for case in db.session.scalars(select(Case).where(Case.reference.in_(references)))}
    return [found[ref] for ref in references if ref in found]


def thread_ids(parsed):
    candidates = [parsed.in_reply_to, *reversed(list(parsed.references or ())[-MAX_THREAD_REFERENCES:])]
    ids = []
    for candidate in candidates:
        candidate = database_text(candidate).strip()
        if candidate and _MESSAGE_ID.match(candidate) and candidate not in ids:
            ids.append(candidate)
    return ids


def thread_id(message_id):
    message_id = database_text(message_id).strip()
    return message_id if _MESSAGE_ID.match(message_id) else ""


def ack_references(references, message_id):
    ids = [thread_id(ref) for ref in list(references or ())[-MAX_THREAD_REFERENCES:]] + [thread_id(message_id)]
    return [ref for ref in dict.fromkeys(ids) if ref]


def is_address(address):
    return bool(address) and len(address) <= 254 and bool(_ADDRESS.match(address))


def same_address(first, second):
    return bool(first) and bool(second) and first.strip().casefold() == second.strip().casefold()
