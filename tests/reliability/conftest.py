"""Fixtures for fault-injection tests: private, throwaway services that a test may stop and start."""
import shutil
import subprocess
import time

import pytest
import redis

from feedback_app import create_app
from feedback_app.extensions import db
from tests.conftest import FreshGlobalsClient, free_port
from tests.smtp_support import SmtpSink, serving


def wait_until(predicate, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class PrivateRedis:
    """A redis-server of this test's own on a free port: stopping it disturbs nobody else."""

    def __init__(self):
        if not shutil.which("redis-server"):
            pytest.fail("redis-server is not installed")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--daemonize", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port)
        assert wait_until(lambda: _pings(client), 10), "private redis did not start"
        client.close()

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


def _pings(client):
    try:
        return client.ping()
    except redis.RedisError:
        return False


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_sink():
    with serving(SmtpSink()) as sink:
        yield sink


@pytest.fixture
def broker_app(app, suite_config, private_redis, smtp_sink):
    """A production-like app over the test database: a real Redis broker, not eager, real SMTP."""

    class BrokerConfig(suite_config):
        CELERY = {**suite_config.CELERY, "broker_url": private_redis.url, "task_always_eager": False}
        MAIL_BACKEND = "smtp"
        SMTP_HOST = "127.0.0.1"
        SMTP_PORT = smtp_sink.port

    broker = create_app(BrokerConfig)
    broker.test_client_class = FreshGlobalsClient
    with broker.app_context():
        yield broker
        db.session.remove()
        db.engine.dispose()
