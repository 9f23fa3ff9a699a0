"""The IMAP connection dropped in the middle of a batch: after the next poll, each message is one case."""
import socket
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from imapclient import IMAPClient
from sqlalchemy import func, select

from feedback_app.cases.models import Case
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.intake import mailbox
from feedback_app.intake.models import InboundEmail
from tests.conftest import require_env

pytestmark = pytest.mark.reliability
MESSAGES = 6
BATCH = 2  # messages committed together, then moved together
DROP_AT = 2  # the connection breaks after this batch is committed, just before it is moved


def _message(number):
    message = EmailMessage()
    message["From"] = f"Parent {number} <parent{number}@example.org>"
    message["To"] = "localoffer@demo.example"
    message["Subject"] = f"Feedback number {number} about the short breaks page"
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="example.org")
    message.set_content(f"Message {number}: the short breaks page lists a scheme that closed last year.")
    return message.as_bytes()


@pytest.fixture
def mailbox_folders(app, monkeypatch):
    """Folders of this test's own in the shared Dovecot user's mailbox, removed afterwards."""
    host, port = require_env("TEST_IMAP_HOST"), int(require_env("TEST_IMAP_PORT"))
    user, password = require_env("TEST_IMAP_USER"), require_env("TEST_IMAP_PASSWORD")
    token = uuid.uuid4().hex[:10]
    inbox, processed = f"rel-{token}", f"rel-{token}-done"
    monkeypatch.setattr("feedback_app.outbox.services.enqueue", lambda name, *args: None)
    for key, value in {"IMAP_HOST": host, "IMAP_PORT": port, "IMAP_SSL": False, "IMAP_USERNAME": user,
                       "IMAP_PASSWORD": password, "IMAP_FOLDER": inbox, "IMAP_PROCESSED_FOLDER": processed}.items():
        monkeypatch.setitem(app.config, key, value)
    with IMAPClient(host, port=port, ssl=False, timeout=30) as client:
        client.login(user, password)
        client.create_folder(inbox)
        yield client, inbox, processed
        for folder in (inbox, processed):
            if client.folder_exists(folder):
                client.delete_folder(folder)


def _count(client, folder):
    client.select_folder(folder, readonly=True)
    uids = client.search("UNDELETED")
    client.unselect_folder()
    return len(uids)


def test_a_connection_dropped_mid_batch_loses_and_duplicates_nothing(app, mailbox_folders, monkeypatch):
    # Fails if ingest_email stops recognising a message it has already committed (the dropped one would
    # become a second case on the next poll), if a message were moved before its commit (a lost case),
    # or if poll_mailbox stopped on any error without moving on the next poll.
    client, inbox, processed = mailbox_folders
    for number in range(MESSAGES):
        client.append(inbox, _message(number))

    real_move = mailbox.move_to_processed
    moves = []

    def drop_before_move(imap, uids, folder):
        moves.append(uids)
        if len(moves) == DROP_AT:
            imap.socket().shutdown(socket.SHUT_RDWR)  # the network goes, from the client's side
        real_move(imap, uids, folder)

    monkeypatch.setattr(mailbox, "BATCH_SIZE", BATCH)
    monkeypatch.setattr(mailbox, "move_to_processed", drop_before_move)
    moved_first = BATCH * (DROP_AT - 1)
    assert mailbox.poll_mailbox() == moved_first
    # the dropped batch is committed
    assert db.session.scalar(select(func.count()).select_from(Case)) == BATCH * DROP_AT
    assert _count(client, inbox) == MESSAGES - moved_first

    monkeypatch.setattr(mailbox, "move_to_processed", real_move)
    assert mailbox.poll_mailbox() == MESSAGES - moved_first

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Case)) == MESSAGES
    assert db.session.scalar(select(func.count()).select_from(InboundEmail)) == MESSAGES
    assert db.session.scalar(select(func.count(func.distinct(InboundEmail.message_id)))) == MESSAGES
    assert _count(client, inbox) == 0
    assert _count(client, processed) == MESSAGES  # each moved once: no copies
