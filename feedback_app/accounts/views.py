"""Sign in (password, then the second factor when the account has one), sign out, the staff home."""
import hashlib
from urllib.parse import urlsplit

from flask import current_app, flash, has_request_context, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from feedback_app.accounts import bp
from feedback_app.accounts.forms import SignInForm, TwoFactorCodeForm
from feedback_app.accounts.lockout import locked_message
from feedback_app.accounts.models import Role, User
from feedback_app.accounts.services import attempt_sign_in, check_second_factor, normalise_email, record_sign_in
from feedback_app.accounts.sessions import (
    end_session,
    pending_second_factor,
    start_pending_second_factor,
    start_session,
)
from feedback_app.extensions import db, limiter

SIGN_IN_FAILED = "Enter a correct email address and password"
CODE_FAILED = "The security code is not correct. Check your authenticator app, or use a recovery code"


def _safe_next(target):
    """Only follow ?next= to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# --- Throttling: per address, and per email whether or not an account has it ---------------------

def _ip_limit():
    return current_app.config.get("SIGN_IN_LIMIT_PER_IP", "30 per 15 minutes")


def _email_limit():
    return current_app.config.get("SIGN_IN_LIMIT_PER_EMAIL", "5 per 15 minutes")


def _email_key():
    email = normalise_email(request.form.get("email"))
    return "sign-in-email:" + hashlib.sha256(email.encode()).hexdigest()


def _refused(response):
    """Only refused attempts count: a busy office signing in at 9am is not an attack."""
    return response.status_code in (400, 429)


def _locked_page(_request_limit):
    form = SignInForm()
    form.email.errors = [locked_message()]
    return current_app.make_response((render_template("accounts/sign-in.html", form=form), 429))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_ip_limit, methods=["POST"], deduct_when=_refused)
@limiter.limit(_email_limit, key_func=_email_key, methods=["POST"], deduct_when=_refused, on_breach=_locked_page)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        attempt = attempt_sign_in(form.email.data, form.password.data)
        next_url = _safe_next(request.args.get("next"))
        if attempt.succeeded and attempt.user.has_two_factor:
            start_pending_second_factor(attempt.user, next_url)
            return redirect(url_for("accounts.sign_in_code"))
        if attempt.succeeded:
            return _finish_sign_in(attempt.user, next_url)
        form.email.errors.append(locked_message() if attempt.locked else SIGN_IN_FAILED)
        status = 429 if attempt.locked else 400
    elif form.errors:
        status = 400
    return render_template("accounts/sign-in.html", form=form), status


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@limiter.limit(_ip_limit, methods=["POST"], deduct_when=_refused)
def sign_in_code():
    user_id, next_url = pending_second_factor()
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        session.clear()
        flash("Sign in again: the time to enter your security code ran out", "important")
        return redirect(url_for("accounts.sign_in"))
    form = TwoFactorCodeForm()
    status = 200
    if form.validate_on_submit():
        attempt = check_second_factor(user, form.code.data)
        if attempt.succeeded:
            return _finish_sign_in(user, _safe_next(next_url))
        form.code.errors.append(locked_message() if attempt.locked else CODE_FAILED)
        status = 429 if attempt.locked else 400
        if attempt.locked:
            session.clear()
    elif form.errors:
        status = 400
    return render_template("accounts/sign-in-code.html", form=form), status


def _finish_sign_in(user, next_url):
    start_session(user)  # a fresh session: no fixation
    record_sign_in(user)
    return redirect(next_url or url_for("accounts.home"))


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    end_session()
    flash("You have signed out", "success")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/staff")
@login_required
def home():
    return render_template("accounts/staff-home.html", staff_links=staff_links_for(current_user))


def staff_links_for(user):
    """Links to the work this person's role may do, in the order of the day's work.

    Only a convenience: every route checks the role again on the server.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    links = [{"text": "Cases", "href": url_for("cases.queue")}]
    if user.role in (Role.TEAM, Role.ADMIN):
        links += [
            {"text": "Record feedback", "href": url_for("intake.record_feedback")},
            {"text": "Held emails", "href": url_for("intake.held_emails")},
            {"text": "You said, we did", "href": url_for("publishing.entries")},
            {"text": "Dashboard", "href": url_for("reports.dashboard")},
            {"text": "Settings", "href": url_for("admin.index")},
        ]
    return links


@bp.app_context_processor
def staff_navigation():
    """The service navigation for signed-in staff, on every page they see."""
    if not has_request_context():  # emails rendered by background tasks
        return {"staff_navigation": []}
    return {"staff_navigation": staff_links_for(current_user)}
