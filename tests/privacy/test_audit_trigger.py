"""The audit trail stays append-only on PostgreSQL, except the payload scrub anonymisation performs."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from feedback_app.audit.services import record_event
from feedback_app.extensions import db
from tests.factories import make_case


@pytest.fixture
def postgres_event(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    case = make_case()
    event = record_event("case.note", subject=case, case=case, after={"contact_email": "a@example.org"})
    db.session.commit()
    return event.id


def test_plain_updates_and_deletes_are_still_refused(postgres_event):
    for statement in ("UPDATE audit_events SET after = NULL WHERE id = :id", "DELETE FROM audit_events WHERE id = :id"):
        with pytest.raises(DBAPIError):
            db.session.execute(text(statement), {"id": postgres_event})
        db.session.rollback()


def test_the_scrub_setting_allows_payloads_only(postgres_event):
    db.session.execute(text("SELECT set_config('feedback.audit_scrub', 'on', true)"))
    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE audit_events SET action = 'x' WHERE id = :id"), {"id": postgres_event})
    db.session.rollback()
    db.session.execute(text("SELECT set_config('feedback.audit_scrub', 'on', true)"))
    db.session.execute(text("UPDATE audit_events SET after = NULL WHERE id = :id"), {"id": postgres_event})
    db.session.execute(text("SELECT set_config('feedback.audit_scrub', 'off', true)"))
    with pytest.raises(DBAPIError):
        db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": postgres_event})
    db.session.rollback()
