"""Staff accounts: creating them, checking passwords, signing in."""
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from feedback_app.accounts.lockout import clear_failed_sign_ins, is_locked, record_failed_sign_in
from feedback_app.accounts.models import Role, User
from feedback_app.accounts.passwords import MIN_PASSWORD_LENGTH, PasswordProblem, check_password
from feedback_app.audit.services import record_event
from feedback_app.common.types import utcnow
from feedback_app.extensions import db

__all__ = ["MIN_PASSWORD_LENGTH", "AccountError", "create_user", "authenticate", "attempt_sign_in", "check_second_factor"]


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


def create_user(email, password, role, *, name="", actor=None, two_factor_exempt=False):
    email = normalise_email(email)
    if "@" not in email:
        raise AccountError("Enter an email address in the correct format, like name@example.com")
    if get_user_by_email(email) is not None:
        raise AccountError(f"An account for {email} already exists")
    try:
        check_password(password, email=email)
    except PasswordProblem as problem:
        raise AccountError(str(problem)) from problem
    user = User(email=email, name=name, role=Role(role), password_hash=hash_password(password),
                two_factor_exempt=two_factor_exempt, session_version=1, failed_sign_ins=0)
    db.session.add(user)
    record_event("user.created", subject=user, actor=actor, after={"role": str(role)})
    db.session.commit()
    return user


@dataclass
class SignInAttempt:
    user: User | None = None
    locked: bool = False

    @property
    def succeeded(self):
        return self.user is not None and not self.locked


def attempt_sign_in(email, password):
    """Check a sign-in, counting failures towards the account's lockout; commits the count.

    A locked account is refused even with the right password, and the password is still hashed,
    so the answer takes the same time whether or not the account exists or is locked.
    """
    user = get_user_by_email(email)
    hasher, dummy_hash = _hasher()
    try:
        hasher.verify(user.password_hash if user else dummy_hash, password or "")
        password_matches = user is not None
    except (VerificationError, InvalidHashError):
        password_matches = False
    if user is None:
        return SignInAttempt()
    if is_locked(user):
        return SignInAttempt(locked=True)
    if not password_matches or not user.active:
        # The failure that locks the account still gets the ordinary message; the next gets the lock's.
        record_failed_sign_in(user)
        db.session.commit()
        return SignInAttempt()
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if not user.has_two_factor:
        # With two-factor, failures keep counting until the code is right too: a stolen password
        # must not reset the count that stops guessing codes.
        clear_failed_sign_ins(user)
    db.session.commit()
    return SignInAttempt(user=user)


def check_second_factor(user, code):
    """The second step of signing in; wrong codes count towards the same lockout as passwords."""
    from feedback_app.accounts.two_factor import verify_second_factor

    if is_locked(user) or not user.active:
        return SignInAttempt(locked=is_locked(user))
    if verify_second_factor(user, code):
        clear_failed_sign_ins(user)
        db.session.commit()
        return SignInAttempt(user=user)
    locked = record_failed_sign_in(user)
    db.session.commit()
    return SignInAttempt(locked=locked)


def authenticate(email, password):
    """The user if the email and password match an active, unlocked account, else None."""
    return attempt_sign_in(email, password).user


def record_sign_in(user):
    user.last_signed_in_at = utcnow()
    record_event("user.signed_in", subject=user, actor=user)
    db.session.commit()
