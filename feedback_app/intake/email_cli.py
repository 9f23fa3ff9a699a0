"""`flask intake email FILE...`: take .eml files (or stdin) through the same path as the mailbox."""
import sys

import click
from flask.cli import AppGroup

from feedback_app.extensions import db
from feedback_app.intake.email_services import ingest_email
from feedback_app.intake.models import InboundOutcome

intake_cli = AppGroup("intake", help="Take feedback in from outside the web form.")

HOW = {
    InboundOutcome.NEW_CASE: "new case",
    InboundOutcome.JOINED_CASE: "added to an existing case",
    InboundOutcome.POSSIBLE_FOLLOW_UP: "new case, possible follow-up",
}


@intake_cli.command("email")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
def email_command(files):
    """Take each FILE (one raw message, e.g. a .eml file; "-" or none for stdin) as an inbound email.

    Prints one line per message: its case reference, or the reason it made none. Exits 1 if a
    file could not be read or a message could not be recorded.
    """
    failed = False
    for name in files or ("-",):
        label = "<stdin>" if name == "-" else name
        try:
            raw = sys.stdin.buffer.read() if name == "-" else _read(name)
            result = ingest_email(raw, source="file")
        except OSError as error:
            failed = True
            click.echo(f"{label}: no case – could not read the file ({error.strerror or error})")
            continue
        except Exception as error:  # the database refused even the raw copy: say so, carry on
            db.session.rollback()
            failed = True
            click.echo(f"{label}: no case – could not be recorded ({type(error).__name__}); try again")
            continue
        click.echo(describe(label, result))
    if failed:
        sys.exit(1)


def describe(label, result):
    if result.case_reference:
        line = f"{label}: {result.case_reference} ({HOW.get(result.outcome, result.outcome)})"
        if result.reason and result.outcome != InboundOutcome.JOINED_CASE:
            line += f" – {result.reason}"  # e.g. a possible follow-up, or an attachment left out
        return line
    return f"{label}: no case – {result.reason or result.outcome}"


def _read(name):
    with open(name, "rb") as handle:
        return handle.read()
