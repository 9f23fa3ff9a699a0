"""Email intake: each inbound message recorded once, with its case, thread or reason, in one transaction."""
import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from feedback_app.audit.services import record_event
from feedback_app.cases.models import Case, CaseStatus, Channel, ReplyPreference, SubmitterRole
from feedback_app.cases.services import open_case
from feedback_app.cases.triage_services import reopen_case
from feedback_app.common.types import database_text, utcnow
from feedback_app.common.working_days import COUNCIL_TIME_ZONE
from feedback_app.extensions import db
from feedback_app.intake.acknowledgements import queue_acknowledgement
from feedback_app.intake.email_parsing import MessageKind, parse_message
from feedback_app.intake.email_threading import (
    ack_references,
    case_from_headers,
    case_from_subject,
    case_named_by_someone_else,
    family_answers_resolved_case,
    is_address,
    same_address,
    thread_id,
)
from feedback_app.intake.models import (
    Attachment,
    CaseMessage,
    InboundEmail,
    InboundOutcome,
    MessageDirection,
)
from feedback_app.outbox.models import OutboundEmail

log = logging.getLogger(__name__)

DUPLICATE = "duplicate"  # not an InboundOutcome: a duplicate records nothing new
ACTOR_LABEL = "email"
# What the team may turn into a case by hand. Bounces are ours coming back, never feedback.
RELEASABLE_OUTCOMES = (InboundOutcome.HELD, InboundOutcome.IGNORED, InboundOutcome.UNPARSEABLE)



@dataclass(frozen=True)
class IngestResult:
    outcome: str  # an InboundOutcome, or DUPLICATE
    case_reference: str | None
    reason: str
    inbound_email_id: int | None

    @property
    def made_case(self):
        return self.case_reference is not None


class ReleaseRefused(Exception):
    """The message is not (or no longer) held: someone else released it, or it is not releasable."""


def ingest_email(raw, *, source="imap", received_at=None):
    """Take one raw message: record it under its identity with its case (or reason), commit once.

    Never raises for a bad message: one that breaks the normal path is kept raw as unparseable.
    Raises only when even that cannot be recorded (the database is down): the caller keeps the
    message and tries again later.
    """
    raw = bytes(raw)
    received_at = received_at or utcnow()
    config = current_app.config
    try:
        parsed = parse_message(
            raw,
            max_attachment_bytes=config["INTAKE_MAX_ATTACHMENT_BYTES"],
            max_attachments=config["INTAKE_MAX_ATTACHMENTS"],
            reference_prefix=config["CASE_REFERENCE_PREFIX"],
        )
    except Exception as error:  # the parser promises never to raise; if it does, the message is still kept
        log.exception("the email parser failed; keeping the message raw as unparseable")
        identity = _identity("", raw)
        existing = _find_by_identity(identity)
        if existing is not None:
            return _record_duplicate(existing, None, source)
        return _record_unprocessable(None, raw, identity, source, received_at, error)
    identity = _identity(parsed.identity, raw)
    existing = _find_by_identity(identity)
    if existing is not None:
        return _record_duplicate(existing, parsed, source)
    try:
        result = _record(parsed, raw, identity, source, received_at)
        db.session.commit()
        return result
    except IntegrityError:
        db.session.rollback()
        existing = _find_by_identity(identity)
        if existing is None:
            raise
        return _record_duplicate(existing, parsed, source)  # a concurrent ingest of the same message won
    except Exception as error:  # a bug or hostile input we did not foresee: keep the message, flag it
        db.session.rollback()
        log.exception("email %s could not be processed; keeping it raw as unparseable", identity)
        return _record_unprocessable(parsed, raw, identity, source, received_at, error)


def release_held_email(inbound_id, actor):
    """Make a case of a held, ignored or unreadable message, once, on a team member's decision."""
    previous = db.session.scalar(select(InboundEmail.outcome).where(InboundEmail.id == inbound_id))
    if previous not in RELEASABLE_OUTCOMES:
        raise ReleaseRefused("This message is not held, or has already been released")
    # Conditional, so two people pressing "Release" at once make one case between them.
    claimed = db.session.execute(
        update(InboundEmail)
        .where(InboundEmail.id == inbound_id, InboundEmail.outcome == previous)
        .values(outcome=InboundOutcome.RELEASED)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        db.session.rollback()
        raise ReleaseRefused("This message has already been released")
    inbound = db.session.execute(
        select(InboundEmail).where(InboundEmail.id == inbound_id).execution_options(populate_existing=True)
    ).scalar_one()
    contact = inbound.from_address if is_address(inbound.from_address) else ""
    case = open_case(
        channel=Channel.EMAIL,
        received_on=_local_date(inbound.received_at),
        body=inbound.text,
        contact_email=contact,
        contact_name=inbound.from_name,
        reply_preference=ReplyPreference.EMAIL if contact else ReplyPreference.NONE,
        submitter_role=SubmitterRole.UNKNOWN,
        intake_flag=f"Released by {actor.email} from: {inbound.reason}",
        actor=actor,
    )
    _add_inbound_message(case, inbound)
    inbound.case = case
    inbound.reason = f"{inbound.reason} Released by {actor.email} as {case.reference}.".strip()
    # An auto-responder is never acknowledged, even on release: two robots would answer each other.
    if inbound.kind != MessageKind.AUTO_REPLY and _may_acknowledge(contact):
        queue_acknowledgement(
            case, in_reply_to=thread_id(inbound.message_id), references=ack_references([], inbound.message_id)
        )
    record_event(
        "inbound_email.released", subject=inbound, case=case, actor=actor,
        before={"outcome": str(previous)}, after={"outcome": str(InboundOutcome.RELEASED), "kind": inbound.kind},
    )
    db.session.commit()
    return case


# --- Recording -------------------------------------------------------------------------------

def _record(parsed, raw, identity, source, received_at):
    inbound = InboundEmail(
        identity=identity,
        message_id=_clip(parsed.message_id, 300) or None,
        received_at=received_at,
        source=source,
        from_address=_clip(parsed.from_address, 254),
        from_name=_clip(parsed.from_name, 200),
        subject=_clip(parsed.subject, 500),
        kind=str(parsed.kind),
        outcome=InboundOutcome.UNPARSEABLE,  # replaced below, in the same transaction
        reason="",
        text=database_text(parsed.text),
        html=database_text(parsed.html) if parsed.html is not None else None,
        raw=raw,
    )
    db.session.add(inbound)
    db.session.flush()  # claims the identity first: a concurrent twin waits here, then fails
    notes = [f"Attachment left out: {database_text(reason)}" for reason in parsed.dropped_attachments or ()]
    case, outcome, reason = _decide(parsed, inbound, raw, notes)
    inbound.outcome = outcome
    inbound.reason = " ".join([reason, *notes]).strip()
    inbound.attachments = [
        Attachment(
            case_id=case.id if case is not None else None,
            filename=_clip(attachment.filename, 255) or "attachment",
            content_type=_clip(attachment.content_type, 100) or "application/octet-stream",
            size=attachment.size,
            data=attachment.data,
        )
        for attachment in parsed.attachments or ()
    ]
    if case is not None:
        inbound.case = case
        _add_inbound_message(case, inbound)
        if outcome != InboundOutcome.JOINED_CASE and _may_acknowledge(inbound.from_address):
            queue_acknowledgement(
                case,
                in_reply_to=thread_id(parsed.message_id),
                references=ack_references(parsed.references, parsed.message_id),
            )
    record_event(
        f"inbound_email.{outcome}",
        subject=inbound,
        case=case,
        actor_label=ACTOR_LABEL,
        after={"kind": str(parsed.kind), "outcome": str(outcome), "source": source,
               "attachments": len(inbound.attachments), "attachments_left_out": len(notes)},
    )
    return IngestResult(outcome, case.reference if case is not None else None, inbound.reason, inbound.id)


def _decide(parsed, inbound, raw, notes):
    """(case or None, outcome, reason) for a parsed message; creates or finds the case."""
    kind = parsed.kind
    why = database_text(parsed.kind_reason).strip().rstrip(".")
    if kind == MessageKind.UNPARSEABLE:
        return None, InboundOutcome.UNPARSEABLE, f"{why or 'Could not be read'}. Kept as received for the team."
    if kind == MessageKind.AUTO_REPLY:
        return None, InboundOutcome.IGNORED, f"{why or 'Automatic reply'}: no case, not acknowledged."
    if kind == MessageKind.EMPTY:
        return None, InboundOutcome.IGNORED, f"Empty message. {why or 'No text'}: no case, not acknowledged."
    if kind == MessageKind.BOUNCE:
        return None, InboundOutcome.BOUNCE, _link_bounce(parsed, inbound)
    if kind in (MessageKind.SPAM, MessageKind.BULK):
        label = "Suspected spam" if kind == MessageKind.SPAM else "Bulk or list mail"
        return None, InboundOutcome.HELD, f"{why or label}: held for the team to release or leave."
    limit = current_app.config["INTAKE_MAX_MESSAGE_BYTES"]
    if len(raw) > limit:
        return None, InboundOutcome.HELD, (
            f"Message too large ({_megabytes(len(raw))}, the limit is {_megabytes(limit)}): "
            "kept whole and held for the team."
        )
    return _thread_or_open(parsed, inbound, notes)


def _thread_or_open(parsed, inbound, notes):
    sender = inbound.from_address
    case, how = case_from_headers(parsed, sender)
    if case is None:
        case, how = case_from_subject(parsed, sender)
    if case is not None:
        reason = f"Added to {case.reference} ({how})."
        record_event("case.message_received", subject=case, case=case, actor_label=ACTOR_LABEL,
                     after={"channel": str(Channel.EMAIL)})
        if family_answers_resolved_case(case, sender):
            reopen_case(case, reason="The family replied to the response", actor_label="family", commit_now=False)
            reason += " The case was resolved, so it is open again with new deadlines."
        elif case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
            reason += f" That case is {CaseStatus(case.status).label.lower()}: triage decides whether to re-open it."
        return case, InboundOutcome.JOINED_CASE, reason

    follow_up_of = case_named_by_someone_else(parsed, sender)
    contact = sender if is_address(sender) else ""
    body = database_text(parsed.text)
    flags = []
    if follow_up_of is not None:
        flags.append(f"Possible follow-up of {follow_up_of.reference}: "
                     "it names that case but came from a different address.")
    if not body.strip():
        body = inbound.subject  # a subject-only message: the subject is what they said
        flags.append("The message has no text: the subject line is shown instead"
                     + ("; see the attachments." if parsed.attachments else "."))
    if not contact:
        flags.append("No usable sender address, so no acknowledgement was sent.")
    flags += notes
    case = open_case(
        channel=Channel.EMAIL,
        received_on=_local_date(inbound.received_at),
        body=body,
        contact_email=contact,
        contact_name=inbound.from_name,
        reply_preference=ReplyPreference.EMAIL if contact else ReplyPreference.NONE,
        submitter_role=SubmitterRole.UNKNOWN,
        possible_follow_up_of_id=follow_up_of.id if follow_up_of is not None else None,
        intake_flag=" ".join(flags),
        actor_label=ACTOR_LABEL,
    )
    if follow_up_of is not None:
        return case, InboundOutcome.POSSIBLE_FOLLOW_UP, flags[0]
    return case, InboundOutcome.NEW_CASE, ""


def _link_bounce(parsed, inbound):
    bounced = None
    if parsed.bounced_message_id:
        bounced = db.session.scalar(
            select(OutboundEmail).where(OutboundEmail.message_id == _clip(parsed.bounced_message_id, 300)))
    if bounced is None:
        return "Delivery failure report: the message it answers is not one we can match."
    inbound.bounced_email_id = bounced.id
    if bounced.case_id is not None:
        case = db.session.get(Case, bounced.case_id)
        record_event("case.email_bounced", subject=case, case=case, actor_label=ACTOR_LABEL,
                     after={"outbound_email_id": bounced.id})
        return f"Delivery failure report: our email to {bounced.to_address} about {case.reference} was not delivered."
    return f"Delivery failure report: our email to {bounced.to_address} was not delivered."


def _add_inbound_message(case, inbound):
    case.messages.append(CaseMessage(
        direction=MessageDirection.INBOUND,
        sender=inbound.from_address,
        subject=inbound.subject,
        body=inbound.text,
        inbound_email=inbound,
    ))
    for attachment in inbound.attachments:
        attachment.case_id = case.id


def _record_duplicate(existing, parsed, source):
    record_event(
        "inbound_email.duplicate", subject=existing, actor_label=ACTOR_LABEL,
        after={"kind": str(getattr(parsed, "kind", MessageKind.UNPARSEABLE)), "source": source},
    )
    db.session.commit()
    reference = existing.case.reference if existing.case is not None else None
    return IngestResult(DUPLICATE, None, f"Already received (inbound email {existing.id}"
                        + (f", {reference}" if reference else "") + "): nothing new.", existing.id)


def _record_unprocessable(parsed, raw, identity, source, received_at, error):
    reason = f"Could not be processed ({type(error).__name__}). Kept as received for the team."
    inbound = InboundEmail(
        identity=identity, message_id=_clip(getattr(parsed, "message_id", ""), 300) or None,
        received_at=received_at, source=source,
        from_address=_clip(getattr(parsed, "from_address", ""), 254),
        from_name=_clip(getattr(parsed, "from_name", ""), 200),
        subject=_clip(getattr(parsed, "subject", ""), 500),
        kind=str(MessageKind.UNPARSEABLE), outcome=InboundOutcome.UNPARSEABLE, reason=reason, text="",
        html=None, raw=raw,
    )
    db.session.add(inbound)
    try:
        record_event(f"inbound_email.{InboundOutcome.UNPARSEABLE}", subject=inbound, actor_label=ACTOR_LABEL,
                     after={"kind": str(MessageKind.UNPARSEABLE), "source": source, "error": type(error).__name__})
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _find_by_identity(identity)
        if existing is None:
            raise
        return _record_duplicate(existing, parsed, source)
    return IngestResult(InboundOutcome.UNPARSEABLE, None, reason, inbound.id)


# --- Small helpers ---------------------------------------------------------------------------

def _find_by_identity(identity):
    return db.session.scalar(select(InboundEmail).where(InboundEmail.identity == identity))


def _identity(identity, raw):
    """The parser's identity, kept within the column: an over-long Message-ID becomes its digest."""
    identity = database_text(identity).strip()
    if not identity:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    if len(identity) > 300:
        return "sha256:" + hashlib.sha256(identity.encode()).hexdigest()
    return identity


def _may_acknowledge(address):
    return is_address(address) and not _is_our_address(address)


def _is_our_address(address):
    """Mail from our own mailbox is never acknowledged: it would answer itself forever."""
    config = current_app.config
    ours = {parseaddr(config.get("MAIL_FROM", ""))[1], config.get("CONTACT_EMAIL", "")}
    return any(same_address(address, own) for own in ours if own)


def _local_date(moment: datetime):
    return moment.astimezone(COUNCIL_TIME_ZONE).date()  # deadlines count from the council's day


def _clip(value, length):
    return database_text(value).replace("\r", " ").replace("\n", " ")[:length]


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"
