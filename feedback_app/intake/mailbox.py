"""Polling the Local Offer mailbox over IMAP: ingest each message, then move it, only after the commit."""
import logging
import socket
from datetime import UTC

from flask import current_app
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError

from feedback_app.intake.email_batches import ingest_emails

log = logging.getLogger(__name__)
FETCH_ITEMS = [b"BODY.PEEK[]", b"INTERNALDATE"]
TIMEOUT_SECONDS = 60
# Messages fetched in one command and committed in one transaction. Larger batches gain little, and
# a crash between a commit and its move leaves at most this many to move on the next poll.
BATCH_SIZE = 100
# The connection itself is broken: every later command would fail too, so stop this poll.
CONNECTION_ERRORS = (IMAPClientAbortError, socket.error, EOFError)


def poll_mailbox(limit=500):
    """Take up to `limit` messages from IMAP_FOLDER; returns how many were taken and moved.

    Messages are fetched, recorded and committed a batch at a time (one commit per batch; a batch
    that fails is taken again with a savepoint per message, see email_batches), and only then
    moved to IMAP_PROCESSED_FOLDER, in one command. A crash between the two leaves them in the
    folder: the next poll finds their identities recorded and just moves them. One bad message
    never stops the rest. A no-op returning 0 when IMAP_HOST is not set.
    """
    config = current_app.config
    if not config.get("IMAP_HOST"):
        return 0
    processed_folder = config["IMAP_PROCESSED_FOLDER"]
    client = connect(config)
    try:
        ensure_folder(client, processed_folder)
        client.select_folder(config["IMAP_FOLDER"])
        # Skips messages marked deleted by a copy-and-delete that crashed before its expunge.
        uids = sorted(client.search(["UNDELETED"]))[:limit]
        taken = 0
        for start in range(0, len(uids), BATCH_SIZE):
            batch = uids[start:start + BATCH_SIZE]
            try:
                taken += take_messages(client, batch, processed_folder)
            except CONNECTION_ERRORS:
                log.exception("IMAP connection lost at messages %s-%s; the next poll carries on", batch[0], batch[-1])
                break
            except Exception:
                log.exception("IMAP messages %s-%s were left in the mailbox for the next poll", batch[0], batch[-1])
        return taken
    finally:
        _logout(client)


def connect(config):
    client = IMAPClient(config["IMAP_HOST"], port=config["IMAP_PORT"], ssl=config["IMAP_SSL"],
                        timeout=TIMEOUT_SECONDS)
    client.normalise_times = False  # INTERNALDATE with its zone, not as naive local time
    try:
        client.login(config["IMAP_USERNAME"], config["IMAP_PASSWORD"])
    except Exception:
        _logout(client)
        raise
    return client


def ensure_folder(client, folder):
    if client.folder_exists(folder):
        return
    try:
        client.create_folder(folder)
    except IMAPClient.Error:
        if not client.folder_exists(folder):  # else another poll created it at the same moment
            raise


def take_messages(client, uids, processed_folder):
    """Fetch `uids` in one command, record them in one transaction, then move those recorded, in one command.

    Returns how many were taken; a message gone meanwhile (a concurrent poll) is skipped, and one
    that could not be recorded at all stays in the folder for the next poll.
    """
    responses = client.fetch(uids, FETCH_ITEMS)
    present = [uid for uid in uids if b"BODY[]" in responses.get(uid, {})]
    if not present:
        return 0
    results = ingest_emails([(responses[uid][b"BODY[]"], _received_at(responses[uid])) for uid in present],
                            source="imap")
    done = []
    for uid, result in zip(present, results):
        if result is not None:
            log.info("IMAP message %s: %s %s", uid, result.outcome, result.case_reference or "")
            done.append(uid)
    if done:
        move_to_processed(client, done, processed_folder)
    return len(done)


def move_to_processed(client, uids, folder):
    if client.has_capability("MOVE"):
        client.move(uids, folder)
        return
    client.copy(uids, folder)
    client.delete_messages(uids)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:
        client.expunge()


def _received_at(response):
    internal_date = response.get(b"INTERNALDATE")
    return _as_utc(internal_date) if internal_date is not None else None


def _as_utc(moment):
    if moment.tzinfo is None:  # a server that sent no zone: take it as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _logout(client):
    try:
        client.logout()
    except Exception:  # a connection that is already gone has nothing to log out of
        log.debug("IMAP logout failed", exc_info=True)
        try:
            client.shutdown()  # but its socket is still open: close it, or every dropped poll leaks one
        except Exception:
            log.debug("IMAP socket already closed", exc_info=True)
