"""Links for partner leads without an account: a random token is the credential; only its digest is kept."""
import hmac
import re
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from feedback_app.accounts.models import User
from feedback_app.actions.models import ActionStatus, PartnerLink
from feedback_app.actions.queries import is_open, may_send_partner_links
from feedback_app.actions.services import ActionError, action_change, action_path, change_action_status
from feedback_app.audit.services import record_event
from feedback_app.cases.triage_emails import format_date
from feedback_app.common.tokens import looks_like_token, new_token, token_digest
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.outbox.models import EmailStatus, OutboundEmail
from feedback_app.outbox.services import queue_email

PARTNER_PATH = "/partner/"
EMAIL_PURPOSE = "partner-link"
UNKNOWN, EXPIRED, REVOKED = "unknown", "expired", "revoked"
REDACTED = "(link removed from our records once sent)"


def partner_label(link):
    """The audit's actor for anything done through a link."""
    return f"partner link #{link.id}"


def link_state(link, now):
    if link.revoked_at is not None:
        return REVOKED
    if link.expires_at <= now:
        return EXPIRED
    return None


# --- The team sends and withdraws links ------------------------------------------------------

def create_partner_link(action, *, recipient_name, recipient_email, actor, base_url="", now=None):
    """Email a partner lead a link to read the case summary and update `action`; returns (link, token).

    The token is shown to nobody else: the database keeps its SHA-256 digest, and the outbox drops it
    from the email's stored body once the email is sent.
    """
    now = now or utcnow()
    if not may_send_partner_links(actor):
        raise ActionError("Only the Local Offer team can send a link to a partner.")
    if not is_open(action):
        raise ActionError(f"This action is {ActionStatus(action.status).label.lower()}, "
                          "so there is nothing for a partner to update.")
    recipient_name = (recipient_name or "").strip()
    if not recipient_name:
        raise ActionError("Enter the partner lead’s name")
    recipient_email = checked_email(recipient_email)
    token = new_token()
    link = PartnerLink(action=action, recipient_name=recipient_name, recipient_email=recipient_email,
                       token_digest=token_digest(token), created_at=now, expires_at=now + link_lifetime(),
                       created_by_id=actor.id)
    db.session.add(link)
    base = (current_app.config.get("BASE_URL") or base_url or "").rstrip("/")
    queue_email(to=recipient_email, subject=f"Action request from {current_app.config['COUNCIL_NAME']}: "
                f"{action.case.reference}", body=link_email_text(action, link, f"{base}{PARTNER_PATH}{token}"),
                purpose=EMAIL_PURPOSE, case=action.case)
    db.session.flush()
    record_event("partner_link.sent", subject=link, case=action.case, actor=actor,
                 after={"action_id": action.id, "to": recipient_email, "recipient_name": recipient_name,
                        "expires_at": link.expires_at.isoformat()})
    db.session.commit()
    return link, token


def link_lifetime():
    return timedelta(days=current_app.config["PARTNER_LINK_DAYS"])


def checked_email(address):
    try:
        return validate_email((address or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise ActionError("Enter an email address in the correct format, like name@example.com") from None


def link_email_text(action, link, url):
    config = current_app.config
    return "\n".join([
        f"Dear {link.recipient_name},", "",
        f"The {config['COUNCIL_NAME']} Local Offer team has asked you to act on feedback about the Local Offer "
        f"(reference {action.case.reference}).", "",
        f"What will be done: {action.description}",
        f"Due by: {format_date(action.due_on)}", "",
        "Use this link to read the feedback and to tell us how the action is going. You do not need an account.",
        f"It works until {format_date(link.expires_at.date())}. Do not forward it: anyone with it can update "
        "the action.", "",
        url, "",
        f"If this reached you by mistake, tell us: {config['CONTACT_EMAIL']}", "",
        f"{config['COUNCIL_NAME']} Local Offer team",
    ])


def revoke_partner_link(link, *, actor, now=None):
    """Withdraw a link at once; it stays on record."""
    if not may_send_partner_links(actor):
        raise ActionError("Only the Local Offer team can withdraw a link.")
    if link.revoked_at is not None:
        raise ActionError("This link is already withdrawn.")
    link.revoked_at = now or utcnow()
    record_event("partner_link.revoked", subject=link, case=link.action.case, actor=actor,
                 after={"action_id": link.action_id, "to": link.recipient_email})
    db.session.commit()
    return link


# --- The partner uses a link -----------------------------------------------------------------

def find_partner_link(token, now=None):
    """(link, problem): problem is None for a usable link, else UNKNOWN, EXPIRED or REVOKED.

    Looked up by the token's digest, so the secret is never compared character by character; a
    withdrawn or expired link's use is refused and audited.
    """
    if not looks_like_token(token):
        return None, UNKNOWN
    digest = token_digest(token)
    link = db.session.scalar(select(PartnerLink).where(PartnerLink.token_digest == digest))
    if link is None or not hmac.compare_digest(link.token_digest, digest):
        return None, UNKNOWN
    problem = link_state(link, now or utcnow())
    if problem is not None:
        record_event("partner_link.refused", subject=link, case=link.action.case, actor_label=partner_label(link),
                     after={"reason": problem})
        db.session.commit()
    return link, problem


def record_partner_view(link, now=None):
    """The partner opened the page: audited, and the link's last use noted."""
    link.last_used_at = now or utcnow()
    record_event("partner_link.viewed", subject=link, case=link.action.case, actor_label=partner_label(link),
                 after={"action_id": link.action_id})
    db.session.commit()


@action_change
def update_action_through_link(link, *, status, evidence=None, cancelled_reason="", expected_version=None, now=None):
    """The partner updates the link's action (and no other); whoever sent the link is told."""
    now = now or utcnow()
    if link_state(link, now) is not None:
        raise ActionError("This link has expired or been withdrawn.")
    action = link.action
    link.last_used_at = now
    change_action_status(action, status=status, evidence=evidence, cancelled_reason=cancelled_reason,
                         actor_label=partner_label(link), expected_version=expected_version)
    sender = db.session.get(User, link.created_by_id) if link.created_by_id is not None else None
    sender = sender if sender is not None and sender.active else None
    queue_email(to=sender.email if sender is not None else current_app.config["TEAM_EMAIL"],
                subject=f"A partner updated an action on {action.case.reference}",
                body=update_notice_text(action, link), purpose="action-partner-update", case=action.case)
    db.session.commit()
    return action


def update_notice_text(action, link):
    status = ActionStatus(action.status).label
    lines = [
        f"{link.recipient_name} updated an action on case {action.case.reference} through the link you sent.", "",
        f"What will be done: {action.description}",
        f"Status: {status}",
    ]
    if action.evidence:
        lines.append(f"What has been done: {action.evidence}")
    if action.cancelled_reason and action.status == ActionStatus.CANCELLED:
        lines.append(f"Why it is cancelled: {action.cancelled_reason}")
    lines += ["", f"See the action (sign in first): {action_path(action)}"]
    return "\n".join(lines)


# --- Keeping the token out of the outbox once sent -------------------------------------------

_LINK_IN_BODY = re.compile(re.escape(PARTNER_PATH) + r"[A-Za-z0-9_-]+")


@event.listens_for(Session, "before_flush")
def _redact_sent_links(session, flush_context, instances):
    """The outbox keeps what it sent; a working link must not outlive its delivery there."""
    for obj in session.dirty:
        if (isinstance(obj, OutboundEmail) and obj.purpose == EMAIL_PURPOSE
                and obj.status in (EmailStatus.SENT, EmailStatus.FAILED) and PARTNER_PATH in (obj.body_text or "")):
            obj.body_text = _LINK_IN_BODY.sub(PARTNER_PATH + REDACTED, obj.body_text)
