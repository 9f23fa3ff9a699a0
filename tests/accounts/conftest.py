"""Fixtures for account security: an app with the rate limiter on, and reading queued email."""
import pytest

from feedback_app import create_app
from feedback_app.extensions import db, limiter
from tests.conftest import FreshGlobalsClient


@pytest.fixture
def limited_client(app, suite_config):
    """A client of an app whose limiter is on (per IP and per email); the suite's app is left as it was."""

    class LimitedConfig(suite_config):
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        SIGN_IN_LIMIT_PER_IP = "8 per 15 minutes"
        SIGN_IN_LIMIT_PER_EMAIL = "5 per 15 minutes"

    limited_app = create_app(LimitedConfig)
    limited_app.test_client_class = FreshGlobalsClient
    try:
        with limited_app.app_context():
            yield limited_app.test_client()
            db.session.remove()
            db.engine.dispose()
    finally:
        # One Limiter serves every app, and create_app made its Celery app the default: put both back.
        limiter.enabled = False
        app.extensions["celery"].set_default()
        app.extensions["celery"].set_current()
