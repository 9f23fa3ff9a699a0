"""TOTP two-factor: enrolment with a local QR code, sign-in with a code or a recovery code, the admin rule."""
import re

import pyotp
from sqlalchemy import select

from feedback_app.accounts.models import RecoveryCode, Role, User
from feedback_app.accounts.two_factor import enable_two_factor, new_secret
from feedback_app.audit.models import AuditEvent
from feedback_app.demo.services import DEMO_PASSWORD, seed_demo_data
from feedback_app.extensions import db
from tests.factories import make_user


def _enrolled_user(role=Role.TEAM):
    user = make_user(role)
    secret = new_secret()
    codes = enable_two_factor(user, secret, pyotp.TOTP(secret).now())
    # The enrolment code's time step is spent; sign-in tests use the next one.
    user.totp_last_used_step -= 2
    db.session.commit()
    return user, secret, codes


def test_enrolment_shows_a_local_svg_qr_code_and_the_secret_then_recovery_codes(app, auth, client):
    user = make_user(Role.TEAM)
    auth.sign_in(user)
    page = client.get("/account/two-factor/set-up").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page and "<img" not in page
    secret = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    wrong = client.post("/account/two-factor/set-up", data={"code": "000000"})
    assert wrong.status_code == 400 and "<title>Error: Set up two-factor" in wrong.get_data(as_text=True)
    done = client.post("/account/two-factor/set-up", data={"code": pyotp.TOTP(secret).now()})
    assert done.headers["Location"].endswith("/account/two-factor/recovery-codes")
    codes_page = client.get("/account/two-factor/recovery-codes").get_data(as_text=True)
    codes = re.findall(r"<code>([0-9A-F-]{23})</code>", codes_page)
    assert len(codes) == 10
    assert client.get("/account/two-factor/recovery-codes").status_code == 404  # shown once
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert db.session.get(User, user.id).has_two_factor


def test_sign_in_asks_for_the_code_after_the_password(app, auth, client):
    user, secret, _codes = _enrolled_user()
    response = auth.sign_in(user)
    assert response.headers["Location"].endswith("/sign-in/security-code")
    assert client.get("/staff").status_code == 302  # the password alone does not sign in
    wrong = client.post("/sign-in/security-code", data={"code": "123456"})
    assert wrong.status_code == 400 and "The security code is not correct" in wrong.get_data(as_text=True)
    right = client.post("/sign-in/security-code", data={"code": pyotp.TOTP(secret).now()})
    assert right.headers["Location"].endswith("/staff")
    assert client.get("/staff").status_code == 200


def test_a_code_cannot_be_used_twice(app, auth, client):
    user, secret, _codes = _enrolled_user()
    code = pyotp.TOTP(secret).now()
    auth.sign_in(user)
    assert client.post("/sign-in/security-code", data={"code": code}).status_code == 302
    auth.sign_out()
    auth.sign_in(user)
    assert client.post("/sign-in/security-code", data={"code": code}).status_code == 400


def test_a_recovery_code_works_once(app, auth, client):
    user, _secret, codes = _enrolled_user()
    auth.sign_in(user)
    assert client.post("/sign-in/security-code", data={"code": codes[0].lower()}).status_code == 302
    auth.sign_out()
    auth.sign_in(user)
    assert client.post("/sign-in/security-code", data={"code": codes[0]}).status_code == 400
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.recovery_code_used"))


def test_wrong_codes_count_towards_the_lockout(app, auth, client):
    user, secret, _codes = _enrolled_user()
    auth.sign_in(user)
    for _ in range(5):
        client.post("/sign-in/security-code", data={"code": "000000"})
    auth.sign_in(user)
    locked = client.post("/sign-in/security-code", data={"code": pyotp.TOTP(secret).now()})
    assert "/sign-in/security-code" not in locked.headers.get("Location", "")
    assert client.get("/staff").status_code == 302


def test_the_code_page_needs_a_password_first(app, client):
    response = client.post("/sign-in/security-code", data={"code": "123456"})
    assert response.headers["Location"].endswith("/sign-in")


def test_when_required_staff_without_two_factor_are_sent_to_enrol(app, auth, client):
    admin = make_user(Role.ADMIN)
    auth.sign_in(admin)
    client.post("/admin/security", data={"require_two_factor": "y"})
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "settings.two_factor_required"))
    response = client.get("/cases")
    assert response.headers["Location"].endswith("/account/two-factor/set-up")
    assert "requires it for every staff account" in client.get("/account/two-factor/set-up").get_data(as_text=True)
    auth.sign_out()

    enrolled, secret, _codes = _enrolled_user()
    auth.sign_in(enrolled)
    client.post("/sign-in/security-code", data={"code": pyotp.TOTP(secret).now()})
    assert client.get("/staff").status_code == 200


def test_the_requirement_can_come_from_configuration(app, auth, client):
    app.config["REQUIRE_TWO_FACTOR"] = True
    try:
        auth.sign_in(make_user(Role.SERVICE_LEAD))
        assert client.get("/staff").headers["Location"].endswith("/account/two-factor/set-up")
    finally:
        app.config["REQUIRE_TWO_FACTOR"] = False


def test_the_demo_accounts_stay_exempt_so_the_readme_login_works(app, auth, client):
    app.config["REQUIRE_TWO_FACTOR"] = True
    try:
        seed_demo_data()
        assert auth.sign_in("team@demo.example", DEMO_PASSWORD).headers["Location"].endswith("/staff")
        assert client.get("/staff").status_code == 200
    finally:
        app.config["REQUIRE_TWO_FACTOR"] = False


def test_only_admins_change_the_rule(app, auth, client):
    auth.sign_in(make_user(Role.TEAM))
    assert client.post("/admin/security", data={"require_two_factor": "y"}).status_code == 403
