"""The outbox: mail leaves only after its transaction commits, and only once."""
import time

import pytest
from celery.contrib.testing.worker import start_worker

from feedback_app.extensions import db
from feedback_app.outbox.models import EmailStatus, OutboundEmail
from feedback_app.outbox.services import queue_email, requeue_stale_claims, send_email
from feedback_app import create_app
from tests.conftest import free_port, require_env
from tests.smtp_support import SmtpSink, serving
from workers import tasks


@pytest.fixture
def smtp_sink(app):
    with serving(SmtpSink()) as sink:
        app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=sink.port)
        yield sink
    app.config.update(MAIL_BACKEND="folder")


def _queue(subject="Thank you for your feedback"):
    return queue_email(to="parent@example.org", subject=subject, body="We have your feedback.", purpose="auto-ack")


def test_a_message_queued_in_a_transaction_that_rolls_back_is_never_sent(app, smtp_sink, monkeypatch):
    enqueued = []
    monkeypatch.setattr("feedback_app.outbox.services.enqueue", lambda name, *args: enqueued.append(args))
    _queue()
    db.session.flush()
    db.session.rollback()
    assert db.session.query(OutboundEmail).count() == 0
    assert enqueued == []
    tasks.send_pending_email.apply()
    assert smtp_sink.messages == []


def test_commit_enqueues_the_send_task_with_the_id_only(app, monkeypatch):
    enqueued = []
    monkeypatch.setattr("feedback_app.outbox.services.enqueue", lambda name, *args: enqueued.append((name, args)))
    email = _queue()
    db.session.commit()
    assert enqueued == [("outbox.send-email", (email.id,))]


def test_a_savepoint_is_not_a_commit_and_its_rollback_spares_the_others(app, monkeypatch):
    # Inbound email commits a batch, one SAVEPOINT per message: a released savepoint must not send
    # before the commit, and a rolled-back one must not take its neighbours' emails with it.
    enqueued = []
    monkeypatch.setattr("feedback_app.outbox.services.enqueue", lambda name, *args: enqueued.append((name, args)))
    with db.session.begin_nested():
        first = _queue("first")
    with pytest.raises(RuntimeError), db.session.begin_nested():
        _queue("rolled back")
        db.session.flush()
        raise RuntimeError("one bad message")
    with db.session.begin_nested():
        last = _queue("last")
    assert enqueued == []
    db.session.commit()
    assert enqueued == [("outbox.send-emails", ([first.id, last.id],))]
    assert sorted(email.subject for email in db.session.query(OutboundEmail)) == ["first", "last"]


def test_the_batch_task_fans_out_and_each_email_is_sent_once(app, smtp_sink, monkeypatch):
    emails = [_queue(f"batch {number}") for number in range(3)]
    db.session.commit()
    ids = [email.id for email in emails]
    delayed = []
    monkeypatch.setattr(tasks.send_email, "delay", delayed.append)
    tasks.send_emails.apply(args=(ids,))
    assert delayed == ids  # one task each, so each keeps its own retries
    for email_id in delayed + delayed:
        tasks.send_email.apply(args=(email_id,))
    subjects = sorted(message["Subject"] for _recipients, message in smtp_sink.messages)
    assert subjects == ["batch 0", "batch 1", "batch 2"]


def test_a_queued_message_reaches_a_real_smtp_server_exactly_once_even_if_the_task_runs_twice(app, smtp_sink):
    email = _queue()
    db.session.commit()
    tasks.send_email.apply(args=[email.id])
    tasks.send_email.apply(args=[email.id])
    tasks.send_pending_email.apply()
    assert len(smtp_sink.messages) == 1
    recipients, message = smtp_sink.messages[0]
    assert recipients == ["parent@example.org"]
    assert message["Subject"] == "Thank you for your feedback"
    assert message["Message-ID"] == f"<{email.message_id}>"
    db.session.expire_all()
    assert db.session.get(OutboundEmail, email.id).status == EmailStatus.SENT


def test_a_failed_send_is_kept_for_a_retry_with_the_error(app):
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    try:
        email = _queue()
        db.session.commit()
        with pytest.raises(ConnectionRefusedError):
            send_email(email.id)
    finally:
        app.config.update(MAIL_BACKEND="folder")
    db.session.expire_all()
    kept = db.session.get(OutboundEmail, email.id)
    assert kept.status == EmailStatus.PENDING
    assert kept.attempts == 1
    assert "ConnectionRefusedError" in kept.last_error


def test_a_claim_left_by_a_dead_worker_is_released(app):
    from datetime import timedelta

    from feedback_app.common.types import utcnow

    email = _queue()
    email.status = EmailStatus.SENDING
    email.claimed_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert requeue_stale_claims() == 1
    db.session.expire_all()
    assert db.session.get(OutboundEmail, email.id).status == EmailStatus.PENDING


def test_a_real_celery_worker_on_redis_delivers_committed_mail(app, suite_config, smtp_sink):
    """The production path: commit, task on Redis, a worker, SMTP."""
    redis_url = require_env("TEST_REDIS_URL")

    class WorkerConfig(suite_config):
        CELERY = {**suite_config.CELERY, "broker_url": redis_url}
        MAIL_BACKEND = "smtp"
        SMTP_PORT = app.config["SMTP_PORT"]

    worker_app = create_app(WorkerConfig)
    with worker_app.app_context():
        with start_worker(worker_app.extensions["celery"], pool="solo", perform_ping_check=False):
            email = _queue(subject="Sent by a worker")
            db.session.commit()
            email_id = email.id
            deadline = time.monotonic() + 20
            while not smtp_sink.messages and time.monotonic() < deadline:
                time.sleep(0.1)
        db.session.remove()
        db.engine.dispose()  # the worker app's own pool, or its connections outlive the test
    assert [message["Subject"] for _, message in smtp_sink.messages] == ["Sent by a worker"]
    db.session.expire_all()
    assert db.session.get(OutboundEmail, email_id).status == EmailStatus.SENT
