"""Password reset: the same answer for every address, a single-use link that expires, other sessions ended."""
import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from feedback_app.accounts.models import PasswordResetToken, Role
from feedback_app.audit.models import AuditEvent
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.outbox.models import OutboundEmail
from tests.conftest import AuthActions
from tests.factories import make_user

NEW_PASSWORD = "lantern-meadow-quartz-9"


def _ask(client, email):
    return client.post("/forgot-password", data={"email": email})


def _link(user):
    email = db.session.scalar(select(OutboundEmail).where(OutboundEmail.to_address == user.email))
    return re.search(r"https?://\S+/reset-password/\S+", email.body_text).group(0)


def test_forgot_password_answers_the_same_whether_or_not_the_account_exists(app, client):
    make_user(Role.TEAM, email="known@council.example")
    known, unknown = _ask(client, "known@council.example"), _ask(client, "nobody@council.example")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    page = client.get(known.headers["Location"]).get_data(as_text=True)
    assert "If there is a staff account for the address you entered" in page
    emails = db.session.scalars(select(OutboundEmail)).all()
    assert [email.to_address for email in emails] == ["known@council.example"]
    assert emails[0].purpose == "password_reset"


def test_only_a_hash_of_the_token_is_stored(app, client):
    user = make_user(Role.TEAM)
    _ask(client, user.email)
    token = _link(user).rsplit("/", 1)[1]
    row = db.session.scalar(select(PasswordResetToken))
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in row.token_hash
    assert timedelta(minutes=59) < row.expires_at - utcnow() <= timedelta(hours=1)


def test_the_link_sets_a_new_password_once_and_signs_out_other_sessions(app, client):
    user = make_user(Role.TEAM)
    elsewhere = app.test_client()
    AuthActions(elsewhere).sign_in(user)
    assert elsewhere.get("/staff").status_code == 200

    _ask(client, user.email)
    link = _link(user)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/sign-in")

    assert elsewhere.get("/staff").status_code == 302  # the other session ended
    auth = AuthActions(client)
    assert auth.sign_in(user).status_code == 400  # the old password no longer works
    assert auth.sign_in(user, NEW_PASSWORD).status_code == 302
    assert client.get(link).status_code == 404  # spent: the form is not even shown
    again = client.post(link, data={"password": "another-fine-password", "confirm": "another-fine-password"})
    assert again.status_code == 404 and "This link has expired" in again.get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_reset")) is not None


def test_an_expired_link_does_not_work(app, client):
    user = make_user(Role.TEAM)
    _ask(client, user.email)
    row = db.session.scalar(select(PasswordResetToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(_link(user)).status_code == 404


def test_a_made_up_link_does_not_work(app, client):
    assert client.get("/reset-password/not-a-real-token").status_code == 404


def test_the_new_password_must_follow_the_rules(app, client):
    user = make_user(Role.TEAM)
    _ask(client, user.email)
    response = client.post(_link(user), data={"password": "Password2024!", "confirm": "Password2024!"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "too common" in page and "<title>Error: Choose a new password" in page
    mismatch = client.post(_link(user), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "Passwords must match" in mismatch.get_data(as_text=True)
