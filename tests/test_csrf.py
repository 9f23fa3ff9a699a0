"""CSRF: every state-changing request needs the form's token; only the health checks are exempt."""
import re

import pytest

from feedback_app import create_app
from feedback_app.accounts.models import Role
from feedback_app.extensions import csrf, db
from tests.conftest import FreshGlobalsClient
from tests.factories import PASSWORD, make_user


@pytest.fixture
def csrf_client(app, suite_config):
    class CsrfConfig(suite_config):
        WTF_CSRF_ENABLED = True

    csrf_app = create_app(CsrfConfig)
    csrf_app.test_client_class = FreshGlobalsClient
    try:
        with csrf_app.app_context():
            yield csrf_app.test_client()
            db.session.remove()
            db.engine.dispose()
    finally:
        app.extensions["celery"].set_default()
        app.extensions["celery"].set_current()


def _token(client, path):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def test_nothing_but_the_health_checks_is_exempt(app):
    assert csrf._exempt_views == set()
    assert {blueprint.name for blueprint in csrf._exempt_blueprints} == {"health"}


@pytest.mark.parametrize("path", ["/sign-in", "/forgot-password", "/sign-out", "/feedback/your-feedback",
                                  "/admin/security", "/account/two-factor/set-up"])
def test_a_post_without_the_token_is_refused(app, csrf_client, path):
    response = csrf_client.post(path, data={"email": "a@council.example", "password": "x"})
    assert response.status_code == 400
    assert "<title>Sorry, there is a problem with your request" in response.get_data(as_text=True)


def test_a_post_with_the_token_goes_through(app, csrf_client):
    user = make_user(Role.TEAM)
    token = _token(csrf_client, "/sign-in")
    response = csrf_client.post("/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
