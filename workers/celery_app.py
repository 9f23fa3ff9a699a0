"""The Celery app, bound to the Flask app: `celery -A workers.celery_app worker` / `beat`."""
from feedback_app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
