"""Email intake: each inbound message recorded once, with its case, thread or reason, in one transaction."""
import hashlib
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from feedback_app.audit.services import record_event
from feedback_app.cases.models import Case, CaseStatus, Channel, ReplyPreference, SubmitterRole
from feedback_app.cases.services import next_id, open_case
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
    thread_ids,
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



@dataclass(frozen=True)
class IngestResult:
    outcome: str  # an InboundOutcome, or DUPLICATE
    case_reference: str | None
    reason: str
    inbound_email_id: int | None

    @property
    def made_case(self):
        return self.case_reference is not None


def ingest_email(raw, *, source="imap", received_at=None):
    """Take one raw message: record it under its identity with its case (or reason), commit once.

    Never raises for a bad message: one that breaks the normal path is kept raw as unparseable.
    Raises only when even that cannot be recorded (the database is down): the caller keeps the
    message and tries again later.
    """
    try:
        result = ingest_one(bytes(raw), source, received_at or utcnow(), known=None)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result


def parse_raw(raw):
    """(parsed, None), or (None, the error) when the parser broke its promise never to raise."""
    config = current_app.config
    try:
        return parse_message(
            raw,
            max_attachment_bytes=config["INTAKE_MAX_ATTACHMENT_BYTES"],
            max_attachments=config["INTAKE_MAX_ATTACHMENTS"],
            reference_prefix=config["CASE_REFERENCE_PREFIX"],
        ), None
    except Exception as error:
        log.exception("the email parser failed; keeping the message raw as unparseable")
        return None, error


def ingest_one(raw, source, received_at, *, known, parsed=None, isolate=True, inbound_id=None):
    """Record one message in the current transaction, inside savepoints unless `isolate` is off; the caller commits.

    `known`: {identity: InboundEmail or None} already looked up for a batch (None: look it up).
    """
    parsed, parse_error = parsed if parsed is not None else parse_raw(raw)
    identity = identity_of(parsed.identity if parsed is not None else "", raw)
    existing = known.get(identity) if known is not None else _find_by_identity(identity)
    if isinstance(existing, int):  # taken earlier in this batch (looked up now: this flushes what is pending)
        existing = db.session.get(InboundEmail, existing)
    if existing is not None:
        return _record_duplicate(existing, parsed, source, isolate=isolate)
    if parse_error is not None:
        result = _record_unprocessable(None, raw, identity, source, received_at, parse_error, isolate=isolate)
    elif not isolate:
        result = _record(parsed, raw, identity, source, received_at, inbound_id)
    else:
        try:
            with db.session.begin_nested():
                result = _record(parsed, raw, identity, source, received_at, inbound_id)
        except IntegrityError:
            existing = _find_by_identity(identity)
            if existing is None:
                raise
            return _record_duplicate(existing, parsed, source)  # a concurrent ingest of the same message won
        except Exception as error:  # a bug or hostile input we did not foresee: keep the message, flag it
            log.exception("email %s could not be processed; keeping it raw as unparseable", identity)
            result = _record_unprocessable(parsed, raw, identity, source, received_at, error)
    if known is not None and result.inbound_email_id is not None:
        known[identity] = result.inbound_email_id  # a twin later in the batch is a duplicate
    return result


# --- Recording -------------------------------------------------------------------------------

def _record(parsed, raw, identity, source, received_at, inbound_id=None):
    """Everything about one message, inserted in one flush when the savepoint is released.

    The identity is claimed by that flush: a concurrent twin fails there, and its savepoint goes.
    """
    notes = [f"Attachment left out: {database_text(reason)}" for reason in parsed.dropped_attachments or ()]
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
    inbound.attachments = [
        Attachment(
            filename=_clip(attachment.filename, 255) or "attachment",
            content_type=_clip(attachment.content_type, 100) or "application/octet-stream",
            size=attachment.size,
            data=attachment.data,
        )
        for attachment in parsed.attachments or ()
    ]
    if _answers_a_pending_row(parsed):
        # What it answers is an earlier message of the same batch, not yet written: write those first
        # (before this one is added, so its own row is inserted whole, not inserted then updated).
        db.session.flush()
    inbound.id = inbound_id or next_id("inbound_emails")
    db.session.add(inbound)
    if inbound.id is None:
        db.session.flush()  # no sequence to ask (SQLite): the audit event needs the key
    # The lookups read earlier messages only: nothing of this one needs flushing before them.
    with db.session.no_autoflush:
        case, outcome, reason = _decide(parsed, inbound, raw, notes)
    inbound.outcome = outcome
    inbound.reason = " ".join([reason, *notes]).strip()
    if case is not None:
        inbound.case = case
        add_inbound_message(case, inbound)
        if outcome != InboundOutcome.JOINED_CASE and may_acknowledge(inbound.from_address):
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
        received_on=local_date(inbound.received_at),
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


def add_inbound_message(case, inbound):
    # Added with its case set, not appended to case.messages: that would load the whole thread first.
    db.session.add(CaseMessage(
        case=case,
        direction=MessageDirection.INBOUND,
        sender=inbound.from_address,
        subject=inbound.subject,
        body=inbound.text,
        inbound_email=inbound,
    ))
    for attachment in inbound.attachments:
        attachment.case_id = case.id


def _answers_a_pending_row(parsed):
    """Whether the threading lookups could match a row of this batch still waiting to be flushed."""
    wanted = set(thread_ids(parsed)) | set(parsed.case_references or ())
    if not wanted:
        return False
    for obj in db.session.new:
        if isinstance(obj, Case) and obj.reference in wanted:
            return True
        if isinstance(obj, (InboundEmail, OutboundEmail)) and obj.message_id in wanted:
            return True
    return False


def _savepoint(isolate):
    return db.session.begin_nested() if isolate else nullcontext()


def _record_duplicate(existing, parsed, source, *, isolate=True):
    with _savepoint(isolate):
        record_event(
            "inbound_email.duplicate", subject=existing, actor_label=ACTOR_LABEL,
            after={"kind": str(getattr(parsed, "kind", MessageKind.UNPARSEABLE)), "source": source},
        )
    reference = existing.case.reference if existing.case is not None else None
    return IngestResult(DUPLICATE, None, f"Already received (inbound email {existing.id}"
                        + (f", {reference}" if reference else "") + "): nothing new.", existing.id)


def _record_unprocessable(parsed, raw, identity, source, received_at, error, *, isolate=True):
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
    inbound.id = next_id("inbound_emails")
    try:
        with _savepoint(isolate):
            db.session.add(inbound)
            record_event(f"inbound_email.{InboundOutcome.UNPARSEABLE}", subject=inbound, actor_label=ACTOR_LABEL,
                         after={"kind": str(MessageKind.UNPARSEABLE), "source": source,
                                "error": type(error).__name__})
    except IntegrityError:
        existing = _find_by_identity(identity)
        if existing is None:
            raise
        return _record_duplicate(existing, parsed, source)
    return IngestResult(InboundOutcome.UNPARSEABLE, None, reason, inbound.id)


# --- Small helpers ---------------------------------------------------------------------------

def _find_by_identity(identity):
    return db.session.scalar(select(InboundEmail).where(InboundEmail.identity == identity))


def identity_of(identity, raw):
    """The parser's identity, kept within the column: an over-long Message-ID becomes its digest."""
    identity = database_text(identity).strip()
    if not identity:
        return "sha256:" + hashlib.sha256(raw).hexdigest()
    if len(identity) > 300:
        return "sha256:" + hashlib.sha256(identity.encode()).hexdigest()
    return identity


def may_acknowledge(address):
    return is_address(address) and not _is_our_address(address)


def _is_our_address(address):
    """Mail from our own mailbox is never acknowledged: it would answer itself forever."""
    config = current_app.config
    ours = {parseaddr(config.get("MAIL_FROM", ""))[1], config.get("CONTACT_EMAIL", "")}
    return any(same_address(address, own) for own in ours if own)


def local_date(moment: datetime):
    return moment.astimezone(COUNCIL_TIME_ZONE).date()  # deadlines count from the council's day


def _clip(value, length):
    return database_text(value).replace("\r", " ").replace("\n", " ")[:length]


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"
