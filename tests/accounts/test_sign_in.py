"""Signing in and out, and who may see what."""
import subprocess
import sys

from feedback_app.accounts.models import Role, User
from feedback_app.audit.models import AuditEvent
from feedback_app.extensions import db
from tests.factories import PASSWORD, make_user


def test_sign_in_page_has_the_fields_named_email_and_password(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'name="email"' in page and 'name="password"' in page
    assert "<title>Sign in" in page


def test_signing_in_with_the_right_password_opens_the_staff_home(app, auth, client):
    user = make_user(Role.TEAM, email="Team.Member@Council.example")
    response = auth.sign_in("team.member@council.example ")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "team.member@council.example" in page
    assert db.session.get(User, user.id).last_signed_in_at is not None
    assert db.session.query(AuditEvent).filter_by(action="user.signed_in").count() == 1


def test_a_wrong_password_and_an_unknown_email_get_the_same_clear_error(app, auth):
    make_user(Role.TEAM, email="known@council.example")
    wrong = auth.sign_in("known@council.example", password="not-the-password")
    unknown = auth.sign_in("nobody@council.example", password="not-the-password")
    for response in (wrong, unknown):
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "<title>Error: Sign in" in page
        assert "govuk-error-summary" in page
        assert "Enter a correct email address and password" in page
    assert wrong.get_data(as_text=True).count("Enter a correct") == unknown.get_data(as_text=True).count("Enter a correct")


def test_empty_fields_get_govuk_style_messages(client):
    page = client.post("/sign-in", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page


def test_a_deactivated_account_cannot_sign_in(app, auth):
    user = make_user(Role.TEAM)
    user.active = False
    db.session.commit()
    assert auth.sign_in(user).status_code == 400


def test_sign_out_ends_the_session(app, auth, client):
    user = make_user(Role.TEAM)
    auth.sign_in(user)
    assert client.get("/staff").status_code == 200
    response = auth.sign_out()
    assert response.headers["Location"].endswith("/sign-in")
    assert client.get("/staff").status_code == 302


def test_next_only_follows_local_paths(app, client):
    user = make_user(Role.TEAM)
    evil = client.post("/sign-in?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert evil.headers["Location"] == "/staff"
    client.post("/sign-out")
    local = client.post("/sign-in?next=/healthz", data={"email": user.email, "password": PASSWORD})
    assert local.headers["Location"] == "/healthz"


def test_role_decorator_redirects_anonymous_people_and_refuses_wrong_roles(app, auth, client):
    anonymous = client.get("/_test/team-only")
    assert anonymous.status_code == 302 and "/sign-in?next=" in anonymous.headers["Location"]

    auth.sign_in(make_user(Role.SERVICE_LEAD))
    refused = client.get("/_test/team-only")
    assert refused.status_code == 403
    assert "You do not have permission" in refused.get_data(as_text=True)
    auth.sign_out()

    auth.sign_in(make_user(Role.TEAM))
    assert client.get("/_test/team-only").get_data(as_text=True) == "team page"
    assert client.get("/_test/admin-only").status_code == 403
    auth.sign_out()

    auth.sign_in(make_user(Role.ADMIN))
    assert client.get("/_test/admin-only").get_data(as_text=True) == "admin page"


def test_passwords_are_stored_as_argon2_hashes(app):
    user = make_user(Role.TEAM)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_users_create_command_reads_the_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "New.Lead@Council.example", "--role", "service_lead"],
                           input="a-long-enough-password\n")
    assert result.exit_code == 0, result.output
    assert "Created new.lead@council.example (Service lead)" in result.output
    user = db.session.query(User).filter_by(email="new.lead@council.example").one()
    assert user.role == "service_lead"


def test_users_create_command_refuses_a_short_password_and_has_no_password_flag(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "x@council.example", "--role", "team"], input="short\n")
    assert result.exit_code != 0 and "12 characters" in result.output
    result = runner.invoke(args=["users", "create", "x@council.example", "--role", "team", "--password", "p"])
    assert result.exit_code != 0 and "No such option" in result.output


def test_users_create_command_works_from_a_real_shell():
    """The documented command, end to end, in a separate process."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "users", "create", "--help"],
        capture_output=True, text=True, env={"FEEDBACK_CONFIG": "test", "PATH": ""}, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--role" in result.stdout and "--password" not in result.stdout
