"""Inbound email a batch at a time: one transaction and one commit, a savepoint per message only when needed."""
import logging

from sqlalchemy import select

from feedback_app.cases.services import next_ids
from feedback_app.common.types import utcnow
from feedback_app.extensions import db
from feedback_app.intake import email_services as single
from feedback_app.intake.models import InboundEmail

log = logging.getLogger(__name__)
# Small pages for the batch's multi-row INSERT…RETURNING: psycopg re-parses any statement of over
# 50 parameters on every execution (about 11 ms for a 100-row page), and small ones only once.
INSERT_PAGE_ROWS = 5


def ingest_emails(messages, *, source="imap"):
    """Take a batch of (raw, received_at or None) in one transaction; one result per message.

    First all together (their rows go in a few multi-row INSERTs); if anything fails, the batch
    is rolled back and taken again with a SAVEPOINT per message, so a bad message is rolled back
    alone and kept raw as unparseable, or, when even that fails, left out (None: the caller leaves
    it for the next poll). Raises when that commit fails too: nothing of the batch was recorded.
    """
    batch = [(bytes(raw), received_at or utcnow()) for raw, received_at in messages]
    parsed = [single.parse_raw(raw) for raw, _received_at in batch]
    identities = [single.identity_of(result.identity if result is not None else "", raw)
                  for (raw, _received_at), (result, _error) in zip(batch, parsed)]
    try:
        results = _take_batch(batch, parsed, identities, source, isolate=False)
        db.session.commit()
        return results
    except Exception:
        db.session.rollback()
        log.info("a batch of %d emails failed together; taking it again one savepoint per message", len(batch),
                 exc_info=True)
    try:
        results = _take_batch(batch, parsed, identities, source, isolate=True)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return results


def _take_batch(batch, parsed, identities, source, *, isolate):
    db.session.connection().execution_options(insertmanyvalues_page_size=INSERT_PAGE_ROWS)
    # Which identities are already taken, asked once for the batch; a twin later in it is found here too.
    known = dict.fromkeys(identities)
    known.update({inbound.identity: inbound for inbound in db.session.scalars(
        select(InboundEmail).where(InboundEmail.identity.in_(identities)))})
    # The inbound rows' keys in one round trip (internal ids: a duplicate's unused key is a harmless gap).
    keys = next_ids("inbound_emails", len(batch))
    results = []
    for (raw, received_at), ready, key in zip(batch, parsed, keys):
        if not isolate:  # the optimistic pass: any error undoes the whole batch, taken again isolated
            results.append(single.ingest_one(raw, source, received_at, known=known, parsed=ready, isolate=False,
                                             inbound_id=key))
            continue
        try:
            results.append(single.ingest_one(raw, source, received_at, known=known, parsed=ready, inbound_id=key))
        except Exception:  # not even the unparseable record could be written: the next poll tries again
            log.exception("an email could not be recorded; it stays in the mailbox")
            results.append(None)
    return results
