"""Staff accounts and their roles."""
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.common.types import UTCDateTime, utcnow
from feedback_app.extensions import db


class Role(StrEnum):
    ADMIN = "admin"
    TEAM = "team"
    SERVICE_LEAD = "service_lead"

    @property
    def label(self):
        return {"admin": "Administrator", "team": "Local Offer team", "service_lead": "Service lead"}[self.value]


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_signed_in_at = mapped_column(UTCDateTime, nullable=True)

    services = relationship(
        "Service", secondary="service_leads", back_populates="leads", order_by="Service.name"
    )

    @property
    def is_active(self):
        return self.active

    @property
    def role_label(self):
        return Role(self.role).label

    @property
    def is_staff_of_team(self):
        """The Local Offer team and admins work every case."""
        return self.role in (Role.TEAM, Role.ADMIN)

    def __repr__(self):
        return f"<User {self.email} {self.role}>"
