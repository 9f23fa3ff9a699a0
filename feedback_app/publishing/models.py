"""Published "You said, we did" entries, the identifier check that guards them, and families' votes."""
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.cases.models import LabelledEnum
from feedback_app.common.types import UTCDateTime, utcnow
from feedback_app.extensions import db


class EntryStatus(LabelledEnum):
    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @staticmethod
    def _labels():
        return {"draft": "Draft", "awaiting_approval": "Awaiting approval", "published": "Published",
                "withdrawn": "Withdrawn"}


entry_cases = Table(
    "entry_cases",
    db.metadata,
    Column("entry_id", ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True),
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True, index=True),
)

entry_actions = Table(
    "entry_actions",
    db.metadata,
    Column("entry_id", ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True),
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Entry(db.Model):
    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text, default="")
    we_could_not: Mapped[str] = mapped_column(Text, default="")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"), index=True)
    reg56_topic: Mapped[str] = mapped_column(String(30))
    # The calendar year the reporting year starts in (REPORTING_YEAR_START_MONTH decides the month).
    reporting_year: Mapped[int] = mapped_column(Integer, index=True)
    status: Mapped[EntryStatus] = mapped_column(String(20), default=EntryStatus.DRAFT, index=True)
    # True when "You said" is a fresh paraphrase, so cases without consent may be counted under it.
    is_paraphrase: Mapped[bool] = mapped_column(Boolean, default=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at = mapped_column(UTCDateTime, nullable=True)
    published_at = mapped_column(UTCDateTime, nullable=True, index=True)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
    withdrawn_at = mapped_column(UTCDateTime, nullable=True)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    theme = relationship("Theme")
    author = relationship("User", foreign_keys=[author_id])
    approver = relationship("User", foreign_keys=[approver_id])
    cases = relationship("Case", secondary=entry_cases, order_by="Case.id")
    actions = relationship("Action", secondary=entry_actions, order_by="Action.id")
    findings = relationship("IdentifierFinding", back_populates="entry", order_by="IdentifierFinding.id")

    __mapper_args__ = {"version_id_col": version}
    # Migration 0008: the public list's page, its year and theme filters, read from indexes alone.
    __table_args__ = (
        Index("ix_entries_status_published_at", "status", "published_at", "id"),
        Index("ix_entries_status_reporting_year", "status", "reporting_year"),
        Index("ix_entries_status_theme_id", "status", "theme_id"),
    )


class IdentifierFinding(db.Model):
    """Something in an entry's text that could identify a person. Never stores the text itself."""

    __tablename__ = "identifier_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # email, phone, postcode, nhs_number, date_of_birth, name…
    field: Mapped[str] = mapped_column(String(20))  # you_said, we_did, we_could_not, title
    start: Mapped[int] = mapped_column(Integer)
    length: Mapped[int] = mapped_column(Integer)
    overridden_reason: Mapped[str] = mapped_column(Text, default="")
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    entry = relationship("Entry", back_populates="findings")


class EntryNotice(db.Model):
    """A family told their feedback was published, with a one-click "Did this help?" answer."""

    __tablename__ = "entry_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    answered_at = mapped_column(UTCDateTime, nullable=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
