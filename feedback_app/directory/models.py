"""The council's responsible services and the editable theme taxonomy."""
from enum import StrEnum

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.extensions import db

service_leads = Table(
    "service_leads",
    db.metadata,
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Service(db.Model):
    """A service responsible for part of the Local Offer (education, health, transport…)."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    leads = relationship("User", secondary=service_leads, back_populates="services", order_by="User.email")


class ThemeFacet(StrEnum):
    SERVICE_AREA = "service_area"
    WEBSITE = "website"
    KIND = "kind"


class Theme(db.Model):
    """One entry of the theme taxonomy; councils edit it, so retired themes are deactivated, not deleted."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    facet: Mapped[ThemeFacet] = mapped_column(String(20), default=ThemeFacet.SERVICE_AREA)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
