"""Privacy (UK GDPR): retention schedule, subject access and erasure."""
from flask import Blueprint

bp = Blueprint("privacy", __name__)
