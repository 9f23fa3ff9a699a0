"""Read-only questions about inbound email: what is held, one message, one attachment. Never commits."""
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from feedback_app.extensions import db
from feedback_app.intake.models import Attachment, InboundEmail, InboundOutcome

# What the held page shows: messages that made no case and that a person may want to look at.
HELD_PAGE_OUTCOMES = (
    InboundOutcome.HELD,
    InboundOutcome.UNPARSEABLE,
    InboundOutcome.IGNORED,
    InboundOutcome.BOUNCE,
)


def list_held_emails(outcome=None, limit=200):
    """Newest first; `outcome` narrows to one of HELD_PAGE_OUTCOMES. The raw bytes stay unloaded."""
    outcomes = [outcome] if outcome in HELD_PAGE_OUTCOMES else list(HELD_PAGE_OUTCOMES)
    return db.session.scalars(
        select(InboundEmail)
        .where(InboundEmail.outcome.in_([str(o) for o in outcomes]))
        .options(defer(InboundEmail.raw), defer(InboundEmail.html), defer(InboundEmail.text))
        .order_by(InboundEmail.received_at.desc(), InboundEmail.id.desc())
        .limit(limit)
    ).all()


def count_held_emails():
    """{outcome: count} for the held page's filter."""
    rows = db.session.execute(
        select(InboundEmail.outcome, func.count())
        .where(InboundEmail.outcome.in_([str(o) for o in HELD_PAGE_OUTCOMES]))
        .group_by(InboundEmail.outcome)
    ).all()
    counts = {outcome: 0 for outcome in HELD_PAGE_OUTCOMES}
    counts.update({InboundOutcome(outcome): count for outcome, count in rows})
    return counts


def get_inbound_email(inbound_id):
    return db.session.get(InboundEmail, inbound_id)


def get_attachment(attachment_id):
    return db.session.get(Attachment, attachment_id)


def raw_headers(inbound, limit=20_000):
    """The message's header block as text, for the team to read (always shown escaped)."""
    raw = inbound.raw or b""
    ends = [index for index in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if index >= 0]
    block = raw[: min(ends)] if ends else raw
    return block[:limit].decode("utf-8", "replace")
