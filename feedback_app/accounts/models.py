"""Staff accounts and their roles."""
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, false
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
    # Lockout: failures counted within a window that starts at the first one (accounts/lockout.py).
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_failed_sign_in_at = mapped_column(UTCDateTime, nullable=True)
    locked_until = mapped_column(UTCDateTime, nullable=True)
    # Kept in the session and compared on every request: bumping it signs the user out everywhere.
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    password_changed_at = mapped_column(UTCDateTime, nullable=True)
    # Two-factor (accounts/two_factor.py): the secret is set at enrolment, enabled once confirmed.
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    two_factor_enabled_at = mapped_column(UTCDateTime, nullable=True)
    totp_last_used_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The embedded default's demo accounts: never asked to enrol, so the README's login works.
    two_factor_exempt: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    services = relationship(
        "Service", secondary="service_leads", back_populates="leads", order_by="Service.name"
    )

    @property
    def has_two_factor(self):
        return self.two_factor_enabled_at is not None

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


class PasswordResetToken(db.Model):
    """An emailed reset link: only the SHA-256 of its random token is kept; single use, expiring."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)

    user = relationship("User")


class RecoveryCode(db.Model):
    """A single-use two-factor recovery code, kept as a SHA-256 of its 80 random bits."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)


class SecuritySettings(db.Model):
    """Account security settings an admin changes at run time (one row; config gives the default)."""

    __tablename__ = "security_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)
