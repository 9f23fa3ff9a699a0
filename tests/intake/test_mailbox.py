"""Polling a real Dovecot mailbox: each message taken once, moved only after its commit."""
import pytest
from imapclient import IMAPClient
from sqlalchemy import select

from feedback_app.extensions import db
from feedback_app.intake import email_services, mailbox
from feedback_app.intake.models import InboundEmail, InboundOutcome
from tests.conftest import require_env
from tests.intake.email_support import acknowledgements, cases, corpus, count
from workers import tasks

PROCESSED = "Processed"


@pytest.fixture
def imap(app, monkeypatch):
    """The test user's mailbox, emptied, with the app configured to poll it; an IMAP client to look."""
    host = require_env("TEST_IMAP_HOST")
    port = int(require_env("TEST_IMAP_PORT"))
    user = require_env("TEST_IMAP_USER")
    password = require_env("TEST_IMAP_PASSWORD")
    monkeypatch.setattr("feedback_app.outbox.services.enqueue", lambda name, *args: None)
    monkeypatch.setitem(app.config, "IMAP_HOST", host)
    monkeypatch.setitem(app.config, "IMAP_PORT", port)
    monkeypatch.setitem(app.config, "IMAP_SSL", False)
    monkeypatch.setitem(app.config, "IMAP_USERNAME", user)
    monkeypatch.setitem(app.config, "IMAP_PASSWORD", password)
    monkeypatch.setitem(app.config, "IMAP_FOLDER", "INBOX")
    monkeypatch.setitem(app.config, "IMAP_PROCESSED_FOLDER", PROCESSED)
    with IMAPClient(host, port=port, ssl=False, timeout=30) as client:
        client.login(user, password)
        _empty(client, "INBOX")
        if client.folder_exists(PROCESSED):
            _empty(client, PROCESSED)
            client.delete_folder(PROCESSED)  # the poll must create it
        yield client
        _empty(client, "INBOX")


def _empty(client, folder):
    client.select_folder(folder)
    uids = client.search("ALL")
    if uids:
        client.delete_messages(uids)
        client.expunge()
    client.unselect_folder()


def _append(client, *names):
    for name in names:
        client.append("INBOX", corpus(name))


def _crlf(raw):
    """IMAP stores lines ending in CRLF, whatever was appended."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _messages(client, folder):
    client.select_folder(folder, readonly=True)
    uids = client.search("ALL")
    bodies = [data[b"BODY[]"] for data in client.fetch(uids, ["BODY.PEEK[]"]).values()] if uids else []
    client.unselect_folder()
    return bodies


def test_poll_takes_every_message_then_moves_it(app, imap):
    _append(imap, "01", "06", "09", "16", "18")
    assert mailbox.poll_mailbox() == 5
    assert len(cases()) == 3  # 01, 06 and 18; the auto-reply is ignored, the spam held
    assert count(InboundEmail) == 5
    assert {e.source for e in db.session.scalars(select(InboundEmail))} == {"imap"}
    assert len(acknowledgements()) == 3
    assert _messages(imap, "INBOX") == []
    assert sorted(_messages(imap, PROCESSED)) == sorted(_crlf(corpus(name)) for name in ("01", "06", "09", "16", "18"))
    spam = db.session.scalar(select(InboundEmail).where(InboundEmail.outcome == InboundOutcome.HELD))
    assert spam.from_address == "promo@spam.example"


def test_a_crash_between_commit_and_move_leads_to_no_duplicate(app, imap, monkeypatch):
    _append(imap, "01")
    real_move = mailbox.move_to_processed
    crashes = []

    def crash_once(client, uid, folder):
        if not crashes:
            crashes.append(uid)
            raise ConnectionResetError("worker died before the move")
        real_move(client, uid, folder)

    monkeypatch.setattr(mailbox, "move_to_processed", crash_once)
    assert mailbox.poll_mailbox() == 0
    (case,) = cases()  # committed before the crash
    assert len(_messages(imap, "INBOX")) == 1

    assert mailbox.poll_mailbox() == 1
    assert cases() == [case]
    assert count(InboundEmail) == 1
    assert len(acknowledgements()) == 1
    assert _messages(imap, "INBOX") == []
    assert _messages(imap, PROCESSED) == [_crlf(corpus("01"))]


def test_one_bad_message_never_stops_the_rest(app, imap, monkeypatch):
    _append(imap, "01", "04", "05")
    real_ingest = email_services.ingest_one

    def database_refuses_the_second(raw, *args, **kwargs):
        if b"corpus-04" in raw:
            raise RuntimeError("database unavailable")
        return real_ingest(raw, *args, **kwargs)

    monkeypatch.setattr(email_services, "ingest_one", database_refuses_the_second)
    assert mailbox.poll_mailbox() == 2
    assert len(cases()) == 2
    assert _messages(imap, "INBOX") == [_crlf(corpus("04"))]  # left for the next poll, not lost

    monkeypatch.setattr(email_services, "ingest_one", real_ingest)
    assert mailbox.poll_mailbox() == 1
    assert len(cases()) == 3
    assert _messages(imap, "INBOX") == []


def test_a_message_that_breaks_in_its_savepoint_leaves_the_batch_whole(app, imap, monkeypatch):
    # One transaction for the batch, a SAVEPOINT per message: the broken one is rolled back alone
    # and kept raw as unparseable; its neighbours keep their cases and acknowledgements.
    _append(imap, "01", "06", "18")
    real_record = email_services._record

    def breaks_on_the_second(parsed, raw, *args):
        if raw == _crlf(corpus("06")):
            real_record(parsed, raw, *args)
            raise RuntimeError("a bug half way through")
        return real_record(parsed, raw, *args)

    monkeypatch.setattr(email_services, "_record", breaks_on_the_second)
    assert mailbox.poll_mailbox() == 3
    assert len(cases()) == 2
    assert len(acknowledgements()) == 2
    outcomes = sorted(str(e.outcome) for e in db.session.scalars(select(InboundEmail)))
    assert outcomes == ["new_case", "new_case", "unparseable"]
    assert _messages(imap, "INBOX") == []


def test_a_failed_commit_leaves_the_whole_batch_in_the_mailbox(app, imap, monkeypatch):
    _append(imap, "01", "06")
    real_commit = db.session.commit
    calls = []

    def refuse_twice():  # the batch's first try and its one-savepoint-per-message second try
        if len(calls) < 2:
            calls.append(1)
            raise RuntimeError("the database went away at commit")
        return real_commit()

    monkeypatch.setattr(db.session, "commit", refuse_twice)
    assert mailbox.poll_mailbox() == 0
    if db.engine.dialect.name == "postgresql":
        assert cases() == []  # one transaction for the batch: nothing recorded
    # (pysqlite commits when the first SAVEPOINT of a transaction is released: on SQLite the
    # savepoint pass is a commit per message, the older behaviour, still committed before any move.)
    assert len(_messages(imap, "INBOX")) == 2  # nothing moved

    monkeypatch.setattr(db.session, "commit", real_commit)
    assert mailbox.poll_mailbox() == 2
    assert len(cases()) == 2  # each once, whichever way the first poll ended
    assert count(InboundEmail) == 2
    assert _messages(imap, "INBOX") == []


def test_messages_are_taken_in_batches(app, imap, monkeypatch):
    monkeypatch.setattr(mailbox, "BATCH_SIZE", 2)
    moves = []
    real_move = mailbox.move_to_processed
    monkeypatch.setattr(mailbox, "move_to_processed",
                        lambda client, uids, folder: (moves.append(list(uids)), real_move(client, uids, folder)))
    _append(imap, "01", "06", "18", "12")  # 12 repeats 01's Message-ID: a duplicate in a later batch
    assert mailbox.poll_mailbox() == 4
    assert [len(uids) for uids in moves] == [2, 2]
    assert len(cases()) == 3
    assert count(InboundEmail) == 3
    assert _messages(imap, "INBOX") == []


def test_copy_and_delete_when_the_server_cannot_move(app, imap, monkeypatch):
    real_has_capability = IMAPClient.has_capability
    monkeypatch.setattr(IMAPClient, "has_capability",
                        lambda self, capability: capability.upper() != "MOVE" and real_has_capability(self, capability))
    _append(imap, "01", "02")
    assert mailbox.poll_mailbox() == 2
    assert len(cases()) == 2
    assert _messages(imap, "INBOX") == []
    assert len(_messages(imap, PROCESSED)) == 2


def test_the_beat_task_polls_and_is_safe_to_run_twice(app, imap):
    _append(imap, "01", "12")  # the same Message-ID twice
    assert tasks.poll_mailbox.apply().get() == 2
    assert tasks.poll_mailbox.apply().get() == 0
    assert len(cases()) == 1
    assert count(InboundEmail) == 1
    assert len(_messages(imap, PROCESSED)) == 2


def test_no_mailbox_configured_is_a_no_op(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMAP_HOST", "")
    assert mailbox.poll_mailbox() == 0
    assert tasks.poll_mailbox.apply().get() == 0
