"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts, for the tests that send email."""
from contextlib import contextmanager
from email import message_from_bytes

from aiosmtpd.controller import Controller

from tests.conftest import free_port


class SmtpSink:
    """An aiosmtpd handler keeping (recipients, message) for every message it accepts."""

    def __init__(self):
        self.messages = []
        self.port = None

    def keep(self, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))

    async def handle_DATA(self, server, session, envelope):
        self.keep(envelope)
        return "250 OK"


@contextmanager
def serving(sink):
    """Run `sink` as an SMTP server on a free loopback port (sink.port) until the block ends."""
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    try:
        yield sink
    finally:
        controller.stop()
