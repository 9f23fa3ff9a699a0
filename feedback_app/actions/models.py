"""Actions a service takes on a case, and signed links for partner leads without an account."""
from datetime import date

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.cases.models import LabelledEnum
from feedback_app.common.types import UTCDateTime, utcnow
from feedback_app.extensions import db


class ActionStatus(LabelledEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"

    @staticmethod
    def _labels():
        return {"planned": "Planned", "in_progress": "In progress", "done": "Done", "cancelled": "Cancelled"}


class Action(db.Model):
    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[ActionStatus] = mapped_column(String(20), default=ActionStatus.PLANNED, index=True)
    cancelled_reason: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    completed_on: Mapped[date | None] = mapped_column()
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)

    case = relationship("Case", backref="actions")
    service = relationship("Service")
    owner = relationship("User")

    __mapper_args__ = {"version_id_col": version}


class PartnerLink(db.Model):
    """A signed, expiring link to one case's action for a partner lead (health, a school…); revocable."""

    __tablename__ = "partner_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), index=True)
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    # Only a digest of the secret is kept, so a database leak does not leak working links.
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    revoked_at = mapped_column(UTCDateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_used_at = mapped_column(UTCDateTime, nullable=True)

    action = relationship("Action")
