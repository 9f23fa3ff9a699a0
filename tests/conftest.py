"""Fixtures: the app on the test configuration, a clean database for every test, real services."""
import os
import socket
from pathlib import Path

import pytest
from flask import Blueprint, g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from config import TestConfig
from feedback_app import create_app
from feedback_app.common.auth import admin_required, team_required
from feedback_app.extensions import db

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
if not CORPUS.exists():  # a checkout elsewhere: shared/ beside the repository
    CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def require_env(name):
    """The value of a service's variable; a missing service fails the run when services are required."""
    value = os.environ.get(name)
    if not value:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail(f"{name} is not set: scripts/run-tests.sh starts the real services")
        pytest.skip(f"{name} not set (run `make test` to start the real services)")
    return value


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def suite_config(tmp_path_factory):
    """TestConfig on PostgreSQL (TEST_DATABASE_URL) or an SQLite file, so several apps share one database."""
    folder = tmp_path_factory.mktemp("suite")

    class SuiteConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{folder / 'test.sqlite3'}"
        MAIL_FOLDER = str(folder / "mail")

    return SuiteConfig


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as in production.

    Tests keep one app context open (for the database session) and Flask reuses it for requests,
    and with it `g`, where Flask-Login caches the signed-in user: without this, one client's user
    would leak into the next client's request.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _app(suite_config):
    app = create_app(suite_config)
    app.test_client_class = FreshGlobalsClient
    app.register_blueprint(_guarded_test_routes())
    with app.app_context():
        _drop_everything()
        upgrade()  # the schema the migrations build, not create_all: they are what production runs
    yield app
    with app.app_context():
        db.engine.dispose()  # closed now, not whenever the garbage collector finds the pool


@pytest.fixture
def app(_app):
    # create_app() makes its Celery app the default: a test that built another app must not leave
    # the next test's tasks running against it.
    _app.extensions["celery"].set_default()
    _app.extensions["celery"].set_current()
    with _app.app_context():
        yield _app
        db.session.remove()
        _empty_tables()


@pytest.fixture
def client(app):
    return app.test_client()


def _guarded_test_routes():
    """Routes that exist only in tests, to prove the role decorator on its own."""
    guarded = Blueprint("test_guarded", __name__, url_prefix="/_test")
    guarded.add_url_rule("/team-only", "team_only", team_required(lambda: "team page"))
    guarded.add_url_rule("/admin-only", "admin_only", admin_required(lambda: "admin page"))
    return guarded


def _drop_everything():
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _empty_tables():
    tables = [table.name for table in db.metadata.sorted_tables]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # TRUNCATE, not DELETE: the audit table's trigger refuses deletes, as it should.
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(text(f"DELETE FROM {table}"))
            if connection.execute(text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")).first():
                connection.execute(text("DELETE FROM sqlite_sequence"))  # references start again at 00001


class AuthActions:
    """Sign in and out through the real form, as a person would."""

    def __init__(self, client):
        self.client = client

    def sign_in(self, user_or_email, password="correct-horse-battery"):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/sign-in", data={"email": email, "password": password})

    def sign_out(self):
        return self.client.post("/sign-out")


@pytest.fixture
def auth(client):
    return AuthActions(client)
