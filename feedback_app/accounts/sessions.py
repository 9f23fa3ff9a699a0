"""Staff sessions: a fresh one on sign-in, idle and absolute timeouts, and signing out everywhere."""
import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

# Requests that never touch a staff session: built assets and health checks.
UNTRACKED_ENDPOINTS = {"assets", "static"}
IDLE_MESSAGE = "You were signed out because you did not use the service for {minutes} minutes. Sign in again"
ABSOLUTE_MESSAGE = "You were signed out because you signed in more than {hours} hours ago. Sign in again"
ELSEWHERE_MESSAGE = "You were signed out because your account or its password changed. Sign in again"


def start_session(user):
    """Sign the user in on a brand-new session (no fixation), stamped with their session version."""
    session.clear()
    login_user(user, remember=False)
    now = int(time.time())
    session["_sv"] = user.session_version
    session["_signed_in_at"] = now
    session["_seen_at"] = now


PENDING_SECOND_FACTOR_SECONDS = 5 * 60


def start_pending_second_factor(user, next_url):
    """Password accepted, code still to come: remember who, briefly, without signing them in."""
    session.clear()
    session["_2fa_user_id"] = user.id
    session["_2fa_started"] = int(time.time())
    session["_2fa_next"] = next_url


def pending_second_factor():
    """(user id, next URL) of a sign-in waiting for its code, or (None, None) once stale."""
    started = session.get("_2fa_started", 0)
    if "_2fa_user_id" not in session or int(time.time()) - started > PENDING_SECOND_FACTOR_SECONDS:
        return None, None
    return session["_2fa_user_id"], session.get("_2fa_next")


def end_session():
    logout_user()
    session.clear()


def end_other_sessions(user):
    """Every session stamped with the old version is refused on its next request (the caller commits)."""
    user.session_version = (user.session_version or 1) + 1


def keep_current_session(user):
    """After end_other_sessions, keep the person who made the change signed in here."""
    session["_sv"] = user.session_version


def _expiry_reason():
    config = current_app.config
    now = int(time.time())
    idle_minutes = config.get("SESSION_IDLE_MINUTES", 30)
    absolute_hours = config.get("SESSION_ABSOLUTE_HOURS", 8)
    # A session without our stamp (e.g. one Flask-Login rebuilt from a remember cookie) is not ours.
    if session.get("_sv") != current_user.session_version:
        return ELSEWHERE_MESSAGE
    if now - session.get("_signed_in_at", 0) > absolute_hours * 3600:
        return ABSOLUTE_MESSAGE.format(hours=absolute_hours)
    if now - session.get("_seen_at", 0) > idle_minutes * 60:
        return IDLE_MESSAGE.format(minutes=idle_minutes)
    return None


def enforce_session_limits():
    """before_request: end a staff session that is stale, too old or signed out elsewhere."""
    if request.endpoint in UNTRACKED_ENDPOINTS or (request.blueprint or "") == "health":
        return None
    if not current_user.is_authenticated:
        return None
    reason = _expiry_reason()
    if reason is None:
        session["_seen_at"] = int(time.time())
        return None
    end_session()
    flash(reason, "important")
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.sign_in", next=next_url))


def init_account_security(app):
    from feedback_app.accounts.two_factor import enforce_two_factor_enrolment

    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config.get("SESSION_COOKIE_SECURE", False))
    app.before_request(enforce_session_limits)
    app.before_request(enforce_two_factor_enrolment)
