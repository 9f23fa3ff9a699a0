"""Outbound email, queued in the sender's transaction and sent later by a task."""
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.common.types import UTCDateTime, utcnow
from feedback_app.extensions import db


class EmailStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboundEmail(db.Model):
    __tablename__ = "outbound_emails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[EmailStatus] = mapped_column(String(10), default=EmailStatus.PENDING, index=True)
    purpose: Mapped[str] = mapped_column(String(40), default="")
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    # Our own Message-ID, so replies and bounces can be matched back to this message and case.
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    in_reply_to: Mapped[str] = mapped_column(String(300), default="")
    references: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    claimed_at = mapped_column(UTCDateTime, nullable=True)
    sent_at = mapped_column(UTCDateTime, nullable=True)

    # So an email can be queued for a case not yet inserted: one flush writes the case, then this.
    case = relationship("Case")
