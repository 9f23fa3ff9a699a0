"""Publishing "You said, we did": entries written by the team, checked, approved, and shown to the public."""
from flask import Blueprint

bp = Blueprint("publishing", __name__)
