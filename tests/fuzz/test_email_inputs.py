"""Hypothesis on email intake: random and mutated MIME always parse to an outcome, and are always recorded."""
import logging

from hypothesis import given
from sqlalchemy import func, select

from feedback_app.extensions import db
from feedback_app.intake.email_parsing import MessageKind, parse_message
from feedback_app.intake.email_services import DUPLICATE, ingest_email
from feedback_app.intake.models import InboundEmail, InboundOutcome
from tests.fuzz.strategies import FUZZ, raw_email

READ_FAILURE = "The message could not be read ("  # parse_message's own safety net: a bug, not a bad message


def database_safe(text):
    return text is None or ("\x00" not in text and text.encode("utf-8", "strict") is not None)


@FUZZ
@given(raw=raw_email)
def test_the_parser_reads_any_bytes_without_falling_into_its_safety_net(raw):
    parsed = parse_message(raw)
    assert parsed.kind in set(MessageKind)
    # The parser's catch-all turns an exception into UNPARSEABLE; reaching it means a bug in our code,
    # since the standard library's parser reads anything. Say which.
    assert not parsed.kind_reason.startswith(READ_FAILURE), parsed.kind_reason
    for text in (parsed.subject, parsed.text, parsed.html, parsed.from_address, parsed.from_name, parsed.message_id):
        assert database_safe(text), repr(text)[:200]
    for attachment in parsed.attachments:
        assert "/" not in attachment.filename and "\\" not in attachment.filename and "\x00" not in attachment.filename


def test_ingest_takes_any_message_once_with_an_outcome(app, caplog):
    outcomes = {str(outcome) for outcome in InboundOutcome} | {DUPLICATE}

    @FUZZ
    @given(raw=raw_email)
    def ingest(raw):
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="feedback_app.intake.email_services"):
            result = ingest_email(raw, source="file")
        assert str(result.outcome) in outcomes
        # The "keep it raw" fallback is for the unforeseen: hostile input must not need it.
        assert not [record for record in caplog.records if record.levelno >= logging.ERROR], caplog.text[:2000]
        again = ingest_email(raw, source="file")
        assert again.outcome == DUPLICATE and again.inbound_email_id == result.inbound_email_id

    ingest()
    assert db.session.scalar(select(func.count()).select_from(InboundEmail)) > 0
