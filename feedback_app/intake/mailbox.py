"""Polling the Local Offer mailbox over IMAP: ingest each message, then move it, only after the commit."""
import logging
import socket
from datetime import UTC

from flask import current_app
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError

from feedback_app.intake.email_services import ingest_email

log = logging.getLogger(__name__)
FETCH_ITEMS = [b"BODY.PEEK[]", b"INTERNALDATE"]
TIMEOUT_SECONDS = 60
# The connection itself is broken: every later command would fail too, so stop this poll.
CONNECTION_ERRORS = (IMAPClientAbortError, socket.error, EOFError)


def poll_mailbox(limit=500):
    """Take up to `limit` messages from IMAP_FOLDER; returns how many were taken and moved.

    Each message is committed on its own, then moved to IMAP_PROCESSED_FOLDER. A crash between
    the two leaves it in the folder: the next poll finds its identity recorded and just moves it.
    One bad message never stops the rest. A no-op returning 0 when IMAP_HOST is not set.
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
        for uid in uids:
            try:
                if take_message(client, uid, processed_folder):
                    taken += 1
            except CONNECTION_ERRORS:
                log.exception("IMAP connection lost at message %s; the next poll carries on", uid)
                break
            except Exception:
                log.exception("IMAP message %s was left in the mailbox for the next poll", uid)
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


def take_message(client, uid, processed_folder):
    """Ingest one message (its own transaction), then move it; False if it has gone meanwhile."""
    response = client.fetch([uid], FETCH_ITEMS).get(uid)
    if not response or b"BODY[]" not in response:
        return False  # expunged by a concurrent poll
    internal_date = response.get(b"INTERNALDATE")
    received_at = _as_utc(internal_date) if internal_date is not None else None
    result = ingest_email(response[b"BODY[]"], source="imap", received_at=received_at)
    log.info("IMAP message %s: %s %s", uid, result.outcome, result.case_reference or "")
    move_to_processed(client, uid, processed_folder)
    return True


def move_to_processed(client, uid, folder):
    if client.has_capability("MOVE"):
        client.move([uid], folder)
        return
    client.copy([uid], folder)
    client.delete_messages([uid])
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])
    else:
        client.expunge()


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
