"""Actions on cases, resolution, and signed links for partner leads without an account."""
from flask import Blueprint

bp = Blueprint("actions", __name__)
