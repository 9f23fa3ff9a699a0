"""Migrations: numbered, one head, consistent with the models, and reversible on PostgreSQL."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from config import TestConfig
from feedback_app import MIGRATIONS_DIR, create_app
from feedback_app.extensions import db
from tests.conftest import require_env


def test_migrations_are_numbered_with_a_single_head():
    scripts = ScriptDirectory(MIGRATIONS_DIR)
    assert len(scripts.get_heads()) == 1
    revisions = [revision.revision for revision in scripts.walk_revisions()]
    assert all(revision.isdigit() and len(revision) == 4 for revision in revisions)
    assert sorted(revisions) == [f"{number:04d}" for number in range(1, len(revisions) + 1)]


# PostgreSQL-only full-text index (migration 0009): a GIN index the models do not declare, so SQLite
# (which searches with LIKE) does not get a useless index on an empty column.
DATABASE_ONLY_INDEXES = {"ix_cases_search_vector"}


def _described_by_models(obj, name, type_, reflected, compare_to):
    return not (type_ == "index" and reflected and name in DATABASE_ONLY_INDEXES)


def test_head_matches_the_models(app):
    """The database built by the migrations has exactly the tables and columns the models describe."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": False, "include_object": _described_by_models}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


@pytest.fixture
def empty_postgres_url():
    admin_url = require_env("TEST_POSTGRES_URL")
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def test_upgrade_an_empty_postgresql_database_to_head_and_back(empty_postgres_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_postgres_url

    app = create_app(Config)
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "services", "themes", "cases", "audit_events", "outbound_emails"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()
