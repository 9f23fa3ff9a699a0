"""Telling families an entry answering their feedback is published, and their "Did this help?" answers."""
import hmac

from flask import current_app

from feedback_app.audit.services import record_event
from feedback_app.cases.models import ReplyPreference
from feedback_app.common.tokens import looks_like_token, new_token, token_digest
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.outbox.services import queue_email
from feedback_app.publishing.models import Entry, EntryNotice, EntryStatus
from feedback_app.publishing.queries import find_notice

NOTICE_PURPOSE = "entry-published"
VOTE_PATH = "/entries/vote/{token}/{answer}"


class VoteClosed(Exception):
    """The entry is no longer published: its families are not asked about it any more."""


def queue_notices(entry, base_url=""):
    """One email per address among the linked cases that asked for replies by email; returns how many."""
    base = (current_app.config.get("BASE_URL") or base_url or "").rstrip("/")
    told = set()
    for case in entry.cases:
        address = (case.contact_email or "").strip()
        if case.reply_preference != ReplyPreference.EMAIL or not address or address.lower() in told:
            continue
        told.add(address.lower())
        token = new_token()
        db.session.add(EntryNotice(entry_id=entry.id, case_id=case.id, token_digest=token_digest(token)))
        queue_email(to=address, subject="We have published our response to your feedback",
                    body=notice_text(entry, case, base, token), purpose=NOTICE_PURPOSE, case=case)
    return len(told)


def notice_text(entry, case, base, token):
    config = current_app.config
    vote = base + VOTE_PATH
    return "\n".join([
        f"Thank you for your feedback about the Local Offer (reference {case.reference}).", "",
        "We have published our response to it, together with other comments on the same subject. "
        "It does not say who you are.", "",
        entry.title,
        f"{base}/you-said-we-did/{entry.id}", "",
        "Did this help?",
        f"Yes: {vote.format(token=token, answer='yes')}",
        f"No: {vote.format(token=token, answer='no')}", "",
        "Each link opens a page where you confirm your answer. You can change it later.", "",
        f"{config['COUNCIL_NAME']} Local Offer team",
    ])


def find_notice_by_token(token):
    """The notice this token belongs to, or None; only the token's digest is ever looked up or kept."""
    if not looks_like_token(token):
        return None
    digest = token_digest(token)
    notice = find_notice(digest)
    if notice is None or not hmac.compare_digest(notice.token_digest, digest):
        return None
    return notice


def record_answer(notice, *, helpful):
    """The family's answer: one per notice, a later answer replaces it, the same answer again changes nothing."""
    entry = db.session.get(Entry, notice.entry_id)
    if entry is None or entry.status != EntryStatus.PUBLISHED:
        raise VoteClosed("This response is no longer published, so we are not asking about it any more.")
    if notice.helpful is helpful:
        return False
    before = notice.helpful
    notice.helpful = helpful
    notice.answered_at = utcnow()
    record_event("entry_notice.answered", subject=notice, actor_label="family",
                 before={"helpful": before}, after={"entry_id": entry.id, "helpful": helpful})
    db.session.commit()
    return True
