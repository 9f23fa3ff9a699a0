"""Intake: feedback from every channel (web form, directory pages, staff entry, email) into cases."""
from flask import Blueprint

bp = Blueprint("intake", __name__)
