"""`flask users create EMAIL --role ROLE`: the password is prompted for, or read from stdin."""
import sys

import click
from flask.cli import AppGroup

from feedback_app.accounts.models import Role
from feedback_app.accounts.services import AccountError, create_user

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", default="", help="The person's name, shown to colleagues.")
def create_command(email, role, name):
    """Create a staff account. Never pass a password as a flag: it would stay in shell history."""
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        user = create_user(email, password, role, name=name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Created {user.email} ({Role(user.role).label})")
