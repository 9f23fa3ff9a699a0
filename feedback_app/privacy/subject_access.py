"""Subject access and erasure: find everything held about one email address or phone number."""
import hashlib
import hmac
import io
import json
import zipfile

import phonenumbers
from flask import current_app
from sqlalchemy import func, select

from feedback_app.audit.models import AuditEvent
from feedback_app.audit.services import record_event
from feedback_app.cases.models import Case
from feedback_app.extensions import db
from feedback_app.intake.models import Attachment, InboundEmail
from feedback_app.outbox.models import OutboundEmail
from feedback_app.privacy.anonymise import anonymise_case, anonymise_inbound_email
from feedback_app.privacy.models import PrivacyRequest

CASE_FIELDS = (
    "reference", "status", "channel", "submitter_role", "reg56_topic", "received_on", "created_at", "contact_name",
    "contact_email", "contact_phone", "reply_preference", "consent_publish", "on_behalf_of", "body", "page_url",
    "excluded_reason", "closed_reason", "resolved_at", "closed_at", "anonymised_at",
)


class PrivacyError(Exception):
    pass


def parse_term(term):
    """("email", lower-cased address) or ("phone", E.164 number); PrivacyError when it is neither."""
    term = (term or "").strip()
    if "@" in term:
        return "email", term.lower()
    try:
        number = phonenumbers.parse(term, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_possible_number(number):
        raise PrivacyError("Enter an email address or a phone number")
    return "phone", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(value):
    try:
        return phonenumbers.format_number(phonenumbers.parse(value, "GB"), phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return None


def term_digest(term_kind, value):
    """A keyed digest: the request log can be matched against a later request, but never read back."""
    key = current_app.config["SECRET_KEY"].encode() or b"feedback"
    return hmac.new(key, f"{term_kind}:{value}".encode(), hashlib.sha256).hexdigest()


def find_cases(term_kind, value):
    if term_kind == "email":
        return db.session.scalars(
            select(Case).where(func.lower(Case.contact_email) == value).order_by(Case.id)).all()
    candidates = db.session.scalars(select(Case).where(Case.contact_phone != "").order_by(Case.id))
    return [case for case in candidates if normalise_phone(case.contact_phone) == value]


def find_unlinked_emails(term_kind, value):
    if term_kind != "email":
        return []
    return db.session.scalars(select(InboundEmail).where(
        InboundEmail.case_id.is_(None), func.lower(InboundEmail.from_address) == value).order_by(InboundEmail.id)).all()


def _log(kind, term_kind, value, actor, counts, reason=""):
    request = PrivacyRequest(kind=kind, term_kind=term_kind, term_digest=term_digest(term_kind, value),
                             actor_id=actor.id, reason=reason, counts=counts)
    db.session.add(request)
    record_event(f"privacy.{kind.replace('_', '-')}", subject=request, actor=actor,
                 after={"term_kind": term_kind, "term_digest": request.term_digest, **counts})
    return request


def summary(term):
    term_kind, value = parse_term(term)
    return {"cases": len(find_cases(term_kind, value)), "unlinked_emails": len(find_unlinked_emails(term_kind, value))}


def search(term, actor):
    """The counts a search shows; the search itself is logged and audited (as a digest, like an export)."""
    term_kind, value = parse_term(term)
    found = summary(term)
    _log("search", term_kind, value, actor, found)
    db.session.commit()
    return found


def _jsonable(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _case_text(data, messages, notes):
    lines = [f"{key.replace('_', ' ').capitalize()}: {value}" for key, value in data.items() if key != "body"]
    lines += ["", "What was said:", data["body"] or "", ""]
    for message in messages:
        lines += [f"Message ({message['direction']}, {message['created_at']}) from {message['sender']}",
                  message["subject"], message["body"], ""]
    for note in notes:
        lines += [f"Internal note ({note['created_at']})", note["body"], ""]
    return "\n".join(lines)


def export_archive(term, actor):
    """A ZIP of everything held about the person; the request is logged and audited as a digest."""
    term_kind, value = parse_term(term)
    cases = find_cases(term_kind, value)
    unlinked = find_unlinked_emails(term_kind, value)
    buffer = io.BytesIO()
    counts = {"cases": len(cases), "messages": 0, "notes": 0, "attachments": 0, "inbound_emails": 0,
              "outbound_emails": 0, "audit_events": 0}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for case in cases:
            folder = f"cases/{case.reference or case.id}"
            data = {field: _jsonable(getattr(case, field)) for field in CASE_FIELDS}
            data["themes"] = [theme.name for theme in case.themes]
            data["services"] = [service.name for service in case.services]
            messages = [{"direction": m.direction, "sender": m.sender, "subject": m.subject, "body": m.body,
                         "created_at": _jsonable(m.created_at)} for m in case.messages]
            notes = [{"body": n.body, "created_at": _jsonable(n.created_at)} for n in case.notes]
            archive.writestr(f"{folder}/case.json", json.dumps(
                {"case": data, "messages": messages, "notes": notes}, indent=2, ensure_ascii=False))
            archive.writestr(f"{folder}/case.txt", _case_text(data, messages, notes))
            counts["messages"] += len(messages)
            counts["notes"] += len(notes)
            inbound = db.session.scalars(select(InboundEmail).where(InboundEmail.case_id == case.id)).all()
            _write_inbound(archive, folder, inbound, counts)
            attachments = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id)).all()
            for attachment in attachments:
                archive.writestr(f"{folder}/attachments/{attachment.id}-{attachment.filename}", attachment.data)
                counts["attachments"] += 1
            outbound = db.session.scalars(select(OutboundEmail).where(OutboundEmail.case_id == case.id)).all()
            for email in outbound:
                archive.writestr(f"{folder}/outbound/{email.id}.txt",
                                 f"To: {email.to_address}\nSubject: {email.subject}\n\n{email.body_text}")
                counts["outbound_emails"] += 1
            events = db.session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id)
                                        .order_by(AuditEvent.id)).all()
            archive.writestr(f"{folder}/audit.json", json.dumps([
                {"occurred_at": _jsonable(e.occurred_at), "action": e.action, "before": e.before, "after": e.after}
                for e in events], indent=2, ensure_ascii=False, default=str))
            counts["audit_events"] += len(events)
        _write_inbound(archive, "emails-without-a-case", unlinked, counts)
        if term_kind == "email":
            # Emails sent to the person that belong to no case (for example a bounced acknowledgement).
            for email in db.session.scalars(select(OutboundEmail).where(
                    OutboundEmail.case_id.is_(None), func.lower(OutboundEmail.to_address) == value)):
                archive.writestr(f"outbound-without-a-case/{email.id}.txt",
                                 f"To: {email.to_address}\nSubject: {email.subject}\n\n{email.body_text}")
                counts["outbound_emails"] += 1
    _log("subject_access", term_kind, value, actor, counts)
    db.session.commit()
    return buffer.getvalue()


def _write_inbound(archive, folder, emails, counts):
    for email in emails:
        archive.writestr(f"{folder}/inbound/{email.id}.eml", email.raw or b"")
        for attachment in email.attachments:
            archive.writestr(f"{folder}/inbound/{email.id}-attachments/{attachment.id}-{attachment.filename}",
                             attachment.data)
            counts["attachments"] += 1
        counts["inbound_emails"] += 1


def erase(term, actor, reason):
    """Anonymise every case and unlinked email of the person (objection / erasure); return the counts."""
    if not (reason or "").strip():
        raise PrivacyError("Enter the reason for the erasure")
    term_kind, value = parse_term(term)
    counts = {"cases": 0, "cases_already_anonymised": 0, "unlinked_emails": 0}
    for case in find_cases(term_kind, value):
        if anonymise_case(case, kind="erasure", actor=actor) is None:
            counts["cases_already_anonymised"] += 1
        else:
            counts["cases"] += 1
    for email in find_unlinked_emails(term_kind, value):
        anonymise_inbound_email(email, kind="erasure", actor=actor)
        counts["unlinked_emails"] += 1
    _log("erasure", term_kind, value, actor, counts, reason=reason.strip())
    db.session.commit()
    return counts
