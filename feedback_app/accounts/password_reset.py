"""Password reset by an emailed link: single use, expiring, stored only as a SHA-256 of its token."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from feedback_app.accounts.lockout import clear_failed_sign_ins
from feedback_app.accounts.models import PasswordResetToken
from feedback_app.accounts.passwords import check_password
from feedback_app.accounts.services import get_user_by_email, hash_password
from feedback_app.accounts.sessions import end_other_sessions
from feedback_app.audit.services import record_event
from feedback_app.common.tokens import new_token, token_digest
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.outbox.services import queue_email

RESET_EMAIL = """Someone asked to reset the password of your {service} account.

To choose a new password, open this link within {minutes} minutes. It works once:

{link}

If this was not you, you can ignore this email: your password has not changed.
"""


def _validity():
    return timedelta(minutes=current_app.config.get("PASSWORD_RESET_MINUTES", 60))


def request_password_reset(email, *, link_for):
    """Email a reset link if an active account has this address; the caller's answer is the same either way.

    link_for(token) builds the absolute URL (the view knows the host; this module never sees a request).
    """
    user = get_user_by_email(email)
    if user is None or not user.active:
        return
    token = new_token()
    db.session.add(PasswordResetToken(user_id=user.id, token_hash=token_digest(token),
                                      expires_at=utcnow() + _validity()))
    queue_email(
        to=user.email, subject="Reset your password", purpose="password_reset",
        body=RESET_EMAIL.format(service=current_app.config.get("SERVICE_NAME", ""), link=link_for(token),
                                minutes=int(_validity().total_seconds() // 60)),
    )
    record_event("user.password_reset_requested", subject=user, actor_label="forgot-password")
    db.session.commit()


def find_usable_token(token):
    """The reset token if it exists, is unused and has not expired."""
    row = db.session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == token_digest(token)))
    if row is None or row.used_at is not None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row


def reset_password(row, new_password):
    """Set the new password, spend every open link of that person, and sign them out everywhere."""
    user = row.user
    check_password(new_password, email=user.email)
    now = utcnow()
    # A conditional update, so two requests racing with the same link cannot both succeed.
    spent = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if not spent:
        db.session.rollback()
        return None
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    clear_failed_sign_ins(user)
    end_other_sessions(user)
    record_event("user.password_reset", subject=user, actor=user)
    db.session.commit()
    return user
