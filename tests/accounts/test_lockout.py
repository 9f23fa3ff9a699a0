"""Lockout and throttling: five failures lock an account for 15 minutes; per-IP and per-email limits."""
from datetime import timedelta

from sqlalchemy import select

from feedback_app.accounts.models import Role, User
from feedback_app.audit.models import AuditEvent
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from tests.factories import PASSWORD, make_user

LOCKED = "You have tried to sign in too many times. Wait 15 minutes, then try again"


def _fail(auth, email, times):
    return [auth.sign_in(email, password="not-the-password") for _ in range(times)]


def test_five_failures_lock_the_account_even_against_the_right_password(app, auth, client):
    user = make_user(Role.TEAM)
    responses = _fail(auth, user.email, 5)
    assert all("Enter a correct email address and password" in r.get_data(as_text=True) for r in responses)
    locked = auth.sign_in(user)
    page = locked.get_data(as_text=True)
    assert locked.status_code == 429
    assert LOCKED in page and "govuk-error-summary" in page and "<title>Error: Sign in" in page
    assert client.get("/staff").status_code == 302  # not signed in
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.locked_out"))
    assert event.subject_id == user.id and event.after["failures"] == 5


def test_the_lock_lifts_after_15_minutes_and_a_success_resets_the_count(app, auth):
    user = make_user(Role.TEAM)
    _fail(auth, user.email, 5)
    db.session.refresh(user)
    assert user.locked_until - utcnow() > timedelta(minutes=14)
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert auth.sign_in(user).status_code == 302
    db.session.refresh(user)
    assert user.failed_sign_ins == 0
    auth.sign_out()
    _fail(auth, user.email, 4)
    assert auth.sign_in(user).status_code == 302  # 4 failures, then a success: never locked


def test_failures_outside_the_window_do_not_add_up(app, auth):
    user = make_user(Role.TEAM)
    _fail(auth, user.email, 4)
    user = db.session.get(User, user.id)
    user.first_failed_sign_in_at = utcnow() - timedelta(minutes=16)
    db.session.commit()
    _fail(auth, user.email, 1)
    assert auth.sign_in(user).status_code == 302


def test_an_unknown_email_gets_the_same_lock_message_as_a_real_account(app, limited_client):
    make_user(Role.TEAM, email="known@council.example")
    answers = {}
    for email in ("known@council.example", "nobody@council.example"):
        for _ in range(5):
            limited_client.post("/sign-in", data={"email": email, "password": "not-the-password"})
        answers[email] = limited_client.post("/sign-in", data={"email": email, "password": PASSWORD})
    known, unknown = answers.values()
    assert known.status_code == unknown.status_code == 429
    assert LOCKED in known.get_data(as_text=True) and LOCKED in unknown.get_data(as_text=True)


def test_one_address_is_throttled_across_many_emails(app, limited_client):
    for number in range(8):
        limited_client.post("/sign-in", data={"email": f"guess-{number}@council.example", "password": "x"})
    response = limited_client.post("/sign-in", data={"email": "another@council.example", "password": "x"})
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_successful_sign_ins_do_not_use_up_the_address_limit(app, limited_client):
    user = make_user(Role.TEAM)
    for _ in range(10):
        assert limited_client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
        limited_client.post("/sign-out")
