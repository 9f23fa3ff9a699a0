"""Opening cases: references, deadlines and the audit trail."""
import threading
from datetime import date

import pytest
from sqlalchemy import text

from feedback_app.audit.models import AuditEvent, AuditIsAppendOnly
from feedback_app.cases.models import Case, Channel
from feedback_app.cases.services import open_case
from feedback_app.extensions import db
from tests.factories import make_case


def test_a_case_gets_a_reference_and_working_day_deadlines(app):
    # Friday 18 December 2026: Christmas Day and Boxing Day (substitute Monday 28th) are not working days.
    case = make_case(received_on=date(2026, 12, 18))
    assert case.reference == "LO-2026-00001"
    assert case.acknowledge_by == date(2026, 12, 23)
    assert case.respond_by == date(2027, 1, 20)  # 20 working days, New Year's Day excluded too


def test_opening_a_case_is_audited(app):
    case = make_case(channel=Channel.PHONE)
    event = db.session.query(AuditEvent).filter_by(case_id=case.id).one()
    assert event.action == "case.opened"
    assert event.after["channel"] == "phone"


def test_audit_events_cannot_be_changed_through_the_orm(app):
    make_case()
    event = db.session.query(AuditEvent).first()
    event.action = "tampered"
    with pytest.raises(AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_postgresql_itself_refuses_to_change_audit_events(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; the ORM guard above covers SQLite")
    make_case()
    with pytest.raises(Exception, match="append-only"):
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE audit_events SET action = 'tampered'"))


def test_references_are_unique_when_cases_are_opened_concurrently(app):
    references, errors = [], []

    def submit():
        with app.app_context():
            try:
                for _ in range(5):
                    case = open_case(channel=Channel.WEB, received_on=date(2026, 11, 2), body="x")
                    db.session.commit()
                    references.append(case.reference)
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(references) == len(set(references)) == 20
    assert db.session.query(Case).count() == 20
    assert all(reference.startswith("LO-2026-") for reference in references)
