"""`flask intake email FILE...`: the same intake as the mailbox, one line per message."""
import pytest

from feedback_app.intake.email_cli import intake_cli
from tests.intake.email_support import EMAILS, acknowledgements, cases, corpus


@pytest.fixture
def run(app, monkeypatch):
    monkeypatch.setattr("feedback_app.outbox.services.enqueue", lambda name, *args: None)
    if "intake" not in app.cli.commands:  # until create_app registers it
        app.cli.add_command(intake_cli)
    runner = app.test_cli_runner()

    def invoke(*args, stdin=None):
        return runner.invoke(args=["intake", "email", *args], input=stdin)

    return invoke


def test_files_print_their_case_or_the_reason(app, run):
    files = [str(EMAILS / name) for name in ("01-plain.eml", "16-spam.eml", "12-duplicate-of-01.eml")]
    result = run(*files)
    assert result.exit_code == 0, result.output
    (case,) = cases()
    lines = result.output.splitlines()
    assert lines[0] == f"{files[0]}: {case.reference} (new case)"
    assert lines[1].startswith(f"{files[1]}: no case – Marked as spam by the mail filter")
    assert lines[2].startswith(f"{files[2]}: no case – Already received")
    assert len(lines) == 3
    assert len(acknowledgements()) == 1


def test_a_reply_says_which_case_it_joined(app, run):
    run(str(EMAILS / "01-plain.eml"))
    result = run(str(EMAILS / "08-reply-with-reference.eml"))
    (case,) = cases()
    assert result.output == f"{EMAILS / '08-reply-with-reference.eml'}: {case.reference} (added to an existing case)\n"


def test_stdin_is_read_when_given_a_dash_or_nothing(app, run):
    first = run("-", stdin=corpus("18"))
    second = run(stdin=corpus("01"))
    assert first.exit_code == 0 and second.exit_code == 0
    references = [case.reference for case in cases()]
    assert first.output == f"<stdin>: {references[0]} (new case)\n"
    assert second.output == f"<stdin>: {references[1]} (new case)\n"


def test_a_missing_file_is_reported_and_the_rest_still_taken(app, run, tmp_path):
    missing = tmp_path / "missing.eml"
    result = run(str(missing), str(EMAILS / "01-plain.eml"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{missing}: no case – could not read the file")
    assert lines[1].endswith("(new case)")
    assert len(cases()) == 1
