"""A Celery worker killed with SIGKILL in the middle of sending an email: redelivered, sent exactly once."""
import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from feedback_app.extensions import db
from feedback_app.outbox.models import EmailStatus, OutboundEmail
from feedback_app.outbox.services import STALE_CLAIM as STALE, queue_email, requeue_stale_claims
from tests.reliability.conftest import wait_until
from tests.smtp_support import SmtpSink, serving

pytestmark = pytest.mark.reliability
ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 2  # seconds; see worker_app.py


class StallingSink(SmtpSink):
    """Holds the first delivery open without answering, so a worker can be killed in the middle of it."""

    def __init__(self):
        super().__init__()
        self.first_started = threading.Event()
        self.release = threading.Event()
        self.calls = 0

    async def handle_DATA(self, server, session, envelope):
        self.calls += 1
        if self.calls == 1:
            self.first_started.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Not accepted"  # never a 250: the first attempt did not deliver
        self.keep(envelope)
        return "250 OK"


@pytest.fixture
def stalling_sink():
    with serving(StallingSink()) as sink:
        yield sink
        sink.release.set()


class Worker:
    """`celery worker --pool=solo` as a real process, so SIGKILL kills the process running the task."""

    def __init__(self, env, log_path):
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("celery")), "-A", "tests.reliability.worker_app", "worker",
             "--pool=solo", "--concurrency=1", "--without-mingle", "--without-gossip", "--without-heartbeat",
             "--loglevel=INFO"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def test_a_worker_killed_mid_send_is_replaced_and_the_email_is_sent_exactly_once(
        app, suite_config, broker_app, private_redis, stalling_sink, tmp_path, capsys):
    # Fails if send_email stops claiming the row before sending (the redelivered task would send a
    # second copy: `messages == []` after redelivery), if requeue_stale_claims stops releasing a dead
    # worker's claim (the email is never sent), or if Redis stops restoring the unacknowledged message
    # (no redelivery within 30 s). Note: with the solo pool, setting task_acks_late=False did NOT make
    # this test fail: the message was still unacked in Redis after the SIGKILL (measured; it
    # seems the solo pool's early ack had not reached Redis while the task blocked). acks_late is what guarantees
    # the redelivery with the prefork pool that production runs.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RELIABILITY_DATABASE_URL": suite_config.SQLALCHEMY_DATABASE_URI,
           "RELIABILITY_BROKER_URL": private_redis.url, "RELIABILITY_SMTP_PORT": str(stalling_sink.port),
           "RELIABILITY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    first = Worker(env, tmp_path / "first.log")
    second = None
    try:
        email = queue_email(to="parent@example.org", subject="Thank you for your feedback",
                            body="We have your feedback.", purpose="auto-ack")
        db.session.commit()  # after_commit enqueues outbox.send-email on the private Redis
        email_id = email.id
        assert stalling_sink.first_started.wait(30), (tmp_path / "first.log").read_text()
        first.kill()
        killed_at = time.monotonic()
        stalling_sink.release.set()
        db.session.expire_all()
        assert db.session.get(OutboundEmail, email_id).status == EmailStatus.SENDING  # the dead worker's claim

        # The replacement restores unacknowledged messages older than the visibility timeout when it
        # starts: start it once that has passed, as a restarted worker would in production.
        time.sleep(VISIBILITY_TIMEOUT + 1)
        second = Worker(env, tmp_path / "second.log")
        log = tmp_path / "second.log"
        redelivered = wait_until(lambda: "outbox.send-email[" in log.read_text() and "succeeded" in log.read_text(),
                                 30)
        assert redelivered, log.read_text()
        redelivery = time.monotonic() - killed_at
        print("FIRSTLOG", (tmp_path / "first.log").read_text()[-1500:], "SECONDLOG", log.read_text()[-2500:])
        # The redelivered task finds the claim and declines: no second send while the first may be in flight.
        assert "succeeded" in log.read_text() and ": False" in log.read_text()
        assert stalling_sink.messages == []

        # The nightly sweep releases the dead claim (backdated here instead of waiting 15 minutes)...
        claimed = db.session.get(OutboundEmail, email_id)
        claimed.claimed_at = claimed.claimed_at - 2 * STALE
        db.session.commit()
        assert requeue_stale_claims() == 1
        # ...and the drain sends it through the replacement worker, once.
        broker_app.extensions["celery"].send_task("outbox.send-pending")
        assert wait_until(lambda: stalling_sink.messages, 20), log.read_text()
        time.sleep(1.0)  # time for any duplicate to arrive
    finally:
        first.stop()
        if second is not None:
            second.stop()
    assert [rcpts for rcpts, _ in stalling_sink.messages] == [["parent@example.org"]]
    db.session.expire_all()
    assert db.session.get(OutboundEmail, email_id).status == EmailStatus.SENT
    with capsys.disabled():
        print(f"\n[reliability] SIGKILL mid-send: task redelivered to a new worker {redelivery:.1f} s after the kill")
