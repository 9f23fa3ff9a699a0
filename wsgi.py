"""WSGI entry point: `gunicorn wsgi:app`, and `flask --app wsgi ...` for the command line."""
from feedback_app import create_app

app = create_app()
