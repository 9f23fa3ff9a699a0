"""Helpers shared by the email intake tests: corpus messages and what the database holds."""
from sqlalchemy import func, select

from feedback_app.cases.models import Case
from feedback_app.extensions import db
from feedback_app.intake.email_services import ingest_email
from feedback_app.intake.models import InboundEmail
from feedback_app.outbox.models import OutboundEmail
from tests.conftest import CORPUS

EMAILS = CORPUS / "emails"


def corpus(name):
    """The raw bytes of a corpus message, by its number or file stem ("01" or "01-plain")."""
    matches = sorted(EMAILS.glob(f"{name}*.eml"))
    assert len(matches) == 1, f"no single corpus message named {name!r}"
    return matches[0].read_bytes()


def ingest_corpus(name, **kwargs):
    return ingest_email(corpus(name), source="file", **kwargs)


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def cases():
    return db.session.scalars(select(Case).order_by(Case.id)).all()


def inbound(result):
    return db.session.get(InboundEmail, result.inbound_email_id)


def acknowledgements(to=None):
    query = select(OutboundEmail).where(OutboundEmail.purpose == "auto-acknowledgement").order_by(OutboundEmail.id)
    if to is not None:
        query = query.where(OutboundEmail.to_address == to)
    return db.session.scalars(query).all()
