"""The one place that sends email: queue in the caller's transaction, send after its commit."""
import logging
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from feedback_app.common.background import enqueue
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.outbox.models import EmailStatus, OutboundEmail
from feedback_app.outbox.transport import build_message, deliver

log = logging.getLogger(__name__)
SEND_TASK = "outbox.send-email"
SEND_MANY_TASK = "outbox.send-emails"
MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=15)


def new_message_id(case_reference=None):
    """A Message-ID carrying the case reference, so a reply's In-Reply-To finds its case."""
    token = secrets.token_hex(8)
    local = f"{case_reference}.{token}" if case_reference else token
    return f"{local}@{current_app.config['MAIL_DOMAIN']}"


def queue_email(*, to, subject, body, purpose, case=None, in_reply_to="", references=()):
    """Add an email to the outbox in the current transaction; it is sent only if that commits."""
    email = OutboundEmail(
        to_address=to,
        subject=subject,
        body_text=body,
        purpose=purpose,
        case=case,
        message_id=new_message_id(case.reference if case is not None else None),
        in_reply_to=in_reply_to,
        references=" ".join(references),
    )
    db.session.add(email)
    return email


@event.listens_for(Session, "after_flush")
def _remember_new_emails(session, flush_context):
    # The objects, not their ids: what a rollback undid (a whole transaction, or the SAVEPOINT of one
    # bad message in a batch of inbound email) is transient again at the end, and is not sent.
    new = [obj for obj in session.new if isinstance(obj, OutboundEmail)]
    if new:
        session.info.setdefault("outbox_new", []).extend(new)


@event.listens_for(Session, "after_transaction_end")
def _send_new_emails(session, transaction):
    # Only when the outermost transaction ends: a SAVEPOINT released (after_commit fires for those
    # too) is not yet a commit, and a SAVEPOINT rolled back must not drop its neighbours' emails.
    if transaction.parent is not None:
        return
    emails = session.info.pop("outbox_new", None)
    if not emails:
        return
    states = [inspect(email) for email in emails]
    email_ids = [state.identity[0] for state in states if state.persistent or state.detached]
    if len(email_ids) == 1:
        enqueue(SEND_TASK, email_ids[0])
    elif email_ids:  # a batch (inbound email): one publish, the worker fans it out
        enqueue(SEND_MANY_TASK, email_ids)


def send_email(email_id):
    """Send one queued email; safe to run twice, and concurrently: only one claim wins."""
    claimed = db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.id == email_id, OutboundEmail.status == EmailStatus.PENDING)
        .values(status=EmailStatus.SENDING, claimed_at=utcnow(), attempts=OutboundEmail.attempts + 1)
    ).rowcount
    db.session.commit()
    if not claimed:
        return False
    email = db.session.get(OutboundEmail, email_id)
    try:
        deliver(build_message(email, sender=current_app.config["MAIL_FROM"]), current_app.config)
    except Exception as error:  # any transport failure: give the row back for a retry
        email.status = EmailStatus.FAILED if email.attempts >= MAX_ATTEMPTS else EmailStatus.PENDING
        email.last_error = f"{type(error).__name__}: {error}"[:1000]
        db.session.commit()
        raise
    email.status = EmailStatus.SENT
    email.sent_at = utcnow()
    db.session.commit()
    return True


def list_pending_email_ids(limit=500):
    return db.session.scalars(
        select(OutboundEmail.id)
        .where(OutboundEmail.status == EmailStatus.PENDING)
        .order_by(OutboundEmail.id)
        .limit(limit)
    ).all()


def requeue_stale_claims():
    """A worker that died mid-send leaves a claim behind; give it back after a while."""
    released = db.session.execute(
        update(OutboundEmail)
        .where(OutboundEmail.status == EmailStatus.SENDING, OutboundEmail.claimed_at < utcnow() - STALE_CLAIM)
        .values(status=EmailStatus.PENDING)
    ).rowcount
    db.session.commit()
    return released
