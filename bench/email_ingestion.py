"""Email ingestion: messages through the real IMAP server and the app's mailbox poller, against bare imapclient.

N messages (1,000 at the default size, 20 at tiny) are appended to a folder of their own on the
test IMAP server (Dovecot). The baseline fetches each one by UID with imapclient and parses it with
the standard library's `email` (what any poller must at least do); the app side is
`poll_mailbox()`: fetch, parse, thread onto a case or open one, audit, queue the acknowledgement,
commit, then move the message to the processed folder. One in five messages is a reply to an
existing case (its reference in the subject, from the case's own address), so threading is exercised.
"""
import email
import email.policy
import os
import sys
import time
import uuid
from email.message import EmailMessage

import _common
from _generate import ensure_dataset

TARGET = 0.5
FOLDER = "BenchInbox"
PROCESSED = "BenchProcessed"


def main():
    _common.header("email ingestion")
    imap = _imap_settings()
    url = ensure_dataset()
    count = int(os.environ.get("BENCH_MESSAGES", 20 if _common.is_tiny() else 1000))
    from feedback_app import create_app

    app = create_app(_common.bench_config(url, IMAP_HOST=imap["host"], IMAP_PORT=imap["port"], IMAP_SSL=False,
                                          IMAP_USERNAME=imap["user"], IMAP_PASSWORD=imap["password"],
                                          IMAP_FOLDER=FOLDER, IMAP_PROCESSED_FOLDER=PROCESSED))
    with _common.connect(url) as connection:
        marks = _common.snapshot(connection)
        replies_to = connection.execute(
            "SELECT reference, contact_email FROM cases WHERE contact_email <> '' ORDER BY id DESC LIMIT 50").fetchall()
    app_rates, base_rates, all_taken = [], [], True
    try:
        for _ in range(_common.runs(3)):
            _fill(imap, _messages(count, replies_to))
            seconds, parsed = _common.timed(_bare, imap)
            assert parsed == count, (parsed, count)
            base_rates.append(count / seconds)
            seconds, taken = _common.timed(_poll, app, count)
            app_rates.append(count / seconds)
            all_taken &= taken == count
            print(f"  run: baseline {count} in {count / base_rates[-1]:.2f} s, app {taken} taken in {seconds:.2f} s",
                  flush=True)
    finally:
        with _common.connect(url) as connection:
            _common.restore(connection, marks)
        _fill(imap, [])
    passed = _common.report(f"messages ingested ({count} per run)", measured=_common.median(app_rates),
                            baseline=_common.median(base_rates), unit="msg/s", target=TARGET, higher_is_better=True)
    passed &= _common.check("every message taken", all_taken, f"{count} per run:")
    _common.finish(passed)


def _imap_settings():
    def setting(name):
        return os.environ.get(f"BENCH_IMAP_{name}") or os.environ.get(f"TEST_IMAP_{name}") or ""

    settings = {"host": setting("HOST"), "port": int(setting("PORT") or 143), "user": setting("USER"),
                "password": setting("PASSWORD")}
    if not settings["host"]:
        print("SKIP: set TEST_IMAP_HOST, TEST_IMAP_PORT, TEST_IMAP_USER and TEST_IMAP_PASSWORD (an IMAP server).")
        sys.exit(0)
    return settings


def _client(imap):
    from imapclient import IMAPClient

    client = IMAPClient(imap["host"], port=imap["port"], ssl=False, timeout=60)
    client.login(imap["user"], imap["password"])
    return client


def _messages(count, replies_to):
    run = uuid.uuid4().hex[:8]
    messages = []
    for number in range(count):
        message = EmailMessage()
        if replies_to and number % 5 == 4:
            reference, address = replies_to[number % len(replies_to)]
            message["Subject"] = f"Re: We have your feedback – reference {reference}"
            message["From"] = f"Sam Family <{address}>"
            message.set_content("Thank you. One more thing: the page about transport is still wrong.\n\n"
                                "> We have your feedback\n")
        else:
            message["Subject"] = f"Local Offer feedback {number}"
            message["From"] = f"Parent {number} <parent{run}{number}@example.org>"
            message.set_content(f"Hello,\n\nThe short breaks page still lists a scheme that closed last year "
                                f"({number}). Please update it.\n\nThanks\n")
            if number % 3 == 0:
                message.add_alternative(f"<p>Hello,</p><p>The short breaks page still lists a scheme that closed "
                                        f"last year ({number}).</p>", subtype="html")
        message["To"] = "localoffer@demo.example"
        message["Message-ID"] = f"<bench-{run}-{number}@example.org>"
        message["Date"] = email.utils.format_datetime(email.utils.localtime())
        messages.append(message.as_bytes())
    return messages


def _fill(imap, messages):
    """Empty the bench folders, then append `messages` to the inbox folder."""
    client = _client(imap)
    try:
        for folder in (FOLDER, PROCESSED):
            if not client.folder_exists(folder):
                client.create_folder(folder)
            client.select_folder(folder)
            uids = client.search(["ALL"])
            if uids:
                client.delete_messages(uids)
                client.expunge()
        for message in messages:
            client.append(FOLDER, message)
    finally:
        client.logout()


def _bare(imap):
    """The limit: connect, list the folder, fetch each message by UID, parse it and read its text."""
    client = _client(imap)
    try:
        client.select_folder(FOLDER)
        parsed = 0
        for uid in sorted(client.search(["UNDELETED"])):
            raw = client.fetch([uid], [b"BODY.PEEK[]", b"INTERNALDATE"])[uid][b"BODY[]"]
            message = email.message_from_bytes(raw, policy=email.policy.default)
            body = message.get_body(preferencelist=("plain", "html"))
            parsed += body is not None and bool(message["Message-ID"])
        return parsed
    finally:
        client.logout()


def _poll(app, count):
    from feedback_app.intake.mailbox import poll_mailbox

    with app.app_context():
        return poll_mailbox(limit=count)


if __name__ == "__main__":
    main()
