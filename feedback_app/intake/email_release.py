"""Releasing held email: a team member makes a case of a message intake held, ignored or could not read."""
from sqlalchemy import select, update

from feedback_app.audit.services import record_event
from feedback_app.cases.models import Channel, ReplyPreference, SubmitterRole
from feedback_app.cases.services import open_case
from feedback_app.extensions import db
from feedback_app.intake.acknowledgements import queue_acknowledgement
from feedback_app.intake.email_parsing import MessageKind
from feedback_app.intake.email_services import add_inbound_message, local_date, may_acknowledge
from feedback_app.intake.email_threading import ack_references, is_address, thread_id
from feedback_app.intake.models import InboundEmail, InboundOutcome

# What the team may turn into a case by hand. Bounces are ours coming back, never feedback.
RELEASABLE_OUTCOMES = (InboundOutcome.HELD, InboundOutcome.IGNORED, InboundOutcome.UNPARSEABLE)


class ReleaseRefused(Exception):
    """The message is not (or no longer) held: someone else released it, or it is not releasable."""


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
        received_on=local_date(inbound.received_at),
        body=inbound.text,
        contact_email=contact,
        contact_name=inbound.from_name,
        reply_preference=ReplyPreference.EMAIL if contact else ReplyPreference.NONE,
        submitter_role=SubmitterRole.UNKNOWN,
        intake_flag=f"Released by {actor.email} from: {inbound.reason}",
        actor=actor,
    )
    add_inbound_message(case, inbound)
    inbound.case = case
    inbound.reason = f"{inbound.reason} Released by {actor.email} as {case.reference}.".strip()
    # An auto-responder is never acknowledged, even on release: two robots would answer each other.
    if inbound.kind != MessageKind.AUTO_REPLY and may_acknowledge(contact):
        queue_acknowledgement(
            case, in_reply_to=thread_id(inbound.message_id), references=ack_references([], inbound.message_id)
        )
    record_event(
        "inbound_email.released", subject=inbound, case=case, actor=actor,
        before={"outcome": str(previous)}, after={"outcome": str(InboundOutcome.RELEASED), "kind": inbound.kind},
    )
    db.session.commit()
    return case
