"""Forgotten password: ask for a link (same answer for every address), then choose a new password."""
from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from feedback_app.accounts import bp
from feedback_app.accounts.forms import ForgotPasswordForm, NewPasswordForm
from feedback_app.accounts.password_reset import find_usable_token, request_password_reset, reset_password
from feedback_app.accounts.passwords import PasswordProblem
from feedback_app.accounts.sessions import end_session
from feedback_app.extensions import limiter


def _reset_limit():
    return current_app.config.get("PASSWORD_RESET_LIMIT_PER_IP", "10 per hour")


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data,
                               link_for=lambda token: url_for("accounts.reset_password_page", token=token,
                                                              _external=True))
        return redirect(url_for("accounts.forgot_password_sent"))
    return render_template("accounts/forgot-password.html", form=form), (400 if form.errors else 200)


@bp.route("/forgot-password/check-your-email")
def forgot_password_sent():
    return render_template("accounts/forgot-password-sent.html")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password_page(token):
    row = find_usable_token(token)
    if row is None:
        return render_template("accounts/reset-link-expired.html"), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            user = reset_password(row, form.password.data)
        except PasswordProblem as problem:
            form.password.errors.append(str(problem))
        else:
            if user is None:
                return render_template("accounts/reset-link-expired.html"), 404
            if current_user.is_authenticated:
                end_session()
            flash("Your password has been changed. Sign in with your new password", "success")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset-password.html", form=form), (400 if form.errors else 200)
