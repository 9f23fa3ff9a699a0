"""Two-factor pages: status, enrolment with a QR code, recovery codes; the admin's "require it" setting."""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from feedback_app.accounts import bp
from feedback_app.accounts.forms import ConfirmTwoFactorForm, SecuritySettingsForm
from feedback_app.accounts.two_factor import (
    count_unused_recovery_codes,
    enable_two_factor,
    must_enrol,
    new_secret,
    provisioning_uri,
    qr_code_svg,
    set_two_factor_required,
    two_factor_required,
)
from feedback_app.common.auth import admin_required

ENROLMENT_SECRET = "_2fa_enrolment_secret"
NEW_RECOVERY_CODES = "_2fa_new_recovery_codes"


@bp.route("/account/two-factor")
@login_required
def two_factor():
    return render_template("accounts/two-factor.html", user=current_user,
                           unused_codes=count_unused_recovery_codes(current_user) if current_user.has_two_factor else 0)


@bp.route("/account/two-factor/set-up", methods=["GET", "POST"])
@login_required
def set_up_two_factor():
    if current_user.has_two_factor:
        return redirect(url_for("accounts.two_factor"))
    # The secret stays in the (signed, server-checked) session until a code proves the app has it.
    secret = session.get(ENROLMENT_SECRET) or new_secret()
    session[ENROLMENT_SECRET] = secret
    form = ConfirmTwoFactorForm()
    status = 200
    if form.validate_on_submit():
        codes = enable_two_factor(current_user._get_current_object(), secret, form.code.data)
        if codes is not None:
            session.pop(ENROLMENT_SECRET, None)
            session[NEW_RECOVERY_CODES] = codes
            return redirect(url_for("accounts.recovery_codes"))
        form.code.errors.append("The code is not correct. Enter the 6-digit code your app shows now")
    if form.errors:
        status = 400
    return render_template(
        "accounts/two-factor-set-up.html", form=form, secret=secret, required=must_enrol(current_user),
        qr_code=qr_code_svg(provisioning_uri(current_user, secret)),
    ), status


@bp.route("/account/two-factor/recovery-codes")
@login_required
def recovery_codes():
    """Shown once, straight after enrolment; only their hashes are kept."""
    codes = session.pop(NEW_RECOVERY_CODES, None)
    if not codes:
        abort(404)
    return render_template("accounts/recovery-codes.html", codes=codes)


@bp.route("/admin/security", methods=["GET", "POST"])
@admin_required
def security_settings():
    form = SecuritySettingsForm()
    if request.method == "GET":
        form.require_two_factor.data = two_factor_required()
    if form.validate_on_submit():
        set_two_factor_required(bool(form.require_two_factor.data), actor=current_user._get_current_object())
        flash("Security settings saved", "success")
        return redirect(url_for("accounts.security_settings"))
    return render_template("accounts/security-settings.html", form=form), (400 if form.errors else 200)
