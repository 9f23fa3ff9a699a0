"""The app factory and its configurations."""
import pytest

import config
from feedback_app import create_app


def test_production_refuses_to_start_without_a_real_secret_key():
    class Production(config.ProductionConfig):
        SECRET_KEY = ""
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1/x"
        REDIS_URL = "redis://127.0.0.1:6379/0"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)


def test_production_refuses_to_start_without_postgresql():
    class Production(config.ProductionConfig):
        SECRET_KEY = "x" * 40
        SQLALCHEMY_DATABASE_URI = "sqlite:///prod.db"
        REDIS_URL = "redis://127.0.0.1:6379/0"

    with pytest.raises(RuntimeError, match="PostgreSQL"):
        create_app(Production)


def test_production_uses_redis_for_rate_limits_and_celery():
    class Production(config.ProductionConfig):
        SECRET_KEY = "x" * 40
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://postgres@127.0.0.1/x"
        REDIS_URL = "redis://127.0.0.1:6399/0"
        RATELIMIT_STORAGE_URI = REDIS_URL
        CELERY = {**config.Config.CELERY, "broker_url": REDIS_URL}

    app = create_app(Production)
    assert app.extensions["celery"].conf.broker_url == "redis://127.0.0.1:6399/0"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.extensions["celery"].conf.task_always_eager


def test_embedded_default_needs_no_servers():
    app = create_app(config.EmbeddedConfig)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.extensions["celery"].conf.task_always_eager is True
    assert app.config["MAIL_BACKEND"] == "folder"


def test_configuration_is_chosen_by_environment(monkeypatch):
    monkeypatch.setenv("FEEDBACK_CONFIG", "test")
    assert config.config_from_environment() is config.TestConfig
    monkeypatch.setenv("FEEDBACK_CONFIG", "nonsense")
    with pytest.raises(RuntimeError, match="FEEDBACK_CONFIG"):
        config.config_from_environment()


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}
