"""Sessions: a new one at sign-in, idle and absolute timeouts, no remember cookie, secure cookies in production."""
import time

from config import ProductionConfig
from feedback_app.accounts.models import Role
from feedback_app.extensions import db
from tests.factories import make_user


def _age(client, **seconds_ago):
    with client.session_transaction() as stored:
        for key, seconds in seconds_ago.items():
            stored[key] = int(time.time()) - seconds


def test_signing_in_starts_a_new_session(app, auth, client):
    with client.session_transaction() as stored:
        stored["planted"] = "by an attacker"
    auth.sign_in(make_user(Role.TEAM))
    with client.session_transaction() as stored:
        assert "planted" not in stored and stored["_sv"] == 1


def test_no_remember_me_cookie_is_ever_set(app, auth, client):
    response = auth.sign_in(make_user(Role.TEAM))
    assert not any("remember_token" in header for header in response.headers.getlist("Set-Cookie"))


def test_a_session_idle_for_more_than_30_minutes_is_signed_out(app, auth, client):
    auth.sign_in(make_user(Role.TEAM))
    _age(client, _seen_at=29 * 60)
    assert client.get("/staff").status_code == 200
    _age(client, _seen_at=31 * 60)
    response = client.get("/staff")
    assert response.status_code == 302 and "/sign-in?next=/staff" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you did not use the service for 30 minutes" in page
    assert client.get("/staff").status_code == 302


def test_a_session_older_than_8_hours_is_signed_out_even_when_busy(app, auth, client):
    auth.sign_in(make_user(Role.TEAM))
    _age(client, _signed_in_at=8 * 3600 + 60, _seen_at=10)
    response = client.get("/staff", follow_redirects=True)
    assert "You were signed out because you signed in more than 8 hours ago" in response.get_data(as_text=True)


def test_timeouts_are_configurable(app, auth, client):
    app.config["SESSION_IDLE_MINUTES"] = 5
    try:
        auth.sign_in(make_user(Role.TEAM))
        _age(client, _seen_at=6 * 60)
        assert client.get("/staff").status_code == 302
    finally:
        app.config["SESSION_IDLE_MINUTES"] = 30


def test_a_session_without_our_stamp_is_refused(app, auth, client):
    """What Flask-Login would rebuild from a remember cookie, or a session from before a reset."""
    user = make_user(Role.TEAM)
    auth.sign_in(user)
    with client.session_transaction() as stored:
        del stored["_sv"]
    assert client.get("/staff").status_code == 302


def test_production_cookies_are_secure_http_only_and_host_only():
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY and ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"
    assert ProductionConfig.SESSION_COOKIE_NAME.startswith("__Host-")


def test_signing_out_clears_the_session(app, auth, client):
    auth.sign_in(make_user(Role.TEAM))
    auth.sign_out()
    with client.session_transaction() as stored:
        assert "_user_id" not in stored and "_sv" not in stored


def test_a_deactivated_account_is_signed_out_at_its_next_request(app, auth, client):
    user = make_user(Role.TEAM)
    auth.sign_in(user)
    user.active = False
    db.session.commit()
    assert client.get("/staff").status_code == 302  # Flask-Login's UserMixin: inactive is not authenticated
