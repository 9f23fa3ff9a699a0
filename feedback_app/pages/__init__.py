"""Public information pages: the start page, accessibility statement and privacy notice."""

from flask import Blueprint

pages_bp = Blueprint("pages", __name__)
