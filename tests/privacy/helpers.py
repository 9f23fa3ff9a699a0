"""Shared helpers for the privacy tests: an expired case with everything attached, and a database scan."""
import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import LargeBinary, select

from feedback_app.audit.services import record_event
from feedback_app.cases.models import CaseNote, CaseStatus
from feedback_app.extensions import db
from feedback_app.intake.models import Attachment, CaseMessage, InboundEmail, InboundOutcome, MessageDirection
from feedback_app.outbox.models import OutboundEmail
from feedback_app.publishing.models import Entry, EntryStatus
from tests.factories import make_case

EMAIL = "jo.bloggs.private@example.org"
NAME = "Josephine Bloggsworth"
PHONE = "07700 900123"
LONG_AGO = datetime(2023, 1, 10, 12, tzinfo=timezone.utc)


def expired_case(theme=None, published=False, closed_at=LONG_AGO, email=EMAIL, phone=PHONE, status=CaseStatus.RESOLVED):
    case = make_case(body=f"My son {NAME} cannot get a place. Call me on {phone}.", contact_name=NAME,
                     contact_email=email, contact_phone=phone, on_behalf_of="Tommy Bloggsworth")
    if theme is not None:
        case.themes.append(theme)
    case.status = status
    case.resolved_at = closed_at
    case.closed_at = closed_at if status == CaseStatus.CLOSED else None
    inbound = InboundEmail(identity=f"<m{case.id}@example.org>", message_id=f"<m{case.id}@example.org>",
                           from_address=email, from_name=NAME, subject="Help", kind="new", text=f"From {NAME}",
                           outcome=InboundOutcome.NEW_CASE, raw=f"From: {NAME} <{email}>\r\n\r\nHello".encode(),
                           case_id=case.id, received_at=closed_at)
    db.session.add(inbound)
    db.session.flush()
    db.session.add(CaseMessage(case_id=case.id, direction=MessageDirection.INBOUND, sender=email,
                               subject="Help", body=f"Hello, {NAME} here", inbound_email_id=inbound.id))
    db.session.add(CaseNote(case_id=case.id, body=f"Spoke to {NAME} on {phone}"))
    db.session.add(Attachment(case_id=case.id, inbound_email_id=inbound.id, filename="letter.pdf",
                              content_type="application/pdf", size=10, data=f"PDF {email}".encode()))
    db.session.add(OutboundEmail(to_address=email, subject="We have your feedback", body_text=f"Dear {NAME}",
                                 message_id=f"<out{case.id}@example.org>", case_id=case.id))
    record_event("case.contact-changed", subject=case, case=case, before={"contact_email": ""},
                 after={"contact_email": email, "note": f"Phone {phone}"})
    entry = None
    if published:
        entry = Entry(title="Short breaks", you_said="Parents said the short breaks page was out of date.",
                      we_did="We updated it.", reg56_topic="content_quality", reporting_year=2022,
                      status=EntryStatus.PUBLISHED, published_at=closed_at, theme_id=theme.id if theme else None)
        entry.cases.append(case)
        db.session.add(entry)
    db.session.commit()
    return case, entry


def database_contains(*needles):
    """Every table, every column (text, JSON, bytes): the needles found, as (table, column) pairs."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for column, value in row.items():
                if value is None:
                    continue
                if isinstance(table.c[column].type, LargeBinary) or isinstance(value, bytes):
                    haystack = bytes(value).decode("utf-8", "replace")
                elif isinstance(value, (dict, list)):
                    haystack = json.dumps(value, ensure_ascii=False)
                else:
                    haystack = str(value)
                for needle in needles:
                    if needle in haystack:
                        found.append((table.name, column, needle))
    return found


def days_ago(days):
    return datetime.now(timezone.utc) - timedelta(days=days)
