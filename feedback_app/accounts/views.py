"""Sign in and sign out."""
from urllib.parse import urlsplit

from flask import flash, has_request_context, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from feedback_app.accounts import bp
from feedback_app.accounts.forms import SignInForm
from feedback_app.accounts.models import Role
from feedback_app.accounts.services import authenticate, record_sign_in

SIGN_IN_FAILED = "Enter a correct email address and password"


def _safe_next(target):
    """Only follow ?next= to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            next_url = _safe_next(request.args.get("next"))
            session.clear()  # a fresh session on sign-in: no fixation
            login_user(user)
            record_sign_in(user)
            return redirect(next_url or url_for("accounts.home"))
        form.email.errors.append(SIGN_IN_FAILED)
    return render_template("accounts/sign-in.html", form=form), (400 if form.errors else 200)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    logout_user()
    session.clear()
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
            {"text": "Settings", "href": url_for("admin.index")},
        ]
    return links


@bp.app_context_processor
def staff_navigation():
    """The service navigation for signed-in staff, on every page they see."""
    if not has_request_context():  # emails rendered by background tasks
        return {"staff_navigation": []}
    return {"staff_navigation": staff_links_for(current_user)}
