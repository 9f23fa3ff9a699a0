"""Account lockout: too many failed sign-ins within a window lock the account for a while."""
from datetime import timedelta

from flask import current_app

from feedback_app.audit.services import record_event
from feedback_app.common.types import utcnow

# Shown for a locked account, and for any email (known or not) that the per-email limit stops,
# so the message never tells anyone whether an account exists.
LOCKED_MESSAGE = "You have tried to sign in too many times. Wait {minutes} minutes, then try again"


def _settings():
    config = current_app.config
    return (config.get("SIGN_IN_MAX_FAILURES", 5), timedelta(minutes=config.get("SIGN_IN_FAILURE_WINDOW_MINUTES", 15)),
            timedelta(minutes=config.get("LOCKOUT_MINUTES", 15)))


def locked_message():
    return LOCKED_MESSAGE.format(minutes=current_app.config.get("LOCKOUT_MINUTES", 15))


def is_locked(user, now=None):
    return user.locked_until is not None and user.locked_until > (now or utcnow())


def record_failed_sign_in(user, now=None):
    """Count a failure (the caller commits); returns True when this failure locked the account."""
    now = now or utcnow()
    max_failures, window, lock_for = _settings()
    if user.first_failed_sign_in_at is None or now - user.first_failed_sign_in_at > window:
        user.first_failed_sign_in_at = now
        user.failed_sign_ins = 0
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    if user.failed_sign_ins < max_failures:
        return False
    user.locked_until = now + lock_for
    user.failed_sign_ins = 0
    user.first_failed_sign_in_at = None
    record_event("user.locked_out", subject=user, actor_label="sign-in",
                 after={"locked_until": user.locked_until.isoformat(), "failures": max_failures})
    return True


def clear_failed_sign_ins(user):
    user.failed_sign_ins = 0
    user.first_failed_sign_in_at = None
    user.locked_until = None
