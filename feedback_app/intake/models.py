"""What came in: every inbound email (kept raw, taken once), attachments, and each case's messages."""
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.common.types import UTCDateTime, utcnow
from feedback_app.extensions import db


class InboundOutcome(StrEnum):
    NEW_CASE = "new_case"
    JOINED_CASE = "joined_case"
    POSSIBLE_FOLLOW_UP = "possible_follow_up"  # a new case, flagged: it names a case of another sender
    HELD = "held"  # spam or bulk: kept for the team to release
    IGNORED = "ignored"  # auto-replies, empty messages
    BOUNCE = "bounce"
    UNPARSEABLE = "unparseable"  # kept raw and flagged for the team
    RELEASED = "released"  # was held; the team made a case of it

    @property
    def label(self):
        return {
            "new_case": "New case", "joined_case": "Added to an existing case",
            "possible_follow_up": "New case, possible follow-up", "held": "Held for the team",
            "ignored": "Ignored", "bounce": "Bounce", "unparseable": "Could not be read",
            "released": "Released by the team",
        }[self.value]


class InboundEmail(db.Model):
    __tablename__ = "inbound_emails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The Message-ID, or a digest of the content when there is none: each message is taken once.
    identity: Mapped[str] = mapped_column(String(300), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(300), index=True)
    received_at = mapped_column(UTCDateTime, default=utcnow, nullable=False, index=True)
    source: Mapped[str] = mapped_column(String(20), default="imap")  # imap | file
    from_address: Mapped[str] = mapped_column(String(254), default="")
    from_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[InboundOutcome] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    html: Mapped[str | None] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    bounced_email_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_emails.id"))
    # Set when the privacy package removed the raw bytes and the sender's details.
    anonymised_at = mapped_column(UTCDateTime, nullable=True)

    case = relationship("Case")
    attachments = relationship("Attachment", back_populates="inbound_email", order_by="Attachment.id")


class Attachment(db.Model):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    inbound_email_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_emails.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    inbound_email = relationship("InboundEmail", back_populates="attachments")


class MessageDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class CaseMessage(db.Model):
    """One message in a case's conversation with the family (notes to colleagues live elsewhere)."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    direction: Mapped[MessageDirection] = mapped_column(String(10))
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    inbound_email_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_emails.id"))
    outbound_email_id: Mapped[int | None] = mapped_column(ForeignKey("outbound_emails.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    case = relationship("Case", back_populates="messages")
    inbound_email = relationship("InboundEmail")
    outbound_email = relationship("OutboundEmail")
