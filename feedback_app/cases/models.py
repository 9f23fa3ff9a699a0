"""Cases: one piece of feedback each, whatever the channel it came through."""
from datetime import date
from enum import StrEnum

from sqlalchemy import Boolean, Column, Date, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.common.types import UTCDateTime, utcnow
from feedback_app.extensions import db


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry the plain-English label shown to people."""

    @property
    def label(self):
        return self._labels()[self.value]

    @classmethod
    def choices(cls):
        return [(member.value, member.label) for member in cls]


class CaseStatus(LabelledEnum):
    RECEIVED = "received"
    WITH_SERVICE = "with_service"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @staticmethod
    def _labels():
        return {"received": "Received", "with_service": "With service", "resolved": "Resolved", "closed": "Closed"}


# Cases still being worked: their clocks run, they can go overdue, they can be merged into.
OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.WITH_SERVICE)
# The rows of the partial index behind the work queue: the same condition the queue filters on.
OPEN_QUEUE_PREDICATE = "status IN ('received', 'with_service') AND merged_into_id IS NULL"


class Channel(LabelledEnum):
    WEB = "web"
    DIRECTORY_PAGE = "directory_page"
    EMAIL = "email"
    PHONE = "phone"
    EVENT = "event"
    LETTER = "letter"
    FORUM = "forum"

    @staticmethod
    def _labels():
        return {
            "web": "Web form", "directory_page": "Directory page", "email": "Email", "phone": "Phone",
            "event": "Event", "letter": "Letter", "forum": "Parent carer forum",
        }


class SubmitterRole(LabelledEnum):
    PARENT_CARER = "parent_carer"
    YOUNG_PERSON = "young_person"
    CHILD = "child"
    PROFESSIONAL = "professional"
    ON_BEHALF = "on_behalf"
    OTHER = "other"
    UNKNOWN = "unknown"

    @staticmethod
    def _labels():
        return {
            "parent_carer": "Parent or carer", "young_person": "Young person (16 to 25)", "child": "Child",
            "professional": "Professional", "on_behalf": "On behalf of a family", "other": "Someone else",
            "unknown": "Not known",
        }


class Reg56Topic(LabelledEnum):
    """What the comment is about, in the terms of SEND Regulations 2014 regulation 56."""

    CONTENT_QUALITY = "content_quality"
    CONTENT_GAPS = "content_gaps"
    ACCESSIBILITY = "accessibility"
    DEVELOPMENT_REVIEW = "development_review"
    INDIVIDUAL_CASE = "individual_case"
    VEXATIOUS = "vexatious"
    NOT_LOCAL_OFFER = "not_local_offer"

    @staticmethod
    def _labels():
        return {
            "content_quality": "Content – quality of what is on offer",
            "content_gaps": "Content – something missing",
            "accessibility": "Accessibility of the information",
            "development_review": "How the Local Offer is developed and reviewed",
            "individual_case": "Excluded – about an individual's own support",
            "vexatious": "Excluded – vexatious or abusive",
            "not_local_offer": "Excluded – not about the Local Offer",
        }

    @property
    def is_exclusion(self):
        return self in (Reg56Topic.INDIVIDUAL_CASE, Reg56Topic.VEXATIOUS, Reg56Topic.NOT_LOCAL_OFFER)


class ReplyPreference(LabelledEnum):
    EMAIL = "email"
    PHONE = "phone"
    NONE = "none"

    @staticmethod
    def _labels():
        return {"email": "By email", "phone": "By phone", "none": "No reply wanted"}


case_themes = Table(
    "case_themes",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True, index=True),
)

case_services = Table(
    "case_services",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Case(db.Model):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Set from the primary key in the same transaction: unique, and gaps are harmless.
    reference: Mapped[str | None] = mapped_column(String(30), unique=True)
    status: Mapped[CaseStatus] = mapped_column(String(20), default=CaseStatus.RECEIVED, index=True)
    channel: Mapped[Channel] = mapped_column(String(20), index=True)
    submitter_role: Mapped[SubmitterRole] = mapped_column(String(20), default=SubmitterRole.UNKNOWN)
    reg56_topic: Mapped[Reg56Topic | None] = mapped_column(String(30), index=True)
    body: Mapped[str] = mapped_column(Text, default="")
    # The queue's full-text document: the body and the family's messages, written by PostgreSQL
    # triggers (migration 0009), never by the app; left empty on SQLite, which searches with LIKE.
    search_vector = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"), nullable=True, deferred=True)
    page_url: Mapped[str] = mapped_column(String(2000), default="")
    on_behalf_of: Mapped[str] = mapped_column(String(200), default="")
    received_on: Mapped[date] = mapped_column(Date, index=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    acknowledge_by: Mapped[date | None] = mapped_column(Date)
    respond_by: Mapped[date | None] = mapped_column(Date, index=True)

    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", index=True)
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    reply_preference: Mapped[ReplyPreference] = mapped_column(String(10), default=ReplyPreference.NONE)
    consent_publish: Mapped[bool] = mapped_column(Boolean, default=False)

    excluded_reason: Mapped[str] = mapped_column(Text, default="")
    # Set when a message names this case's reference but came from someone else: triage decides.
    possible_follow_up_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # Why intake wants a person to look: an empty message, one that could not be read…
    intake_flag: Mapped[str] = mapped_column(Text, default="")
    acknowledged_at = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # While the clock is stopped (waiting on the family or a partner) the case cannot go overdue;
    # restarting it moves respond_by on by the working days it was stopped.
    clock_stopped_on: Mapped[date | None] = mapped_column(Date)
    resolved_at = mapped_column(UTCDateTime, nullable=True)
    closed_at = mapped_column(UTCDateTime, nullable=True)
    closed_reason: Mapped[str] = mapped_column(Text, default="")
    # A merged duplicate keeps all its data and points at the case it was merged into; unmerge restores it.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    status_before_merge: Mapped[str] = mapped_column(String(20), default="")
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # Set when the privacy package removed the personal data (retention schedule or erasure).
    anonymised_at = mapped_column(UTCDateTime, nullable=True, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    themes = relationship("Theme", secondary=case_themes, order_by="Theme.position")
    services = relationship("Service", secondary=case_services, order_by="Service.name")
    messages = relationship("CaseMessage", back_populates="case", order_by="CaseMessage.created_at")
    possible_follow_up_of = relationship("Case", remote_side=[id], foreign_keys=[possible_follow_up_of_id])
    merged_into = relationship("Case", remote_side=[id], foreign_keys=[merged_into_id])
    assignee = relationship("User", foreign_keys=[assignee_id])
    notes = relationship("CaseNote", back_populates="case", order_by="CaseNote.created_at")
    clock_stops = relationship("ClockStop", back_populates="case", order_by="ClockStop.id")

    __mapper_args__ = {"version_id_col": version}
    # Migration 0008: the queue's status counts read from the first index alone; the second holds
    # only the working queue (open, not merged), with what its counts and overdue filter read.
    __table_args__ = (
        Index("ix_cases_status_merged_into_id", "status", "merged_into_id"),
        Index("ix_cases_open_queue", "status", "respond_by", "clock_stopped_on", "channel", "reg56_topic",
              "assignee_id", "possible_follow_up_of_id",
              postgresql_where=text(OPEN_QUEUE_PREDICATE), sqlite_where=text(OPEN_QUEUE_PREDICATE)),
    )

    @property
    def is_excluded(self):
        return self.reg56_topic is not None and Reg56Topic(self.reg56_topic).is_exclusion

    def __repr__(self):
        return f"<Case {self.reference}>"


class CaseNote(db.Model):
    """An internal note between colleagues; never sent to the family."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    case = relationship("Case", back_populates="notes")
    author = relationship("User")


class ClockStopReason(LabelledEnum):
    WAITING_ON_FAMILY = "waiting_on_family"
    WAITING_ON_PARTNER = "waiting_on_partner"
    OTHER = "other"

    @staticmethod
    def _labels():
        return {"waiting_on_family": "Waiting on the family", "waiting_on_partner": "Waiting on a partner",
                "other": "Other reason"}


class ClockStop(db.Model):
    __tablename__ = "clock_stops"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    stopped_on: Mapped[date] = mapped_column(Date)
    restarted_on: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[ClockStopReason] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(Text, default="")
    # Working days the response deadline moved on by when the clock restarted.
    working_days_stopped: Mapped[int] = mapped_column(Integer, default=0)

    case = relationship("Case", back_populates="clock_stops")


class CaseLink(db.Model):
    """Two cases a person judged related (for example the same comment sent twice)."""

    __tablename__ = "case_links"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    linked_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class ReminderSent(db.Model):
    """One reminder or escalation per case, step and deadline: the beat task never repeats itself."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("case_id", "step", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(40))
    due_on: Mapped[date] = mapped_column(Date)
    sent_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class ResponseTemplate(db.Model):
    """A reply the team reuses; placeholders like {reference} are filled in from the case."""

    __tablename__ = "response_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
