"""Prove that scripts/run-tests.sh started real PostgreSQL, Redis and IMAP services."""
import os

import pytest
import redis
from imapclient import IMAPClient
from sqlalchemy import create_engine, make_url, text

from tests.conftest import require_env


def test_postgresql_answers():
    # TEST_POSTGRES_URL, not TEST_DATABASE_URL: it stays set in the SQLite run too.
    engine = create_engine(require_env("TEST_POSTGRES_URL"))
    try:
        with engine.connect() as connection:
            version = connection.execute(text("select version()")).scalar_one()
            database = connection.execute(text("select current_database()")).scalar_one()
    finally:
        engine.dispose()
    assert "PostgreSQL" in version
    assert database == "feedback_test"


def test_suite_uses_the_database_the_harness_chose(suite_config):
    # run-tests.sh runs the suite twice: on PostgreSQL, then with TEST_DATABASE_URL unset on SQLite.
    expected = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    assert make_url(suite_config.SQLALCHEMY_DATABASE_URI).get_backend_name() == expected


def test_redis_answers():
    client = redis.Redis.from_url(require_env("TEST_REDIS_URL"))
    try:
        assert client.ping() is True
        client.set("harness-check", "ok", ex=10)
        assert client.get("harness-check") == b"ok"
    finally:
        client.close()


@pytest.mark.parametrize("user_variable", ["TEST_IMAP_USER", "TEST_IMAP_OTHER_USER"])
def test_imap_login_lists_folders(user_variable):
    host, port = require_env("TEST_IMAP_HOST"), int(require_env("TEST_IMAP_PORT"))
    user, password = require_env(user_variable), require_env("TEST_IMAP_PASSWORD")
    with IMAPClient(host, port=port, ssl=False, timeout=10) as client:
        client.login(user, password)
        folders = [name for _flags, _delimiter, name in client.list_folders()]
        client.logout()
    assert "INBOX" in folders
