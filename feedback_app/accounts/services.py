"""Staff accounts: creating them, checking passwords, signing in."""
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from feedback_app.accounts.models import Role, User
from feedback_app.audit.services import record_event
from feedback_app.common.types import utcnow
from feedback_app.extensions import db

MIN_PASSWORD_LENGTH = 12


@cache
def _hasher_for(profile_name):
    """The hasher for an argon2-cffi parameter profile, and a hash to verify against when the email
    is unknown, so that both paths take the same time (no account enumeration)."""
    hasher = PasswordHasher.from_parameters(getattr(profiles, profile_name))
    return hasher, hasher.hash("not-a-real-password")


def _hasher():
    # RFC 9106's recommendation in production; the test suite uses the cheapest profile.
    return _hasher_for(current_app.config.get("ARGON2_PROFILE", "RFC_9106_LOW_MEMORY"))


class AccountError(ValueError):
    pass


def normalise_email(email):
    return (email or "").strip().lower()


def get_user_by_email(email):
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def hash_password(password):
    return _hasher()[0].hash(password)


def create_user(email, password, role, *, name="", actor=None):
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError("Enter an email address in the correct format, like name@example.com")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")
    if get_user_by_email(email) is not None:
        raise AccountError(f"An account for {email} already exists")
    user = User(email=email, name=name, role=Role(role), password_hash=hash_password(password))
    db.session.add(user)
    record_event("user.created", subject=user, actor=actor, after={"role": str(role)})
    db.session.commit()
    return user


def authenticate(email, password):
    """The user if the email and password match an active account, else None."""
    user = get_user_by_email(email)
    hasher, dummy_hash = _hasher()
    try:
        hasher.verify(user.password_hash if user else dummy_hash, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_sign_in(user):
    user.last_signed_in_at = utcnow()
    record_event("user.signed_in", subject=user, actor=user)
    db.session.commit()
