"""Staff accounts: sign in, sign out, the staff home page and the `users` command."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)
