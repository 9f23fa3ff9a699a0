"""Password rules: length, the shipped deny list, and nothing about the person or the service."""
import pytest

from feedback_app.accounts.models import Role
from feedback_app.accounts.passwords import PasswordProblem, check_password, deny_list
from tests.factories import make_user


def test_the_deny_list_ships_with_the_app_and_holds_thousands_of_common_passwords():
    passwords = deny_list()
    assert len(passwords) > 1500
    assert {"password", "123456789012", "qwertyuiop", "liverpool", "iloveyou"} <= passwords


@pytest.mark.parametrize("password,message", [
    ("short-pass", "12 characters or more"),
    ("Password2024!", "too common"),
    ("P@ssw0rd12345", "too common"),
    ("qwertyuiop123", "too common"),
    ("iloveyou123456", "too common"),
    ("aaaaaaaaaaaaaaaa", "same few characters"),
    ("jane.smith-is-great", "email address or the name of this service"),
    ("localoffer-staff-2026", "email address or the name of this service"),
    ("demoboroughcouncil1", "email address or the name of this service"),
])
def test_weak_passwords_are_refused_with_a_reason(app, password, message):
    with pytest.raises(PasswordProblem, match=message):
        check_password(password, email="jane.smith@council.example")


@pytest.mark.parametrize("password", ["correct-horse-battery", "wonderful purple giraffe", "kettle-Orbit-57-fern"])
def test_strong_passwords_are_accepted(app, password):
    check_password(password, email="jane.smith@council.example")


def test_the_users_command_refuses_a_common_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "x@council.example", "--role", "team"], input="Password12345!\n")
    assert result.exit_code != 0 and "too common" in result.output


def test_admins_cannot_give_a_new_account_a_common_password(app, auth, client):
    auth.sign_in(make_user(Role.ADMIN))
    response = client.post("/admin/users/new", data={
        "email": "new@council.example", "name": "New Person", "role": "team", "password": "qwertyuiop123"})
    assert response.status_code == 400
    assert "too common" in response.get_data(as_text=True)
