"""Cases: the team's queue, each case's page, and the work done on it."""
from flask import Blueprint

bp = Blueprint("cases", __name__)
