"""Records of privacy work: retention runs and subject access / erasure requests, without personal data."""
from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.common.types import UTCDateTime, utcnow
from feedback_app.extensions import db


class RetentionRun(db.Model):
    """One application of the retention schedule: what was anonymised, counted by kind."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ran_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    counts: Mapped[dict] = mapped_column(JSON, default=dict)


class PrivacyRequest(db.Model):
    """A subject access export or an erasure: the person is held only as a keyed digest of the search term."""

    __tablename__ = "privacy_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))  # search | subject_access | erasure
    term_kind: Mapped[str] = mapped_column(String(10))  # email | phone
    term_digest: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
