"""TOTP two-factor sign-in: enrolment with a locally drawn QR code, codes, recovery codes, the rule."""
import hashlib
import io
import secrets

import pyotp
import segno
from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from feedback_app.accounts.models import RecoveryCode, SecuritySettings, User
from feedback_app.audit.services import record_event
from feedback_app.common.types import utcnow
from feedback_app.extensions import db

RECOVERY_CODE_COUNT = 10
ISSUER = "You Said We Did"
# Where someone who must enrol may still go: the enrolment pages themselves and signing out.
ENROLMENT_ENDPOINTS = {
    "accounts.two_factor", "accounts.set_up_two_factor", "accounts.recovery_codes", "accounts.sign_out",
    "assets", "static",
}


# --- Secrets and codes ---------------------------------------------------------------------------

def new_secret():
    return pyotp.random_base32()


def provisioning_uri(user, secret):
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(uri):
    """The QR code as inline SVG markup, drawn here: the secret never leaves the server."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer, kind="svg", scale=4, border=4, xmldecl=False, svgns=True, nl=False,
        title="QR code to scan with your authenticator app", svgclass="app-qr-code", lineclass=None,
    )
    svg = buffer.getvalue().decode("utf-8").replace("<svg ", '<svg role="img" aria-labelledby="qr-title" ', 1)
    return Markup(svg.replace("<title>", '<title id="qr-title">', 1))


def _normalise_code(code):
    return "".join(ch for ch in (code or "") if ch.isalnum()).upper()


def _matching_step(secret, code, last_used_step):
    """The time step the code belongs to (one step of clock drift either way), if not used before."""
    code = _normalise_code(code)
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    for step in (current, current - 1, current + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return None if last_used_step is not None and step <= last_used_step else step
    return None


def code_matches_secret(secret, code):
    return _matching_step(secret, code, None) is not None


def _hash_recovery_code(code):
    return hashlib.sha256(_normalise_code(code).encode()).hexdigest()


def _new_recovery_code():
    raw = secrets.token_hex(10).upper()  # 80 random bits: a fast hash is enough, nothing to brute-force
    return "-".join(raw[i:i + 5] for i in range(0, 20, 5))


# --- Use cases -----------------------------------------------------------------------------------

def enable_two_factor(user, secret, code):
    """Turn two-factor on once the person proves their app has the secret; returns the recovery codes."""
    step = _matching_step(secret, code, None)
    if step is None:
        return None
    user.totp_secret = secret
    user.totp_last_used_step = step
    user.two_factor_enabled_at = utcnow()
    codes = replace_recovery_codes(user)
    record_event("user.two_factor_enabled", subject=user, actor=user)
    db.session.commit()
    return codes


def replace_recovery_codes(user):
    db.session.execute(RecoveryCode.__table__.delete().where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery_code(code)) for code in codes)
    return codes


def verify_second_factor(user, code):
    """True for a current, unused authenticator code or an unused recovery code (then spent)."""
    step = _matching_step(user.totp_secret, code, user.totp_last_used_step)
    if step is not None:
        user.totp_last_used_step = step  # the same code cannot be replayed within its 30 seconds
        return True
    recovery = db.session.scalar(select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash_recovery_code(code),
        RecoveryCode.used_at.is_(None)))
    if recovery is None:
        return False
    recovery.used_at = utcnow()
    record_event("user.recovery_code_used", subject=user, actor=user)
    return True


def count_unused_recovery_codes(user):
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


# --- The rule: every staff account uses two-factor -----------------------------------------------

def _settings_row():
    return db.session.get(SecuritySettings, 1)


def two_factor_required():
    row = _settings_row()
    if row is not None:
        return row.require_two_factor
    return bool(current_app.config.get("REQUIRE_TWO_FACTOR", False))


def set_two_factor_required(required, *, actor):
    row = _settings_row()
    before = two_factor_required()
    if row is None:
        row = SecuritySettings(id=1, require_two_factor=required)
        db.session.add(row)
    row.require_two_factor = required
    db.session.flush()
    record_event("settings.two_factor_required", subject=row, actor=actor,
                 before={"require_two_factor": before}, after={"require_two_factor": required})
    db.session.commit()


def must_enrol(user):
    return two_factor_required() and not user.has_two_factor and not user.two_factor_exempt


def enforce_two_factor_enrolment():
    """before_request: staff without two-factor, when it is required, may only enrol or sign out."""
    if request.endpoint in ENROLMENT_ENDPOINTS or (request.blueprint or "") == "health":
        return None
    if not current_user.is_authenticated or not isinstance(current_user._get_current_object(), User):
        return None
    if not must_enrol(current_user):
        return None
    flash("Set up two-factor authentication to continue. Your council requires it for every staff account",
          "important")
    return redirect(url_for("accounts.set_up_two_factor"))
