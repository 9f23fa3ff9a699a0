"""Delivering one built message: over SMTP, or into a folder for the embedded default."""
import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path


def build_message(email, *, sender):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = f"<{email.message_id}>"
    message["Date"] = formatdate(localtime=False)
    # We never want auto-replies to our own acknowledgements.
    message["Auto-Submitted"] = "auto-generated" if email.purpose.startswith("auto") else "no"
    if email.in_reply_to:
        message["In-Reply-To"] = f"<{email.in_reply_to}>"
    if email.references:
        message["References"] = " ".join(f"<{ref}>" for ref in email.references.split())
    message.set_content(email.body_text)
    return message


def deliver(message, config):
    if config["MAIL_BACKEND"] == "folder":
        folder = Path(config["MAIL_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("/", "_")
        (folder / f"{name}.eml").write_bytes(bytes(message))
        return
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=config["SMTP_TIMEOUT"]) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
