"""Administration: themes, services and their leads, response templates."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
