"""Annual report builds (each kept, with checksums) and the team's editable text for each year."""
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.common.types import UTCDateTime, utcnow
from feedback_app.extensions import db


class BuildStatus(StrEnum):
    QUEUED = "queued"
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"

    @property
    def label(self):
        return {"queued": "Queued", "building": "Building", "ready": "Ready", "failed": "Failed"}[self.value]


class ReportBuild(db.Model):
    """One build of one year's report. Builds are never overwritten: a rebuild is a new row."""

    __tablename__ = "report_builds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[BuildStatus] = mapped_column(String(20), default=BuildStatus.QUEUED)
    step: Mapped[str] = mapped_column(String(100), default="")
    failure_reason: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Who asked when there is no account behind it ("command line").
    requested_by_label: Mapped[str] = mapped_column(String(100), default="")
    requested_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    built_at = mapped_column(UTCDateTime, nullable=True)
    # The data the build covered: cases received in this period, entries of this reporting year.
    period_start = mapped_column(Date, nullable=False)
    period_end = mapped_column(Date, nullable=False)
    # Kept in the database, not on one machine's disk: web and worker processes scale out.
    html: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    html_sha256: Mapped[str] = mapped_column(String(64), default="")
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    is_published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    published_at = mapped_column(UTCDateTime, nullable=True)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at = mapped_column(UTCDateTime, nullable=True)

    requested_by = relationship("User", foreign_keys=[requested_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])

    @property
    def status_label(self):
        return BuildStatus(self.status).label

    @property
    def requester_name(self):
        if self.requested_by is not None:
            return self.requested_by.name or self.requested_by.email
        return self.requested_by_label or "Unknown"


class ReportText(db.Model):
    """The introduction and next steps the team writes for a year, before building."""

    __tablename__ = "report_texts"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    introduction: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
