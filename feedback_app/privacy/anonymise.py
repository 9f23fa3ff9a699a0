"""The one anonymisation used by the retention schedule and by erasure: personal data out, counts kept."""
from sqlalchemy import or_, select, text, update

from feedback_app.audit.models import AuditEvent
from feedback_app.audit.services import record_event
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.intake.models import Attachment, InboundEmail
from feedback_app.outbox.models import OutboundEmail
from feedback_app.publishing.models import EntryStatus

REMOVED_TEXT = "[removed under the retention schedule]"
# Audit payload keys whose values are personal data whatever they hold.
PERSONAL_KEYS = frozenset({
    "contact_name", "contact_email", "contact_phone", "on_behalf_of", "body", "text", "html", "sender",
    "from_address", "from_name", "to_address", "body_text", "subject", "detail", "excluded_reason",
    "closed_reason", "intake_flag", "email", "phone",
})
# Shorter fragments than this are too common to scrub by value (initials, "Mr").
MIN_FRAGMENT = 4


def published_paraphrase(case):
    """The "You said" of a published entry made from this case, or None."""
    from feedback_app.publishing.models import Entry, entry_cases

    return db.session.scalar(
        select(Entry.you_said).join(entry_cases, entry_cases.c.entry_id == Entry.id)
        .where(entry_cases.c.case_id == case.id, Entry.status == EntryStatus.PUBLISHED)
        .order_by(Entry.published_at).limit(1)
    )


def _removed(value):
    return REMOVED_TEXT if value else value


def anonymise_case(case, *, kind, actor=None, actor_label=""):
    """Anonymise one case in the caller's transaction; return what was removed, counted (no personal data)."""
    if case.anonymised_at is not None:
        return None
    fragments = {case.contact_name, case.contact_email, case.contact_phone, case.on_behalf_of, case.body}
    counts = {"messages": 0, "notes": 0, "attachments": 0, "inbound_emails": 0, "outbound_emails": 0,
              "clock_stops": 0}

    for message in case.messages:
        fragments.update({message.sender, message.body})
        message.sender, message.subject, message.body = "", _removed(message.subject), REMOVED_TEXT
        counts["messages"] += 1
    for note in case.notes:
        fragments.add(note.body)
        note.body = REMOVED_TEXT
        counts["notes"] += 1
    for stop in case.clock_stops:
        if stop.detail:
            stop.detail = REMOVED_TEXT
            counts["clock_stops"] += 1
    inbound = db.session.scalars(select(InboundEmail).where(InboundEmail.case_id == case.id)).all()
    for email in inbound:
        fragments.update({email.from_address, email.from_name, email.text})
        _strip_inbound(email)
        counts["inbound_emails"] += 1
    counts["attachments"] += _delete_attachments(
        or_(Attachment.case_id == case.id, Attachment.inbound_email_id.in_([email.id for email in inbound]))
    )
    for email in db.session.scalars(select(OutboundEmail).where(OutboundEmail.case_id == case.id)):
        fragments.add(email.to_address)
        email.to_address, email.subject, email.body_text = "", REMOVED_TEXT, REMOVED_TEXT
        counts["outbound_emails"] += 1

    case.body = published_paraphrase(case) or REMOVED_TEXT
    case.contact_name = case.contact_email = case.contact_phone = case.on_behalf_of = ""
    case.excluded_reason, case.closed_reason = _removed(case.excluded_reason), _removed(case.closed_reason)
    case.intake_flag = _removed(case.intake_flag)
    case.anonymised_at = utcnow()
    db.session.flush()

    counts["audit_events_scrubbed"] = scrub_audit(
        or_(AuditEvent.case_id == case.id,
            (AuditEvent.subject_type == "cases") & (AuditEvent.subject_id == case.id),
            (AuditEvent.subject_type == "inbound_emails") & AuditEvent.subject_id.in_([e.id for e in inbound])),
        fragments,
    )
    record_event("privacy.case-anonymised", subject=case, case=case, actor=actor, actor_label=actor_label,
                 after={"kind": kind, **counts})
    return counts


def anonymise_inbound_email(email, *, kind, actor=None, actor_label=""):
    """Anonymise an inbound email that never became a case (held, ignored, bounced…)."""
    if email.anonymised_at is not None:
        return None
    fragments = {email.from_address, email.from_name, email.text}
    _strip_inbound(email)
    attachments = _delete_attachments(Attachment.inbound_email_id == email.id)
    db.session.flush()
    scrubbed = scrub_audit((AuditEvent.subject_type == "inbound_emails") & (AuditEvent.subject_id == email.id),
                           fragments)
    counts = {"attachments": attachments, "audit_events_scrubbed": scrubbed}
    record_event("privacy.inbound-email-anonymised", subject=email, actor=actor, actor_label=actor_label,
                 after={"kind": kind, **counts})
    return counts


def _strip_inbound(email):
    email.from_address, email.from_name = "", ""
    email.subject, email.text = _removed(email.subject), _removed(email.text)
    email.html = None
    email.raw = b""
    email.anonymised_at = utcnow()


def _delete_attachments(condition):
    attachments = db.session.scalars(select(Attachment).where(condition)).all()
    for attachment in attachments:
        db.session.delete(attachment)
    return len(attachments)


def scrub(value, fragments, key=None):
    """A copy of a JSON payload with personal keys and any value containing a personal fragment removed."""
    if isinstance(value, dict):
        return {k: scrub(v, fragments, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, fragments, key) for v in value]
    if isinstance(value, str) and value:
        if key in PERSONAL_KEYS or any(fragment in value for fragment in fragments):
            return REMOVED_TEXT
    return value


def scrub_audit(condition, fragments):
    """Rewrite before/after of the matching audit events; the only change the audit trail ever allows.

    The events themselves (who, when, what action, on which case) stay: only their payloads lose the
    personal data. On PostgreSQL the append-only trigger lets this through only inside a transaction
    that has set feedback.audit_scrub (migration 0007); it is switched off again straight after.
    """
    fragments = {f for f in fragments if f and len(f) >= MIN_FRAGMENT}
    rows = db.session.execute(select(AuditEvent.id, AuditEvent.before, AuditEvent.after).where(condition)).all()
    changes = []
    for event_id, before, after in rows:
        new_before, new_after = scrub(before, fragments), scrub(after, fragments)
        if (new_before, new_after) != (before, after):
            changes.append((event_id, new_before, new_after))
    if not changes:
        return 0
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        db.session.execute(text("SELECT set_config('feedback.audit_scrub', 'on', true)"))
    table = AuditEvent.__table__
    for event_id, new_before, new_after in changes:
        # A Core statement: the ORM guard in audit/models.py refuses changes made through the session.
        db.session.execute(update(table).where(table.c.id == event_id).values(before=new_before, after=new_after))
    if postgres:
        db.session.execute(text("SELECT set_config('feedback.audit_scrub', 'off', true)"))
    return len(changes)
