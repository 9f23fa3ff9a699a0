"""The annual report: built from the data as one HTML page and one tagged PDF, published once a year."""
from flask import Blueprint

bp = Blueprint("reports", __name__)
